"""The forms of the needs, offers and roadmap pages (exchange/views.py). They parse and check the
input; every rule is the services' (exchange/services.py), whose refusals come back on the form
with the person's input kept."""

from django import forms
from django.forms.models import ModelChoiceIterator
from django.utils.translation import gettext_lazy as _

from community.forms.admin import MunicipalitiesField
from community.models import Organisation, Region
from knowledge.models import LifeDomain, TargetGroup, Theme

from .models import (
    NOTE_MAX_LENGTH,
    TEXT_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    Audience,
    MatchNotice,
    OfferFormat,
    OfferStatus,
    Urgency,
)

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
REGION_KINDS = (Region.Kind.PROVINCE, Region.Kind.BRUSSELS, Region.Kind.REFERENCE_REGION, Region.Kind.PRIMARY_CARE_ZONE)


class RegionChoiceIterator(ModelChoiceIterator):
    """The regions grouped by kind (provinces, reference regions, primary care zones)."""

    def __iter__(self):
        groups: dict[str, list] = {}
        for region in self.queryset:
            groups.setdefault(str(region.get_kind_display()), []).append(self.choice(region))
        yield from groups.items()


class RegionChoiceField(forms.ModelMultipleChoiceField):
    iterator = RegionChoiceIterator

    def __init__(self, **kwargs):
        super().__init__(
            queryset=Region.objects.filter(kind__in=REGION_KINDS).order_by("kind", "name"),
            widget=forms.SelectMultiple(attrs={"size": 8}),
            **kwargs,
        )

    def label_from_instance(self, region):
        return region.name


class OfferForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.none(), empty_label=None
    )
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX_LENGTH)
    description = forms.CharField(
        label=_("Description"), max_length=TEXT_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 6})
    )
    life_domains = forms.ModelMultipleChoiceField(
        label=_("Life domains"),
        queryset=LifeDomain.objects.order_by("sort_order", "name"),
        widget=forms.CheckboxSelectMultiple,
    )
    target_groups = forms.ModelMultipleChoiceField(
        label=_("Target groups"),
        queryset=TargetGroup.objects.order_by("sort_order", "name"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("None chosen: for every target group."),
    )
    format = forms.ChoiceField(label=_("Format"), choices=OfferFormat.choices)
    regions = RegionChoiceField(
        label=_("Regions covered"),
        required=False,
        help_text=_(
            "A province or region covers all its municipalities. Hold Ctrl (Cmd on a Mac) to choose more than one."
        ),
    )
    municipalities = MunicipalitiesField(
        label=_("Or separate municipalities"), required=False, help_text=_("Added to the regions you chose.")
    )
    cost = forms.CharField(
        label=_("Cost"), max_length=200, required=False, help_text=_("For example: free, €50 per session.")
    )
    contact_name = forms.CharField(label=_("Contact person"), max_length=120, required=False)
    contact_email = forms.EmailField(label=_("Contact e-mail address"), required=False)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=30, required=False)
    valid_until = forms.DateField(label=_("Valid until (optional)"), required=False, widget=DATE_WIDGET)
    audience = forms.ChoiceField(
        label=_("Who may read it"), choices=Audience.choices, widget=forms.RadioSelect, initial=Audience.PUBLIC
    )

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations

    def clean(self):
        data = super().clean()
        chosen = data.get("regions") or data.get("municipalities")
        if not chosen and "regions" not in self.errors and "municipalities" not in self.errors:
            self.add_error("regions", _("Choose the municipalities or regions the offer covers."))
        return data

    def service_data(self) -> dict:
        data = self.cleaned_data
        return {name: data[name] for name in self.fields if name != "organisation"}

    @staticmethod
    def initial_for(offer) -> dict:
        return {
            "organisation": offer.organisation_id,
            "title": offer.title,
            "description": offer.description,
            "life_domains": list(offer.life_domains.all()),
            "target_groups": list(offer.target_groups.all()),
            "format": offer.format,
            "regions": list(offer.regions.all()),
            "municipalities": [] if offer.regions.exists() else list(offer.municipalities.all()),
            "cost": offer.cost,
            "contact_name": offer.contact_name,
            "contact_email": offer.contact_email,
            "contact_phone": offer.contact_phone,
            "valid_until": offer.valid_until,
            "audience": offer.audience,
        }


class ThemeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, theme):
        return f"{theme.life_domain.name}: {theme.name}"


class NeedForm(forms.Form):
    house = forms.ModelChoiceField(label=_("Huis van het Kind"), queryset=Organisation.objects.none(), empty_label=None)
    title = forms.CharField(label=_("What are you looking for?"), max_length=TITLE_MAX_LENGTH)
    description = forms.CharField(
        label=_("Description"), max_length=TEXT_MAX_LENGTH, required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    life_domains = forms.ModelMultipleChoiceField(
        label=_("Life domains"),
        queryset=LifeDomain.objects.order_by("sort_order", "name"),
        widget=forms.CheckboxSelectMultiple,
    )
    theme = ThemeChoiceField(
        label=_("Key theme (optional)"),
        queryset=Theme.objects.select_related("life_domain").order_by("life_domain__sort_order", "sort_order", "name"),
        required=False,
    )
    target_groups = forms.ModelMultipleChoiceField(
        label=_("Target groups"),
        queryset=TargetGroup.objects.order_by("sort_order", "name"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("None chosen: for every target group."),
    )
    municipalities = MunicipalitiesField(
        label=_("Region"), required=False, help_text=_("Nothing chosen: the municipalities of your Huis.")
    )
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices, initial=Urgency.NORMAL)
    needed_by = forms.DateField(label=_("Until when (optional)"), required=False, widget=DATE_WIDGET)

    def __init__(self, *args, houses, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["house"].queryset = houses

    def service_data(self) -> dict:
        data = self.cleaned_data
        return {name: data[name] for name in self.fields if name != "house"}

    @staticmethod
    def initial_for(need) -> dict:
        return {
            "house": need.house_id,
            "title": need.title,
            "description": need.description,
            "life_domains": list(need.life_domains.all()),
            "theme": need.theme_id,
            "target_groups": list(need.target_groups.all()),
            "municipalities": list(need.municipalities.all()),
            "urgency": need.urgency,
            "needed_by": need.needed_by,
        }


class NeedCloseForm(forms.Form):
    ANSWERED, NOT_ANSWERED = "answered", "not_answered"

    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=[(ANSWERED, _("Answered by an offer")), (NOT_ANSWERED, _("Not answered"))],
        widget=forms.RadioSelect,
    )
    answered_by = forms.ModelChoiceField(
        label=_("Answered by"),
        queryset=None,
        required=False,
        empty_label="—",
        help_text=_("One of the matching offers."),
    )
    note = forms.CharField(
        label=_("Short note"), max_length=NOTE_MAX_LENGTH, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, offers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["answered_by"].queryset = offers
        self.fields["answered_by"].label_from_instance = lambda offer: f"{offer.title} ({offer.organisation.name})"

    def clean(self):
        data = super().clean()
        if data.get("outcome") == self.ANSWERED and not data.get("answered_by"):
            self.add_error("answered_by", _("Choose the offer that answered the need."))
        if data.get("outcome") == self.NOT_ANSWERED:
            data["answered_by"] = None
        return data


class FilterForm(forms.Form):
    """The filters of the lists: a GET form, so a list can be shared; a stale value is ignored."""

    domein = forms.ModelChoiceField(
        label=_("Life domain"),
        queryset=LifeDomain.objects.order_by("sort_order", "name"),
        required=False,
        to_field_name="slug",
        empty_label=_("All"),
    )
    regio = forms.ModelChoiceField(
        label=_("Region"),
        queryset=Region.objects.filter(kind__in=REGION_KINDS).order_by("kind", "name"),
        required=False,
        to_field_name="slug",
        empty_label=_("All"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["regio"].label_from_instance = lambda region: region.label

    def value(self, name):
        if not self.is_bound or not self.is_valid():
            return self.cleaned_data.get(name) if hasattr(self, "cleaned_data") else None
        return self.cleaned_data.get(name)


class OfferFilterForm(FilterForm):
    vorm = forms.ChoiceField(label=_("Format"), choices=[("", _("All")), *OfferFormat.choices], required=False)


class NeedFilterForm(FilterForm):
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[("open", _("Open")), ("answered", _("Answered")), ("not_answered", _("Closed without an answer"))],
        required=False,
    )


class RoadmapEntryForm(forms.Form):
    status = forms.ChoiceField(label=_("Offer today"), choices=OfferStatus.choices, widget=forms.RadioSelect)
    partners = forms.ModelMultipleChoiceField(
        label=_("Partners"),
        queryset=Organisation.objects.order_by("name"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 5}),
        help_text=_("Hold Ctrl (Cmd on a Mac) to choose more than one."),
    )
    target_groups = forms.ModelMultipleChoiceField(
        label=_("Target groups"),
        queryset=TargetGroup.objects.order_by("sort_order", "name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    notes = forms.CharField(
        label=_("Notes"), max_length=NOTE_MAX_LENGTH, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    @staticmethod
    def initial_for(entry) -> dict:
        return {
            "status": entry.status,
            "partners": list(entry.partners.all()),
            "target_groups": list(entry.target_groups.all()),
            "notes": entry.notes,
        }


class RegionForm(forms.Form):
    regio = forms.ModelChoiceField(
        label=_("Region"),
        queryset=Region.objects.filter(kind__in=REGION_KINDS).order_by("kind", "name"),
        to_field_name="slug",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["regio"].label_from_instance = lambda region: region.label


class PreferenceForm(forms.Form):
    new_matches = forms.ChoiceField(
        label=_("New matches for your needs and offers"),
        choices=MatchNotice.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose how you want to hear of new matches.")},
    )
