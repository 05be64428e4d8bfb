"""Who may see and do what in an intervision session: the one place pages, the socket and the
services ask (docs/intervision.md, "Roles").

A session belongs to its group: its members see it (administrators included in "members only",
as in a group's room: a case is confidential), a secret group's session is 404 for everyone
else. The group's facilitators run it (the session's facilitator first; another facilitator can
take over when they drop out); the timekeeper may pause, resume and extend; before the session
starts, only the presenter and the facilitators read the case intake.

An observer (`SessionObserver`, only while the group allows observers) reads a session that has
not ended as a member who may write nothing: the phase, the clock, what is shown to all, and the
intake once the session started. Every write, the follow-up of earlier sessions and the record
stay the members'; once the session ends an observer is an outsider again.
"""

from dataclasses import dataclass

from community.models import GroupMembership, IntervisionGroup

from .models import Collects, Contribution, Session, SessionObserver, SessionPhase, Speakers


@dataclass(frozen=True)
class SessionAccess:
    user: object
    session: Session
    group_role: str | None  # None: not a member of the session's group
    # On the session's observers while the group allows them, read with the access (not a member).
    observing: bool = False

    @property
    def is_member(self) -> bool:
        return self.user is not None and self.group_role is not None

    @property
    def is_observer(self) -> bool:
        """An observer of a session that has not ended: reads it, writes nothing."""
        return (
            self.user is not None
            and not self.is_member
            and self.observing
            and self.session.status != Session.Status.ENDED
        )

    @property
    def is_hidden(self) -> bool:
        """The session must look as if it did not exist (404, close 4404): a secret group's, to
        everyone who may not read it (an observer too, once the session ended)."""
        return not self.can_read and self.session.group.visibility == IntervisionGroup.Visibility.SECRET

    @property
    def can_read(self) -> bool:
        return self.is_member or self.is_observer

    @property
    def is_facilitator(self) -> bool:
        return self.is_member and (
            self.group_role == GroupMembership.Role.FACILITATOR or self.user.pk == self.session.facilitator_id
        )

    @property
    def is_presenter(self) -> bool:
        return self.is_member and self.user.pk == self.session.presenter_id

    @property
    def can_control(self) -> bool:
        """Start, move between phases, reveal questions, end."""
        return self.is_facilitator and self.session.status != Session.Status.ENDED

    @property
    def can_keep_time(self) -> bool:
        """Pause, resume and extend."""
        return self.can_control or (
            self.is_member and self.user.pk == self.session.timekeeper_id and self.session.is_running
        )

    @property
    def can_read_case(self) -> bool:
        """Everyone who reads the session once it started; before, the presenter and the facilitators."""
        return self.can_read and (
            self.session.status != Session.Status.PLANNED or self.is_presenter or self.is_facilitator
        )

    @property
    def can_manage_observers(self) -> bool:
        """Add and remove observers: the facilitators, before the end (whether the group allows
        observers at all is the services' question)."""
        return self.can_control

    @property
    def can_write_case(self) -> bool:
        return (self.is_presenter or self.is_facilitator) and self.session.status != Session.Status.ENDED

    def may_contribute_in(self, phase: SessionPhase) -> bool:
        """The phase's rule (`speakers`) for this person; the phase must collect something."""
        if not self.is_member or phase.collects in (Collects.NOTHING,):
            return False
        if phase.collects == Collects.REFLECTION:
            return self.is_presenter
        if phase.collects == Collects.ACTIONS:
            return True
        return {
            Speakers.EVERYONE: True,
            Speakers.PRESENTER: self.is_presenter,
            Speakers.OTHERS: not self.is_presenter,
            Speakers.FACILITATOR: self.is_facilitator,
        }[phase.speakers]

    def may_read(self, contribution: Contribution) -> bool:
        """Blind questions: until the facilitator reveals them, only their author and the
        facilitators read them."""
        if not self.can_read:
            return False
        if contribution.kind != Collects.QUESTIONS or contribution.phase.revealed_at is not None:
            return True
        return self.is_facilitator or contribution.author_id == self.user.pk


def session_access(user, session: Session) -> SessionAccess:
    """The person's role in the session's group, read now (one query); for someone outside the
    group, whether they observe it (a second): on its observers, the group allowing observers and
    the session not ended, as the database says now (a socket's `session` may be older)."""
    if user is None or not (user.is_authenticated and user.is_active):
        return SessionAccess(None, session, None)
    role = (
        GroupMembership.objects.filter(group_id=session.group_id, person_id=user.pk, person__is_active=True)
        .values_list("role", flat=True)
        .first()
    )
    observing = role is None and observes(user, session)
    return SessionAccess(user, session, role, observing)


def observes(user, session: Session) -> bool:
    """Whether `user` is on the observers of `session`, the group allows observers and the session
    has not ended (one query)."""
    return (
        SessionObserver.objects.filter(
            session_id=session.pk, person_id=user.pk, session__group__session_settings__observers_allowed=True
        )
        .exclude(session__status=Session.Status.ENDED)
        .exists()
    )


def can_plan_sessions(user, group: IntervisionGroup) -> bool:
    """The group's facilitators plan its sessions and adapt its methods."""
    return (
        user is not None
        and user.is_authenticated
        and user.is_active
        and GroupMembership.objects.filter(
            group=group, person_id=user.pk, role=GroupMembership.Role.FACILITATOR
        ).exists()
    )


def sessions_readable_by(user):
    """The sessions of the person's groups."""
    if not (user.is_authenticated and user.is_active):
        return Session.objects.none()
    return Session.objects.filter(group__memberships__person_id=user.pk)
