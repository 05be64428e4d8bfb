"""Many people taking the last seats at the same moment on PostgreSQL: never more seats than the
capacity, the rest on the waitlist in a strict order, and a cancellation racing new registrations
gives the freed seat to the first on the waitlist.

SQLite serialises writers anyway (transactions start with the write lock); the race this guards
against exists on PostgreSQL, where the event's row lock (`events.services._locked`) prevents it.
"""

import pytest

from events import services
from events.models import Registration
from tests.factories import UserFactory
from tests.support.concurrency import run_together

pytestmark = pytest.mark.django_db(transaction=True)

PEOPLE = 16


def test_the_last_seat_goes_to_exactly_one_person(postgresql_only, make_event):
    event = make_event(capacity=1)
    people = [UserFactory() for _ in range(PEOPLE)]

    run_together(lambda person: services.event_register(event=event, person=person), [(p,) for p in people])

    statuses = list(Registration.objects.filter(event=event).values_list("status", flat=True))
    assert statuses.count(Registration.Status.CONFIRMED) == 1
    assert statuses.count(Registration.Status.WAITLISTED) == PEOPLE - 1
    waiting = Registration.objects.filter(event=event, status="waitlisted")
    assert sorted(services.waitlist_position(r) for r in waiting) == list(range(1, PEOPLE))


def test_capacity_holds_with_seats_left(postgresql_only, make_event):
    event = make_event(capacity=5)
    run_together(
        lambda person: services.event_register(event=event, person=person), [(UserFactory(),) for _ in range(PEOPLE)]
    )
    assert services.event_seats(event).taken == 5
    assert services.event_seats(event).waiting == PEOPLE - 5


def test_cancellations_racing_registrations_never_overbook(postgresql_only, make_event):
    event = make_event(capacity=4)
    holders = [services.event_register(event=event, person=UserFactory()) for _ in range(4)]
    newcomers = [UserFactory() for _ in range(8)]

    def act(kind, subject):
        if kind == "cancel":
            services.registration_cancel(registration=subject, by=subject.person)
        else:
            services.event_register(event=event, person=subject)

    run_together(act, [("cancel", h) for h in holders[:2]] + [("register", p) for p in newcomers])
    seats = services.event_seats(event)
    assert seats.taken == 4 and seats.waiting == 6
