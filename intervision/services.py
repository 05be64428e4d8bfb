"""Every write of intervision sessions (docs/intervision.md).

A session is a stream of the delivery core: every change locks the session row, takes its next
`rev` (a contribution also the next `seq`) and is announced after commit; a client that missed an
announcement asks for everything after the last `rev` it saw. A refused action raises
`ValidationError` with a code (the socket's error code) or `PermissionDenied`, and changes nothing.

Phase times are the server's: a running phase has `phase_ends_at`; a paused one keeps the seconds
that were left (`paused_left`); the time a phase really took is added up in `seconds_used`.

Case texts and contributions are checked for identifiers before they are stored
(`intervision.identifiers`); the writer replaces them, or confirms and saves anyway. Nothing of a
session's content goes into notifications, mails or the search index.

Observers (`SessionObserver`, docs/intervision.md "Observers") read a session that has not ended and
write nothing: every write below asks for a member (`_member_access`), not only a reader.
"""

import logging
import time
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from community import permissions as community_permissions
from community.models import GroupMembership, IntervisionGroup, User
from community.services.notifications import notifications_create
from realtime.sockets import group_send_now

from . import permissions, selectors
from .models import (
    CASE_MAX_LENGTH,
    TEXT_MAX_LENGTH,
    ActionPoint,
    Collects,
    Contribution,
    GroupSessionSettings,
    Method,
    MethodPhase,
    Session,
    SessionObserver,
    SessionPhase,
)

logger = logging.getLogger(__name__)

CLIENT_ID_MAX_LENGTH = 64
EXTEND_MAX_MINUTES = 60
# A session is the group's: a few observers at most (docs/intervision.md, "Observers").
OBSERVERS_MAX = 5
RETENTION_MONTHS_MAX = 60
PHASE_FIELDS = ("name", "purpose", "minutes", "speakers", "collects", "position")


class IdentifiersFound(ValidationError):
    """The text names likely identifiers; the writer replaces them or confirms."""

    def __init__(self, findings):
        from .identifiers import identifiers_summary

        super().__init__(identifiers_summary(findings), code="identifiers")
        self.findings = findings

    @property
    def frame_fields(self) -> dict:
        """What a socket's error frame adds: each finding's kind and text, to mark them."""
        return {"findings": [{"kind": f.kind, "text": f.text, "start": f.start, "end": f.end} for f in self.findings]}


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def identifiers_check(text: str, *, confirmed: bool) -> None:
    """Raise `IdentifiersFound` when `text` names likely identifiers and the writer did not confirm."""
    if confirmed or not text:
        return
    from .identifiers import identifiers_find

    findings = identifiers_find(text)
    if findings:
        raise IdentifiersFound(findings)


def _clean(text: str, *, max_length: int, allow_empty: bool = False) -> str:
    text = (text or "").replace("\r\n", "\n").strip()
    if not text and not allow_empty:
        raise ValidationError(_("Write something first."), code="empty")
    if len(text) > max_length:
        raise ValidationError(
            _("At most %(count)s characters; this is %(length)s.") % {"count": max_length, "length": len(text)},
            code="too_long",
        )
    return text


# Announcing ------------------------------------------------------------------------------------


def _announce_on_commit(session: Session, *, state: bool = False, **event) -> None:
    """Every socket of the session hears that it changed (and how far: `rev`); what changed it reads
    itself, as the reader it is (blind questions differ per reader). A change of phase, clock or
    status carries the session's `state` (`selectors.common_state`, one query here instead of
    several per socket), so everyone sees it at once. `access_changed` (person ids) makes those
    people's sockets read their access again, and close when it is gone (a removed observer)."""
    group = session.channel_group
    payload = {"type": "session.changed", "rev": session.last_rev, **event}
    if state:
        payload["state"] = selectors.common_state(session, list(session.phases.all()))
    transaction.on_commit(lambda: group_send_now(group, {**payload, "announced_at": time.time()}))


def _lock(session: Session) -> Session:
    """Lock the session row, then read it with its group and current phase. Two statements on
    purpose: a locking read that joins the current phase, and waited for a change of phase, would
    see the new row joined to the old phase (PostgreSQL re-checks only the locked row), i.e. no
    current phase at all: bench/session.py found contributions refused as "not running" so."""
    Session.objects.select_for_update().filter(pk=session.pk).values_list("pk", flat=True).get()
    return Session.objects.select_related("group", "current_phase").get(pk=session.pk)


def _next_rev(session: Session, *, new_seq: bool = False, fields=()) -> None:
    session.last_rev += 1
    update = ["last_rev", *fields]
    if new_seq:
        session.last_seq += 1
        update.append("last_seq")
    session.save(update_fields=update)


def _access(actor: User, session: Session) -> permissions.SessionAccess:
    access = permissions.session_access(actor, session)
    if access.is_hidden:
        raise Session.DoesNotExist
    _require(access.can_read)
    return access


def _member_access(actor: User, session: Session) -> permissions.SessionAccess:
    """`_access` for a write: observers read, only the group's members write."""
    access = _access(actor, session)
    _require(access.is_member)
    return access


# Methods ---------------------------------------------------------------------------------------


def methods_for(group: IntervisionGroup):
    """The methods a group may use: the shipped ones and its own copies."""
    return Method.objects.filter(group__isnull=True) | Method.objects.filter(group=group)


@transaction.atomic
def method_copy(*, actor: User, method: Method, group: IntervisionGroup, name: str = "") -> Method:
    """A group's own copy of a method, to adapt (order, durations, texts)."""
    _require(permissions.can_plan_sessions(actor, group))
    if method.group_id not in (None, group.pk):
        raise Method.DoesNotExist
    copy = Method.objects.create(
        name=_clean(name or _("%(method)s (our version)") % {"method": method.name}, max_length=120),
        description=method.description,
        group=group,
        based_on=method,
    )
    MethodPhase.objects.bulk_create(
        MethodPhase(method=copy, **{field: getattr(phase, field) for field in PHASE_FIELDS})
        for phase in method.phases.all()
    )
    return copy


@transaction.atomic
def method_update(*, actor: User, method: Method, name: str, description: str, phases: list[dict]) -> Method:
    """Replace a group method's phases with `phases` (dicts of PHASE_FIELDS but position, in order)."""
    if method.group_id is None:
        raise PermissionDenied  # the shipped methods change only in the code; copy one to adapt it
    _require(permissions.can_plan_sessions(actor, method.group))
    if not phases:
        raise ValidationError(_("A method needs at least one phase."), code="no_phases")
    method.name = _clean(name, max_length=120)
    method.description = _clean(description, max_length=2000, allow_empty=True)
    method.save(update_fields=["name", "description"])
    method.phases.all().delete()
    MethodPhase.objects.bulk_create(
        MethodPhase(
            method=method,
            position=position,
            name=_clean(phase["name"], max_length=120),
            purpose=_clean(phase.get("purpose", ""), max_length=2000, allow_empty=True),
            minutes=max(1, min(int(phase["minutes"]), 240)),
            speakers=phase["speakers"],
            collects=phase["collects"],
        )
        for position, phase in enumerate(phases)
    )
    return method


# Planning --------------------------------------------------------------------------------------


def _member(group: IntervisionGroup, person: User | None, *, label: str) -> None:
    if person is not None and not GroupMembership.objects.filter(group=group, person=person).exists():
        raise ValidationError(_("%(role)s must be a member of the group.") % {"role": label}, code="not_a_member")


@transaction.atomic
def session_plan(
    *,
    actor: User,
    group: IntervisionGroup,
    method: Method,
    title: str,
    planned_for,
    presenter: User,
    timekeeper: User | None = None,
    meeting=None,
) -> Session:
    _require(permissions.can_plan_sessions(actor, group))
    if method.group_id not in (None, group.pk):
        raise ValidationError(_("Choose one of the group's methods."), code="method")
    _member(group, presenter, label=_("The case presenter"))
    _member(group, timekeeper, label=_("The timekeeper"))
    if meeting is not None and meeting.group_id != group.pk:
        raise ValidationError(_("Choose a meeting of this group."), code="meeting")
    session = Session.objects.create(
        group=group,
        method=method,
        title=_clean(title, max_length=150),
        planned_for=planned_for,
        facilitator=actor,
        presenter=presenter,
        timekeeper=timekeeper,
        meeting=meeting,
        created_by=actor,
    )
    SessionPhase.objects.bulk_create(
        SessionPhase(session=session, **{field: getattr(phase, field) for field in PHASE_FIELDS})
        for phase in method.phases.all()
    )
    return session


def session_case_save(*, actor: User, session: Session, text: str, confirmed: bool = False) -> Session:
    """The presenter's case intake: a draft only they and the facilitators read until the start.
    Checked for identifiers before the lock (see `contribution_add`)."""
    identifiers_check(_clean(text, max_length=CASE_MAX_LENGTH, allow_empty=True), confirmed=confirmed)
    return _session_case_save(actor=actor, session=session, text=text)


@transaction.atomic
def _session_case_save(*, actor: User, session: Session, text: str) -> Session:
    session = _lock(session)
    access = _member_access(actor, session)
    _require(access.can_write_case)
    text = _clean(text, max_length=CASE_MAX_LENGTH, allow_empty=True)
    session.case_text = text
    session.case_updated_at = timezone.now()
    _next_rev(session, fields=["case_text", "case_updated_at"])
    _announce_on_commit(session)
    return session


# Running ---------------------------------------------------------------------------------------


def _phases(session: Session) -> list[SessionPhase]:
    return list(session.phases.all())


def _close_phase(session: Session, now) -> None:
    """Add the time spent in the current phase since it (re)started to its `seconds_used`."""
    phase = session.current_phase
    if phase is None or session.status != Session.Status.LIVE or phase.started_at is None:
        return
    spent = max(0, int((now - phase.started_at).total_seconds()))
    SessionPhase.objects.filter(pk=phase.pk).update(seconds_used=phase.seconds_used + spent, started_at=None)


def _enter(session: Session, phase: SessionPhase, now) -> None:
    """Make `phase` the current one, with its whole time (the group starts it again from the top)."""
    phase.started_at = now
    phase.save(update_fields=["started_at"])
    session.current_phase = phase
    session.phase_ends_at = now + timedelta(minutes=phase.minutes + phase.extended_minutes)
    session.paused_left = None
    session.status = Session.Status.LIVE


def _control(actor: User, session: Session) -> Session:
    session = _lock(session)
    _require(_access(actor, session).can_control)
    return session


@transaction.atomic
def session_start(*, actor: User, session: Session) -> Session:
    session = _control(actor, session)
    if session.status != Session.Status.PLANNED:
        raise ValidationError(_("The session has already started."), code="started")
    phases = _phases(session)
    if not phases:
        raise ValidationError(_("The session has no phases."), code="no_phases")
    now = timezone.now()
    session.started_at = now
    _enter(session, phases[0], now)
    _next_rev(session, fields=["status", "started_at", "current_phase", "phase_ends_at", "paused_left"])
    _announce_on_commit(session, state=True)
    _tell_the_group(session, actor)
    return session


def _tell_the_group(session: Session, actor: User) -> None:
    """In-app only, and only that it starts: no case content in any notification (docs/privacy.md)."""
    members = User.objects.filter(group_memberships__group_id=session.group_id, is_active=True).exclude(pk=actor.pk)
    text = _("A session of %(group)s starts.") % {"group": session.group.name}
    notifications_create([(person, text, session.get_absolute_url()) for person in members])


def _moved_on(session: Session, expected_phase: int | None) -> None:
    """A control meant for the phase the person saw: refused when the session moved on meanwhile
    (two facilitators pressing "next" at once move it once)."""
    if expected_phase is not None and session.current_phase_id != expected_phase:
        raise ValidationError(_("The session moved on since you loaded the page."), code="moved_on")


@transaction.atomic
def session_move(*, actor: User, session: Session, to: str, expected_phase: int | None = None) -> Session:
    """`to`: "next" or "back". Moving past the last phase ends the session."""
    session = _control(actor, session)
    _moved_on(session, expected_phase)
    if not session.is_running:
        raise ValidationError(_("The session is not running."), code="not_running")
    phases = _phases(session)
    index = next(i for i, phase in enumerate(phases) if phase.pk == session.current_phase_id)
    target = index + (1 if to == "next" else -1)
    if target < 0:
        raise ValidationError(_("This is the first phase."), code="first_phase")
    now = timezone.now()
    _close_phase(session, now)
    if target >= len(phases):
        return _end(session, now)
    _enter(session, phases[target], now)
    _next_rev(session, fields=["status", "current_phase", "phase_ends_at", "paused_left"])
    _announce_on_commit(session, state=True)
    return session


def _end(session: Session, now) -> Session:
    session.status = Session.Status.ENDED
    session.ended_at = now
    session.current_phase = None
    session.phase_ends_at = None
    session.paused_left = None
    _next_rev(session, fields=["status", "ended_at", "current_phase", "phase_ends_at", "paused_left"])
    _announce_on_commit(session, state=True)
    return session


@transaction.atomic
def session_end(*, actor: User, session: Session) -> Session:
    session = _control(actor, session)
    now = timezone.now()
    _close_phase(session, now)
    return _end(session, now)


def _keep_time(actor: User, session: Session) -> Session:
    session = _lock(session)
    access = _member_access(actor, session)
    _require(access.can_keep_time)
    return session


@transaction.atomic
def session_pause(*, actor: User, session: Session) -> Session:
    session = _keep_time(actor, session)
    if session.status != Session.Status.LIVE:
        raise ValidationError(_("The session is not running."), code="not_running")
    now = timezone.now()
    _close_phase(session, now)
    session.paused_left = max(0, int((session.phase_ends_at - now).total_seconds()))
    session.phase_ends_at = None
    session.status = Session.Status.PAUSED
    _next_rev(session, fields=["status", "phase_ends_at", "paused_left"])
    _announce_on_commit(session, state=True)
    return session


@transaction.atomic
def session_resume(*, actor: User, session: Session) -> Session:
    session = _keep_time(actor, session)
    if session.status != Session.Status.PAUSED:
        raise ValidationError(_("The session is not paused."), code="not_paused")
    now = timezone.now()
    SessionPhase.objects.filter(pk=session.current_phase_id).update(started_at=now)
    session.phase_ends_at = now + timedelta(seconds=session.paused_left or 0)
    session.paused_left = None
    session.status = Session.Status.LIVE
    _next_rev(session, fields=["status", "phase_ends_at", "paused_left"])
    _announce_on_commit(session, state=True)
    return session


@transaction.atomic
def session_extend(*, actor: User, session: Session, minutes: int) -> Session:
    session = _keep_time(actor, session)
    if not session.is_running:
        raise ValidationError(_("The session is not running."), code="not_running")
    if not 1 <= minutes <= EXTEND_MAX_MINUTES:
        raise ValidationError(
            _("Extend by 1 to %(max)s minutes.") % {"max": EXTEND_MAX_MINUTES}, code="invalid_minutes"
        )
    SessionPhase.objects.filter(pk=session.current_phase_id).update(
        extended_minutes=session.current_phase.extended_minutes + minutes
    )
    if session.status == Session.Status.LIVE:
        session.phase_ends_at += timedelta(minutes=minutes)
    else:
        session.paused_left = (session.paused_left or 0) + minutes * 60
    _next_rev(session, fields=["phase_ends_at", "paused_left"])
    _announce_on_commit(session, state=True)
    return session


@transaction.atomic
def questions_reveal(*, actor: User, session: Session, expected_phase: int | None = None) -> Session:
    session = _control(actor, session)
    _moved_on(session, expected_phase)
    phase = session.current_phase
    if phase is None or phase.collects != Collects.QUESTIONS:
        raise ValidationError(_("This phase collects no questions."), code="no_questions")
    if phase.revealed_at is None:
        phase.revealed_at = timezone.now()
        phase.save(update_fields=["revealed_at"])
        # Every question of the phase becomes readable by all: each takes the new rev, so a sync
        # after an older rev brings them.
        _next_rev(session)
        Contribution.objects.filter(phase=phase).update(rev=session.last_rev)
        _announce_on_commit(session, state=True)
    return session


# The controls, as the page's buttons and the socket's `control` frames name them.
CONTROLS = ("start", "back", "next", "pause", "resume", "extend", "reveal", "end")
# Acting on the phase the person saw: pressed twice, the second is refused (`moved_on`, under the lock).
PHASE_BOUND = ("back", "next", "reveal")


def session_control(
    *, actor: User, session: Session, action: str, phase: int | None = None, minutes: int | None = None
) -> Session:
    """One control by its name; `phase` is the phase the person saw (used for PHASE_BOUND actions),
    `minutes` how long to extend."""
    expected = phase if action in PHASE_BOUND else None
    if action == "start":
        return session_start(actor=actor, session=session)
    if action in ("next", "back"):
        return session_move(actor=actor, session=session, to=action, expected_phase=expected)
    if action == "reveal":
        return questions_reveal(actor=actor, session=session, expected_phase=expected)
    if action == "extend":
        return session_extend(actor=actor, session=session, minutes=minutes or 0)
    return {"pause": session_pause, "resume": session_resume, "end": session_end}[action](actor=actor, session=session)


# Contributions ---------------------------------------------------------------------------------


def contribution_add(
    *, actor: User, session: Session, text: str, client_id: str, confirmed: bool = False
) -> Contribution:
    """A question, note, advice card or reflection in the current phase, by its rules. The text is
    checked for identifiers before the session is locked (outside the transaction: on SQLite a
    transaction holds the database's write lock, and a process's first check loads deduce's tables)."""
    identifiers_check(_clean(text, max_length=TEXT_MAX_LENGTH), confirmed=confirmed)
    return _contribution_add(actor=actor, session=session, text=text, client_id=client_id)


@transaction.atomic
def _contribution_add(*, actor: User, session: Session, text: str, client_id: str) -> Contribution:
    if not client_id or len(client_id) > CLIENT_ID_MAX_LENGTH:
        raise ValidationError(_("The form is incomplete; reload the page."), code="invalid_client_id")
    session = _lock(session)
    access = _member_access(actor, session)
    existing = Contribution.objects.filter(session=session, author=actor, client_id=client_id).first()
    if existing is not None:
        return existing  # the same contribution sent again (a retry): stored once
    if session.status == Session.Status.PAUSED:
        raise ValidationError(_("The session is paused; your text is kept."), code="paused")
    if session.status != Session.Status.LIVE or session.current_phase is None:
        raise ValidationError(_("The session is not running."), code="not_running")
    phase = session.current_phase
    if phase.collects == Collects.ACTIONS:
        raise ValidationError(_("Add action points with who, what and by when."), code="use_action_points")
    if not access.may_contribute_in(phase):
        raise ValidationError(_("You cannot write in this phase."), code="not_in_this_phase")
    text = _clean(text, max_length=TEXT_MAX_LENGTH)
    _next_rev(session, new_seq=True)
    contribution = Contribution.objects.create(
        session=session,
        phase=phase,
        kind=phase.collects,
        author=actor,
        text=text,
        seq=session.last_seq,
        rev=session.last_rev,
        client_id=client_id,
    )
    _announce_on_commit(session)
    return contribution


@transaction.atomic
def advice_take(*, actor: User, contribution: Contribution, taken: bool) -> Contribution:
    session = _lock(contribution.session)
    access = _member_access(actor, session)
    _require(access.is_presenter and session.status != Session.Status.ENDED)
    contribution = Contribution.objects.get(pk=contribution.pk, session=session)
    if contribution.kind != Collects.ADVICE:
        raise ValidationError(_("Only advice can be taken."), code="not_advice")
    _next_rev(session)
    contribution.taken = taken
    contribution.rev = session.last_rev
    contribution.save(update_fields=["taken", "rev"])
    _announce_on_commit(session)
    return contribution


def action_point_add(
    *, actor: User, session: Session, who: str, what: str, due=None, confirmed: bool = False
) -> ActionPoint:
    """In a phase that collects action points, by anyone of the group; after the session, by a
    facilitator. "Who" names a colleague of the group (whose names the group knows); "what" may
    name the family: it is checked, before the lock (see `contribution_add`)."""
    identifiers_check(_clean(what, max_length=500), confirmed=confirmed)
    return _action_point_add(actor=actor, session=session, who=who, what=what, due=due)


@transaction.atomic
def _action_point_add(*, actor: User, session: Session, who: str, what: str, due=None) -> ActionPoint:
    session = _lock(session)
    access = _member_access(actor, session)
    phase = session.current_phase
    during = session.status == Session.Status.LIVE and phase is not None and phase.collects == Collects.ACTIONS
    _require(during or (session.status == Session.Status.ENDED and access.is_facilitator))
    who = _clean(who, max_length=120)
    what = _clean(what, max_length=500)
    _next_rev(session)
    point = ActionPoint.objects.create(
        session=session, who=who, what=what, due=due, created_by=actor, rev=session.last_rev
    )
    _announce_on_commit(session)
    return point


@transaction.atomic
def action_point_follow_up(
    *, actor: User, point: ActionPoint, done: bool, note: str = "", in_session: Session | None = None
) -> ActionPoint:
    """ "Hoe is het verder gegaan?": a member of the group says how an action point went, in the
    group's next session (or on the record's page)."""
    session = _lock(point.session)
    _member_access(actor, session)
    if in_session is not None:
        if in_session.group_id != session.group_id:
            raise PermissionDenied
        # The follow-up round of a later session of the group looks back at an ended one.
        if (
            in_session.pk == session.pk
            or session.status != Session.Status.ENDED
            or in_session.status == Session.Status.ENDED
        ):
            raise ValidationError(
                _("Follow up action points of an earlier, ended session in a session that is not over."),
                code="not_a_follow_up",
            )
    note = _clean(note, max_length=TEXT_MAX_LENGTH, allow_empty=True)
    point = ActionPoint.objects.get(pk=point.pk)
    point.done_at = timezone.now() if done else None
    point.follow_up = note
    point.followed_up_in = in_session
    _next_rev(session)
    point.rev = session.last_rev
    point.save(update_fields=["done_at", "follow_up", "followed_up_in", "rev"])
    _announce_on_commit(session)
    if in_session is not None and in_session.pk != session.pk:
        follow = _lock(in_session)
        _next_rev(follow)
        _announce_on_commit(follow)
    return point


# Observers -------------------------------------------------------------------------------------


def _observers_changed(session: Session, person_ids) -> None:
    """The session's observers changed: a new rev (their list comes with the next `sync`), and the
    sockets of `person_ids` read their access again."""
    session.observers_rev = session.last_rev + 1
    _next_rev(session, fields=["observers_rev"])
    _announce_on_commit(session, access_changed=sorted(person_ids))


def _lock_group(group_id: int) -> None:
    """Lock the group's row: a change of its session settings and the choice of an observer wait
    for each other (the group first, then a session, in both)."""
    IntervisionGroup.objects.select_for_update().filter(pk=group_id).values_list("pk", flat=True).get()


def _observers_open(actor: User, session: Session) -> Session:
    """Lock the group and the session for a change of its observers: by a facilitator, before the
    end."""
    _lock_group(session.group_id)
    session = _lock(session)
    _require(_member_access(actor, session).can_manage_observers)
    return session


@transaction.atomic
def session_observer_add(*, actor: User, session: Session, person: User) -> SessionObserver:
    """A facilitator lets someone outside the group follow a planned or running session, when the
    group allows observers: an active account whose profile the facilitator may see (the one rule
    of docs/privacy.md; everyone else is answered as if there were no such account). They hear
    only that they may observe a session of the group: no title, no case."""
    session = _observers_open(actor, session)
    if not observers_allowed(session.group):
        raise ValidationError(_("This group does not allow observers."), code="observers_not_allowed")
    if not (person.is_active and community_permissions.people_visible_to(actor, {person.pk})):
        raise ValidationError(_("There is no account you can choose with this e-mail address."), code="unknown_person")
    if GroupMembership.objects.filter(group_id=session.group_id, person=person).exists():
        raise ValidationError(
            _("%(person)s is a member of the group and takes part as a member.") % {"person": person.display_name},
            code="member",
        )
    observers = SessionObserver.objects.filter(session=session)
    if observers.filter(person=person).exists():
        raise ValidationError(
            _("%(person)s already observes this session.") % {"person": person.display_name}, code="duplicate"
        )
    if observers.count() >= OBSERVERS_MAX:
        raise ValidationError(
            _("A session has at most %(count)s observers.") % {"count": OBSERVERS_MAX}, code="too_many"
        )
    observer = SessionObserver.objects.create(session=session, person=person, added_by=actor)
    _observers_changed(session, [person.pk])
    text = _("You may observe a session of %(group)s.") % {"group": session.group.name}
    notifications_create([(person, text, session.get_absolute_url())])
    return observer


@transaction.atomic
def session_observer_remove(*, actor: User, session: Session, person: User) -> None:
    """A facilitator takes someone off a session's observers; their open sockets close."""
    session = _observers_open(actor, session)
    deleted, _kinds = SessionObserver.objects.filter(session=session, person=person).delete()
    if not deleted:
        raise ValidationError(_("This person does not observe this session."), code="not_an_observer")
    _observers_changed(session, [person.pk])


# The group's settings --------------------------------------------------------------------------


def _settings(group: IntervisionGroup) -> GroupSessionSettings:
    """The group's settings, or the defaults (unsaved) for a group without a row."""
    return GroupSessionSettings.objects.filter(group=group).first() or GroupSessionSettings(group=group)


def retention_months(group: IntervisionGroup) -> int:
    return _settings(group).retention_months


def observers_allowed(group: IntervisionGroup) -> bool:
    return _settings(group).observers_allowed


def session_settings_for(group: IntervisionGroup) -> GroupSessionSettings:
    return _settings(group)


@transaction.atomic
def session_settings_update(
    *, actor: User, group: IntervisionGroup, retention_months: int, observers_allowed: bool
) -> GroupSessionSettings:
    """The group's facilitators set how long case texts stay and whether observers may follow its
    sessions. No longer allowing observers removes those of the sessions that have not ended, and
    closes their sockets."""
    _require(permissions.can_plan_sessions(actor, group))
    if not 1 <= retention_months <= RETENTION_MONTHS_MAX:
        raise ValidationError(
            _("Keep case texts for 1 to %(max)s months.") % {"max": RETENTION_MONTHS_MAX}, code="retention"
        )
    _lock_group(group.pk)
    settings_, _created = GroupSessionSettings.objects.get_or_create(group=group)
    settings_.retention_months = retention_months
    settings_.observers_allowed = observers_allowed
    settings_.save(update_fields=["retention_months", "observers_allowed"])
    if not observers_allowed:
        observed = (
            Session.objects.filter(group=group, observers__isnull=False).exclude(status=Session.Status.ENDED).distinct()
        )
        for session in observed:
            session = _lock(session)
            removed = SessionObserver.objects.filter(session=session)
            people = list(removed.values_list("person_id", flat=True))
            removed.delete()
            _observers_changed(session, people)
    return settings_


# Retention -------------------------------------------------------------------------------------


def sessions_retention_apply(*, now=None) -> int:
    """The scheduled job: remove the case text and the contributions' texts of sessions that ended
    longer ago than their group's retention period; the record keeps its method, phases with
    durations, dates and action points. Returns how many sessions were emptied, and logs the counts
    when it emptied any (hourly; named in the register of processing, samenhuis/register.py)."""
    now = now or timezone.now()
    emptied = contributions = 0
    ended = Session.objects.filter(status=Session.Status.ENDED, content_removed_at__isnull=True).select_related("group")
    for session in ended.iterator():
        if session.ended_at > now - timedelta(days=30 * retention_months(session.group)):
            continue
        with transaction.atomic():
            session = _lock(session)
            contributions += Contribution.objects.filter(session=session).exclude(text="").update(text="")
            session.case_text = ""
            session.content_removed_at = now
            _next_rev(session, fields=["case_text", "content_removed_at"])
            _announce_on_commit(session)
        emptied += 1
    if emptied:
        logger.info(
            "Retention: case texts of %d ended sessions and %d contributions emptied after their group's period.",
            emptied,
            contributions,
        )
    return emptied
