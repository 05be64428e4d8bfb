"""Huizen van het Kind, supra-local actors and partners, and the people who work for them."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .places import Municipality


def logo_upload_to(instance, filename):
    return f"logos/{uuid.uuid4().hex}.{filename.rsplit('.', 1)[-1].lower()}"


class Organisation(models.Model):
    class Kind(models.TextChoices):
        HOUSE = "house", _("Huis van het Kind")
        SUPRA_LOCAL = "supra_local", _("Supra-local actor")
        PARTNER = "partner", _("Partner")

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.HOUSE)
    name = models.CharField(_("name"), max_length=150)
    slug = models.SlugField(_("slug"), max_length=160, unique=True)
    description = models.TextField(_("description"), blank=True, max_length=3000)
    website = models.URLField(_("website"), blank=True)
    email = models.EmailField(_("e-mail address"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    street = models.CharField(_("street and number"), max_length=150, blank=True)
    postcode = models.CharField(_("postcode"), max_length=4, blank=True)
    city = models.CharField(_("city"), max_length=80, blank=True)
    logo = models.ImageField(_("logo"), upload_to=logo_upload_to, blank=True)
    life_domains = models.ManyToManyField(
        "knowledge.LifeDomain", blank=True, related_name="organisations", verbose_name=_("life domains")
    )
    partners = models.ManyToManyField("self", blank=True, symmetrical=True, verbose_name=_("partners"))
    recognised_on = models.DateField(_("recognised on"), null=True, blank=True)
    municipalities = models.ManyToManyField(
        Municipality,
        through="OrganisationArea",
        related_name="organisations",
        blank=True,
        verbose_name=_("municipalities"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        permissions = [("manage_community", _("Can manage organisations, regions and every intervision group"))]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("community:organisation", kwargs={"slug": self.slug})

    @property
    def is_house(self) -> bool:
        return self.kind == self.Kind.HOUSE


class OrganisationArea(models.Model):
    """A municipality an organisation works in. For a Huis this is coverage, and exclusive:
    the database refuses a second Huis for the same municipality (`covers` rows)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="areas")
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="areas")
    covers = models.BooleanField(default=False, editable=False)

    class Meta:
        verbose_name = _("working area")
        verbose_name_plural = _("working areas")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "municipality"], name="organisation_area_unique"),
            models.UniqueConstraint(
                fields=["municipality"], condition=Q(covers=True), name="one_house_per_municipality"
            ),
        ]

    def __str__(self):
        return f"{self.organisation} - {self.municipality}"


class Membership(models.Model):
    """A person works for (or with) an organisation in a role. Administrators manage these."""

    class Role(models.TextChoices):
        COORDINATOR = "coordinator", _("Coordinator")
        STAFF = "staff", _("Staff member")
        PARTNER_CONTACT = "partner_contact", _("Partner contact")

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("person")
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("organisation")
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.STAFF)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("organisation membership")
        verbose_name_plural = _("organisation memberships")
        ordering = ["organisation__name", "role"]
        constraints = [models.UniqueConstraint(fields=["person", "organisation"], name="membership_unique")]

    def __str__(self):
        return f"{self.person} - {self.organisation} ({self.get_role_display()})"
