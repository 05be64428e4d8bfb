"""The vocabulary practices, articles, events, rooms and people are tagged with.

Seeded by `knowledge.taxonomy` with the names the Huizen van het Kind use (DESIGN.md); editors
manage them as snippets in the CMS.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel


class TaxonomyTerm(models.Model):
    name = models.CharField(_("name"), max_length=80, unique=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    panels = [FieldPanel("name"), FieldPanel("slug"), FieldPanel("sort_order")]

    class Meta:
        abstract = True
        ordering = ["sort_order", "name"]

    def __str__(self):
        return self.name


class Pillar(TaxonomyTerm):
    """One of the three basic pillars (basispijlers) every Huis works on."""

    description = models.TextField(_("description"), blank=True, max_length=500)

    panels = [*TaxonomyTerm.panels, FieldPanel("description")]

    class Meta(TaxonomyTerm.Meta):
        verbose_name = _("pillar")
        verbose_name_plural = _("pillars")


class LifeDomain(TaxonomyTerm):
    """One of the ten life domains (levensdomeinen) of the Huizen van het Kind.

    Organisations, profiles (expertise), practices, articles, events and rooms are tagged with them.
    """

    class Meta(TaxonomyTerm.Meta):
        verbose_name = _("life domain")
        verbose_name_plural = _("life domains")


class Theme(TaxonomyTerm):
    """A key theme (belangrijk thema) within one life domain."""

    life_domain = models.ForeignKey(
        LifeDomain, on_delete=models.CASCADE, related_name="themes", verbose_name=_("life domain")
    )
    name = models.CharField(_("name"), max_length=80)

    panels = [FieldPanel("life_domain"), *TaxonomyTerm.panels]

    class Meta(TaxonomyTerm.Meta):
        verbose_name = _("theme")
        verbose_name_plural = _("themes")
        ordering = ["life_domain__sort_order", "sort_order", "name"]
        constraints = [models.UniqueConstraint(fields=["life_domain", "name"], name="theme_unique_per_domain")]


class TargetGroup(TaxonomyTerm):
    """Who a practice is for: expecting parents, an age band, or parents and carers."""

    class Meta(TaxonomyTerm.Meta):
        verbose_name = _("target group")
        verbose_name_plural = _("target groups")


class OfferLevel(models.TextChoices):
    """Progressive universalism: a basic offer for every family, a supplementary one for some."""

    BASIC = "basic", _("Basic offer")
    SUPPLEMENTARY = "supplementary", _("Supplementary offer")
