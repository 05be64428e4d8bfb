"""A session's writes under concurrency on PostgreSQL (SQLite serialises writers anyway)."""

import threading

import pytest
from django.db import connection, transaction

from intervision import services
from intervision.models import Collects, Contribution
from tests.intervision.test_services import Circle
from tests.support.concurrency import run_together


@pytest.mark.django_db(transaction=True)
def test_a_contribution_that_waited_for_a_phase_change_lands_in_the_new_phase(postgresql_only):
    """bench/session.py found contributions refused as "not running" when they waited for the lock
    of a phase change: the locking read joined the old phase to the new session row."""
    circle = Circle(method_key="tien-stappen")
    circle.to_phase(Collects.NOTES, after=2)  # "Keuze van de inbrenger"; next: "Analyse", for everyone
    moved, release = threading.Event(), threading.Event()

    def move_and_hold():
        with transaction.atomic():
            services.session_move(actor=circle.facilitator, session=circle.session, to="next")
            moved.set()
            release.wait(5)
        connection.close()

    def contribute_meanwhile():
        moved.wait(5)
        threading.Timer(0.3, release.set).start()  # the contribution waits for the lock meanwhile
        circle.write(circle.anna, "Na de faseovergang")
        connection.close()

    run_together(lambda job: job(), [(move_and_hold,), (contribute_meanwhile,)])
    contribution = Contribution.objects.select_related("phase").get()
    assert contribution.phase.name == "Analyse"


@pytest.mark.django_db(transaction=True)
def test_concurrent_contributions_get_gap_free_numbers(postgresql_only):
    circle = Circle(method_key="vrij")
    circle.to_phase(Collects.NOTES)
    people = [circle.anna, circle.bart, circle.presenter, circle.facilitator]

    def write_many(person):
        for n in range(6):
            circle.write(person, f"bijdrage {n}", client_id=f"{person.pk}-{n}")
        connection.close()

    run_together(write_many, [(person,) for person in people])
    assert sorted(Contribution.objects.values_list("seq", flat=True)) == list(range(1, 25))
