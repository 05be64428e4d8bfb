from datetime import timedelta

import pytest
from django.utils import timezone

from events.models import AgendaPage, EventPage, EventType, RegistrationQuestion


def event_publish(*, title="Netwerknamiddag Kempen", starts_in=timedelta(days=10), hours=3, questions=(), **fields):
    """An event page under the agenda, published the way an editor publishes it."""
    agenda = AgendaPage.objects.get()
    starts_at = timezone.now().replace(microsecond=0) + starts_in
    values = {
        "event_type": EventType.NETWORK_AFTERNOON,
        "summary": "Organisaties uit de Kempen stellen hun aanbod voor.",
        "venue": "Zaal De Schakel",
        "city": "Turnhout",
        "postcode": "2300",
        "starts_at": starts_at,
        "ends_at": starts_at + timedelta(hours=hours),
        **fields,
    }
    event = agenda.add_child(instance=EventPage(title=title, **values))
    for order, (label, kind, options, required) in enumerate(questions):
        RegistrationQuestion.objects.create(
            page=event, sort_order=order, label=label, kind=kind, options=options, required=required
        )
    event.save_revision().publish()
    return EventPage.objects.get(pk=event.pk)


def meeting_plan(group, facilitator, *, title="Intervisie", hours=1):
    """A meeting of the group in three days, online, planned by its facilitator."""
    from events import services

    start = timezone.now() + timedelta(days=3)
    return services.meeting_create(
        group=group,
        by=facilitator,
        title=title,
        starts_at=start,
        ends_at=start + timedelta(hours=hours),
        online_url="https://meet.jit.si/kempen",
    )


@pytest.fixture
def make_event(db):
    return event_publish
