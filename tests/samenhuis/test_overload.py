"""Overload: a write that cannot get the database within the lock timeout answers 503 "Het is
even druk" with Retry-After and the text kept, logged as one line, never a 500
(samenhuis/refusals.py, docs/operations.md "Refusals and overload"). The lock is held for real
by a second connection: SQLite's write lock, PostgreSQL's row lock."""

import logging
import sqlite3
import threading
import time
from contextlib import contextmanager

import pytest
from django.db import connection
from django.urls import reverse

from community import services
from rooms.models import Message, Room
from tests.factories import UserFactory, group_create
from tests.rooms.support import thematic_room
from tests.samenhuis.refusals import assert_refused

pytestmark = pytest.mark.django_db(transaction=True)

TEXT = 'Een lang bericht dat niet verloren mag gaan, met <tekens> & "aanhalingstekens".'


@pytest.fixture
def sqlite_only():
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's write lock; the PostgreSQL test holds a row lock instead")


# A holder lets go after this long in any case: code without a short lock timeout then fails
# the test (the post waits, then succeeds) instead of hanging it.
HOLD_AT_MOST = 10


@contextmanager
def held(execute_lock, release):
    lock = threading.Lock()
    released = False

    def let_go():
        nonlocal released
        with lock:
            if not released:
                released = True
                release()

    execute_lock()
    timer = threading.Timer(HOLD_AT_MOST, let_go)
    timer.start()
    try:
        yield
    finally:
        timer.cancel()
        let_go()


def sqlite_write_lock_held():
    """Another process's write transaction: BEGIN IMMEDIATE on a connection of its own."""
    holder = sqlite3.connect(connection.settings_dict["NAME"], timeout=0, isolation_level=None, check_same_thread=False)

    def release():
        holder.execute("ROLLBACK")
        holder.close()

    return held(lambda: holder.execute("BEGIN IMMEDIATE"), release)


def postgresql_row_locked(table: str, pk: int):
    """Another session holds the row: SELECT ... FOR UPDATE in a transaction of its own."""
    import psycopg

    params = connection.settings_dict
    holder = psycopg.connect(
        dbname=params["NAME"],
        user=params["USER"],
        password=params["PASSWORD"] or None,
        host=params["HOST"] or None,
        port=params["PORT"] or None,
    )

    def release():
        holder.rollback()
        holder.close()

    sql = f"SELECT id FROM {table} WHERE id = %s FOR UPDATE"  # noqa: S608 (a model's table name)
    return held(lambda: holder.execute(sql, [pk]), release)


def post_while(client, lock, url, data):
    started = time.monotonic()
    with lock:
        response = client.post(url, data)
    return response, time.monotonic() - started


def assert_one_line_logged(caplog):
    lines = [record for record in caplog.records if record.name == "samenhuis.overload"]
    assert len(lines) == 1 and lines[0].levelno == logging.WARNING and lines[0].exc_info is None
    assert "503" in lines[0].getMessage()
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR], "no error, no traceback"


def open_room(client):
    room, person = thematic_room(), UserFactory()
    client.force_login(person)
    page = client.get(room.get_absolute_url())
    return room, page.context["form"].initial["client_id"]


def test_a_post_that_cannot_get_the_sqlite_write_lock_answers_503_within_seconds(client, caplog, sqlite_only):
    room, client_id = open_room(client)
    with caplog.at_level(logging.INFO):
        response, seconds = post_while(
            client, sqlite_write_lock_held(), room.get_absolute_url(), {"body": TEXT, "client_id": client_id}
        )
    assert_refused(response, status=503, text=TEXT, says="Het is even druk")
    assert response["Retry-After"] == "5"
    assert 1.5 < seconds < 8, f"waited {seconds:.1f} s for the lock"
    assert_one_line_logged(caplog)
    assert not Message.objects.exists()
    # Once the lock is free, the same form goes through.
    assert client.post(room.get_absolute_url(), {"body": TEXT, "client_id": client_id}).status_code == 302


def test_overload_in_a_middlewares_write_is_503_too(client, caplog, sqlite_only):
    """An invitation opened without an account writes the session, after the view, in
    SessionMiddleware: that path ends in handler500, which answers 503 for overload."""
    facilitator = UserFactory()
    group = group_create(facilitator=facilitator)
    invitation = services.group_member_invite(actor=facilitator, group=group, email="nieuw@huis.test")
    url = reverse("community:invitation", args=[services.invitation_token(invitation)])
    client.raise_request_exception = False
    with caplog.at_level(logging.INFO), sqlite_write_lock_held():
        response = client.get(url)
    html = response.content.decode()
    assert response.status_code == 503 and response["Retry-After"] == "5"
    assert "Het is even druk" in html and '<header class="site-header">' in html
    assert_one_line_logged(caplog)


def test_a_post_that_cannot_lock_the_room_row_on_postgresql_answers_503(client, caplog, postgresql_only):
    room, client_id = open_room(client)
    with caplog.at_level(logging.INFO):
        response, seconds = post_while(
            client,
            postgresql_row_locked(Room._meta.db_table, room.pk),
            room.get_absolute_url(),
            {"body": TEXT, "client_id": client_id},
        )
    assert_refused(response, status=503, text=TEXT, says="Het is even druk")
    assert response["Retry-After"] == "5"
    assert 1.5 < seconds < 8, f"waited {seconds:.1f} s for the lock"
    assert_one_line_logged(caplog)
    assert not Message.objects.exists()
