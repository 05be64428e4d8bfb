"""Forms of the agenda and the meetings. The filters are a GET form with Dutch parameter names
(they are part of the addresses people share); a value that does not validate is ignored."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from community.models import Region
from knowledge.models import LifeDomain

from .models import MOMENT_RANGE_ERROR, EventType, GroupMeeting, MeetingResponse, RegistrationQuestion, moment_storable

MONTH_FORMAT = "%Y-%m"


class AgendaFilterForm(forms.Form):
    soort = forms.ChoiceField(label=_("Type"), required=False)
    regio = forms.ChoiceField(label=_("Region"), required=False)
    levensdomein = forms.ChoiceField(label=_("Life domain"), required=False)
    maand = forms.ChoiceField(label=_("Month"), required=False)

    def __init__(self, data, *, months: list[datetime.date], regions: list[Region], domains: list[LifeDomain]):
        super().__init__(data)
        self.regions = {region.slug: region for region in regions}
        self.domains = {domain.slug: domain for domain in domains}
        self.fields["soort"].choices = [("", _("All types")), *EventType.choices]
        self.fields["regio"].choices = [("", _("All regions")), *((r.slug, r.label) for r in regions)]
        self.fields["levensdomein"].choices = [("", _("All life domains")), *((d.slug, d.name) for d in domains)]
        self.fields["maand"].choices = [
            ("", _("All months")),
            *((month.strftime(MONTH_FORMAT), _date_label(month)) for month in months),
        ]

    def filters(self) -> dict:
        """The valid filters only: an outdated link still shows the agenda, without that filter."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        month = data.get("maand")
        return {
            "event_type": data.get("soort") or None,
            "region": self.regions.get(data.get("regio") or ""),
            "life_domain": self.domains.get(data.get("levensdomein") or ""),
            "month": datetime.datetime.strptime(month, MONTH_FORMAT).date() if month else None,
        }


def _date_label(month: datetime.date) -> str:
    from django.utils.formats import date_format

    return date_format(month, "F Y")


class RegistrationForm(forms.Form):
    """The event's registration questions, one field each (named by the question's id)."""

    def __init__(self, *args, questions: list[RegistrationQuestion], **kwargs):
        super().__init__(*args, **kwargs)
        for question in questions:
            name = str(question.pk)
            common = {"label": question.label, "required": question.required, "help_text": question.help_text}
            if question.kind == RegistrationQuestion.Kind.CHOICE:
                choices = [(option, option) for option in question.option_list]
                self.fields[name] = forms.ChoiceField(
                    choices=choices if question.required else [("", "—"), *choices], **common
                )
            elif question.kind == RegistrationQuestion.Kind.YES_NO:
                self.fields[name] = forms.ChoiceField(
                    choices=[("ja", _("Yes")), ("nee", _("No"))], widget=forms.RadioSelect, **common
                )
            else:
                self.fields[name] = forms.CharField(max_length=1000, widget=forms.Textarea(attrs={"rows": 2}), **common)


class AttendeesMailForm(forms.Form):
    subject = forms.CharField(label=_("Subject"), max_length=150)
    body = forms.CharField(label=_("Message"), max_length=10000, widget=forms.Textarea(attrs={"rows": 8}))

    def clean_subject(self):
        subject = self.cleaned_data["subject"]
        if "\n" in subject or "\r" in subject:
            raise forms.ValidationError(_("Keep the subject on one line."))
        return subject


class LocalDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class MeetingForm(forms.ModelForm):
    class Meta:
        model = GroupMeeting
        fields = ["title", "starts_at", "ends_at", "agenda", "online_url", "location"]
        widgets = {
            "starts_at": LocalDateTimeInput(),
            "ends_at": LocalDateTimeInput(),
            "agenda": forms.Textarea(attrs={"rows": 6}),
        }

    def clean(self):
        data = super().clean()
        starts_at, ends_at = data.get("starts_at"), data.get("ends_at")
        for name, moment in (("starts_at", starts_at), ("ends_at", ends_at)):
            if moment and not moment_storable(moment):
                self.add_error(name, MOMENT_RANGE_ERROR)
        starts_at, ends_at = data.get("starts_at"), data.get("ends_at")
        if starts_at and ends_at and ends_at <= starts_at:
            self.add_error("ends_at", _("The end must come after the start."))
        if starts_at and not self.instance.pk and starts_at < timezone.now():
            self.add_error("starts_at", _("Plan the meeting in the future."))
        if not data.get("online_url") and not (data.get("location") or "").strip():
            self.add_error("location", _("Give a link to the online meeting or a location."))
        return data


class MeetingResponseForm(forms.Form):
    answer = forms.ChoiceField(
        label=_("Will you be there?"), choices=MeetingResponse.Answer.choices, widget=forms.RadioSelect
    )
