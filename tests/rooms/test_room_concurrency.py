"""Many people posting to one room at the same moment on PostgreSQL: every message gets its own
number, without gaps, and concurrent retries of one post store it once.

SQLite serialises writers anyway (transactions start with the write lock), so the race this
guards against only exists on PostgreSQL.
"""

import pytest

from rooms.models import Message, Room
from tests.factories import UserFactory
from tests.rooms.support import post, thematic_room
from tests.support.concurrency import run_together

THREADS = 12
POSTS_EACH = 8


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
