"""Reads of intervision sessions that carry rules: the session's state as every socket and page
shows it (docs/intervision.md, "Live")."""

import copy
import time

from .models import Session, SessionPhase
from .permissions import SessionAccess


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
    now_access = SessionAccess(access.user, now_session, access.group_role)
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
