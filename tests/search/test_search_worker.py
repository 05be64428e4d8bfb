"""SEARCH_INDEXER=worker: a change stores its keys in its own transaction, and `search_worker`, a
process of its own, indexes them; nothing is lost to a crash, a rollback or a race (docs/search.md)."""

import os
import signal
import subprocess
import sys
import time

import pytest
from django.core.management import call_command
from django.db import transaction

from rooms import services as room_services
from search import index
from search.backends import get_search_backend
from search.backends.base import SearchRequest
from search.models import SearchQueue
from tests.factories import UserFactory
from tests.rooms.support import thematic_room
from tests.support.servers import ROOT, database_url_for_tests


@pytest.fixture
def worker_mode(settings):
    settings.SAMENHUIS_SEARCH_INDEX_INLINE = False
    settings.SAMENHUIS_SEARCH_INDEXER = "worker"


def found(text: str) -> list[str]:
    results = get_search_backend().search(SearchRequest(query=text, scopes=("public", "members")))
    return [hit.key for hit in results.hits]


def post(text: str, client_id: str = "w-1"):
    return room_services.room_message_post(room=thematic_room(), author=UserFactory(), body=text, client_id=client_id)


@pytest.mark.django_db
def test_a_post_waits_in_the_queue_until_the_worker_indexes_it(worker_mode):
    message = post("Wie kent een goede babbelbox voor tieners?")
    assert list(SearchQueue.objects.values_list("key", "attempts")) == [(f"message:{message.pk}", 0)]
    assert found("babbelbox") == []

    call_command("search_worker", "--once")

    assert found("babbelbox") == [f"message:{message.pk}"]
    assert not SearchQueue.objects.exists()


@pytest.mark.django_db
def test_a_rolled_back_change_queues_nothing(worker_mode):
    with pytest.raises(RuntimeError), transaction.atomic():
        post("Dit wordt nooit bewaard.")
        raise RuntimeError("rolled back")
    assert not SearchQueue.objects.exists()


@pytest.mark.django_db
def test_a_change_made_while_the_worker_indexes_is_indexed_again(worker_mode, monkeypatch):
    message = post("Eerste versie over speelpleinen.")
    real = index.index_keys_now

    def index_then_change(keys, **kwargs):
        real(keys, **kwargs)
        # The author edits after the worker projected the first version.
        room_services.room_message_edit(actor=message.author, message=message, body="Tweede versie over zwemlessen.")

    monkeypatch.setattr(index, "index_keys_now", index_then_change)
    assert index.search_queue_retry() == 1
    assert SearchQueue.objects.filter(key=f"message:{message.pk}").exists()  # kept: it changed meanwhile
    monkeypatch.undo()

    call_command("search_worker", "--once")
    assert found("zwemlessen") == [f"message:{message.pk}"]
    assert found("speelpleinen") == []
    assert not SearchQueue.objects.exists()


@pytest.mark.django_db
def test_a_failing_backend_keeps_the_keys_and_counts_the_attempt(worker_mode, monkeypatch):
    message = post("Een bericht over voorleesmomenten.")

    def broken(keys, **kwargs):
        raise ConnectionError("search cluster down")

    monkeypatch.setattr(index, "index_keys_now", broken)
    with pytest.raises(ConnectionError):
        index.search_queue_retry(raise_errors=True)
    entry = SearchQueue.objects.get()
    assert (entry.key, entry.attempts) == (f"message:{message.pk}", 1)
    assert "search cluster down" in entry.last_error
    monkeypatch.undo()
    assert index.search_queue_retry() == 1
    assert found("voorleesmomenten") == [f"message:{message.pk}"]


@pytest.mark.django_db(transaction=True)
def test_the_worker_process_indexes_what_the_site_queues_and_stops_on_sigterm(worker_mode):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "samenhuis.settings.test",
        "DATABASE_URL": database_url_for_tests(),
    }
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "search_worker", "--poll", "0.05"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        message = post("Samen koken met jonge ouders.")
        deadline = time.monotonic() + 20
        while SearchQueue.objects.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert found("koken") == [f"message:{message.pk}"]
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=10) == 0, worker.stdout.read().decode()
    finally:
        if worker.poll() is None:
            worker.kill()


@pytest.mark.django_db
def test_queueing_for_the_worker_costs_a_post_one_statement(settings):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    room, author = thematic_room(), UserFactory()
    room_services.room_message_post(room=room, author=author, body="Warm", client_id="warm")
    settings.SAMENHUIS_SEARCH_INDEX_INLINE = False
    counts = {}
    for mode in ("thread", "worker"):
        settings.SAMENHUIS_SEARCH_INDEXER = mode
        with CaptureQueriesContext(connection) as queries:
            room_services.room_message_post(room=room, author=author, body=f"Over {mode}", client_id=mode)
        counts[mode] = [query["sql"] for query in queries]
    extra = [sql for sql in counts["worker"] if "search_searchqueue" in sql]
    assert len(counts["worker"]) == len(counts["thread"]) + 1 and len(extra) == 1
