"""Intervision groups: who is in them, how people get in, and what happened (the activity log).

Every change goes through `community.services`; every question of who may see or do what is
answered by `community.permissions`.
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .places import Region


def default_member_cap() -> int:
    return getattr(settings, "SAMENHUIS_GROUP_MEMBER_CAP", 15)


class IntervisionGroup(models.Model):
    class Visibility(models.TextChoices):
        OPEN = "open", _("Open: every member of the platform may join")
        CLOSED = "closed", _("Closed: visible, joining by request")
        SECRET = "secret", _("Secret: invisible to outsiders, by invitation only")

    SHORT_LABELS = {
        Visibility.OPEN: _("Open group"),
        Visibility.CLOSED: _("Closed group"),
        Visibility.SECRET: _("Secret group"),
    }

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=140, unique=True)
    description = models.TextField(_("description"), max_length=3000, blank=True)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="groups", null=True, blank=True, verbose_name=_("region")
    )
    visibility = models.CharField(_("visibility"), max_length=8, choices=Visibility.choices, default=Visibility.CLOSED)
    member_cap = models.PositiveSmallIntegerField(
        _("maximum number of members"), default=default_member_cap, help_text=_("Facilitators included.")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("intervision group")
        verbose_name_plural = _("intervision groups")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("community:group", kwargs={"slug": self.slug})

    @property
    def visibility_label(self) -> str:
        return self.SHORT_LABELS[self.visibility]


class GroupMembership(models.Model):
    class Role(models.TextChoices):
        MEMBER = "member", _("Member")
        FACILITATOR = "facilitator", _("Facilitator")

    group = models.ForeignKey(IntervisionGroup, on_delete=models.CASCADE, related_name="memberships")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="group_memberships")
    role = models.CharField(_("role"), max_length=12, choices=Role.choices, default=Role.MEMBER)
    joined_at = models.DateTimeField(_("joined"), auto_now_add=True)

    class Meta:
        verbose_name = _("group membership")
        verbose_name_plural = _("group memberships")
        ordering = ["role", "joined_at"]  # facilitators first
        constraints = [models.UniqueConstraint(fields=["group", "person"], name="group_membership_unique")]

    def __str__(self):
        return f"{self.person} - {self.group}"

    @property
    def is_facilitator(self) -> bool:
        return self.role == self.Role.FACILITATOR


class JoinRequest(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    group = models.ForeignKey(IntervisionGroup, on_delete=models.CASCADE, related_name="join_requests")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="join_requests")
    motivation = models.TextField(_("message to the facilitators"), max_length=1000, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("request to join")
        verbose_name_plural = _("requests to join")
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "person"], condition=Q(status="pending"), name="one_pending_request_per_person"
            )
        ]

    def __str__(self):
        return f"{self.person} → {self.group} ({self.status})"


def invitation_key() -> str:
    return secrets.token_urlsafe(24)


class GroupInvitation(models.Model):
    """An invitation by e-mail. The link carries a signed token naming this row and its key;
    it works once, until `expires_at`, and not after it was revoked."""

    group = models.ForeignKey(IntervisionGroup, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("e-mail address"))
    key = models.CharField(max_length=40, default=invitation_key, editable=False)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["group", "email"], name="invitation_group_email_idx")]

    def __str__(self):
        return f"{self.email} → {self.group}"

    @property
    def is_open(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None and self.expires_at > timezone.now()


class GroupActivity(models.Model):
    """The group's log: one line per change, shown to its facilitators and administrators."""

    class Verb(models.TextChoices):
        CREATED = "created", _("created the group")
        UPDATED = "updated", _("changed the group's details")
        JOINED = "joined", _("joined")
        REQUESTED = "requested", _("asked to join")
        REQUEST_WITHDRAWN = "request_withdrawn", _("withdrew the request to join")
        APPROVED = "approved", _("approved the request of")
        DECLINED = "declined", _("declined the request of")
        INVITED = "invited", _("invited")
        INVITATION_REVOKED = "invitation_revoked", _("revoked the invitation of")
        ACCEPTED = "accepted", _("accepted the invitation")
        LEFT = "left", _("left the group")
        REMOVED = "removed", _("removed")
        HANDED_OVER = "handed_over", _("handed the facilitator role over to")
        FACILITATOR_ADDED = "facilitator_added", _("made facilitator")

    group = models.ForeignKey(IntervisionGroup, on_delete=models.CASCADE, related_name="activity")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    verb = models.CharField(max_length=20, choices=Verb.choices)
    # Whom it was about: a member, or the invited address for invitations.
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    subject_email = models.EmailField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("group activity")
        verbose_name_plural = _("group activity")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.group}: {self.actor} {self.verb}"
