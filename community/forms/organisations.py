"""The search form of the public directory. A GET form: every choice is in the URL, so a
result list can be shared, and a stale or tampered value becomes a message, not an error page."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import Organisation, Region


def _region_choices(regions, *, group: bool):
    choices = [("", _("All"))]
    if not group:
        return choices + [(region.slug, region.label) for region in regions]
    grouped: dict[str, list] = {}
    for region in regions:
        grouped.setdefault(region.get_kind_display(), []).append((region.slug, region.label))
    return choices + list(grouped.items())


class DirectoryForm(forms.Form):
    q = forms.CharField(
        label=_("Name, municipality or postcode"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    soort = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("All")), *Organisation.Kind.choices])
    provincie = forms.ChoiceField(label=_("Province"), required=False)
    regio = forms.ChoiceField(label=_("Region"), required=False)

    def __init__(self, data=None, **kwargs):
        super().__init__(data, **kwargs)
        regions = list(Region.objects.order_by("kind", "name"))
        self.regions = {region.slug: region for region in regions}
        self.fields["provincie"].choices = _region_choices(
            sorted(
                (r for r in regions if r.kind in Region.PROVINCE_KINDS), key=lambda r: (r.kind == "brussels", r.name)
            ),
            group=False,
        )
        self.fields["regio"].choices = _region_choices(
            [r for r in regions if r.kind not in Region.PROVINCE_KINDS],
            group=True,
        )

    def clean_provincie(self):
        return self.regions.get(self.cleaned_data["provincie"])

    def clean_regio(self):
        return self.regions.get(self.cleaned_data["regio"])

    def criteria(self) -> dict:
        """The valid part of the search; an invalid field is left out (and shown as an error)."""
        if not self.is_bound:
            return {}
        self.is_valid()
        cleaned = self.cleaned_data
        return {
            "query": cleaned.get("q") or "",
            "kind": cleaned.get("soort") or "",
            "province": cleaned.get("provincie"),
            "region": cleaned.get("regio"),
        }

    @property
    def is_filtered(self) -> bool:
        return any(self.criteria().values())
