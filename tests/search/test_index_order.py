"""Two processes updating the index for the same message: the one that writes last must write
what the database holds after both changes, so a stale projection of an edit cannot bring back a
message that was hidden meanwhile (search/index.py, `_lock`).

The two "processes" are two threads with their own database connections: one has projected the
message and is about to write it; the other hides the message and indexes that. On SQLite the
write lock serialises them; on PostgreSQL the advisory lock per key does.
"""

import threading

import pytest
from django.db import close_old_connections
from django.utils import timezone

import search.sources
from rooms.models import Message
from search.index import index_keys_now
from search.models import SearchEntry
from tests.factories import UserFactory
from tests.rooms.support import post, thematic_room

WAIT = 10


@pytest.mark.django_db(transaction=True)
def test_a_stale_projection_cannot_bring_back_a_hidden_message(monkeypatch):
    message = post(thematic_room(), UserFactory(), "Voorlezen met grootouders in de bibliotheek")
    key = f"message:{message.pk}"
    assert SearchEntry.objects.filter(key=key).exists()

    projected, go, hider_done = threading.Event(), threading.Event(), threading.Event()
    project = search.sources.message_document

    def project_then_pause(item):
        document = project(item)
        if threading.current_thread().name == "editor":
            projected.set()
            assert go.wait(WAIT)
        return document

    monkeypatch.setattr(search.sources, "message_document", project_then_pause)
    failures = []

    def in_thread(work, done=None):
        def run():
            try:
                work()
            except Exception as error:  # asserted below
                failures.append(error)
            finally:
                close_old_connections()
                if done:
                    done.set()

        return run

    def hide_and_index():
        Message.objects.filter(pk=message.pk).update(hidden_at=timezone.now())
        index_keys_now([key])

    editor = threading.Thread(target=in_thread(lambda: index_keys_now([key])), name="editor")
    editor.start()
    assert projected.wait(WAIT)
    hider = threading.Thread(target=in_thread(hide_and_index, hider_done), name="hider")
    hider.start()
    # Without a lock the hider is done in milliseconds and the editor then writes its stale copy.
    hider_done.wait(1)
    go.set()
    editor.join(WAIT)
    hider.join(WAIT)
    assert not failures, failures
    assert not editor.is_alive() and not hider.is_alive()
    assert Message.objects.get(pk=message.pk).hidden_at is not None
    assert not SearchEntry.objects.filter(key=key).exists()
