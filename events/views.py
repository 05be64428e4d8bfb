"""Agenda, event, registration, attendee, meeting and feed views. Thin: the rules are in
`events.permissions`, the changes in `events.services`; a mistake in a form comes back as the
form with its error, with what the person typed kept. A registration refused because the event
changed since the page was loaded (closed, cancelled, over, already registered) answers with
its own status and the answers to copy (samenhuis/refusals.py); so does a form posted by
someone who lost the right to it."""

import csv
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from community.views.groups import group_view
from samenhuis.refusals import kept_from_form, refusal_response

from . import calendar, ical, permissions, selectors, services
from .forms import AgendaFilterForm, AttendeesMailForm, MeetingForm, MeetingResponseForm, RegistrationForm
from .models import CalendarFeed, EventPage, GroupMeeting, MeetingResponse, Registration

WAITLISTED_MESSAGE = gettext_lazy(
    "The event is full: you are number %(position)d on the waitlist. We mail you when a seat frees up."
)

# The status of a refused registration, by RegistrationRefused's code: the event is gone for
# registering (410) or its state no longer allows this one (409).
REGISTRATION_REFUSED_STATUS = {"cancelled": 410, "past": 410, "anonymous": 403}

# The agenda ------------------------------------------------------------------------------------


def agenda(request, page, *, past: bool):
    choices = selectors.agenda_filter_choices(past=past)
    form = AgendaFilterForm(request.GET, **choices)
    events = selectors.agenda_events(past=past, **form.filters())
    return TemplateResponse(
        request,
        "events/agenda_page.html",
        {
            "page": page,
            "self": page,
            "past": past,
            "form": form,
            "page_obj": selectors.agenda_page(events, request.GET.get("pagina")),
            "query": _query_without_page(request),
        },
    )


def _query_without_page(request) -> str:
    query = request.GET.copy()
    query.pop("pagina", None)
    return query.urlencode()


def _calendar_response(entries, *, name: str, filename: str) -> HttpResponse:
    response = HttpResponse(ical.calendar_render(entries, name=name), content_type=ical.CONTENT_TYPE)
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def public_feed(request):
    """The public agenda as an iCal feed: upcoming events and a year of past ones."""
    return _calendar_response(calendar.public_feed_entries(), name=_("Samenhuis agenda"), filename="agenda.ics")


# An event ----------------------------------------------------------------------------------------


def _event_context(request, event, *, form=None) -> dict:
    user = request.user
    registration = None
    if user.is_authenticated and event.pk:  # a new event previewed in the CMS has no row yet
        registration = Registration.objects.filter(event=event, person=user).first()
    can_manage = permissions.can_manage_event(user, event)
    # The same rule as permissions.is_insider, from the registration already at hand.
    insider = bool(registration and registration.is_confirmed) or can_manage
    questions = list(event.questions.all())
    return {
        "page": event,
        "self": event,
        "programme": event.programme.all(),
        "seats": services.event_seats(event),
        "registration": registration if registration and registration.is_active else None,
        "position": services.waitlist_position(registration) if registration else None,
        "refusal": services.registration_refusal(event),
        "form": form or RegistrationForm(questions=questions),
        "can_manage": can_manage,
        "show_online_link": bool(event.online_url) and insider,
        "materials": _materials_grouped(permissions.materials_visible(event, insider=insider)),
        "life_domains": event.life_domains.all(),
    }


def _materials_grouped(materials) -> list[tuple[str, list]]:
    groups: dict[str, list] = {}
    for material in materials:
        groups.setdefault(material.get_kind_display(), []).append(material)
    return list(groups.items())


def event_detail(request, event):
    return TemplateResponse(request, "events/event_page.html", _event_context(request, event))


def event_register(request, event):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if not request.user.is_authenticated:
        return redirect_to_login(event.url)
    questions = list(event.questions.all())
    form = RegistrationForm(request.POST, questions=questions)
    if form.is_valid():
        try:
            registration = services.event_register(
                event=event,
                person=request.user,
                answers={name: str(value) for name, value in form.cleaned_data.items()},
            )
        except services.RegistrationRefused as refusal:
            return refusal_response(
                request,
                status=REGISTRATION_REFUSED_STATUS.get(refusal.code, 409),
                title=_("Your registration was not taken"),
                reason=refusal.messages[0],
                kept=kept_from_form(form),
                back=event.url,
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            if registration.is_confirmed:
                messages.success(request, _("You are registered. A confirmation with a calendar file is on its way."))
            else:
                messages.info(
                    request,
                    WAITLISTED_MESSAGE % {"position": services.waitlist_position(registration)},
                )
            return redirect(event.url)
    response = TemplateResponse(request, "events/event_page.html", _event_context(request, event, form=form))
    response.status_code = 400
    return response


def _forbidden(request, form, error: ValidationError):
    """A form whose sender lost the right to it after the page was loaded (the service's
    code "forbidden"): 403 with the text kept."""
    return refusal_response(request, status=403, reason=" ".join(error.messages), kept=kept_from_form(form))


def _form_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def event_cancel(request, event):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if not request.user.is_authenticated:
        return redirect_to_login(event.url)
    registration = Registration.objects.filter(event=event, person=request.user).first()
    if registration is None:
        messages.error(request, _("You are not registered for this event."))
    else:
        try:
            services.registration_cancel(registration=registration, by=request.user)
        except services.RegistrationRefused as refusal:
            messages.error(request, refusal.messages[0])
        else:
            messages.success(request, _("Your registration has been cancelled."))
    return redirect("events:my_agenda" if request.POST.get("next") == "mijn" else event.url)


def _organisers_only(request, event) -> None:
    if not permissions.can_manage_event(request.user, event):
        raise PermissionDenied


def event_attendees(request, event):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    attendees = services.event_attendees_open(actor=request.user, event=event)
    questions = list(event.questions.all())
    return TemplateResponse(
        request,
        "events/event_attendees.html",
        {
            "page": event,
            "self": event,
            "confirmed": [(r, _answers_in_order(r, questions)) for r in attendees if r.is_confirmed],
            "waitlisted": [(r, _answers_in_order(r, questions)) for r in attendees if r.is_waitlisted],
            "questions": questions,
            "seats": services.event_seats(event),
        },
    )


def _event_by_slug(request, slug) -> EventPage:
    """A published event by its slug, for the file addresses Wagtail does not route; its view
    restrictions (Wagtail's, e.g. members only) hold here too: 404 to whom they refuse."""
    event = get_object_or_404(EventPage.objects.live(), slug=slug)
    if any(not restriction.accept_request(request) for restriction in event.get_view_restrictions()):
        raise Http404
    return event


def _answers_in_order(registration, questions) -> list[str]:
    """The answers under today's questions, matched by question id, so a reworded question keeps
    its answers and two questions with one label keep theirs apart (answers stored before ids
    were kept are matched by label)."""
    by_id = {answer["question_id"]: answer["answer"] for answer in registration.answers if "question_id" in answer}
    by_label = {answer["question"]: answer["answer"] for answer in registration.answers if "question_id" not in answer}
    return [by_id.get(question.pk, by_label.get(question.label, "")) for question in questions]


def event_attendees_csv(request, slug):
    event = _event_by_slug(request, slug)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    attendees = services.event_attendees_open(actor=request.user, event=event, export=True)
    questions = list(event.questions.all())
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="deelnemers-{slugify(event.slug)[:60]}.csv"'
    response.write("\ufeff")  # so spreadsheet programs read the accents as UTF-8
    writer = csv.writer(response, delimiter=";")
    writer.writerow(
        [
            _("Name"),
            _("E-mail address"),
            _("Status"),
            _("Registered on"),
            *(_csv_safe(question.label) for question in questions),
        ]
    )
    for registration in attendees:
        writer.writerow(
            [
                _csv_safe(registration.person.display_name),
                _csv_safe(registration.person.email),
                registration.get_status_display(),
                timezone.localtime(registration.queued_at).strftime("%Y-%m-%d %H:%M"),
                *(_csv_safe(answer) for answer in _answers_in_order(registration, questions)),
            ]
        )
    return response


def _csv_safe(value: str) -> str:
    """A cell that starts like a formula is read as text by spreadsheet programs (CSV injection)."""
    value = str(value)
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def event_attendees_mail(request, event):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    _organisers_only(request, event)
    form = AttendeesMailForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            count = services.event_attendees_mail(event=event, sender=request.user, **form.cleaned_data)
        except ValidationError as error:
            if getattr(error, "code", None) == "forbidden":
                return _forbidden(request, form, error)
            form.add_error(None, error)
        else:
            messages.success(request, _("Your message is being sent to %(count)d attendees.") % {"count": count})
            return redirect(event.url + event.reverse_subpage("attendees"))
    return TemplateResponse(request, "events/event_attendees_mail.html", {"page": event, "self": event, "form": form})


def event_calendar_file(request, slug):
    event = _event_by_slug(request, slug)
    return _calendar_response(
        [calendar.event_entry(event)], name=event.title, filename=ical.event_file_name(event.title)
    )


# My agenda and the personal feed ---------------------------------------------------------------


@login_required
def my_agenda(request):
    feed = CalendarFeed.objects.filter(person=request.user).first()
    upcoming, past = selectors.registrations_of(request.user)
    return TemplateResponse(
        request,
        "events/my_agenda.html",
        {
            "upcoming": upcoming,
            "past": past,
            "meetings": selectors.meetings_upcoming_for(request.user),
            "feed_url": request.build_absolute_uri(feed.get_absolute_url()) if feed else "",
        },
    )


@login_required
@require_POST
def my_feed(request):
    if request.POST.get("action") == "revoke":
        services.calendar_feed_revoke(person=request.user)
        messages.success(request, _("Your calendar address no longer works."))
    else:
        services.calendar_feed_regenerate(person=request.user)
        messages.success(request, _("Your calendar has a new address; the old one no longer works."))
    return redirect("events:my_agenda")


def personal_feed(request, token):
    feed = get_object_or_404(CalendarFeed.objects.select_related("person"), token=token)
    if not feed.person.is_active:
        raise Http404
    response = _calendar_response(
        calendar.personal_feed_entries(feed.person), name=_("My Samenhuis agenda"), filename="mijn-agenda.ics"
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


# Group meetings --------------------------------------------------------------------------------


def group_meetings_view(*, methods=("GET",), manage=False):
    """A group's meetings behind community's `group_view` (404 for a group you may not know of,
    log in for anonymous visitors); then 403 for members of the platform who are not in the
    group, and facilitators only for `manage`. The view gets the person's membership."""

    def decorator(view):
        @group_view(methods=methods)
        @wraps(view)
        def wrapper(request, group, access, *args, **kwargs):
            if not permissions.can_view_meetings(access.membership):
                raise PermissionDenied
            if manage and not permissions.can_manage_meetings(access.membership):
                raise PermissionDenied
            return view(request, group, access.membership, *args, **kwargs)

        return wrapper

    return decorator


@group_meetings_view()
def meeting_list(request, group, membership):
    upcoming, past = selectors.group_meetings(group)
    return TemplateResponse(
        request,
        "events/meetings/meeting_list.html",
        {"group": group, "upcoming": upcoming, "past": past, "can_manage": permissions.can_manage_meetings(membership)},
    )


@group_meetings_view(methods=("GET", "POST"), manage=True)
def meeting_create(request, group, membership):
    form = MeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.meeting_create(group=group, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            if getattr(error, "code", None) == "forbidden":
                return _forbidden(request, form, error)
            _form_errors(form, error)
        else:
            messages.success(request, _("The meeting has been planned."))
            return redirect(meeting)
    return TemplateResponse(
        request, "events/meetings/meeting_form.html", {"group": group, "form": form, "meeting": None}
    )


def _meeting(group, pk) -> GroupMeeting:
    return get_object_or_404(GroupMeeting, group=group, pk=pk)


@group_meetings_view(methods=("GET", "POST"))
def meeting_detail(request, group, membership, pk):
    meeting = _meeting(group, pk)
    response = MeetingResponse.objects.filter(meeting=meeting, person=request.user).first()
    form = MeetingResponseForm(request.POST or None, initial={"answer": response.answer if response else None})
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_respond(meeting=meeting, person=request.user, answer=form.cleaned_data["answer"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your answer has been saved."))
            return redirect(meeting)
    # Only today's members: someone who left the group is no longer shown to it (or to newcomers).
    responses = list(
        meeting.responses.filter(person__group_memberships__group=group)
        .select_related("person__profile")
        .order_by("answer", "answered_at")
    )
    return TemplateResponse(
        request,
        "events/meetings/meeting_detail.html",
        {
            "group": group,
            "meeting": meeting,
            "form": form,
            "responses": responses,
            "counts": {
                answer: sum(1 for r in responses if r.answer == answer) for answer in MeetingResponse.Answer.values
            },
            "can_manage": permissions.can_manage_meetings(membership),
        },
        status=400 if request.method == "POST" else 200,
    )


@group_meetings_view(methods=("GET", "POST"), manage=True)
def meeting_edit(request, group, membership, pk):
    meeting = _meeting(group, pk)
    form = MeetingForm(request.POST or None, instance=GroupMeeting.objects.get(pk=meeting.pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_update(meeting=meeting, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            if getattr(error, "code", None) == "forbidden":
                return _forbidden(request, form, error)
            _form_errors(form, error)
        else:
            messages.success(request, _("The meeting has been changed."))
            return redirect(meeting)
    return TemplateResponse(
        request, "events/meetings/meeting_form.html", {"group": group, "form": form, "meeting": meeting}
    )


@group_meetings_view(methods=("POST",), manage=True)
def meeting_cancel(request, group, membership, pk):
    meeting = _meeting(group, pk)
    services.meeting_cancel(meeting=meeting, by=request.user)
    messages.success(request, _("The meeting has been cancelled; calendars that follow it show it as cancelled."))
    return redirect(meeting)
