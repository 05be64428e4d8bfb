"""The filters of the practice listing: a GET form that works without JavaScript.

The parameter names are Dutch because they are part of the address people share
(`/kennis/praktijken/?levensdomein=gezondheid&doelgroep=0-3-jaar`). A value that does not
validate (an old link, a renamed theme) is shown as an error and ignored, never a server error.
"""

from django import forms
from django.forms.utils import flatatt
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from community.models import Region

from ..models import OfferLevel
from ..selectors import PracticeFilters, PracticeOrder
from ..vocabulary import vocabulary


class QuickSelect(forms.Select):
    """A select whose options are built in Python, not with a template per option.

    The listing renders about a hundred options on every request; Django's option templates made
    that the slowest part of the page (docs/performance.md). Same markup, same attributes.
    """

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [format_html('<select name="{}"{}>', name, flatatt(widget["attrs"]))]
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                parts.append(format_html('<optgroup label="{}">', group_name))
            parts.extend(
                f'<option value="{escape(option["value"])}"{" selected" if option["selected"] else ""}>'
                f"{escape(option['label'])}</option>"
                for option in options
            )
            if group_name:
                parts.append("</optgroup>")
        parts.append("</select>")
        return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped


class TermField(forms.ChoiceField):
    """A choice of one vocabulary term by its slug; cleans to the term itself (or None).

    `offered` may leave terms out of the list while their slug stays valid, so a shared link
    to one still works.
    """

    widget = QuickSelect

    def __init__(self, *, empty_label, **kwargs):
        super().__init__(required=False, **kwargs)
        self.empty_label = empty_label
        self.terms = {}

    def set_terms(self, terms, offered=None):
        self.terms = {term.slug: term for term in terms}
        if offered is None:
            offered = [(term.slug, term.name) for term in terms]
        self.choices = [("", self.empty_label), *offered]

    def valid_value(self, value):
        return value in self.terms

    def clean(self, value):
        slug = super().clean(value)
        return self.terms.get(slug) if slug else None


class PracticeFilterForm(forms.Form):
    levensdomein = TermField(label=_("Life domain"), empty_label=_("All life domains"))
    pijler = TermField(label=_("Pillar"), empty_label=_("All pillars"))
    thema = TermField(label=_("Theme"), empty_label=_("All themes"))
    doelgroep = TermField(label=_("Target group"), empty_label=_("All target groups"))
    provincie = TermField(label=_("Province"), empty_label=_("All provinces"))
    regio = TermField(label=_("Region"), empty_label=_("All regions"))
    aanbod = forms.ChoiceField(
        label=_("Offer level"),
        choices=[("", _("Every offer level")), *OfferLevel.choices],
        required=False,
        widget=QuickSelect,
    )
    sorteer = forms.ChoiceField(
        label=_("Order"),
        choices=[(PracticeOrder.NEWEST, _("Newest first")), (PracticeOrder.TITLE, _("Title (A to Z)"))],
        required=False,
        widget=QuickSelect,
    )

    # The parameters that narrow the list (the order does not), in the order of the summary.
    FILTER_NAMES = ("levensdomein", "pijler", "thema", "doelgroep", "provincie", "regio", "aanbod")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        terms = vocabulary()
        self.fields["levensdomein"].set_terms(terms.life_domains)
        self.fields["pijler"].set_terms(terms.pillars)
        self.fields["doelgroep"].set_terms(terms.target_groups)
        self.fields["provincie"].set_terms(terms.provinces)
        themes: dict[str, list[tuple[str, str]]] = {}
        for theme in terms.themes:
            themes.setdefault(theme.life_domain.name, []).append((theme.slug, theme.name))
        self.fields["thema"].set_terms(terms.themes, list(themes.items()))
        # The sixty primary care zones would drown the list; a shared link to one still works.
        regions: dict[str, list[tuple[str, str]]] = {}
        for region in terms.regions:
            if region.kind != Region.Kind.PRIMARY_CARE_ZONE:
                regions.setdefault(region.get_kind_display(), []).append((region.slug, region.name))
        self.fields["regio"].set_terms(terms.regions, list(regions.items()))

    def _valid_data(self) -> dict:
        self.is_valid()
        return getattr(self, "cleaned_data", {})

    def filters(self) -> PracticeFilters:
        """The valid filters; one that does not validate is left out, with its error shown."""
        data = self._valid_data()
        return PracticeFilters(
            life_domain=data.get("levensdomein"),
            pillar=data.get("pijler"),
            theme=data.get("thema"),
            target_group=data.get("doelgroep"),
            province=data.get("provincie"),
            region=data.get("regio"),
            offer_level=data.get("aanbod") or "",
            order=data.get("sorteer") or PracticeOrder.NEWEST,
        )

    @property
    def is_filtered(self) -> bool:
        return any(self.data.get(name) for name in self.FILTER_NAMES)

    def active_filters(self) -> list[dict]:
        """Each valid filter in use: its label, its value, and the query string without it."""
        data = self._valid_data()
        active = []
        for name in self.FILTER_NAMES:
            value = data.get(name)
            if not value:
                continue
            if name == "aanbod":
                value = OfferLevel(value).label
            remaining = self.data.copy()
            remaining.pop(name, None)
            remaining.pop("pagina", None)
            active.append(
                {"name": name, "label": self.fields[name].label, "value": value, "query": remaining.urlencode()}
            )
        return active
