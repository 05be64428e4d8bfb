"""Records kept about accounts for security and accountability: login records and the audit trail
(issue 18, docs/privacy.md). Both are read by administrators only and removed by retention jobs."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class LoginRecord(models.Model):
    """One successful login: shown to the person in their data export; removed after the period in
    the register of processing (samenhuis/register.py)."""

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="login_records")
    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=200, blank=True)
    # The session the login opened, so deleting the account can end it (sessions have no user column).
    session_key = models.CharField(max_length=40, blank=True, editable=False)

    class Meta:
        verbose_name = _("login record")
        verbose_name_plural = _("login records")
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.person_id} {self.at:%Y-%m-%d %H:%M}"


class AuditEvent(models.Model):
    """One line of the audit trail: who did what to whom, readable by administrators in the CMS and
    kept for two years. `subject_id` is a plain number, not a foreign key, so a line about a deleted
    account survives it without naming them."""

    class Action(models.TextChoices):
        ROLE_CHANGED = "role_changed", _("changed a role")
        MESSAGE_HIDDEN = "message_hidden", _("hid a message")
        MESSAGE_RESTORED = "message_restored", _("made a hidden message visible again")
        DATA_EXPORTED = "data_exported", _("exported personal data")
        ACCOUNT_DELETED = "account_deleted", _("deleted an account")
        ATTENDEES_VIEWED = "attendees_viewed", _("viewed an attendee list")
        ATTENDEES_EXPORTED = "attendees_exported", _("exported an attendee list")

    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    action = models.CharField(_("action"), max_length=24, choices=Action.choices, db_index=True)
    subject_id = models.PositiveBigIntegerField(_("account number"), null=True, blank=True, db_index=True)
    # What it was about, in words that name no person: "ruimte Opvoeden, bericht 42", "groep Kempen".
    target = models.CharField(_("about"), max_length=300, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    detail = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit trail")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["actor", "at"], name="community_audit_actor_idx")]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_action_display()}"
