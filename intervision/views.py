"""The session pages, working fully without JavaScript: plain forms and page refreshes
(docs/intervision.md). Thin: who may see and do what is `intervision.permissions`, every change is
one call of `intervision.services`.

Every session URL goes through `session_view`, every group URL through `group_view`: unknown
sessions and a secret group's sessions are 404 to outsiders, anonymous visitors are sent to log
in, and people outside a closed or open group get 403 with the reason. A mistake in a form comes
back as the form with its error (400) and the person's text; a change refused because the session
changed since the page was loaded (the phase moved on, the session was paused or ended, the person
lost their role) answers with its own status and the person's text to copy
(samenhuis/refusals.py). Texts that name likely identifiers come back with the services' message
and a checkbox to save them anyway.
"""

import math
from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from community import permissions as community_permissions
from community.models import IntervisionGroup, User
from events.models import GroupMeeting
from knowledge import review
from knowledge.forms.submission import PracticeSubmissionForm
from knowledge.services import practice_submit
from samenhuis.refusals import kept_from_form, kept_from_post, refusal_response

from . import permissions, selectors, services
from .forms import (
    CONFIRM_LABEL,
    ActionPointForm,
    AdviceTakeForm,
    CaseForm,
    ContributionForm,
    ControlForm,
    FollowUpForm,
    MethodForm,
    ObserverForm,
    PhaseFormSet,
    SessionPlanForm,
    SessionSettingsForm,
)
from .identifiers import KIND_LABELS
from .models import ActionPoint, Collects, Contribution, Method, Session, SessionObserver, Speakers

EXTEND_MINUTES = 5
SECRET = IntervisionGroup.Visibility.SECRET

# The status of a refusal caused by a change after the page was loaded, by the service's code;
# other codes are mistakes in the form itself and come back as the form with its error.
REFUSAL_STATUS = {
    "not_in_this_phase": 403,
    "paused": 409,
    "not_running": 409,
    "use_action_points": 409,
    "started": 409,
    "first_phase": 409,
    "no_questions": 409,
    "not_paused": 409,
    "not_advice": 409,
    "moved_on": 409,
}


# Access ------------------------------------------------------------------------------------------


def _forbidden(request, group, reason: str):
    return render(request, "intervision/forbidden.html", {"group": group, "reason": reason}, status=403)


def _planning_refused(request, group, form):
    """A facilitator's form refused because the person no longer plans the group's sessions (their
    role changed after the page was shown): 403, with what they typed kept."""
    return refusal_response(
        request,
        status=403,
        reason=_("Only the group's facilitators plan sessions and adapt methods."),
        kept=kept_from_form(form),
        back=group.get_absolute_url(),
    )


def session_view(*, methods=("GET",)):
    def decorator(view):
        @wraps(view)
        def wrapper(request, pk, *args, **kwargs):
            session = get_object_or_404(Session.objects.select_related("group", "method", "current_phase"), pk=pk)
            if not request.user.is_authenticated:
                if session.group.visibility == SECRET:
                    raise Http404
                return redirect_to_login(request.get_full_path())
            access = permissions.session_access(request.user, session)
            if access.is_hidden:
                if request.method == "POST":  # removed from a secret group while the page was open
                    return refusal_response(request, status=404, kept=kept_from_post(request))
                raise Http404
            if not access.can_read:
                if request.method == "POST":
                    return _refusal(request, session, PermissionDenied(), kept=kept_from_post(request))
                return _forbidden(request, session.group, _("Only the members of the group take part in its sessions."))
            if request.method not in methods:
                return HttpResponseNotAllowed(methods)
            return view(request, session, access, *args, **kwargs)

        return wrapper

    return decorator


def group_view(*, methods=("GET",), plan=False):
    """A group's intervision pages: for its members; `plan`: for its facilitators."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, slug, *args, **kwargs):
            group = get_object_or_404(IntervisionGroup, slug=slug)
            if not request.user.is_authenticated:
                if group.visibility == SECRET:
                    raise Http404
                return redirect_to_login(request.get_full_path())
            access = community_permissions.group_access(request.user, group)
            if not access.is_member:
                if group.visibility == SECRET:
                    raise Http404
                return _forbidden(request, group, _("Only the members of the group take part in its sessions."))
            if plan and not permissions.can_plan_sessions(request.user, group):
                return _forbidden(request, group, _("Only the group's facilitators plan sessions and adapt methods."))
            if request.method not in methods:
                return HttpResponseNotAllowed(methods)
            return view(request, group, access, *args, **kwargs)

        return wrapper

    return decorator


def _is_refusal(error) -> bool:
    return isinstance(error, PermissionDenied) or getattr(error, "code", None) in REFUSAL_STATUS


def _refusal(request, session, error, *, kept, title=None):
    """The answer to a refused change: its status, the reason, the text to copy, the way back."""
    if isinstance(error, PermissionDenied):
        status, reason = 403, _("You may not do that in this session, or no longer.")
    else:
        status, reason = REFUSAL_STATUS.get(error.code, 400), " ".join(error.messages)
    return refusal_response(
        request,
        status=status,
        title=title or _("This was not saved"),
        reason=reason,
        advice=_("Go back to the session to see where it is now."),
        kept=kept,
        back=session.get_absolute_url(),
    )


def _gone(request, form):
    """The session became secret to the person while the page was open (`Session.DoesNotExist`)."""
    return refusal_response(request, status=404, kept=kept_from_form(form))


# The group's page ------------------------------------------------------------------------------


def _members(group):
    return (
        User.objects.filter(group_memberships__group=group, is_active=True)
        .select_related("profile")
        .order_by("profile__display_name", "pk")
    )


@group_view(methods=("GET", "POST"), plan=True)
def session_plan(request, group, access):
    meetings = GroupMeeting.objects.filter(group=group, is_cancelled=False, starts_at__gte=timezone.now())
    form = SessionPlanForm(
        request.POST or None, methods=services.methods_for(group), members=_members(group), meetings=meetings
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                session = services.session_plan(
                    actor=request.user,
                    group=group,
                    method=data["method"],
                    title=data["title"],
                    planned_for=data["planned_for"],
                    presenter=data["presenter"],
                    timekeeper=data["timekeeper"],
                    meeting=data["meeting"],
                )
            except PermissionDenied:
                return _planning_refused(request, group, form)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("The session has been planned."))
                return redirect(session)
    return render(request, "intervision/session_plan.html", {"group": group, "form": form}, status=status)


@group_view()
def method_list(request, group, access):
    methods = services.methods_for(group).prefetch_related("phases")
    return render(
        request,
        "intervision/method_list.html",
        {"group": group, "methods": methods, "can_adapt": permissions.can_plan_sessions(request.user, group)},
    )


@group_view(methods=("POST",), plan=True)
def method_copy(request, group, access, pk):
    method = get_object_or_404(services.methods_for(group), pk=pk)
    try:
        copy = services.method_copy(actor=request.user, method=method, group=group)
    except PermissionDenied:
        return refusal_response(request, status=403, back=group.get_absolute_url())
    messages.success(request, _("The method has been copied for your group. Adapt it here."))
    return redirect("intervision:method_edit", slug=group.slug, pk=copy.pk)


@group_view(methods=("GET", "POST"), plan=True)
def session_settings(request, group, access):
    """The group's rules for its sessions: how long case texts stay, whether observers may follow."""
    current = services.session_settings_for(group)
    initial = {"retention_months": current.retention_months, "observers_allowed": current.observers_allowed}
    form = SessionSettingsForm(request.POST if request.method == "POST" else None, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.session_settings_update(actor=request.user, group=group, **form.cleaned_data)
            except PermissionDenied:
                return _planning_refused(request, group, form)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("The session settings have been saved."))
                return redirect(group.get_absolute_url())
    return render(request, "intervision/session_settings.html", {"group": group, "form": form}, status=status)


def _phase_initial(method: Method) -> list[dict]:
    fields = ("name", "purpose", "minutes", "speakers", "collects")
    return [
        {**{field: getattr(phase, field) for field in fields}, "ORDER": order}
        for order, phase in enumerate(method.phases.all(), start=1)
    ]


@group_view(methods=("GET", "POST"), plan=True)
def method_edit(request, group, access, pk):
    method = get_object_or_404(Method, pk=pk, group=group)  # the shipped methods are copied, not changed
    if request.method == "POST":
        form = MethodForm(request.POST)
        phases = PhaseFormSet(request.POST, prefix="fasen")
        if form.is_valid() and phases.is_valid():
            try:
                services.method_update(
                    actor=request.user,
                    method=method,
                    name=form.cleaned_data["name"],
                    description=form.cleaned_data["description"],
                    phases=phases.phases(),
                )
            except PermissionDenied:
                return refusal_response(request, status=403, kept=kept_from_form(form), back=group.get_absolute_url())
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("The method has been saved."))
                return redirect("intervision:methods", slug=group.slug)
        status = 400
    else:
        form = MethodForm(initial={"name": method.name, "description": method.description})
        phases = PhaseFormSet(initial=_phase_initial(method), prefix="fasen")
        status = 200
    return render(
        request,
        "intervision/method_edit.html",
        {"group": group, "method": method, "form": form, "phases": phases},
        status=status,
    )


# The session page ------------------------------------------------------------------------------


def _author_names(viewer, contributions) -> dict[int, str]:
    """The authors the viewer may see named (docs/privacy.md, "Where people are named"); the others
    show as "Participant". Two queries at most."""
    ids = {contribution.author_id for contribution in contributions if contribution.author_id}
    visible = community_permissions.people_visible_to(viewer, ids)
    if not visible:
        return {}
    return {person.pk: person.display_name for person in User.objects.filter(pk__in=visible).select_related("profile")}


def _named(contributions, names: dict[int, str]):
    for contribution in contributions:
        if contribution.author_id is None:  # the account was deleted (docs/privacy.md, "Deleting")
            contribution.author_name = _("Deleted user")
        else:
            contribution.author_name = names.get(contribution.author_id) or _("Participant")
    return contributions


def _time_left(session: Session) -> dict:
    """The current phase's time by the server's clock: when it ends and the minutes left."""
    if session.status == Session.Status.LIVE and session.phase_ends_at:
        seconds = (session.phase_ends_at - timezone.now()).total_seconds()
        return {"ends_at": session.phase_ends_at, "minutes_left": max(0, math.ceil(seconds / 60))}
    if session.status == Session.Status.PAUSED:
        return {"paused": True, "minutes_left": math.ceil((session.paused_left or 0) / 60)}
    return {}


def _follow_up_points(session: Session):
    """The open action points of the group's earlier sessions, and those followed up in this one."""
    if session.status == Session.Status.ENDED:
        return []
    points = (
        ActionPoint.objects.filter(session__group_id=session.group_id, session__status=Session.Status.ENDED)
        .exclude(session=session)
        .filter(done_at__isnull=True)
        .select_related("session")
        .order_by("session__planned_for", "created_at", "pk")
    )
    done_here = ActionPoint.objects.filter(followed_up_in=session, done_at__isnull=False).select_related("session")
    return list(points) + list(done_here)


def _session_page(request, session, access, *, forms=None, status=200):
    """The session page; `forms` replaces a blank form by the one just sent (with its errors)."""
    forms = forms or {}
    phases = list(session.phases.all())
    current = session.current_phase
    contributions = list(session.contributions.select_related("phase"))
    readable = [contribution for contribution in contributions if access.may_read(contribution)]
    _named(readable, _author_names(request.user, readable))
    rounds = []
    for phase in phases:
        own = [contribution for contribution in readable if contribution.phase_id == phase.pk]
        collected = sum(1 for contribution in contributions if contribution.phase_id == phase.pk)
        hidden = phase.collects == Collects.QUESTIONS and phase.revealed_at is None and len(own) < collected
        if own or collected:
            rounds.append({"phase": phase, "contributions": own, "collected": collected, "blind": hidden})
    running = session.status == Session.Status.LIVE and current is not None
    may_write = running and access.may_contribute_in(current)
    # The earlier sessions' action points are the group's: not for an observer of this one.
    follow_up = _follow_up_points(session) if access.is_member else []
    context = {
        "session": session,
        "access": access,
        "phases": phases,
        "current": current,
        "time": _time_left(session),
        "rounds": rounds,
        "action_points": list(session.action_points.all()),
        "contribution_form": None,
        "action_point_form": None,
        "control_actions": _control_actions(session, access),
        "extend_minutes": EXTEND_MINUTES,
        "follow_up": [
            (point, forms.get(("follow_up", point.pk)) or FollowUpForm.for_point(point)) for point in follow_up
        ],
        "session_strings": _client_strings(),
        "roles": selectors.session_roles(session, request.user),
        "observers": selectors.observers_seen_by(session, request.user),
        "may_choose_observers": access.can_manage_observers and services.observers_allowed(session.group),
    }
    if may_write and current.collects == Collects.ACTIONS:
        context["action_point_form"] = forms.get("action_point") or ActionPointForm()
    elif may_write:
        context["contribution_form"] = forms.get("contribution") or ContributionForm()
    return render(request, "intervision/session_detail.html", context, status=status)


def _control_actions(session: Session, access) -> list[str]:
    """The buttons the viewer has, in the order shown."""
    if access.can_control:
        if session.status == Session.Status.PLANNED:
            return ["start"]
        actions = ["back", "next"]
        actions.append("resume" if session.status == Session.Status.PAUSED else "pause")
        actions.append("extend")
        phase = session.current_phase
        if phase is not None and phase.collects == Collects.QUESTIONS and phase.revealed_at is None:
            actions.append("reveal")
        return [*actions, "end"]
    if access.can_keep_time:
        return ["resume" if session.status == Session.Status.PAUSED else "pause", "extend"]
    return []


@session_view()
def session_detail(request, session, access):
    return _session_page(request, session, access)


def _client_strings() -> dict:
    """The words static/js/session.js shows, in the page's language (docs/intervision.md, "The
    browser client")."""
    blind = (
        "%(counter)s question collected; the facilitator shows them together.",
        "%(counter)s questions collected; the facilitator shows them together.",
    )
    observers_hidden = (
        "%(counter)s observer who does not share their profile with you",
        "%(counter)s observers who do not share their profile with you",
    )
    return {
        "status": {value: str(label) for value, label in Session.Status.choices},
        "speakers": {value: str(label) for value, label in Speakers.choices},
        "kinds": {kind: str(label) for kind, label in KIND_LABELS.items()},
        "finding": _("%(label)s “%(text)s”"),
        "controls": {
            "start": _("Start the session"),
            "back": _("Previous phase"),
            "next": _("Next phase"),
            "pause": _("Pause"),
            "resume": _("Resume"),
            "extend": _("Extend by %(minutes)s minutes") % {"minutes": EXTEND_MINUTES},
            "reveal": _("Reveal the questions"),
            "end": _("End the session"),
        },
        "run": _("Run the session"),
        "keep_time": _("Keep time"),
        "now": _("Now: %(name)s"),
        "now_tag": _("now"),
        "who_may": _("Who may contribute"),
        "nobody_writes": _("nobody writes; the group talks"),
        "not_started": _("The session has not started yet."),
        "ends_at": _("Ends at %(end)s, %(left)s left."),
        "time_up": _("Time is up: the phase was to end at %(end)s."),
        "paused_left": _("Paused, %(left)s left."),
        "new_phase": _("New phase: %(name)s."),
        "announce": {
            "live": _("The session is running."),
            "paused": _("The session is paused."),
            "ended": _("The session has ended."),
        },
        "contributions": _("Contributions"),
        "your_contribution": _("Your contribution"),
        "add": _("Add"),
        "participant": _("Participant"),
        "deleted_user": _("Deleted user"),
        "taken": _("taken"),
        "take": _("Take this advice"),
        "untake": _("Untake"),
        "blind_one": ngettext(*blind, 1),
        "blind_other": ngettext(*blind, 2),
        "action_points": _("Action points"),
        "who": _("Who"),
        "what": _("What"),
        "due": _("By when (optional)"),
        "add_point": _("Add the action point"),
        "by": _("by %(due)s"),
        "confirm": str(CONFIRM_LABEL),
        "sending": _("Sending…"),
        "record": _("The record of the session"),
        "observer": _("observer"),
        "observers_hidden_one": ngettext(*observers_hidden, 1),
        "observers_hidden_other": ngettext(*observers_hidden, 2),
        "reconnecting": _("Connection lost; reconnecting. What you missed will appear."),
        "closed": _("You can no longer follow this session live. Reload the page."),
    }


@session_view(methods=("POST",))
def session_contribute(request, session, access):
    form = ContributionForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            contribution = services.contribution_add(
                actor=request.user,
                session=session,
                text=data["text"],
                client_id=data["client_id"],
                confirmed=data["confirmed"],
            )
        except services.IdentifiersFound as error:
            form.identifiers_found(error)
        except (ValidationError, PermissionDenied) as error:
            if _is_refusal(error):
                return _refusal(request, session, error, kept=kept_from_form(form))
            form.add_error("text", error)
        except Session.DoesNotExist:
            return _gone(request, form)
        else:
            return redirect(f"{session.get_absolute_url()}#bijdrage-{contribution.seq}")
    return _session_page(request, session, access, forms={"contribution": form}, status=400)


@session_view(methods=("POST",))
def session_action_point(request, session, access):
    form = ActionPointForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.action_point_add(
                actor=request.user,
                session=session,
                who=data["who"],
                what=data["what"],
                due=data["due"],
                confirmed=data["confirmed"],
            )
        except services.IdentifiersFound as error:
            form.identifiers_found(error)
        except (ValidationError, PermissionDenied) as error:
            if _is_refusal(error):
                return _refusal(request, session, error, kept=kept_from_form(form))
            form.add_error(None, error)
        except Session.DoesNotExist:
            return _gone(request, form)
        else:
            messages.success(request, _("The action point has been added."))
            return redirect(f"{session.get_absolute_url()}#actiepunten")
    return _session_page(request, session, access, forms={"action_point": form}, status=400)


@session_view(methods=("POST",))
def session_advice_take(request, session, access, contribution_pk):
    contribution = get_object_or_404(Contribution, pk=contribution_pk, session=session)
    form = AdviceTakeForm(request.POST)
    form.is_valid()
    try:
        services.advice_take(actor=request.user, contribution=contribution, taken=form.cleaned_data.get("taken", False))
    except (ValidationError, PermissionDenied) as error:
        return _refusal(request, session, error, kept=())
    except Session.DoesNotExist:
        raise Http404 from None
    return redirect(f"{session.get_absolute_url()}#bijdrage-{contribution.seq}")


@session_view(methods=("POST",))
def session_follow_up(request, session, access, point_pk):
    point = get_object_or_404(ActionPoint.objects.select_related("session"), pk=point_pk, session__group=session.group)
    form = FollowUpForm(request.POST, prefix=f"punt-{point.pk}")
    if form.is_valid():
        try:
            services.action_point_follow_up(
                actor=request.user,
                point=point,
                done=form.cleaned_data["done"],
                note=form.cleaned_data["note"],
                in_session=session,
            )
        except (ValidationError, PermissionDenied) as error:
            if _is_refusal(error):
                return _refusal(request, session, error, kept=kept_from_form(form))
            form.add_error("note", error)
        except Session.DoesNotExist:
            return _gone(request, form)
        else:
            messages.success(request, _("Thank you; the follow-up has been saved."))
            return redirect(f"{session.get_absolute_url()}#opvolging")
    return _session_page(request, session, access, forms={("follow_up", point.pk): form}, status=400)


@session_view(methods=("POST",))
def session_control(request, session, access):
    form = ControlForm(request.POST)
    if not form.is_valid():
        return refusal_response(request, status=400, back=session.get_absolute_url())
    action = form.cleaned_data["action"]
    try:
        services.session_control(
            actor=request.user, session=session, action=action, phase=form.cleaned_data["phase"], minutes=EXTEND_MINUTES
        )
    except (ValidationError, PermissionDenied) as error:
        return _refusal(request, session, error, kept=(), title=_("Nothing was changed"))
    except Session.DoesNotExist:
        raise Http404 from None
    return redirect(session)


# Observers ---------------------------------------------------------------------------------------


def _observers_page(request, session, access, *, form=None, status=200):
    allowed = services.observers_allowed(session.group)
    observers = list(selectors.session_observers(session))
    visible = community_permissions.people_visible_to(request.user, {observer.person_id for observer in observers})
    for observer in observers:
        observer.name = observer.person.display_name if observer.person_id in visible else _("Participant")
    form = form or _observer_form(request, session, data=None)
    context = {
        "session": session,
        "allowed": allowed,
        "observers": observers,
        "room_left": services.OBSERVERS_MAX - len(observers),
        "observers_max": services.OBSERVERS_MAX,
        "form": form,
        "can_change_settings": permissions.can_plan_sessions(request.user, session.group),
    }
    return render(request, "intervision/session_observers.html", context, status=status)


def _observer_form(request, session, *, data):
    return ObserverForm(
        data,
        nameable=selectors.people_nameable_by(request.user),
        colleagues=list(selectors.observer_choices(request.user, session)),
    )


@session_view(methods=("GET", "POST"))
def session_observers(request, session, access):
    """The facilitators choose who outside the group may follow the session (docs/intervision.md,
    "Observers"): by e-mail address or from their colleagues, only people they may see named."""
    if not access.can_manage_observers:
        return _forbidden(request, session.group, _("Only the facilitators choose observers, until the session ends."))
    if request.method == "GET":
        return _observers_page(request, session, access)
    form = _observer_form(request, session, data=request.POST)
    if form.is_valid():
        person = form.cleaned_data["observer"]
        try:
            services.session_observer_add(actor=request.user, session=session, person=person)
        except PermissionDenied as error:
            return _refusal(request, session, error, kept=kept_from_form(form))
        except ValidationError as error:
            form.add_error(None, error)
        except Session.DoesNotExist:
            return _gone(request, form)
        else:
            messages.success(request, _("%(person)s may now observe this session.") % {"person": person.display_name})
            return redirect("intervision:session_observers", pk=session.pk)
    return _observers_page(request, session, access, form=form, status=400)


@session_view(methods=("POST",))
def session_observer_remove(request, session, access, observer_pk):
    observer = get_object_or_404(SessionObserver.objects.select_related("person"), pk=observer_pk, session=session)
    try:
        services.session_observer_remove(actor=request.user, session=session, person=observer.person)
    except (ValidationError, PermissionDenied) as error:
        return _refusal(request, session, error, kept=())
    except Session.DoesNotExist:
        raise Http404 from None
    messages.success(request, _("The observer has been removed; they no longer see the session."))
    return redirect("intervision:session_observers", pk=session.pk)


# The case intake and the record ------------------------------------------------------------------


@session_view(methods=("GET", "POST"))
def session_case(request, session, access):
    if not access.can_write_case:
        return _forbidden(request, session.group, _("Only the case presenter and the facilitators write the case."))
    form = CaseForm(request.POST or None, initial={"case_text": session.case_text})
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.session_case_save(
                    actor=request.user,
                    session=session,
                    text=form.cleaned_data["case_text"],
                    confirmed=form.cleaned_data["confirmed"],
                )
            except services.IdentifiersFound as error:
                form.identifiers_found(error)
            except (ValidationError, PermissionDenied) as error:
                if _is_refusal(error):
                    return _refusal(request, session, error, kept=kept_from_form(form))
                form.add_error("case_text", error)
            except Session.DoesNotExist:
                return _gone(request, form)
            else:
                messages.success(request, _("The case intake has been saved."))
                return redirect(session)
    return render(request, "intervision/session_case.html", {"session": session, "form": form}, status=status)


@session_view()
def session_record(request, session, access):
    if session.status != Session.Status.ENDED:
        messages.info(request, _("The record is ready when the session has ended."))
        return redirect(session)
    contributions = [c for c in session.contributions.select_related("phase") if access.may_read(c)]
    _named(contributions, _author_names(request.user, contributions))
    phases = list(session.phases.all())
    for phase in phases:
        phase.minutes_used = round(phase.seconds_used / 60)
    return render(
        request,
        "intervision/session_record.html",
        {
            "session": session,
            "phases": phases,
            "questions": [c for c in contributions if c.kind == Collects.QUESTIONS],
            "advice_taken": [c for c in contributions if c.kind == Collects.ADVICE and c.taken],
            "reflections": [c for c in contributions if c.kind == Collects.REFLECTION],
            "action_points": list(session.action_points.select_related("followed_up_in")),
            "can_write_practice": access.is_facilitator,
        },
    )


# Insight to practice ---------------------------------------------------------------------------


@session_view(methods=("GET", "POST"))
def session_practice(request, session, access):
    """The facilitator turns what the group learned into a draft good practice, written anew: the
    form starts empty (nothing of the case is copied), the texts are checked for identifiers, and
    the practice goes through the same review as any other (knowledge.services.practice_submit)."""
    if not access.is_facilitator or session.status != Session.Status.ENDED:
        return _forbidden(request, session.group, _("The facilitator writes a practice after the session has ended."))
    if not review.can_submit_practice(request.user):
        return _forbidden(
            request, session.group, _("To share a practice, link yourself to your Huis van het Kind first.")
        )
    form = PracticeSubmissionForm(request.POST or None, request.FILES or None, user=request.user)
    confirmed = request.POST.get("confirm_identifiers") == "1"
    status = 200
    flagged = None
    if request.method == "POST" and form.is_valid():
        data = form.practice_data()
        text = "\n".join((data.title, data.summary, data.context, data.approach, data.results, data.lessons))
        try:
            services.identifiers_check(text, confirmed=confirmed)
            page = practice_submit(user=request.user, data=data, attachments=form.cleaned_data["attachments"])
        except services.IdentifiersFound as error:
            flagged, status = error.messages[0], 400
        except PermissionDenied:
            return _forbidden(request, session.group, _("You cannot share a practice for this Huis van het Kind."))
        else:
            messages.success(
                request, _("Thank you! “%(title)s” is now with the editors for review.") % {"title": page.title}
            )
            return redirect("knowledge:my_submissions")
    elif request.method == "POST":
        status = 400
    return render(
        request,
        "intervision/session_practice.html",
        {"session": session, "form": form, "flagged": flagged},
        status=status,
    )
