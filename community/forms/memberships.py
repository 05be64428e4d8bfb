"""Forms of linking yourself to an organisation: search, ask, propose, decide (on the site and,
for proposals, in the CMS). They only parse; `community.services.memberships` decides."""

import re
import unicodedata

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from ..models import Membership, MembershipRequest, Municipality, Organisation, Postcode
from .admin import HttpsURLField, MunicipalitiesField

MESSAGE_MAX_LENGTH = 1000


class OrganisationSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Name or municipality of your organisation"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search"}),
    )

    def query(self) -> str:
        if not self.is_bound or not self.is_valid():
            return ""
        return self.cleaned_data["q"].replace("\x00", "").strip()


def _role_field():
    return forms.ChoiceField(label=_("Your role"), choices=Membership.Role.choices, widget=forms.RadioSelect)


def _message_field():
    return forms.CharField(
        label=_("Message to the people who decide (optional)"),
        help_text=_("For example since when you work there. They read it with your request."),
        required=False,
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class MembershipRequestForm(forms.Form):
    role = _role_field()
    message = _message_field()


def _plain(text: str) -> str:
    """Lower case, without accents, hyphens or double spaces: "Sint-Niklaas" is "sint niklaas"."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(char for char in text if not unicodedata.combining(char))
    return " ".join(text.casefold().replace("-", " ").split())


def municipalities_from_text(text: str) -> tuple[list[Municipality], list[str]]:
    """The municipalities named in `text` (Dutch or French names, or postcodes, separated by commas,
    semicolons or new lines), and the names that match none. Two queries."""
    wanted = [part.strip() for part in re.split(r"[,;\n]", text) if part.strip()]
    if not wanted:
        return [], []
    by_name: dict[str, Municipality] = {}
    for municipality in Municipality.objects.all():
        for name in (municipality.name_nl, municipality.name_fr, str(municipality)):
            if name:
                by_name.setdefault(_plain(name), municipality)
    codes = [part for part in wanted if re.fullmatch(r"\d{4}", part)]
    by_code: dict[str, list[Municipality]] = {}
    for postcode in Postcode.objects.filter(code__in=codes).select_related("municipality"):
        by_code.setdefault(postcode.code, []).append(postcode.municipality)
    found: dict[int, Municipality] = {}
    unknown = []
    for part in wanted:
        matches = by_code.get(part) if part in codes else [by_name[_plain(part)]] if _plain(part) in by_name else None
        if not matches:
            unknown.append(part)
        for municipality in matches or []:
            found.setdefault(municipality.pk, municipality)
    return list(found.values()), unknown


class OrganisationProposalForm(forms.Form):
    name = forms.CharField(label=_("Name of the organisation"), max_length=150)
    kind = forms.ChoiceField(label=_("Kind"), choices=Organisation.Kind.choices, widget=forms.RadioSelect)
    municipalities = forms.CharField(
        label=_("Municipalities"),
        help_text=_(
            "Where it works; for a Huis van het Kind, the municipalities it covers. Separate them with "
            "commas, for example: Geel, Laakdal. A postcode works too."
        ),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    website = HttpsURLField(label=_("Website (optional)"), required=False, max_length=200)
    role = _role_field()
    message = _message_field()

    def clean_municipalities(self):
        municipalities, unknown = municipalities_from_text(self.cleaned_data["municipalities"])
        if unknown:
            raise forms.ValidationError(
                _("We do not know these municipalities: %(names)s. Check the spelling, or use the postcode.")
                % {"names": ", ".join(unknown)},
                code="unknown_municipality",
            )
        return municipalities


class MembershipDecisionForm(forms.Form):
    """Approve, or decline with a reason the person reads. The buttons carry `decision`."""

    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("decline", _("Decline"))])
    reason = forms.CharField(
        label=_("Reason, if you decline"),
        help_text=_("The person reads it. For example: we do not know you as a colleague; mail us first."),
        required=False,
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "decline" and not cleaned.get("reason", "").strip():
            self.add_error("reason", _("Write why you decline: the person reads it."))
        return cleaned


class ProposalDecisionAdminForm(WagtailAdminModelForm):
    """The CMS form of a proposed organisation: accept it (as corrected here), merge it with a listed
    organisation, or decline it with a reason."""

    ACCEPT, MERGE, DECLINE = "accept", "merge", "decline"

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            (ACCEPT, _("Accept: add the organisation below and link the person to it")),
            (MERGE, _("Merge: it is already listed; link the person to that organisation")),
            (DECLINE, _("Decline, with a reason")),
        ],
        widget=forms.RadioSelect,
    )
    proposed_municipalities = MunicipalitiesField(required=False)
    merge_into = forms.ModelChoiceField(
        label=_("Listed organisation (to merge)"),
        queryset=Organisation.objects.order_by("name"),
        required=False,
    )
    reason = forms.CharField(
        label=_("Reason (to decline)"),
        help_text=_("The person reads it."),
        required=False,
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    class Meta:
        model = MembershipRequest
        fields = ["proposed_name", "proposed_kind", "proposed_website", "proposed_municipalities"]
        field_classes = {"proposed_website": HttpsURLField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["proposed_name"].required = True
        self.fields["proposed_kind"].required = True
        if self.instance.pk and not self.is_bound:
            self.initial["proposed_municipalities"] = list(
                self.instance.proposed_municipalities.values_list("pk", flat=True)
            )

    def clean(self):
        cleaned = super().clean()
        decision = cleaned.get("decision")
        if decision == self.MERGE and not cleaned.get("merge_into"):
            self.add_error("merge_into", _("Choose the listed organisation to link the person to."))
        if decision == self.DECLINE and not cleaned.get("reason", "").strip():
            self.add_error("reason", _("Write why you decline: the person reads it."))
        return cleaned
