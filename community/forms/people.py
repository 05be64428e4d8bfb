"""The filters of the member directory: a GET form that works without JavaScript.

The parameter names are Dutch because they are part of the address people share
(`/gemeenschap/leden/?regio=kempen`), like `?pagina=` for the page.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from knowledge.models import LifeDomain

from ..models import Organisation, Region


class MemberFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Name"), max_length=80, required=False, widget=forms.TextInput(attrs={"type": "search"})
    )
    organisatie = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.filter(memberships__isnull=False).distinct().order_by("name"),
        to_field_name="slug",
        required=False,
        empty_label=_("All organisations"),
    )
    regio = forms.ModelChoiceField(
        label=_("Region"),
        # The sixty primary care zones would drown the list; provinces and reference regions cover them.
        queryset=Region.objects.exclude(kind=Region.Kind.PRIMARY_CARE_ZONE).order_by("kind", "name"),
        to_field_name="slug",
        required=False,
    )
    expertise = forms.ModelChoiceField(
        label=_("Expertise"),
        queryset=LifeDomain.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label=_("All life domains"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        regions = self.fields["regio"]
        grouped: dict[str, list[tuple[str, str]]] = {}
        for region in regions.queryset:
            grouped.setdefault(region.get_kind_display(), []).append((region.slug, region.label))
        regions.choices = [("", _("All regions")), *grouped.items()]

    def filters(self) -> dict:
        """The valid filters; one that does not validate (an old link) is left out, with its error shown."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "name": data.get("q", "").strip(),
            "organisation": data.get("organisatie"),
            "region": data.get("regio"),
            "expertise": data.get("expertise"),
        }

    @property
    def is_filtered(self) -> bool:
        return any(self.data.get(name) for name in self.fields)
