"""Many people posting to one room at the same moment on PostgreSQL: every message gets its own
number, without gaps, and concurrent retries of one post store it once.

SQLite serialises writers anyway (transactions start with the write lock), so the race this
guards against only exists on PostgreSQL.
"""

import threading

import pytest
from django.db import close_old_connections, connection

from community.models import Message, Room
from tests.community.rooms import post, thematic_room
from tests.factories import UserFactory

THREADS = 12
POSTS_EACH = 8


def run_together(target, arguments):
    barrier = threading.Barrier(len(arguments))
    failures = []

    def run(*args):
        try:
            barrier.wait()
            target(*args)
        except Exception as error:  # collected and asserted below
            failures.append(error)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=run, args=args) for args in arguments]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not failures, failures


@pytest.fixture
def postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("row locks only matter on PostgreSQL; set DATABASE_URL to run this race")


@pytest.mark.django_db(transaction=True)
def test_concurrent_posts_get_unique_gap_free_numbers(postgresql_only):
    room = thematic_room()
    people = [UserFactory() for _ in range(THREADS)]

    def post_many(person):
        for n in range(POSTS_EACH):
            post(room, person, f"bericht {n}", client_id=f"{person.pk}-{n}")

    run_together(post_many, [(person,) for person in people])
    total = THREADS * POSTS_EACH
    seqs = sorted(Message.objects.filter(room=room).values_list("seq", flat=True))
    revs = sorted(Message.objects.filter(room=room).values_list("rev", flat=True))
    assert seqs == list(range(1, total + 1))
    assert revs == list(range(1, total + 1))
    room = Room.objects.get(pk=room.pk)
    assert (room.last_seq, room.last_rev) == (total, total)
    for person in people:  # each person's messages in the order they were sent
        mine = list(Message.objects.filter(room=room, author=person).order_by("seq").values_list("body", flat=True))
        assert mine == [f"bericht {n}" for n in range(POSTS_EACH)]


@pytest.mark.django_db(transaction=True)
def test_concurrent_retries_of_one_post_store_it_once(postgresql_only):
    room, author = thematic_room(), UserFactory()
    stored = []

    def retry():
        stored.append(post(room, author, "Eén keer, ook als het vijf keer verstuurd wordt", client_id="zelfde").pk)

    run_together(retry, [() for _ in range(6)])
    assert len(set(stored)) == 1
    assert Message.objects.filter(room=room).count() == 1
    assert Room.objects.get(pk=room.pk).last_seq == 1
