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


class MembershipRequest(models.Model):
    """A person asks to be linked to an organisation in a role, or proposes an organisation that
    is not listed yet: then `organisation` stays empty until an administrator accepts the
    proposal (a new organisation) or merges it (an existing one).

    Who decides is `community.permissions.membership_request_deciders`; every change goes through
    `community.services.memberships` (docs/community.md, "Linking yourself to an organisation").
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        MERGED = "merged", _("Linked to an organisation that was already listed")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="membership_requests",
        verbose_name=_("person"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="membership_requests",
        verbose_name=_("organisation"),
    )
    role = models.CharField(_("role"), max_length=16, choices=Membership.Role.choices, default=Membership.Role.STAFF)
    message = models.TextField(_("message to the people who decide"), max_length=1000, blank=True)
    # A proposed organisation: what the person told about it.
    proposed_name = models.CharField(_("name"), max_length=150, blank=True)
    proposed_kind = models.CharField(_("kind"), max_length=12, choices=Organisation.Kind.choices, blank=True)
    proposed_website = models.URLField(_("website"), blank=True)
    proposed_municipalities = models.ManyToManyField(
        Municipality, blank=True, related_name="+", verbose_name=_("municipalities")
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    decline_reason = models.TextField(_("reason"), max_length=1000, blank=True)
    created_at = models.DateTimeField(_("asked on"), auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("request to be linked")
        verbose_name_plural = _("requests to be linked")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "organisation"],
                condition=Q(status="pending"),
                name="one_open_membership_request",
            ),
            models.CheckConstraint(
                condition=Q(organisation__isnull=False) | ~Q(proposed_name=""),
                name="membership_request_names_an_organisation",
            ),
        ]
        indexes = [models.Index(fields=["status", "organisation"], name="membership_request_open_idx")]

    def __str__(self):
        return self.organisation.name if self.organisation_id else self.proposed_name

    @property
    def is_proposal(self) -> bool:
        """A proposed organisation (also after it was accepted or merged)."""
        return bool(self.proposed_name)

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING
