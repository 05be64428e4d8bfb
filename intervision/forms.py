"""The forms of the session pages (intervision/views.py). They parse and check the input; every rule
about sessions is the services' (intervision/services.py), so a form never saves anything itself.

A form whose text may name identifiers (the case, a contribution, an action point) has the
checkbox `confirmed`, shown only after the services found some (`IdentifiersFound`): ticked and
sent again, the text is saved anyway.
"""

import datetime
import uuid
import zoneinfo

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .models import CASE_MAX_LENGTH, TEXT_MAX_LENGTH, ActionPoint, Collects, Speakers
from .services import CONTROLS, OBSERVERS_MAX, RETENTION_MONTHS_MAX

CONFIRM_LABEL = _("I checked this: save anyway")


class ConfirmForm(forms.Form):
    """A form with the identifiers checkbox, which its template shows only when `ask_confirmation`."""

    confirmed = forms.BooleanField(label=CONFIRM_LABEL, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.ask_confirmation = False

    def identifiers_found(self, error) -> None:
        """The services found likely identifiers: say so at the form and ask to confirm."""
        self.add_error(None, error.messages)
        self.ask_confirmation = True


class SessionPlanForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=150)
    method = forms.ModelChoiceField(label=_("Method"), queryset=None, empty_label=None)
    planned_date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    planned_time = forms.TimeField(label=_("Time"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    presenter = forms.ModelChoiceField(label=_("Case presenter"), queryset=None)
    timekeeper = forms.ModelChoiceField(label=_("Timekeeper (optional)"), queryset=None, required=False)
    meeting = forms.ModelChoiceField(label=_("Meeting (optional)"), queryset=None, required=False)

    def __init__(self, *args, methods, members, meetings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["method"].queryset = methods
        for name in ("presenter", "timekeeper"):
            self.fields[name].queryset = members
            self.fields[name].label_from_instance = lambda person: person.display_name
        self.fields["meeting"].queryset = meetings
        self.fields["meeting"].label_from_instance = lambda meeting: "{}, {}".format(
            meeting.title, timezone.localtime(meeting.starts_at).strftime("%d/%m/%Y %H:%M")
        )

    def clean(self):
        data = super().clean()
        day, moment = data.get("planned_date"), data.get("planned_time")
        if day and moment:
            zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
            data["planned_for"] = datetime.datetime.combine(day, moment, tzinfo=zone)
        return data


class CaseForm(ConfirmForm):
    case_text = forms.CharField(
        label=_("Case intake"),
        required=False,
        max_length=CASE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text=_("Describe the situation without names, addresses or other details that identify someone."),
    )


class ContributionForm(ConfirmForm):
    text = forms.CharField(
        label=_("Your contribution"), max_length=TEXT_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 4})
    )
    client_id = forms.CharField(max_length=64, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["client_id"] = uuid.uuid4().hex


class ActionPointForm(ConfirmForm):
    who = forms.CharField(label=_("Who"), max_length=120)
    what = forms.CharField(label=_("What"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))
    due = forms.DateField(
        label=_("By when (optional)"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )


class FollowUpForm(forms.Form):
    done = forms.BooleanField(label=_("Done"), required=False)
    note = forms.CharField(
        label=_("How did it go?"), required=False, max_length=TEXT_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 2})
    )

    @classmethod
    def for_point(cls, point: ActionPoint, **kwargs):
        initial = {"done": point.done_at is not None, "note": point.follow_up}
        return cls(prefix=f"punt-{point.pk}", initial=initial, **kwargs)


class ControlForm(forms.Form):
    """One of the facilitator's or timekeeper's buttons; `phase` is the phase the page showed, so
    a button pressed twice (or on a page left open) does not move the session twice."""

    ACTIONS = CONTROLS

    action = forms.ChoiceField(choices=[(action, action) for action in ACTIONS])
    phase = forms.IntegerField(required=False, widget=forms.HiddenInput)


class AdviceTakeForm(forms.Form):
    taken = forms.BooleanField(required=False)


class SessionSettingsForm(forms.Form):
    """The group's rules for its sessions (`services.session_settings_update`)."""

    retention_months = forms.IntegerField(
        label=_("Keep case texts for (months)"),
        min_value=1,
        max_value=RETENTION_MONTHS_MAX,
        help_text=_("After this, case texts and contributions are removed; the record's structure stays."),
    )
    observers_allowed = forms.BooleanField(label=_("Allow observers"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["observers_allowed"].help_text = gettext(
            "A facilitator may then let at most %(count)s people from outside the group follow a session. "
            "They read along and write nothing, and no longer see the session once it has ended. "
            "Switched off, the observers of sessions that have not ended lose their access."
        ) % {"count": OBSERVERS_MAX}


class ObserverForm(forms.Form):
    """Someone to observe a session: by e-mail address, or one of the facilitator's colleagues.
    Both look only among the people the facilitator may see named (`selectors.people_nameable_by`),
    so an address of someone else is answered as one without an account."""

    email = forms.EmailField(
        label=_("E-mail address"),
        required=False,
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    person = forms.TypedChoiceField(
        label=_("Or choose a colleague"), required=False, coerce=int, empty_value=None, choices=()
    )

    def __init__(self, *args, nameable, colleagues, **kwargs):
        super().__init__(*args, **kwargs)
        self.nameable = nameable
        if colleagues:
            self.fields["person"].choices = [("", "—"), *((person.pk, person.display_name) for person in colleagues)]
        else:
            del self.fields["person"]

    def clean(self):
        data = super().clean()
        email, person = data.get("email"), data.get("person")
        if self.errors:
            return data
        if bool(email) == bool(person):
            if "person" in self.fields:
                raise forms.ValidationError(_("Fill in an e-mail address or choose a colleague (one of the two)."))
            raise forms.ValidationError(_("Fill in an e-mail address."))
        if email:
            found = self.nameable.filter(email__iexact=email.strip()).first()
            if found is None:
                self.add_error("email", _("There is no account you can choose with this e-mail address."))
        else:
            found = self.nameable.filter(pk=person).first()
            if found is None:
                self.add_error("person", _("Choose one of the colleagues in the list."))
        data["observer"] = found
        return data


class MethodForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    description = forms.CharField(
        label=_("Description"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )


class PhaseForm(forms.Form):
    name = forms.CharField(label=_("Name of the phase"), max_length=120)
    purpose = forms.CharField(
        label=_("Purpose and guidance"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    minutes = forms.IntegerField(label=_("Minutes"), min_value=1, max_value=240)
    speakers = forms.ChoiceField(label=_("Who may contribute"), choices=Speakers.choices)
    collects = forms.ChoiceField(label=_("What it collects"), choices=Collects.choices)


class BasePhaseFormSet(forms.BaseFormSet):
    def clean(self):
        super().clean()
        if any(form.errors for form in self.forms if not self._should_delete_form(form)):
            return
        if not self.phases():
            raise forms.ValidationError(_("A method needs at least one phase."))

    def phases(self) -> list[dict]:
        """The phases to keep, in the order given (`ORDER`), without the deleted and empty ones."""
        kept = [form for form in self.forms if _filled(form) and not form.cleaned_data.get("DELETE")]
        kept.sort(key=lambda form: (form.cleaned_data.get("ORDER") is None, form.cleaned_data.get("ORDER") or 0))
        fields = ("name", "purpose", "minutes", "speakers", "collects")
        return [{field: form.cleaned_data[field] for field in fields} for form in kept]


def _filled(form) -> bool:
    return bool(form.cleaned_data and form.cleaned_data.get("name"))


PhaseFormSet = forms.formset_factory(
    PhaseForm, formset=BasePhaseFormSet, extra=1, can_order=True, can_delete=True, max_num=30, validate_max=True
)
