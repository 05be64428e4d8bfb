"""Reads of intervision sessions that carry rules: the session's state as every socket and page
shows it (docs/intervision.md, "Live"), who takes part in which role, and whom a facilitator may
choose as an observer (named by the one rule of docs/privacy.md, "Where people are named")."""

import copy
import dataclasses
import time

from django.db.models import Count, QuerySet
from django.utils.translation import gettext as _

from community import permissions as community_permissions
from community.models import Membership, User

from .models import Collects, Contribution, Session, SessionObserver, SessionPhase
from .permissions import SessionAccess

# How many people the observers form offers to pick from (the facilitator's colleagues); anyone
# else they may see is added by e-mail address.
OBSERVER_CHOICES_SHOWN = 100


def _epoch(value) -> float | None:
    return value.timestamp() if value else None


def common_state(session: Session, phases: list[SessionPhase]) -> dict:
    """Where the session is, the same for every reader: computed once per change and carried by its
    announcement, so a phase change reaches every socket without a query per socket."""
    current = next((phase for phase in phases if phase.pk == session.current_phase_id), None)
    return {
        "status": session.status,
        "rev": session.last_rev,
        "phases": [{"id": phase.pk, "name": phase.name, "minutes": phase.minutes} for phase in phases],
        "phase": current
        and {
            "id": current.pk,
            "name": current.name,
            "purpose": current.purpose,
            "speakers": current.speakers,
            "collects": current.collects,
            "revealed": current.revealed_at is not None,
            "ends_at": _epoch(session.phase_ends_at),
            "paused_left": session.paused_left,
        },
        # The intake is for everyone of the group once the session started (until then for the
        # presenter and the facilitators: `reader_state` adds it for them).
        "case": session.case_text if session.status != Session.Status.PLANNED else None,
    }


def reader_state(common: dict, access: SessionAccess, session: Session) -> dict:
    """`common` as one reader sees it: what they may do now and, before the start, the intake if
    they may read it. No query: the reader's role is the socket's, the rest is in `common`."""
    now_session = copy.copy(session)
    now_session.status = common["status"]
    now_access = dataclasses.replace(access, session=now_session)
    phase = common["phase"]
    current = phase and SessionPhase(pk=phase["id"], collects=phase["collects"], speakers=phase["speakers"])
    case = common["case"]
    if case is None and now_access.can_read_case:
        case = session.case_text
    return {
        **common,
        "case": case if now_access.can_read_case else None,
        "server_time": time.time(),
        "can": {
            "control": now_access.can_control,
            "keep_time": now_access.can_keep_time,
            "contribute": bool(current)
            and common["status"] == Session.Status.LIVE
            and now_access.may_contribute_in(current),
            "read_case": now_access.can_read_case,
        },
    }


def session_state(session: Session, access: SessionAccess) -> dict:
    """The state for one reader, read now (one query for the phases)."""
    return reader_state(common_state(session, list(session.phases.all())), access, session)


def waiting_questions(session: Session, access: SessionAccess) -> dict[str, int]:
    """Per phase (by id, as a string: a JSON key), how many blind questions of others wait to be
    revealed; none for the facilitators, who read them all (one query, none for them)."""
    if access.is_facilitator:
        return {}
    waiting = (
        Contribution.objects.filter(session=session, kind=Collects.QUESTIONS, phase__revealed_at__isnull=True)
        .exclude(author_id=access.user.pk if access.user else None)
        .order_by()
        .values("phase_id")
        .annotate(count=Count("pk"))
        .values_list("phase_id", "count")
    )
    return {str(phase_id): count for phase_id, count in waiting}


# People ----------------------------------------------------------------------------------------


def session_observers(session: Session) -> QuerySet[SessionObserver]:
    """The session's observers who are not members of its group (someone who joined the group
    since takes part as a member), with their profiles."""
    return (
        SessionObserver.objects.filter(session=session, person__is_active=True)
        .exclude(person__group_memberships__group_id=session.group_id)
        .select_related("person__profile")
        .order_by("person__profile__display_name", "pk")
    )


def observers_seen_by(session: Session, viewer) -> dict:
    """The session's observers as `viewer` may see them: `names` of those they may see named, and
    how many others there are (`hidden`), as the page and the socket's `sync` show them (two
    queries)."""
    people = [observer.person for observer in session_observers(session)]
    visible = community_permissions.people_visible_to(viewer, {person.pk for person in people})
    return {
        "names": [person.display_name for person in people if person.pk in visible],
        "hidden": sum(1 for person in people if person.pk not in visible),
    }


def session_roles(session: Session, viewer) -> list[tuple[str, str]]:
    """(role, name) for the facilitator, the case presenter and the timekeeper, named as `viewer`
    may see them, "Participant" otherwise (two queries)."""
    roled = [
        (_("facilitator"), session.facilitator_id),
        (_("case presenter"), session.presenter_id),
        (_("timekeeper"), session.timekeeper_id),
    ]
    roled = [(role, pk) for role, pk in roled if pk]
    visible = community_permissions.people_visible_to(viewer, {pk for _role, pk in roled})
    names = {person.pk: person.display_name for person in User.objects.filter(pk__in=visible).select_related("profile")}
    return [(role, names.get(pk) or _("Participant")) for role, pk in roled]


def people_nameable_by(viewer) -> QuerySet[User]:
    """Active accounts whose profile `viewer` may see: whom a facilitator may choose as an observer
    (community.permissions.profiles_visible_to, the one rule); everyone else is as unknown as an
    address without an account."""
    return User.objects.filter(is_active=True, profile__in=community_permissions.profiles_visible_to(viewer))


def observer_choices(viewer, session: Session) -> QuerySet[User]:
    """The list the observers form offers: the viewer's colleagues (people of their organisations)
    they may see named, outside the group and not observing yet, by name; at most
    OBSERVER_CHOICES_SHOWN."""
    organisations = Membership.objects.filter(person=viewer).values("organisation_id")
    return (
        people_nameable_by(viewer)
        .filter(memberships__organisation_id__in=organisations)
        .exclude(group_memberships__group_id=session.group_id)
        .exclude(observed_sessions__session=session)
        .exclude(pk=viewer.pk)
        .select_related("profile")
        .distinct()
        .order_by("profile__display_name", "pk")[:OBSERVER_CHOICES_SHOWN]
    )
