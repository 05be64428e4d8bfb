"""The retention jobs (docs/privacy.md, "Retention"): each removes exactly what is past the period
the register of processing gives it, keeps the rest, and logs what it removed in counts. State is
built through the real services and the sign-up form; old rows are made by running those services
with the clock set back (`clock`), or by running the job with the clock set forward (`now=`)."""

import logging
from contextlib import contextmanager
from datetime import timedelta
from unittest import mock

import pytest
from allauth.account import app_settings as account_settings
from allauth.account.models import EmailAddress, EmailConfirmation
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from community import services
from community.models import AuditEvent, GroupActivity, GroupInvitation, LoginRecord, Notification, User
from intervision import services as intervision_services
from intervision.models import Collects
from privacy import retention
from samenhuis import register
from samenhuis.scheduler import job_run, registry
from tests.factories import PASSWORD, UserFactory, group_create
from tests.intervision.test_services import Circle

pytestmark = pytest.mark.django_db

MINUTE = timedelta(minutes=1)


@contextmanager
def clock(moment):
    """Run services as if it were `moment`: `auto_now_add` fields and the services read the clock."""
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


def ago(period):
    return timezone.now() - period


def retention_lines(caplog):
    return [r.getMessage() for r in caplog.records if r.getMessage().startswith("Retention:")]


# Unverified accounts ------------------------------------------------------------------------------


def sign_up(client, email):
    response = client.post(
        "/accounts/signup/",
        {"display_name": "Nieuw", "email": email, "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 302
    client.logout()
    return User.objects.get(email=email)


def test_accounts_never_confirmed_are_deleted_after_thirty_days_and_no_other(client, caplog):
    period = register.retention("unverified_accounts")
    assert period == timedelta(days=30)
    unconfirmed = sign_up(client, "nooit@huis.test")
    confirmed_later = sign_up(client, "later@huis.test")
    EmailAddress.objects.filter(user=confirmed_later).update(verified=True)
    # Made by an administrator (CMS, createsuperuser): no allauth address until the first login.
    by_administrator = User.objects.create_user(email="door-beheer@huis.test", password=PASSWORD)
    # Made by an administrator and linked to a group; its owner tried to log in once, which made an
    # unverified address (allauth sends the confirmation then): the link keeps it.
    tried_once = User.objects.create_user(email="probeerde@huis.test", password=PASSWORD)
    group_create(facilitator=tried_once)
    client.post("/accounts/login/", {"login": "probeerde@huis.test", "password": PASSWORD})
    assert EmailAddress.objects.filter(user=tried_once, verified=False).exists()
    staff = sign_up(client, "staf@huis.test")
    staff.is_staff = True
    staff.save(update_fields=["is_staff"])
    logged_in = sign_up(client, "ingelogd@huis.test")
    logged_in.last_login = timezone.now()
    logged_in.save(update_fields=["last_login"])

    joined = unconfirmed.date_joined
    assert retention.unverified_accounts_delete(now=joined + period - MINUTE) == 0
    assert User.objects.filter(pk=unconfirmed.pk).exists()

    caplog.clear()
    caplog.set_level(logging.INFO, logger="privacy.retention")
    assert retention.unverified_accounts_delete(now=joined + period + timedelta(hours=1)) == 1
    assert not User.objects.filter(pk=unconfirmed.pk).exists()
    assert not EmailAddress.objects.filter(email="nooit@huis.test").exists()
    assert set(User.objects.values_list("pk", flat=True)) == {
        confirmed_later.pk,
        by_administrator.pk,
        tried_once.pk,
        *User.objects.filter(is_superuser=True).values_list("pk", flat=True),  # who made the group
        staff.pk,
        logged_in.pk,
    }
    assert retention_lines(caplog) == ["Retention: 1 accounts never confirmed within 30 days deleted."]
    line = AuditEvent.objects.get(action=AuditEvent.Action.ACCOUNT_DELETED)
    assert line.subject_id == unconfirmed.pk and line.actor is None and line.detail["system"] is True


# Login records ------------------------------------------------------------------------------------


def test_login_records_older_than_ninety_days_are_deleted(caplog):
    person = UserFactory()
    period = register.retention("login_records")
    assert period == timedelta(days=90)
    with clock(ago(period + MINUTE)):
        old = services.login_record(person=person, ip_address="192.0.2.1", user_agent="Oud", session_key="")
    with clock(ago(period - MINUTE)):
        recent = services.login_record(person=person, ip_address="192.0.2.2", user_agent="Recent", session_key="")

    caplog.set_level(logging.INFO, logger="community.services.retention")
    assert services.login_records_delete() == 1
    assert list(LoginRecord.objects.values_list("pk", flat=True)) == [recent.pk]
    assert not LoginRecord.objects.filter(pk=old.pk).exists()
    assert retention_lines(caplog) == ["Retention: 1 login records older than 90 days deleted."]


# Group invitations --------------------------------------------------------------------------------


def test_invitations_that_stopped_working_thirty_days_ago_are_deleted_and_the_log_keeps_the_event(caplog):
    facilitator = UserFactory()
    group = group_create(facilitator=facilitator)
    grace = register.retention("group_invitations")
    valid = timedelta(days=settings.SAMENHUIS_INVITATION_DAYS)

    def invite(email, *, at):
        with clock(at):
            return services.group_member_invite(actor=facilitator, group=group, email=email)

    expired_long_ago = invite("lang-verlopen@huis.test", at=ago(valid + grace + MINUTE))
    expired_recently = invite("pas-verlopen@huis.test", at=ago(valid + grace - MINUTE))
    withdrawn = invite("ingetrokken@huis.test", at=ago(grace + timedelta(days=2)))
    with clock(ago(grace + timedelta(days=1))):
        services.group_invitation_revoke(actor=facilitator, invitation=withdrawn)
    withdrawn_recently = invite("pas-ingetrokken@huis.test", at=ago(timedelta(days=2)))
    services.group_invitation_revoke(actor=facilitator, invitation=withdrawn_recently)
    open_invitation = invite("open@huis.test", at=timezone.now())

    caplog.set_level(logging.INFO, logger="community.services.retention")
    assert services.group_invitations_delete() == 2
    kept = set(GroupInvitation.objects.values_list("email", flat=True))
    assert kept == {expired_recently.email, withdrawn_recently.email, open_invitation.email}
    assert not GroupInvitation.objects.filter(pk__in=[expired_long_ago.pk, withdrawn.pk]).exists()
    # The activity log has its own copy of the address.
    invited = GroupActivity.objects.filter(group=group, verb=GroupActivity.Verb.INVITED)
    assert "lang-verlopen@huis.test" in set(invited.values_list("subject_email", flat=True))
    assert retention_lines(caplog) == [
        "Retention: 2 group invitations expired or withdrawn more than 30 days ago deleted."
    ]


# Notifications ------------------------------------------------------------------------------------


def test_notifications_older_than_a_year_are_deleted_read_or_not(caplog):
    person = UserFactory()
    period = register.retention("notifications")
    assert period == timedelta(days=365)
    with clock(ago(period + MINUTE)):
        old_read = services.notification_create(recipient=person, text="Oud en gelezen")
        services.notifications_mark_read(user=person)
        old_unread = services.notification_create(recipient=person, text="Oud en ongelezen")
    with clock(ago(period - MINUTE)):
        recent = services.notification_create(recipient=person, text="Bijna een jaar")

    caplog.set_level(logging.INFO, logger="community.services.retention")
    assert services.notifications_delete() == 2
    assert list(Notification.objects.values_list("pk", flat=True)) == [recent.pk]
    assert not Notification.objects.filter(pk__in=[old_unread.pk, old_read.pk]).exists()
    assert retention_lines(caplog) == ["Retention: 2 notifications older than 365 days deleted."]


# Audit trail --------------------------------------------------------------------------------------


def test_audit_events_older_than_two_years_are_deleted(caplog):
    admin = UserFactory(is_staff=True, is_superuser=True)
    period = register.retention("audit_trail")
    assert period == timedelta(days=730)
    with clock(ago(period + MINUTE)):
        old = services.audit_record(actor=admin, action=AuditEvent.Action.ROLE_CHANGED, subject=admin, target="x")
    with clock(ago(period - MINUTE)):
        recent = services.audit_record(actor=admin, action=AuditEvent.Action.ROLE_CHANGED, subject=admin, target="y")

    caplog.set_level(logging.INFO, logger="community.services.retention")
    assert services.audit_events_delete() == 1
    assert list(AuditEvent.objects.values_list("pk", flat=True)) == [recent.pk]
    assert not AuditEvent.objects.filter(pk=old.pk).exists()
    assert retention_lines(caplog) == ["Retention: 1 audit events older than 730 days deleted."]


# Sessions and allauth's confirmations -------------------------------------------------------------


def test_expired_sessions_and_email_confirmations_are_deleted(caplog):
    expired, live = SessionStore(), SessionStore()
    expired.set_expiry(ago(MINUTE))
    expired.save()
    live.save()
    address = EmailAddress.objects.create(user=UserFactory(verified=False), email="bevestig@huis.test")
    days = timedelta(days=account_settings.EMAIL_CONFIRMATION_EXPIRE_DAYS)
    EmailConfirmation.objects.create(email_address=address, key="verlopen", sent=ago(days + MINUTE))
    EmailConfirmation.objects.create(email_address=address, key="geldig", sent=ago(days - MINUTE))

    caplog.set_level(logging.INFO, logger="community.services.retention")
    assert services.sessions_clear_expired() == {"sessions": 1, "email_confirmations": 1}
    assert list(Session.objects.values_list("session_key", flat=True)) == [live.session_key]
    assert list(EmailConfirmation.objects.values_list("key", flat=True)) == ["geldig"]
    assert retention_lines(caplog) == ["Retention: 1 expired sessions and 1 expired e-mail confirmations deleted."]


# The schedule -------------------------------------------------------------------------------------


def test_every_retention_job_the_register_names_is_scheduled():
    scheduled = {job.name: job for job in registry.jobs()}
    for processing in register.REGISTER:
        if processing.job:
            assert processing.job in scheduled, processing.key
    for name in (
        "unverified_accounts_delete",
        "login_records_delete",
        "group_invitations_delete",
        "notifications_delete",
        "audit_events_delete",
        "sessions_clear_expired",
    ):
        assert scheduled[name].interval == 24 * 60 * 60
        assert job_run(scheduled[name]), name  # callable as the scheduler calls it: no arguments


# Intervision case content -------------------------------------------------------------------------


def test_case_content_retention_logs_what_it_emptied(caplog):
    circle = Circle()
    intervision_services.session_case_save(actor=circle.presenter, session=circle.session, text="De casus")
    circle.to_phase(Collects.QUESTIONS)
    circle.write(circle.anna, "Een vraag")
    circle.write(circle.bart, "Nog een vraag")
    intervision_services.session_end(actor=circle.facilitator, session=circle.session)

    caplog.set_level(logging.INFO, logger="intervision.services")
    assert intervision_services.sessions_retention_apply(now=timezone.now() + timedelta(days=300)) == 0
    assert retention_lines(caplog) == []  # hourly: a run that empties nothing says nothing
    assert intervision_services.sessions_retention_apply(now=timezone.now() + timedelta(days=400)) == 1
    assert retention_lines(caplog) == [
        "Retention: case texts of 1 ended sessions and 2 contributions emptied after their group's period."
    ]


def test_every_scheduled_job_is_named_in_the_operations_guide():
    guide = (settings.BASE_DIR / "docs" / "operations.md").read_text(encoding="utf-8")
    missing = [job.name for job in registry.jobs() if f"| `{job.name}` |" not in guide]
    assert not missing, f'Add these to docs/operations.md, "Scheduled jobs": {missing}'
