"""A person's data export (GDPR articles 15 and 20; docs/privacy.md, "Export").

The person asks on /account/gegevens/ (`export_request`); the scheduler job `data_exports_build`
(`exports_build_pending`, every 5 s in `manage.py serve`) builds a ZIP of JSON files and their
uploaded files on the private storage, part by part so the page can show the progress, and mails
them a link. The link works for 7 days, only for the person, logged in (`export_for_download`);
then `data_exports_expire` removes the file. One export per 24 hours, unless the last one failed.
"""

import json
import logging
import secrets
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import PurePosixPath

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.html import strip_tags
from django.utils.translation import gettext as _
from wagtail.documents import get_document_model
from wagtail.images import get_image_model

from community.mail import absolute_url, mail_send_on_commit
from community.models import (
    AuditEvent,
    GroupInvitation,
    GroupMembership,
    JoinRequest,
    LoginRecord,
    Membership,
    MembershipRequest,
    Notification,
    Profile,
    User,
)
from community.services import audit_record
from events.models import MeetingResponse, Registration
from exchange.models import ExchangePreference, MatchNotice, Need, Offer
from intervision.models import ActionPoint, Contribution, Session
from knowledge.review import submissions_of
from rooms.models import Message, Reaction, RoomMember

from .models import DataExport

logger = logging.getLogger(__name__)

VALID_FOR = timedelta(days=7)
ONE_PER = timedelta(hours=24)
# A build that was running this long ago is taken as interrupted (a server stopped mid-build):
# `exports_expire` marks it failed, so the person can ask again.
INTERRUPTED_AFTER = timedelta(hours=1)
# The scheduler runs its jobs one after the other in one thread: build a few, let the others run.
BUILDS_PER_RUN = 5


# Asking ------------------------------------------------------------------------------------------


def export_next_possible(person: User, *, now=None) -> datetime | None:
    """When the person may ask again, or None when they may now: 24 hours after their last
    export that did not fail."""
    now = now or timezone.now()
    last = (
        DataExport.objects.filter(person=person, requested_at__gt=now - ONE_PER)
        .exclude(status=DataExport.Status.FAILED)
        .order_by("-requested_at")
        .values_list("requested_at", flat=True)
        .first()
    )
    return last + ONE_PER if last else None


@transaction.atomic
def export_request(person: User) -> DataExport:
    """Queue an export for the person; refused while their last one is less than 24 hours old.
    The person's row is locked first, so two clicks at once queue one export (on PostgreSQL;
    SQLite lets one writer in at a time)."""
    User.objects.select_for_update().filter(pk=person.pk).first()
    next_possible = export_next_possible(person)
    if next_possible is not None:
        when = formats.date_format(timezone.localtime(next_possible), "j F Y, H:i")
        raise ValidationError(
            _("You asked for your data less than 24 hours ago. You can ask again from %(when)s.") % {"when": when},
            code="too_soon",
        )
    return DataExport.objects.create(person=person, token=secrets.token_urlsafe(32))


def exports_of(person: User, *, limit: int = 5) -> list[DataExport]:
    """The person's latest exports, newest first, for /account/gegevens/."""
    return list(DataExport.objects.filter(person=person).order_by("-requested_at", "-id")[:limit])


def export_for_download(person: User, pk: int, token: str, *, now=None) -> DataExport | None:
    """The export behind a download link, if this person may download it now: theirs, the right
    token, ready and not expired. Anything else is None (the view answers 404)."""
    now = now or timezone.now()
    export = DataExport.objects.filter(pk=pk, person=person, status=DataExport.Status.READY).first()
    if export is None or not secrets.compare_digest(export.token, str(token)):
        return None
    if export.expires_at is None or export.expires_at <= now or not export.file:
        return None
    return export


def export_downloaded(export: DataExport) -> None:
    """The audit trail keeps each download, next to the build (docs/privacy.md, "Export")."""
    audit_record(
        actor=export.person,
        action=AuditEvent.Action.DATA_EXPORTED,
        subject=export.person,
        target=f"export {export.pk}, gedownload",
        detail={"export": export.pk, "step": "downloaded"},
    )


def export_filename(export: DataExport) -> str:
    day = timezone.localdate(export.finished_at or export.requested_at)
    return f"samenhuis-gegevens-{day:%Y-%m-%d}.zip"


# Building ----------------------------------------------------------------------------------------


def exports_build_pending() -> int:
    """Build queued exports, oldest first, at most BUILDS_PER_RUN; returns how many became ready."""
    ready = failed = 0
    for _attempt in range(BUILDS_PER_RUN):
        export = _take_next()
        if export is None:
            break
        if export_build(export):
            ready += 1
        else:
            failed += 1
    if ready or failed:
        logger.info("Data exports built: %s ready, %s failed.", ready, failed)
    return ready


def _take_next() -> DataExport | None:
    """Mark the oldest queued export running and return it. On PostgreSQL a second process skips
    the locked row; on SQLite (no SKIP LOCKED) the conditional update lets one process win."""
    for _race in range(3):
        with transaction.atomic():
            queued = DataExport.objects.filter(status=DataExport.Status.QUEUED).order_by("requested_at", "id")
            if connection.features.has_select_for_update_skip_locked:
                queued = queued.select_for_update(skip_locked=True)
            export = queued.select_related("person").first()
            if export is None:
                return None
            taken = DataExport.objects.filter(pk=export.pk, status=DataExport.Status.QUEUED).update(
                status=DataExport.Status.RUNNING, started_at=timezone.now(), progress=0, error=""
            )
        if taken:
            export.status = DataExport.Status.RUNNING
            return export
    return None


def export_build(export: DataExport) -> bool:
    """Write the ZIP, then mark the export ready and mail the link; on any error mark it failed
    (the person may ask again at once) and log why. Returns whether it became ready."""
    person = export.person
    try:
        with translation.override(settings.LANGUAGE_CODE), tempfile.TemporaryFile() as scratch:
            archive = Archive(person)
            parts = archive.parts()
            with zipfile.ZipFile(scratch, "w", compression=zipfile.ZIP_DEFLATED) as zipped:
                for number, (name, write) in enumerate(parts, start=1):
                    write(zipped, name)
                    progress = min(95, round(number * 95 / len(parts)))
                    DataExport.objects.filter(pk=export.pk).update(progress=progress)
            size = scratch.tell()
            scratch.seek(0)
            export.file.save("export.zip", File(scratch), save=False)
    except Exception as error:
        logger.exception("Data export %s of person %s failed.", export.pk, person.pk)
        if export.file:
            export.file.delete(save=False)
        DataExport.objects.filter(pk=export.pk).update(
            status=DataExport.Status.FAILED,
            finished_at=timezone.now(),
            file="",
            error=f"{type(error).__name__}: {error}"[:2000],
        )
        return False

    now = timezone.now()
    export.status = DataExport.Status.READY
    export.progress = 100
    export.finished_at = now
    export.expires_at = now + VALID_FOR
    export.size = size
    with transaction.atomic():
        saved = DataExport.objects.filter(pk=export.pk, status=DataExport.Status.RUNNING).update(
            status=export.status,
            progress=100,
            finished_at=now,
            expires_at=export.expires_at,
            size=size,
            file=export.file.name,
        )
        if not saved:
            # The account (and with it the export) was deleted while it was being built.
            export.file.delete(save=False)
            return False
        audit_record(
            actor=person,
            action=AuditEvent.Action.DATA_EXPORTED,
            subject=person,
            target=f"export {export.pk}, klaargezet",
            detail={"export": export.pk, "step": "built", "size": size},
        )
        mail_send_on_commit(
            to=[person.email],
            template="privacy/email/data_export_ready",
            context={
                "person": person,
                "download_url": absolute_url(
                    reverse("privacy:export_download", kwargs={"pk": export.pk, "token": export.token})
                ),
                "data_url": absolute_url(reverse("privacy:data")),
                "expires_at": timezone.localtime(export.expires_at),
            },
        )
    return True


# Expiring ----------------------------------------------------------------------------------------


def exports_expire(*, now=None) -> int:
    """Remove the files of exports whose link is past its 7 days (status expired), and mark
    builds that were interrupted as failed. Returns how many expired."""
    now = now or timezone.now()
    expired = 0
    for export in DataExport.objects.filter(status=DataExport.Status.READY, expires_at__lte=now):
        if export.file:
            export.file.delete(save=False)
        expired += DataExport.objects.filter(pk=export.pk, status=DataExport.Status.READY).update(
            status=DataExport.Status.EXPIRED, file="", size=0
        )
    interrupted = DataExport.objects.filter(
        status=DataExport.Status.RUNNING, started_at__lt=now - INTERRUPTED_AFTER
    ).update(status=DataExport.Status.FAILED, finished_at=now, error="interrupted: still running after an hour")
    if expired or interrupted:
        logger.info("Data exports: %s expired (files removed), %s interrupted builds failed.", expired, interrupted)
    return expired


# What is in it -----------------------------------------------------------------------------------


def _when(value):
    """Dates and times in ISO 8601, times in Europe/Brussels."""
    if value is None:
        return None
    if hasattr(value, "tzinfo") and hasattr(value, "hour"):
        return timezone.localtime(value).isoformat()
    return value.isoformat()


def _safe_name(name: str, fallback: str = "bestand") -> str:
    name = PurePosixPath(str(name).replace("\\", "/")).name
    name = "".join(character for character in name if character.isprintable() and character not in '<>:"|?*')
    return name.strip(" .") or fallback


@dataclass
class Archive:
    """What one person's ZIP holds. Each part is (name in the ZIP, writer); `files` collects the
    uploads the JSON parts point to, written last under files/."""

    person: User
    files: list[tuple[str, object]] = field(default_factory=list)

    def parts(self) -> list[tuple[str, Callable]]:
        json_parts = [
            ("profile.json", self.profile),
            ("memberships.json", self.memberships),
            ("messages.json", self.messages),
            ("reactions.json", self.reactions),
            ("registrations.json", self.registrations),
            ("meeting_responses.json", self.meeting_responses),
            ("submissions.json", self.submissions),
            ("intervision.json", self.intervision),
            ("notifications.json", self.notifications),
            ("login_history.json", self.login_history),
        ]
        return [
            *[(name, self._json(build)) for name, build in json_parts],
            ("files/", self._write_files),
            ("README.txt", self._readme),
        ]

    @staticmethod
    def _json(build):
        def write(zipped, name):
            zipped.writestr(name, json.dumps(build(), cls=DjangoJSONEncoder, ensure_ascii=False, indent=2) + "\n")

        return write

    def _file(self, path: str, fieldfile) -> str:
        taken = {existing for existing, _ in self.files}
        stem, dot, extension = path.rpartition(".")
        candidate, number = path, 1
        while candidate in taken:
            number += 1
            candidate = f"{stem}-{number}.{extension}" if dot else f"{path}-{number}"
        self.files.append((candidate, fieldfile))
        return candidate

    def _write_files(self, zipped, _name):
        for path, fieldfile in self.files:
            try:
                with fieldfile.open("rb") as source, zipped.open(path, "w") as target:
                    while chunk := source.read(1024 * 1024):
                        target.write(chunk)
            except FileNotFoundError:
                logger.warning("Data export of person %s: %s is missing on disk, left out.", self.person.pk, path)

    def _readme(self, zipped, name):
        zipped.writestr(name, render_to_string("privacy/data_export_readme.txt", {"person": self.person}))

    # The JSON parts, each a plain structure.

    def profile(self) -> dict:
        person = self.person
        profile = Profile.objects.filter(user=person).prefetch_related("expertise").first()
        data = {
            "account": {
                "email": person.email,
                "date_joined": _when(person.date_joined),
                "last_login": _when(person.last_login),
                "is_active": person.is_active,
            },
            "email_addresses": [
                {"email": address.email, "verified": address.verified, "primary": address.primary}
                for address in EmailAddress.objects.filter(user=person).order_by("-primary", "email")
            ],
            "profile": None,
        }
        if profile is not None:
            photo = None
            if profile.avatar:
                extension = profile.avatar.name.rsplit(".", 1)[-1].lower()
                photo = self._file(f"files/profielfoto.{extension}", profile.avatar)
            data["profile"] = {
                "display_name": profile.display_name,
                "function": profile.function,
                "bio": profile.bio,
                "expertise": [domain.name for domain in profile.expertise.all()],
                "visibility": profile.visibility,
                "visibility_label": str(profile.get_visibility_display()),
                "share_email": profile.share_email,
                "photo": photo,
            }
        return data

    def memberships(self) -> dict:
        person = self.person
        return {
            "organisations": [
                {
                    "organisation": membership.organisation.name,
                    "role": membership.role,
                    "role_label": str(membership.get_role_display()),
                    "since": _when(membership.created_at),
                }
                for membership in Membership.objects.filter(person=person).select_related("organisation")
            ],
            "membership_requests": [
                {
                    "organisation": request.organisation.name if request.organisation_id else None,
                    "proposed_organisation": request.proposed_name or None,
                    "role": request.role,
                    "message": request.message,
                    "status": request.status,
                    "status_label": str(request.get_status_display()),
                    "decline_reason": request.decline_reason,
                    "asked_at": _when(request.created_at),
                    "decided_at": _when(request.decided_at),
                }
                for request in MembershipRequest.objects.filter(person=person).select_related("organisation")
            ],
            "intervision_groups": [
                {
                    "group": membership.group.name,
                    "role": membership.role,
                    "role_label": str(membership.get_role_display()),
                    "joined_at": _when(membership.joined_at),
                }
                for membership in GroupMembership.objects.filter(person=person).select_related("group")
            ],
            "join_requests": [
                {
                    "group": request.group.name,
                    "message": request.motivation,
                    "status": request.status,
                    "status_label": str(request.get_status_display()),
                    "asked_at": _when(request.created_at),
                    "decided_at": _when(request.decided_at),
                }
                for request in JoinRequest.objects.filter(person=person).select_related("group")
            ],
            "invitations_accepted": [
                {
                    "group": invitation.group.name,
                    "email": invitation.email,
                    "invited_at": _when(invitation.created_at),
                    "accepted_at": _when(invitation.accepted_at),
                }
                for invitation in GroupInvitation.objects.filter(accepted_by=person).select_related("group")
            ],
        }

    def messages(self) -> list:
        messages = (
            Message.objects.filter(author=self.person)
            .select_related("room", "parent")
            .prefetch_related("attachments", "revisions")
            .order_by("room__name", "room_id", "seq")
        )
        written = []
        for message in messages:
            attachments = []
            for attachment in message.attachments.all():
                path = self._file(
                    f"files/ruimtes/{_safe_name(message.room.slug)}/{message.seq}-{_safe_name(attachment.name)}",
                    attachment.file,
                )
                attachments.append({"name": attachment.name, "content_type": attachment.content_type, "file": path})
            written.append(
                {
                    "room": message.room.name,
                    "seq": message.seq,
                    "thread_parent_seq": message.parent.seq if message.parent_id else None,
                    "body": message.body,
                    "created_at": _when(message.created_at),
                    "edited_at": _when(message.edited_at),
                    "deleted_at": _when(message.deleted_at),
                    "hidden_by_moderators_at": _when(message.hidden_at),
                    "earlier_versions": [
                        {"body": revision.body, "until": _when(revision.created_at)}
                        for revision in message.revisions.all()
                    ],
                    "attachments": attachments,
                }
            )
        return written

    def reactions(self) -> list:
        return [
            {
                "emoji": reaction.emoji,
                "room": reaction.message.room.name,
                "message_seq": reaction.message.seq,
                "at": _when(reaction.created_at),
            }
            for reaction in Reaction.objects.filter(person=self.person)
            .select_related("message__room")
            .order_by("created_at", "id")
        ]

    def registrations(self) -> list:
        return [
            {
                "event": registration.event.title,
                "starts_at": _when(registration.event.starts_at),
                "status": registration.status,
                "status_label": str(registration.get_status_display()),
                "registered_at": _when(registration.queued_at),
                "confirmed_at": _when(registration.confirmed_at),
                "cancelled_at": _when(registration.cancelled_at),
                "answers": [
                    {"question": answer.get("question", ""), "answer": answer.get("answer", "")}
                    for answer in registration.answers or []
                ],
            }
            for registration in Registration.objects.filter(person=self.person)
            .select_related("event")
            .order_by("queued_at", "id")
        ]

    def meeting_responses(self) -> list:
        return [
            {
                "group": response.meeting.group.name,
                "meeting": response.meeting.title,
                "starts_at": _when(response.meeting.starts_at),
                "answer": response.answer,
                "answer_label": str(response.get_answer_display()),
                "answered_at": _when(response.answered_at),
            }
            for response in MeetingResponse.objects.filter(person=self.person)
            .select_related("meeting__group")
            .order_by("meeting__starts_at", "id")
        ]

    def submissions(self) -> dict:
        person = self.person
        practices = []
        for submission in submissions_of(person):
            page = submission.page.get_latest_revision_as_object()
            practices.append(
                {
                    "title": page.title,
                    "status": submission.status.code,
                    "status_label": str(submission.status.label),
                    "reviewer_comment": submission.status.comment,
                    "summary": page.summary,
                    "context": strip_tags(page.context),
                    "approach": strip_tags(page.approach),
                    "results": strip_tags(page.results),
                    "lessons": strip_tags(page.lessons),
                    "contact_name": page.contact_name,
                    "contact_email": page.contact_email,
                    "first_published_at": _when(submission.page.first_published_at),
                }
            )
        return {
            "practices": practices,
            "needs": [
                {
                    "huis": need.house.name,
                    "title": need.title,
                    "description": need.description,
                    "status": need.status,
                    "status_label": str(need.get_status_display()),
                    "urgency": need.urgency,
                    "needed_by": _when(need.needed_by),
                    "closing_note": need.closing_note,
                    "created_at": _when(need.created_at),
                }
                for need in Need.objects.filter(created_by=person).select_related("house").order_by("created_at")
            ],
            "offers": [
                {
                    "organisation": offer.organisation.name,
                    "title": offer.title,
                    "description": offer.description,
                    "format": offer.format,
                    "cost": offer.cost,
                    "contact_name": offer.contact_name,
                    "contact_email": offer.contact_email,
                    "contact_phone": offer.contact_phone,
                    "valid_until": _when(offer.valid_until),
                    "created_at": _when(offer.created_at),
                }
                for offer in Offer.objects.filter(created_by=person)
                .select_related("organisation")
                .order_by("created_at")
            ],
            "documents": self._cms_uploads(),
        }

    def _cms_uploads(self) -> list:
        uploads = []
        for document in get_document_model().objects.filter(uploaded_by_user=self.person).order_by("pk"):
            path = self._file(f"files/documenten/{document.pk}-{_safe_name(document.filename)}", document.file)
            uploads.append({"title": document.title, "uploaded_at": _when(document.created_at), "file": path})
        for image in get_image_model().objects.filter(uploaded_by_user=self.person).order_by("pk"):
            path = self._file(f"files/afbeeldingen/{image.pk}-{_safe_name(image.file.name)}", image.file)
            uploads.append({"title": image.title, "uploaded_at": _when(image.created_at), "file": path})
        return uploads

    def intervision(self) -> dict:
        """Only groups the person is still a member of (issue 18): what they wrote in a group they
        left stays with that group."""
        person = self.person
        groups = GroupMembership.objects.filter(person=person).values("group_id")

        def session_of(session):
            return {
                "group": session.group.name,
                "session": session.title,
                "session_date": _when(session.planned_for),
            }

        return {
            "contributions": [
                {
                    **session_of(contribution.session),
                    "phase": contribution.phase.name,
                    "kind": contribution.kind,
                    "text": contribution.text,
                    "taken_by_the_presenter": contribution.taken,
                    "written_at": _when(contribution.created_at),
                }
                for contribution in Contribution.objects.filter(author=person, session__group__in=groups)
                .select_related("session__group", "phase")
                .order_by("session__planned_for", "seq")
            ],
            "action_points": [
                {
                    **session_of(point.session),
                    "who": point.who,
                    "what": point.what,
                    "due": _when(point.due),
                    "done_at": _when(point.done_at),
                    "follow_up": point.follow_up,
                    "written_at": _when(point.created_at),
                }
                for point in ActionPoint.objects.filter(created_by=person, session__group__in=groups)
                .select_related("session__group")
                .order_by("created_at", "id")
            ],
            "cases_presented": [
                {**session_of(session), "case_text": session.case_text}
                for session in Session.objects.filter(presenter=person, group__in=groups)
                .select_related("group")
                .order_by("planned_for", "id")
            ],
        }

    def notifications(self) -> dict:
        person = self.person
        preference = ExchangePreference.objects.filter(person=person).first()
        new_matches = preference.new_matches if preference else MatchNotice.APP
        return {
            "rooms": [
                {
                    "room": state.room.name,
                    "notify": state.notify,
                    "notify_label": str(state.get_notify_display()),
                    "last_read_seq": state.last_read_seq,
                    "muted_by_moderators_until": _when(state.muted_until),
                    "since": _when(state.joined_at),
                }
                for state in RoomMember.objects.filter(person=person).select_related("room").order_by("room__name")
            ],
            "needs_and_offers": {"new_matches": new_matches, "new_matches_label": str(MatchNotice(new_matches).label)},
            "notifications": [
                {
                    "text": notification.text,
                    "link": notification.url,
                    "created_at": _when(notification.created_at),
                    "read_at": _when(notification.read_at),
                }
                for notification in Notification.objects.filter(recipient=person).order_by("created_at", "id")
            ],
        }

    def login_history(self) -> list:
        return [
            {"at": _when(record.at), "ip_address": record.ip_address, "browser": record.user_agent}
            for record in LoginRecord.objects.filter(person=self.person).order_by("at", "id")
        ]
