"""Reads of the agenda: upcoming and past events with filters, what a person registered for,
a group's meetings. Permission rules come from `events.permissions`."""

import datetime

from django.core.paginator import Paginator
from django.db.models import Count, F, Prefetch, Q
from django.utils import timezone

from community.models import Region
from knowledge.models import LifeDomain

from . import permissions
from .models import AgendaPage, EventPage, EventType, GroupMeeting, MeetingResponse, Registration

PAGE_SIZE = 20


def agenda_events(*, past: bool, event_type=None, region=None, life_domain=None, month=None, now=None):
    now = now or timezone.now()
    events = EventPage.objects.live().public().select_related("organiser", "region")
    if past:
        events = events.filter(ends_at__lt=now).order_by("-starts_at", "-pk")
    else:
        events = events.filter(ends_at__gte=now).order_by("starts_at", "pk")
    if event_type:
        events = events.filter(event_type=event_type)
    if region:
        events = events.filter(region=region)
    if life_domain:
        events = events.filter(life_domains=life_domain)
    if month:
        start = timezone.make_aware(datetime.datetime(month.year, month.month, 1))
        following = datetime.date(month.year + month.month // 12, month.month % 12 + 1, 1)
        events = events.filter(
            starts_at__gte=start,
            starts_at__lt=timezone.make_aware(datetime.datetime.combine(following, datetime.time())),
        )
    return (
        events.annotate(
            seats_taken=Count("registrations", filter=Q(registrations__status=Registration.Status.CONFIRMED))
        )
        .annotate(seats_left=F("capacity") - F("seats_taken"))
        .prefetch_related(Prefetch("life_domains", queryset=LifeDomain.objects.order_by("sort_order", "name")))
    )


def agenda_page(events, number) -> "Paginator.page":
    return Paginator(events, PAGE_SIZE).get_page(number)


def agenda_filter_choices(*, past: bool, now=None) -> dict:
    """Only what the agenda actually holds: regions, life domains and months with events."""
    now = now or timezone.now()
    events = EventPage.objects.live().public()
    events = events.filter(ends_at__lt=now) if past else events.filter(ends_at__gte=now)
    starts = events.values_list("starts_at", flat=True)
    months = sorted({timezone.localtime(start).date().replace(day=1) for start in starts}, reverse=past)
    return {
        "months": months,
        "regions": list(Region.objects.filter(events__in=events).distinct().order_by("name")),
        "domains": list(LifeDomain.objects.filter(events__in=events).distinct().order_by("sort_order", "name")),
    }


def registrations_of(person) -> tuple[list[Registration], list[Registration]]:
    """'Mijn inschrijvingen': active registrations, upcoming (soonest first) and past (latest first)."""
    registrations = list(
        Registration.objects.filter(person=person, event__live=True)
        .exclude(status=Registration.Status.CANCELLED)
        .select_related("event")
        .order_by("event__starts_at")
    )
    now = timezone.now()
    upcoming = [r for r in registrations if r.event.ends_at >= now]
    past = [r for r in reversed(registrations) if r.event.ends_at < now]
    return upcoming, past


def event_attendees(event: EventPage) -> list[Registration]:
    return list(
        Registration.objects.filter(event=event)
        .exclude(status=Registration.Status.CANCELLED)
        .select_related("person__profile")
        .order_by("status", "queued_at", "id")
    )


def group_meetings(group, *, now=None) -> tuple[list[GroupMeeting], list[GroupMeeting]]:
    """Upcoming and past meetings of a group, each with the answers counted."""
    now = now or timezone.now()
    meetings = (
        GroupMeeting.objects.filter(group=group)
        .select_related("group")
        .annotate(
            **{
                f"answers_{answer}": Count("responses", filter=Q(responses__answer=answer))
                for answer in MeetingResponse.Answer.values
            }
        )
    )
    upcoming = list(meetings.filter(ends_at__gte=now).order_by("starts_at"))
    past = list(meetings.filter(ends_at__lt=now).order_by("-starts_at")[:20])
    return upcoming, past


def meetings_upcoming_for(person, *, now=None) -> list[GroupMeeting]:
    now = now or timezone.now()
    return list(
        GroupMeeting.objects.filter(group__memberships__person=person, ends_at__gte=now, is_cancelled=False)
        .select_related("group")
        .order_by("starts_at")
    )


def agenda_index() -> AgendaPage | None:
    # By id, not by tree path (Page's ordering): walking the path index passed every practice
    # on PostgreSQL first (4 ms with 10,000).
    return AgendaPage.objects.live().order_by("pk").first()


def network_afternoons_with_materials(*, limit: int, now=None) -> list[EventPage]:
    """The latest past network afternoons that have material for everyone, newest first, each
    with `open_materials` (what `permissions.materials_for_everyone` allows, in the event's
    order): two queries."""
    now = now or timezone.now()
    open_materials = permissions.materials_for_everyone()
    events = list(
        EventPage.objects.live()
        .public()
        .filter(event_type=EventType.NETWORK_AFTERNOON, ends_at__lt=now, pk__in=open_materials.values("page_id"))
        .order_by("-starts_at", "-pk")[:limit]
    )
    by_event: dict[int, list] = {}
    for material in open_materials.filter(page__in=events).select_related("document").order_by("page_id", "sort_order"):
        by_event.setdefault(material.page_id, []).append(material)
    for event in events:
        event.open_materials = by_event.get(event.pk, [])
    return events
