"""Forms of the intervision-group pages; the services decide, these only parse."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from ..models import IntervisionGroup, Region, User


class RegionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, region):
        return region.label


class GroupForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    description = forms.CharField(
        label=_("Description"), required=False, max_length=3000, widget=forms.Textarea(attrs={"rows": 5})
    )
    region = RegionChoiceField(
        label=_("Region"), required=False, queryset=Region.objects.order_by("kind", "name"), empty_label=_("No region")
    )
    visibility = forms.ChoiceField(
        label=_("Visibility"), choices=IntervisionGroup.Visibility.choices, widget=forms.RadioSelect
    )
    member_cap = forms.IntegerField(
        label=_("Maximum number of members"), min_value=2, max_value=100, help_text=_("Facilitators included.")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member_cap"].initial = settings.SAMENHUIS_GROUP_MEMBER_CAP
        self.fields["visibility"].initial = IntervisionGroup.Visibility.CLOSED


class GroupCreateForm(GroupForm):
    facilitator_email = forms.EmailField(
        label=_("E-mail address of the facilitator"),
        help_text=_("The facilitator needs an account on Samenhuis."),
    )

    def clean_facilitator_email(self):
        email = self.cleaned_data["facilitator_email"].strip().lower()
        person = User.objects.filter(email__iexact=email, is_active=True).first()
        if person is None:
            raise forms.ValidationError(_("There is no account with this e-mail address."))
        self.cleaned_data["facilitator"] = person
        return email


class JoinRequestForm(forms.Form):
    motivation = forms.CharField(
        label=_("Message to the facilitators (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class InvitationForm(forms.Form):
    # 254: what an address can be (RFC 5321) and what the invitation stores.
    email = forms.EmailField(
        label=_("E-mail address"), max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "off"})
    )
