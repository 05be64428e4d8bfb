"""samenhuis/afterwork.py: work that follows a commit, in one background thread, batched.

In the background mode production uses (the test settings run the work inline). The rules: it
waits for the commit and never runs for a rollback, what waits together is handed over in one
call per function, a failure is logged and stops nothing else, the thread leaves no database
connection open, and what it announces on the channel layer goes through the server's event loop.
"""

import asyncio
import logging
import threading

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from django.db import connections, transaction

from samenhuis import afterwork

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def in_background(settings):
    settings.SAMENHUIS_AFTERWORK_INLINE = False
    yield
    assert afterwork.drain(10)


class Calls:
    """A function for `after_commit` that remembers each list it was handed."""

    def __init__(self):
        self.lists = []

    def __call__(self, items):
        self.lists.append(list(items))


def worker_busy() -> threading.Event:
    """Keep the worker busy until the returned event is set, so that what follows waits together."""
    release, started = threading.Event(), threading.Event()

    def hold(items):
        started.set()
        release.wait(10)

    afterwork.after_commit(hold, None)
    assert started.wait(10)
    return release


def test_work_waits_for_the_commit_and_a_rollback_runs_nothing():
    calls = Calls()
    with transaction.atomic():
        afterwork.after_commit(calls, "kept")
        assert afterwork.drain(10) and calls.lists == []  # not before the commit
    assert afterwork.drain(10)
    assert calls.lists == [["kept"]]

    with pytest.raises(ZeroDivisionError), transaction.atomic():
        afterwork.after_commit(calls, "rolled back")
        1 / 0  # noqa: B018 - the transaction fails
    assert afterwork.drain(10)
    assert calls.lists == [["kept"]]


def test_what_waits_together_is_handed_over_in_one_call_per_function_in_commit_order():
    first, second = Calls(), Calls()
    release = worker_busy()
    for number in range(3):
        with transaction.atomic():
            afterwork.after_commit(first, number)
            afterwork.after_commit(second, -number)
    release.set()
    assert afterwork.drain(10)
    assert first.lists == [[0, 1, 2]]
    assert second.lists == [[0, -1, -2]]


def test_a_failing_function_is_logged_with_its_traceback_and_stops_nothing_else(caplog):
    done = Calls()

    def broken(items):
        raise RuntimeError("mail server gone")

    release = worker_busy()
    afterwork.after_commit(broken, "a")
    afterwork.after_commit(broken, "b")
    afterwork.after_commit(done, "same batch")
    release.set()
    with caplog.at_level(logging.ERROR, logger="samenhuis.afterwork"):
        assert afterwork.drain(10)
        afterwork.after_commit(done, "later batch")
        assert afterwork.drain(10)
    assert done.lists == [["same batch"], ["later batch"]]
    [record] = caplog.records
    assert "broken" in record.getMessage() and "2 item(s) not done" in record.getMessage()
    assert record.exc_info and "mail server gone" in str(record.exc_info[1])


def test_the_worker_closes_its_database_connection_after_each_batch():
    seen = []

    def query(items):
        database = connections["default"]
        with database.cursor() as cursor:
            cursor.execute("SELECT 1")
        seen.append(database)

    afterwork.after_commit(query, None)
    assert afterwork.drain(10)
    [database] = seen
    assert database.connection is None


def test_inline_the_work_runs_in_the_committing_thread_right_after_the_commit(settings):
    settings.SAMENHUIS_AFTERWORK_INLINE = True
    threads = []
    with transaction.atomic():
        afterwork.after_commit(lambda items: threads.append(threading.current_thread()), None)
        assert threads == []
    assert threads == [threading.current_thread()]


@pytest.mark.asyncio
async def test_what_the_work_announces_goes_through_the_servers_event_loop():
    """From a plain thread, asgiref makes a new event loop (and the channel layer a new connection)
    for every async_to_sync call; work scheduled from a socket's worker thread uses the server's."""
    loops = []

    async def announce():
        loops.append(asyncio.get_running_loop())

    def work(items):
        async_to_sync(announce)()

    def schedule():  # as a socket's database work does, in a worker thread of the server's loop
        afterwork.after_commit(work, "posted")

    await database_sync_to_async(schedule, thread_sensitive=False)()
    assert await asyncio.to_thread(afterwork.drain, 10)
    assert loops == [asyncio.get_running_loop()]
