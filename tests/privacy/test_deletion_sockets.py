"""A deleted account on the sockets (docs/privacy.md, "Deleting"; docs/realtime.md, "Frames"): a
room's history and a session's contributions keep what they wrote, with no author, and the open
sockets of the account close as it goes."""

import pytest
from asgiref.sync import sync_to_async

from intervision.models import Collects
from privacy import deletion
from tests.factories import UserFactory
from tests.intervision import test_session_consumer as sessions
from tests.intervision.test_services import Circle
from tests.rooms import test_room_consumer as rooms
from tests.rooms.support import post, thematic_room

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


def delete(person):
    deletion.account_delete(person=person, actor=person)


async def test_room_history_keeps_the_message_without_an_author_and_their_socket_closes():
    room = await sync_to_async(thematic_room)()
    leaving, reader = await sync_to_async(UserFactory)(profile="Lotte"), await sync_to_async(UserFactory)()
    message = await sync_to_async(post)(room, leaving, "Wij werken met een wachtzaalcoach.")
    theirs, _hello = await rooms.joined(room, leaving)
    await sync_to_async(delete)(leaving)
    assert await rooms.closed_with(theirs) == 4401

    socket, _hello = await rooms.joined(room, reader)
    await socket.send_json_to({"type": "history"})
    history = await rooms.next_of(socket, "history")
    (frame,) = [m for m in history["messages"] if m["seq"] == message.seq]
    assert frame["author"] is None and "wachtzaalcoach" in frame["body_html"]
    assert "Lotte" not in str(history)
    await socket.disconnect()


async def test_session_contributions_say_their_author_was_deleted():
    circle = await sync_to_async(Circle)()
    await sync_to_async(circle.to_phase)(Collects.ADVICE)
    await sync_to_async(circle.write)(circle.anna, "Spreek een vast moment per week af.")
    await sync_to_async(delete)(circle.anna)
    socket, _state = await sessions.joined(circle.session, circle.bart)
    await socket.send_json_to({"type": "sync", "after_rev": 0})
    sync = await sessions.next_of(socket, "sync")
    (advice,) = [c for c in sync["contributions"] if c["text"] == "Spreek een vast moment per week af."]
    assert advice["author"] == "" and advice["author_deleted"] is True
    await socket.disconnect()
