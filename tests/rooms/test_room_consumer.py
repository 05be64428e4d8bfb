"""The room socket through the real ASGI stack (origin check, session auth, channel layer)."""

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import override_settings

from community import services
from community.models import IntervisionGroup
from realtime.models import Presence
from rooms import services as room_services
from rooms.models import Message, Report
from samenhuis.asgi import application
from tests.community.test_notification_consumer import ORIGIN, session_cookie_for
from tests.factories import UserFactory
from tests.rooms.support import group_room, post, thematic_room

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


async def connect(room, user=None, origin=ORIGIN):
    headers = [origin]
    if user is not None:
        headers.append((b"cookie", await session_cookie_for(user)))
    communicator = WebsocketCommunicator(application, f"/ws/rooms/{room.pk}/", headers=headers)
    connected, _ = await communicator.connect()
    return communicator, connected


async def joined(room, user):
    """A connected socket whose hello (and its own presence announcement) were read."""
    communicator, connected = await connect(room, user)
    assert connected
    hello = await communicator.receive_json_from(timeout=5)
    assert hello["type"] == "hello"
    assert (await communicator.receive_json_from(timeout=5))["type"] == "presence"
    return communicator, hello


async def next_of(communicator, kind, timeout=5):
    """The next frame of a type, skipping presence updates of other sockets."""
    while True:
        frame = await communicator.receive_json_from(timeout=timeout)
        if frame["type"] == kind or frame["type"] == "error":
            return frame


async def closed_with(communicator, timeout=5):
    while True:
        output = await communicator.receive_output(timeout=timeout)
        if output["type"] == "websocket.close":
            return output["code"]


make_user = sync_to_async(UserFactory)
make_thematic = sync_to_async(thematic_room)
make_group_room = sync_to_async(group_room)
post_async = sync_to_async(post)


async def test_anonymous_sockets_are_closed_with_4401():
    room = await make_thematic()
    communicator, connected = await connect(room)
    assert connected
    assert await closed_with(communicator) == 4401


async def test_foreign_origin_is_refused():
    room, user = await make_thematic(), await make_user()
    _, connected = await connect(room, user, origin=(b"origin", b"https://elders.example"))
    assert not connected


async def test_outsiders_get_4403_for_a_closed_group_and_4404_for_a_secret_one_or_an_unknown_room():
    outsider = await make_user()
    closed = await make_group_room()
    secret = await make_group_room(visibility=IntervisionGroup.Visibility.SECRET)
    for room, code in ((closed, 4403), (secret, 4404)):
        communicator, connected = await connect(room, outsider)
        assert connected
        assert await closed_with(communicator) == code
    closed.pk = 999_999
    communicator, _ = await connect(closed, outsider)
    assert await closed_with(communicator) == 4404


async def test_hello_tells_the_room_state_and_a_post_reaches_every_reader_once():
    room, anna, ben = await make_thematic(), await make_user(profile="Anna"), await make_user(profile="Ben")
    await post_async(room, anna, "Eerder bericht")
    a, hello = await joined(room, anna)
    assert hello["rev"] == 1 and hello["last_seq"] == 1 and hello["can_post"] and not hello["can_moderate"]
    b, _ = await joined(room, ben)
    await a.send_json_to({"type": "post", "client_id": "k1", "body": "Hallo **Ben**", "id": 7})
    ack = await next_of(a, "ack")
    assert ack["id"] == 7 and ack["client_id"] == "k1" and ack["message"]["seq"] == 2
    live = await next_of(b, "message")
    assert live["rev"] == 2 and live["message"]["seq"] == 2
    assert live["message"]["author"]["name"] == "Anna" and "<strong>Ben</strong>" in live["message"]["body_html"]
    # The retry of a post whose ack got lost returns the same message, no second one.
    await a.send_json_to({"type": "post", "client_id": "k1", "body": "Hallo **Ben**"})
    again = await next_of(a, "ack")
    assert again["message"]["seq"] == 2
    assert await sync_to_async(Message.objects.filter(room=room).count)() == 2
    await a.disconnect()
    await b.disconnect()


async def test_sync_history_and_thread_answer_from_the_database():
    room, anna = await make_thematic(), await make_user()
    first = await post_async(room, anna, "een")
    await post_async(room, anna, "twee")
    await post_async(room, anna, "antwoord", parent_seq=first.seq)
    a, hello = await joined(room, anna)
    await a.send_json_to({"type": "sync", "after_rev": 1})
    sync = await next_of(a, "sync")
    assert [m["seq"] for m in sync["messages"]] == [2, 1, 3] or [m["seq"] for m in sync["messages"]] == [2, 3, 1]
    assert sync["rev"] == hello["rev"] and sync["has_more"] is False
    await a.send_json_to({"type": "history"})
    history = await next_of(a, "history")
    assert [m["seq"] for m in history["messages"]] == [1, 2]
    assert history["messages"][0]["reply_count"] == 1
    await a.send_json_to({"type": "thread", "seq": 3})
    thread = await next_of(a, "thread")
    assert thread["parent"]["seq"] == 1 and [m["seq"] for m in thread["replies"]] == [3]
    await a.disconnect()


DEEP = "[" * 933 + "]" * 933


@pytest.mark.parametrize(
    ("send", "code"),
    [
        (lambda c: c.send_to(bytes_data=b"\x00"), "binary_not_supported"),
        (lambda c: c.send_to(text_data="x" * (64 * 1024 + 1)), "frame_too_large"),
        (lambda c: c.send_to(text_data="{niet json"), "invalid_json"),
        (lambda c: c.send_to(text_data="[" * 60_000), "invalid_json"),
        (lambda c: c.send_to(text_data="[1, 2]"), "invalid_frame"),
        (lambda c: c.send_json_to({"type": 5}), "invalid_frame"),
        (lambda c: c.send_json_to({"type": "dans"}), "unknown_type"),
        (lambda c: c.send_json_to({"type": "sync", "after_rev": "5"}), "invalid_field"),
        (lambda c: c.send_json_to({"type": "sync", "after_rev": -1}), "invalid_field"),
        (lambda c: c.send_json_to({"type": "sync", "after_rev": True}), "invalid_field"),
        (lambda c: c.send_json_to({"type": "post", "body": "x"}), "invalid_field"),
        (lambda c: c.send_json_to({"type": "post", "client_id": "a", "body": 5}), "invalid_field"),
        (lambda c: c.send_json_to({"type": "post", "client_id": "a", "body": "x", "parent": "1"}), "invalid_field"),
        (lambda c: c.send_json_to({"type": "post", "client_id": "a", "body": "x" * 4001}), "too_long"),
        (lambda c: c.send_json_to({"type": "post", "client_id": "a", "body": "   "}), "empty"),
        (lambda c: c.send_json_to({"type": "post", "client_id": "a", "body": "x", "parent": 999}), "not_found"),
        (lambda c: c.send_json_to({"type": "edit", "seq": 999, "body": "x"}), "not_found"),
        (lambda c: c.send_json_to({"type": "react", "seq": 1, "emoji": "🐍"}), "invalid_field"),
        (lambda c: c.send_json_to({"type": "react", "seq": 1, "emoji": "👍", "on": "ja"}), "invalid_field"),
        (lambda c: c.send_json_to({"type": "hide", "seq": 1, "hidden": True}), "forbidden"),
        (lambda c: c.send_json_to({"type": "edit", "seq": 1, "body": "niet van mij"}), "forbidden"),
        (lambda c: c.send_json_to({"type": "report", "seq": 1, "reason": "zomaar"}), "invalid_field"),
        (lambda c: c.send_json_to({"type": "history", "before_seq": 0}), "invalid_field"),
        # Replies repeat the id: one nested deep enough to break encoding the reply is refused.
        (lambda c: c.send_to(text_data=f'{{"type": "ping", "id": {DEEP}}}'), "invalid_field"),
        (lambda c: c.send_to(text_data=f'{{"type": "sync", "after_rev": "x", "id": {DEEP}}}'), "invalid_field"),
        (lambda c: c.send_json_to({"type": "ping", "id": "x" * 101}), "invalid_field"),
        (lambda c: c.send_json_to({"type": "ping", "id": [1]}), "invalid_field"),
        # JSON can carry characters no database column stores.
        (lambda c: c.send_to(text_data='{"type": "post", "client_id": "a", "body": "a\\u0000b"}'), "invalid_field"),
        (lambda c: c.send_to(text_data='{"type": "mentions", "query": "\\ud800"}'), "invalid_field"),
    ],
)
async def test_every_bad_frame_gets_an_error_frame_and_the_socket_stays_open(send, code):
    room, author, user = await make_thematic(), await make_user(), await make_user()
    await post_async(room, author, "Van iemand anders")
    communicator, _ = await joined(room, user)
    await send(communicator)
    error = await next_of(communicator, "error")
    assert error["type"] == "error" and error["code"] == code, error
    assert error["message"]
    await communicator.send_json_to({"type": "ping", "id": "nog-open"})
    assert await next_of(communicator, "pong") == {"type": "pong", "rev": 1, "last_seq": 1, "id": "nog-open"}
    await communicator.disconnect()


async def test_rate_limit_answers_with_the_wait():
    room, user = await make_thematic(), await make_user()
    communicator, _ = await joined(room, user)
    with override_settings(SAMENHUIS_ROOM_RATE_LIMIT=(2, 10)):
        for n in range(3):
            await communicator.send_json_to({"type": "post", "client_id": f"r{n}", "body": "snel"})
        assert (await next_of(communicator, "ack"))["client_id"] == "r0"
        assert (await next_of(communicator, "ack"))["client_id"] == "r1"
        error = await next_of(communicator, "error")
    assert error["code"] == "rate_limited" and error["client_id"] == "r2" and 1 <= error["retry_after"] <= 10
    await communicator.disconnect()


@pytest.mark.parametrize("visibility", [IntervisionGroup.Visibility.CLOSED, IntervisionGroup.Visibility.SECRET])
async def test_removing_a_member_says_forbidden_and_closes_their_socket_with_4403_within_a_second(visibility):
    """4403 also for a secret group's room: the person knew it exists (4404 is for outsiders)."""
    facilitator, member = await make_user(), await make_user()
    room = await make_group_room(visibility=visibility, facilitator=facilitator, members=[member])
    communicator, _ = await joined(room, member)
    group = await sync_to_async(lambda: room.group)()
    await sync_to_async(services.group_member_remove)(actor=facilitator, group=group, person=member)
    error = await next_of(communicator, "error", timeout=1)
    assert error == {"type": "error", "code": "forbidden", "message": "You may no longer read this room."}
    assert await closed_with(communicator, timeout=1) == 4403
    await communicator.disconnect()  # the close handshake ends; the consumer cleans up
    # Gone from the room's presence: not shown online, and e-mailed again when mentioned.
    assert not await sync_to_async(lambda: Presence.objects.filter(person=member).exists())()


@pytest.mark.parametrize("visibility", [IntervisionGroup.Visibility.CLOSED, IntervisionGroup.Visibility.SECRET])
async def test_a_member_removed_without_announcement_is_refused_at_the_next_frame(visibility):
    facilitator, member = await make_user(), await make_user()
    room = await make_group_room(visibility=visibility, facilitator=facilitator, members=[member])
    communicator, _ = await joined(room, member)
    await sync_to_async(lambda: room.group.memberships.filter(person=member).delete())()
    await communicator.send_json_to({"type": "ping"})
    error = await next_of(communicator, "error")
    assert error["code"] == "forbidden"
    assert await closed_with(communicator) == 4403


async def test_moderators_get_the_original_of_a_hidden_message_readers_do_not():
    facilitator, member, reader = await make_user(), await make_user(), await make_user()
    room = await make_group_room(facilitator=facilitator, members=[member, reader])
    message = await post_async(room, member, "Naam van een kind")
    moderator_socket, hello = await joined(room, facilitator)
    assert hello["can_moderate"]
    reader_socket, _ = await joined(room, reader)
    await sync_to_async(room_services.room_message_report)(
        reporter=reader, message=message, reason=Report.Reason.PRIVACY
    )
    await moderator_socket.send_json_to({"type": "hide", "seq": message.seq, "hidden": True})
    assert (await next_of(moderator_socket, "done"))["request"] == "hide"
    seen_by_moderator = await next_of(moderator_socket, "message")
    seen_by_reader = await next_of(reader_socket, "message")
    assert seen_by_reader["message"]["hidden"] and seen_by_reader["message"]["body_html"] == ""
    assert "original_html" not in seen_by_reader["message"]
    assert "Naam van een kind" in seen_by_moderator["message"]["original_html"]
    await moderator_socket.disconnect()
    await reader_socket.disconnect()


async def test_presence_lists_who_is_online():
    room, anna, ben = await make_thematic(), await make_user(profile="Anna"), await make_user(profile="Ben")
    a, _ = await joined(room, anna)
    b, hello = await joined(room, ben)
    assert {p["name"] for p in hello["online"]} == {"Anna", "Ben"}
    presence = await next_of(a, "presence")
    assert {p["name"] for p in presence["online"]} == {"Anna", "Ben"}
    await b.disconnect()
    presence = await next_of(a, "presence")
    assert [p["name"] for p in presence["online"]] == ["Anna"]
    await a.disconnect()


async def test_read_and_mentions_frames():
    room, anna = await make_thematic(), await make_user(profile="Annelies Voorbeeld")
    await post_async(room, anna, "een")
    await post_async(room, anna, "twee")
    a, _ = await joined(room, anna)
    await a.send_json_to({"type": "read", "seq": 1})
    assert (await next_of(a, "read"))["last_read_seq"] == 2  # posting read both already
    await a.send_json_to({"type": "mentions", "query": "annel"})
    people = (await next_of(a, "mentions"))["people"]
    assert {"id": anna.pk, "name": "Annelies Voorbeeld"} in people
    await a.disconnect()


async def test_a_read_position_stays_below_the_last_message_the_socket_knows_of():
    """A socket keeps the highest message number it has seen (hello, announcements, its own acks,
    pongs, syncs): a `read` beyond it is held to it (`room_read`'s `last_seq`)."""
    room, anna, ben = await make_thematic(), await make_user(profile="Anna"), await make_user(profile="Ben")
    await post_async(room, anna, "een")
    b, hello = await joined(room, ben)
    assert hello["last_seq"] == 1
    await b.send_json_to({"type": "read", "seq": 99})
    assert (await next_of(b, "read"))["last_read_seq"] == 1  # never past the end
    await post_async(room, anna, "twee")
    assert (await next_of(b, "message"))["message"]["seq"] == 2
    await b.send_json_to({"type": "read", "seq": 99})
    assert (await next_of(b, "read"))["last_read_seq"] == 2
    await b.disconnect()


async def test_a_change_between_page_and_socket_is_not_lost():
    """The page rendered rev N; a message arrives before the socket opens: hello.rev says so and
    sync returns it."""
    room, anna, ben = await make_thematic(), await make_user(), await make_user()
    rendered_rev = 0
    await post_async(room, ben, "terwijl de pagina laadde")
    a, hello = await joined(room, anna)
    assert hello["rev"] > rendered_rev
    await a.send_json_to({"type": "sync", "after_rev": rendered_rev})
    sync = await next_of(a, "sync")
    assert [m["seq"] for m in sync["messages"]] == [1]
    await a.disconnect()


async def test_pong_tells_the_rooms_counters_so_a_dropped_last_change_is_noticed(monkeypatch):
    """No later change reveals that the room's last one was lost: the pong (every 30 s) does."""
    room, anna, ben = await make_thematic(), await make_user(), await make_user()
    a, hello = await joined(room, anna)
    monkeypatch.setattr(room_services, "group_send_now", lambda group, event: None)  # the layer drops it
    message = await post_async(room, ben, "Het laatste woord")
    assert await a.receive_nothing(timeout=0.3)
    await a.send_json_to({"type": "ping", "id": 1})
    pong = await next_of(a, "pong")
    assert pong == {"type": "pong", "rev": hello["rev"] + 1, "last_seq": message.seq, "id": 1}
    await a.send_json_to({"type": "sync", "after_rev": hello["rev"]})
    sync = await next_of(a, "sync")
    assert [m["seq"] for m in sync["messages"]] == [message.seq] and sync["rev"] == pong["rev"]
    await a.disconnect()


async def test_a_fault_on_the_server_answers_server_error_with_the_ids_and_keeps_the_socket(monkeypatch):
    room, anna = await make_thematic(), await make_user()
    a, _ = await joined(room, anna)

    def broken(**kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(room_services, "room_message_post", broken)
    await a.send_json_to({"type": "post", "client_id": "kapot-1", "body": "Hallo", "id": 7})
    error = await next_of(a, "ack")
    assert error == {
        "type": "error",
        "code": "server_error",
        "message": "Something went wrong on our side; nothing was changed.",
        "id": 7,
        "client_id": "kapot-1",
    }
    await a.send_json_to({"type": "ping", "id": 8})
    assert (await next_of(a, "pong"))["id"] == 8
    await a.disconnect()


async def test_a_facilitator_who_hands_over_loses_moderation_on_the_open_socket():
    facilitator, member = await make_user(), await make_user()
    room = await make_group_room(facilitator=facilitator, members=[member])
    communicator, hello = await joined(room, facilitator)
    assert hello["can_moderate"] is True
    group = await sync_to_async(lambda: room.group)()
    await sync_to_async(services.group_facilitator_hand_over)(actor=facilitator, group=group, to_person=member)
    state = await next_of(communicator, "state", timeout=2)
    assert state["can_moderate"] is False and state["can_post"] is True
    await communicator.disconnect()


# Who is named on the socket (docs/privacy.md, "Where people are named") --------------------------------


def profile_visibility_set(person, visibility):
    profile = person.profile
    return services.profile_update(user=person, display_name=profile.display_name, visibility=visibility)


async def test_a_profile_kept_for_connections_is_unnamed_at_once_and_asked_about_once_per_socket(monkeypatch):
    """The announcement carries who may see each person it names: a change of "who may see my
    profile" holds from the next frame on, and a socket asks the database whether its viewer is
    connected to someone only the first time (not for every message of theirs)."""
    from community import permissions

    room = await make_thematic()
    hidden, stranger = await make_user(profile="Hanne Verborgen"), await make_user(profile="Stijn Vreemd")
    s, _ = await joined(room, stranger)
    h, _ = await joined(room, hidden)
    assert [p["name"] for p in (await next_of(s, "presence"))["online"]] == ["Hanne Verborgen", "Stijn Vreemd"]
    asked = []
    original = permissions.people_connected_to
    monkeypatch.setattr(
        permissions, "people_connected_to", lambda viewer, ids: asked.append(set(ids)) or original(viewer, ids)
    )
    await h.send_json_to({"type": "post", "client_id": "h1", "body": "Nog zichtbaar"})
    assert (await next_of(s, "message"))["message"]["author"] == {"id": hidden.pk, "name": "Hanne Verborgen"}
    assert asked == []  # "all members": decided without a query
    await sync_to_async(profile_visibility_set)(hidden, "connections")
    for n in range(3):
        await h.send_json_to({"type": "post", "client_id": f"h{n + 2}", "body": f"Verborgen {n}"})
        message = (await next_of(s, "message"))["message"]
        assert message["author"] == {"id": None, "name": "Deelnemer", "hidden": True}
        own = (await next_of(h, "message"))["message"]  # the author always sees their own name
        assert own["author"] == {"id": hidden.pk, "name": "Hanne Verborgen"}
    assert asked == [{hidden.pk}]  # once for the stranger's socket, then remembered
    # Someone connecting now: the stranger's hello and presence leave the hidden person out.
    s2, hello = await joined(room, stranger)
    assert [p["name"] for p in hello["online"]] == ["Stijn Vreemd"]
    assert [p["name"] for p in (await next_of(s, "presence"))["online"]] == ["Stijn Vreemd"]
    for communicator in (s, s2, h):
        await communicator.disconnect()


async def test_a_hidden_author_is_shown_in_the_language_of_the_socket():
    room = await make_thematic()
    hidden, stranger = await make_user(profile="Hanne Verborgen"), await make_user()
    await sync_to_async(profile_visibility_set)(hidden, "connections")
    await post_async(room, hidden, "Hallo")
    headers = [ORIGIN, (b"cookie", await session_cookie_for(stranger) + b"; samenhuis_language=en")]
    communicator = WebsocketCommunicator(application, f"/ws/rooms/{room.pk}/", headers=headers)
    assert (await communicator.connect())[0]
    await communicator.send_json_to({"type": "history"})
    history = await next_of(communicator, "history")
    assert history["messages"][0]["author"] == {"id": None, "name": "Participant", "hidden": True}
    await communicator.disconnect()
