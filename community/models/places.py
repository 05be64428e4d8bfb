"""Municipalities, postcodes and regions: the reference data everything else is located by.

The rows come from `community/data/*.csv` (Statbel REFNIS), loaded by `community.reference_data`.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Municipality(models.Model):
    class Gewest(models.TextChoices):
        FLANDERS = "flanders", _("Flemish Region")
        BRUSSELS = "brussels", _("Brussels-Capital Region")

    nis_code = models.CharField(_("NIS code"), max_length=5, unique=True)
    name_nl = models.CharField(_("name"), max_length=80)
    name_fr = models.CharField(_("French name"), max_length=80, blank=True)
    gewest = models.CharField(_("region"), max_length=10, choices=Gewest.choices)
    province = models.CharField(_("province"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        ordering = ["name_nl"]

    def __str__(self):
        if self.name_fr and self.name_fr != self.name_nl:
            return f"{self.name_nl} ({self.name_fr})"
        return self.name_nl

    @property
    def area_name(self) -> str:
        """The province, or Brussels for the 19 municipalities that have none."""
        return self.province or str(_("Brussels"))


class Postcode(models.Model):
    """A postcode can cover several municipalities and a municipality several postcodes."""

    code = models.CharField(_("postcode"), max_length=4, db_index=True)
    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="postcodes")

    class Meta:
        verbose_name = _("postcode")
        verbose_name_plural = _("postcodes")
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["code", "municipality"], name="postcode_unique")]

    def __str__(self):
        return f"{self.code} {self.municipality.name_nl}"


class Region(models.Model):
    """A named set of municipalities: generated from the reference data, or defined by an administrator."""

    class Kind(models.TextChoices):
        PROVINCE = "province", _("Province")
        BRUSSELS = "brussels", _("Brussels-Capital Region")
        REFERENCE_REGION = "reference", _("Reference region")
        PRIMARY_CARE_ZONE = "primary_care", _("Primary care zone")
        CUSTOM = "custom", _("Custom region")

    # Kinds the reference data owns; a reload rewrites their municipalities.
    GENERATED_KINDS = (Kind.PROVINCE, Kind.BRUSSELS, Kind.REFERENCE_REGION, Kind.PRIMARY_CARE_ZONE)
    PROVINCE_KINDS = (Kind.PROVINCE, Kind.BRUSSELS)  # the top level: five provinces and Brussels

    name = models.CharField(_("name"), max_length=80)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.CUSTOM)
    description = models.TextField(_("description"), blank=True, max_length=1000)
    municipalities = models.ManyToManyField(
        Municipality, related_name="regions", verbose_name=_("municipalities"), blank=True
    )

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["kind", "name"]
        constraints = [models.UniqueConstraint(fields=["kind", "name"], name="region_unique_name_per_kind")]

    def __str__(self):
        return self.name

    @property
    def is_generated(self) -> bool:
        return self.kind in self.GENERATED_KINDS

    @property
    def label(self) -> str:
        """The name as a picker shows it: a province by its name, any other region with its kind,
        since a reference region, a primary care zone and a province can share a name (Limburg,
        Westhoek)."""
        if self.kind in self.PROVINCE_KINDS:
            return self.name
        return f"{self.name} ({self.get_kind_display().lower()})"
