"""The live session socket (/ws/sessions/<id>/) through a real channel layer and the real database:
state on connect and on reconnect, phase changes pushed to everyone, contributions by the phase's
rules, blind questions per reader and per phase, identifiers flagged, outsiders refused, observers
who read and write nothing and are closed out at the end or when removed (docs/intervision.md)."""

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator

from community.models import IntervisionGroup
from intervision import services
from intervision.models import Collects, Session
from samenhuis.asgi import application
from tests.community.test_notification_consumer import ORIGIN, session_cookie_for
from tests.factories import UserFactory
from tests.intervision.test_services import Circle

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


async def connect(session, user):
    headers = [ORIGIN, (b"cookie", await session_cookie_for(user))]
    communicator = WebsocketCommunicator(application, f"/ws/sessions/{session.pk}/", headers=headers)
    connected, _ = await communicator.connect()
    assert connected
    return communicator


async def joined(session, user):
    communicator = await connect(session, user)
    hello = await communicator.receive_json_from(timeout=5)
    assert hello["type"] == "hello", hello
    return communicator, hello["state"]


async def next_of(communicator, kind, timeout=5):
    while True:
        frame = await communicator.receive_json_from(timeout=timeout)
        if frame["type"] in (kind, "error"):
            return frame


async def closed_with(communicator, timeout=5):
    while True:
        output = await communicator.receive_output(timeout=timeout)
        if output["type"] == "websocket.close":
            return output["code"]


make_circle = sync_to_async(Circle)


async def test_outsiders_are_refused_4403_and_a_secret_groups_session_is_4404():
    closed, secret = await make_circle(), await make_circle(visibility=IntervisionGroup.Visibility.SECRET)
    outsider = await sync_to_async(UserFactory)()
    for circle, code in ((closed, 4403), (secret, 4404)):
        communicator = await connect(circle.session, outsider)
        assert await closed_with(communicator) == code


async def test_a_phase_change_reaches_everyone_with_the_state_and_a_late_joiner_lands_in_it():
    circle = await make_circle()
    facilitator, state = await joined(circle.session, circle.facilitator)
    assert state["status"] == "planned" and state["can"]["control"] and state["phase"] is None
    anna, anna_state = await joined(circle.session, circle.anna)
    assert not anna_state["can"]["control"] and anna_state["case"] is None  # the draft is not hers yet

    await facilitator.send_json_to({"type": "control", "action": "start", "id": 1})
    assert (await next_of(facilitator, "done"))["action"] == "start"
    changed = await next_of(anna, "changed")
    assert changed["state"]["status"] == "live"
    assert changed["state"]["phase"]["name"] == "Intake van het incident"
    assert changed["state"]["phase"]["ends_at"] > changed["state"]["server_time"]

    await facilitator.send_json_to({"type": "control", "action": "next"})
    assert (await next_of(anna, "changed"))["state"]["phase"]["name"] == "Verhelderingsvragen"
    # Anna drops out and comes back: she lands in the current phase.
    await anna.disconnect()
    anna, state = await joined(circle.session, circle.anna)
    assert state["phase"]["name"] == "Verhelderingsvragen" and state["can"]["contribute"]
    await facilitator.disconnect()
    await anna.disconnect()


async def test_questions_are_blind_per_reader_until_the_facilitator_reveals_them():
    circle = await make_circle()
    await sync_to_async(circle.to_phase)(Collects.QUESTIONS)
    facilitator, _ = await joined(circle.session, circle.facilitator)
    anna, state = await joined(circle.session, circle.anna)
    bart, _ = await joined(circle.session, circle.bart)
    rev = state["rev"]

    await anna.send_json_to({"type": "contribute", "client_id": "v-1", "text": "Hoe oud is het kind?"})
    ack = await next_of(anna, "ack")
    assert ack["client_id"] == "v-1" and ack["contribution"]["kind"] == Collects.QUESTIONS
    await next_of(bart, "changed")
    await bart.send_json_to({"type": "sync", "after_rev": rev})
    sync = await next_of(bart, "sync")
    phase = str(sync["state"]["phase"]["id"])
    assert sync["contributions"] == [] and sync["waiting_questions"] == {phase: 1}
    await facilitator.send_json_to({"type": "sync", "after_rev": rev})
    assert [item["text"] for item in (await next_of(facilitator, "sync"))["contributions"]] == ["Hoe oud is het kind?"]

    await facilitator.send_json_to({"type": "control", "action": "reveal"})
    assert (await next_of(bart, "changed"))["state"]["phase"]["revealed"]
    await bart.send_json_to({"type": "sync", "after_rev": rev})
    sync = await next_of(bart, "sync")
    assert [item["text"] for item in sync["contributions"]] == ["Hoe oud is het kind?"]
    assert sync["contributions"][0]["author"] == "Anna"
    for socket in (facilitator, anna, bart):
        await socket.disconnect()


async def test_the_presenter_cannot_write_in_the_gossip_phase_and_members_cannot_steer():
    circle = await make_circle(method_key="roddel")
    await sync_to_async(circle.to_phase)(Collects.NOTES)
    presenter, state = await joined(circle.session, circle.presenter)
    assert state["phase"]["name"] == "Roddelen" and not state["can"]["contribute"]
    await presenter.send_json_to({"type": "contribute", "client_id": "p-1", "text": "Mag ik?", "id": 5})
    error = await next_of(presenter, "ack")
    assert error["code"] == "not_in_this_phase" and error["client_id"] == "p-1" and error["id"] == 5
    await presenter.send_json_to({"type": "control", "action": "next"})
    assert (await next_of(presenter, "done"))["code"] == "forbidden"
    await presenter.disconnect()


async def test_identifiers_are_flagged_with_what_was_found_and_stored_once_confirmed():
    circle = await make_circle()
    await sync_to_async(circle.to_phase)(Collects.NOTES)
    anna, _ = await joined(circle.session, circle.anna)
    frame = {"type": "contribute", "client_id": "i-1", "text": "Bel mama op 0475 12 34 56."}
    await anna.send_json_to(frame)
    error = await next_of(anna, "ack")
    assert error["code"] == "identifiers" and error["client_id"] == "i-1"
    assert any(found["text"] == "0475 12 34 56" for found in error["findings"])
    await anna.send_json_to({**frame, "confirm": True})
    assert (await next_of(anna, "ack"))["contribution"]["seq"] == 1
    await anna.send_json_to({**frame, "confirm": True})  # sent again: the same contribution
    assert (await next_of(anna, "ack"))["contribution"]["seq"] == 1
    await anna.disconnect()


async def test_a_member_removed_from_the_group_is_closed_out_at_the_next_frame():
    circle = await make_circle()
    anna, _ = await joined(circle.session, circle.anna)

    def remove():
        from community import services as community_services

        community_services.group_member_remove(actor=circle.facilitator, group=circle.group, person=circle.anna)

    await sync_to_async(remove)()
    await anna.send_json_to({"type": "ping"})
    assert (await next_of(anna, "pong"))["code"] == "forbidden"
    assert await closed_with(anna) == 4403
    assert await sync_to_async(Session.objects.count)() == 1


async def test_nonsense_is_answered_with_typed_errors():
    circle = await make_circle()
    anna, _ = await joined(circle.session, circle.anna)
    await anna.send_json_to({"type": "control", "action": "dance"})
    assert (await next_of(anna, "x"))["code"] == "invalid_field"
    await anna.send_json_to({"type": "contribute", "client_id": 7, "text": "x"})
    assert (await next_of(anna, "x"))["code"] == "invalid_field"
    await anna.send_json_to({"type": "sync"})
    assert (await next_of(anna, "x"))["code"] == "invalid_field"
    await anna.disconnect()


async def test_a_control_for_a_phase_the_session_left_is_refused_and_action_points_take_a_date():
    circle = await make_circle()
    await sync_to_async(circle.to_phase)(Collects.QUESTIONS)
    phase = (await sync_to_async(circle.refresh)()).current_phase_id
    facilitator, _ = await joined(circle.session, circle.facilitator)
    other, _ = await joined(circle.session, circle.facilitator)  # a second tab, or a co-facilitator
    await facilitator.send_json_to({"type": "control", "action": "next", "phase": phase})
    assert (await next_of(facilitator, "done"))["action"] == "next"
    await other.send_json_to({"type": "control", "action": "next", "phase": phase})
    assert (await next_of(other, "done"))["code"] == "moved_on"

    await sync_to_async(circle.to_phase)(Collects.ACTIONS)
    anna, _ = await joined(circle.session, circle.anna)
    await anna.send_json_to({"type": "action_point", "who": "Ilse", "what": "Bellen", "due": "2027-01-15"})
    assert (await next_of(anna, "done"))["request"] == "action_point"
    await anna.send_json_to({"type": "action_point", "who": "Ilse", "what": "Bellen", "due": "15/01"})
    assert (await next_of(anna, "done"))["code"] == "invalid_field"
    point = await sync_to_async(lambda: circle.session.action_points.get())()
    assert str(point.due) == "2027-01-15"
    for socket in (facilitator, other, anna):
        await socket.disconnect()


# Observers (docs/intervision.md, "Observers") --------------------------------------------------


def observe(circle, *people):
    services.session_settings_update(
        actor=circle.facilitator, group=circle.group, retention_months=12, observers_allowed=True
    )
    for person in people:
        services.session_observer_add(actor=circle.facilitator, session=circle.session, person=person)


async def test_an_observer_follows_the_session_live_writes_nothing_and_is_closed_out_at_the_end():
    circle = await make_circle()
    guest = await sync_to_async(UserFactory)(profile="Wout Waarnemer")
    await sync_to_async(services.session_case_save)(
        actor=circle.presenter, session=circle.session, text="Een moeder komt elke week later."
    )
    await sync_to_async(observe)(circle, guest)
    observer, state = await joined(circle.session, guest)
    assert state["status"] == "planned" and state["case"] is None  # the draft is not for observers
    assert not any(state["can"].values())
    facilitator, _ = await joined(circle.session, circle.facilitator)

    await facilitator.send_json_to({"type": "control", "action": "start"})
    changed = await next_of(observer, "changed")
    assert changed["state"]["status"] == "live" and changed["state"]["case"] == "Een moeder komt elke week later."
    await sync_to_async(circle.to_phase)(Collects.NOTES)
    await sync_to_async(circle.write)(circle.anna, "Het begon in september.")
    rev = (await sync_to_async(circle.refresh)()).last_rev
    await observer.send_json_to({"type": "sync", "after_rev": 0})
    sync = await next_of(observer, "sync")
    assert sync["state"]["phase"]["collects"] == Collects.NOTES and not sync["state"]["can"]["contribute"]
    assert [(item["text"], item["author"]) for item in sync["contributions"]] == [("Het begon in september.", "Anna")]

    refusals = [
        {"type": "contribute", "client_id": "w-1", "text": "Ik schrijf mee."},
        {"type": "control", "action": "next"},
        {"type": "control", "action": "pause"},
        {"type": "action_point", "who": "Wout", "what": "Iets doen"},
        {"type": "take", "seq": 1},
    ]
    for number, frame in enumerate(refusals, start=1):
        await observer.send_json_to({**frame, "id": number})
        error = await next_of(observer, "none")
        assert error["type"] == "error" and error["code"] == "forbidden" and error["id"] == number, frame
    session = await sync_to_async(circle.refresh)()
    assert session.last_rev == rev and session.status == Session.Status.LIVE

    await facilitator.send_json_to({"type": "control", "action": "end"})
    ended = await next_of(observer, "changed")  # they see it end, then the socket closes
    assert ended["state"]["status"] == "ended" and ended["state"]["case"] is None
    assert await closed_with(observer) == 4403
    again = await connect(circle.session, guest)
    assert await closed_with(again) == 4403
    await facilitator.send_json_to({"type": "ping"})
    assert (await next_of(facilitator, "pong"))["type"] == "pong"  # the members stay
    await facilitator.disconnect()


async def test_an_observer_of_a_secret_groups_session_finds_nothing_once_it_ended():
    circle = await make_circle(visibility=IntervisionGroup.Visibility.SECRET)
    guest, outsider = await sync_to_async(UserFactory)(), await sync_to_async(UserFactory)()
    await sync_to_async(observe)(circle, guest)
    await sync_to_async(circle.to_phase)(Collects.QUESTIONS)
    observer, state = await joined(circle.session, guest)
    assert state["status"] == "live"
    assert await closed_with(await connect(circle.session, outsider)) == 4404
    await sync_to_async(services.session_end)(actor=circle.facilitator, session=circle.session)
    assert await closed_with(observer) == 4403  # they knew it exists
    assert await closed_with(await connect(circle.session, guest)) == 4404


async def test_a_removed_observer_is_closed_out_at_once_and_so_are_those_a_group_no_longer_allows():
    circle = await make_circle()
    removed = await sync_to_async(UserFactory)(profile="Wout Waarnemer")
    kept = await sync_to_async(UserFactory)(profile="Kim Kijker")
    await sync_to_async(observe)(circle, removed, kept)
    removed_socket, _ = await joined(circle.session, removed)
    kept_socket, _ = await joined(circle.session, kept)
    anna, _ = await joined(circle.session, circle.anna)

    await sync_to_async(services.session_observer_remove)(
        actor=circle.facilitator, session=circle.session, person=removed
    )
    assert await closed_with(removed_socket) == 4403
    changed = await next_of(kept_socket, "changed")
    await kept_socket.send_json_to({"type": "sync", "after_rev": changed["rev"] - 1})
    assert (await next_of(kept_socket, "sync"))["observers"] == {"names": ["Kim Kijker"], "hidden": 0}

    await sync_to_async(services.session_settings_update)(
        actor=circle.facilitator, group=circle.group, retention_months=12, observers_allowed=False
    )
    assert await closed_with(kept_socket) == 4403
    await anna.send_json_to({"type": "ping"})
    assert (await next_of(anna, "pong"))["type"] == "pong"
    await anna.send_json_to({"type": "sync", "after_rev": changed["rev"]})
    assert (await next_of(anna, "sync"))["observers"] == {"names": [], "hidden": 0}
    await anna.disconnect()


def two_question_rounds(circle):
    """A session of a group method with two blind question rounds: Anna asks one in the first;
    the facilitator moves on without revealing; Bart and Anna ask one each in the second."""
    method = services.method_copy(actor=circle.facilitator, method=circle.method, group=circle.group)
    round_ = {"purpose": "", "minutes": 5, "speakers": "everyone", "collects": Collects.QUESTIONS}
    services.method_update(
        actor=circle.facilitator,
        method=method,
        name="Twee vragenrondes",
        description="",
        phases=[{**round_, "name": "Eerste vragen"}, {**round_, "name": "Tweede vragen"}],
    )
    circle.session = services.session_plan(
        actor=circle.facilitator,
        group=circle.group,
        method=method,
        title="Twee rondes",
        planned_for=circle.session.planned_for,
        presenter=circle.presenter,
    )
    services.session_start(actor=circle.facilitator, session=circle.session)
    circle.write(circle.anna, "Sinds wanneer komt ze later?")
    services.session_move(actor=circle.facilitator, session=circle.session, to="next")
    circle.write(circle.bart, "Wat zegt het kind zelf?")
    circle.write(circle.anna, "Wie brengt het kind?")
    return [str(pk) for pk in circle.session.phases.values_list("pk", flat=True)]


async def test_waiting_questions_are_counted_per_phase_without_the_readers_own():
    circle = await make_circle()
    first, second = await sync_to_async(two_question_rounds)(circle)
    sockets = {}
    for name in ("presenter", "anna", "facilitator"):
        sockets[name], _ = await joined(circle.session, getattr(circle, name))

    async def waiting(name):
        await sockets[name].send_json_to({"type": "sync", "after_rev": 0})
        return (await next_of(sockets[name], "sync"))["waiting_questions"]

    assert await waiting("presenter") == {first: 1, second: 2}
    assert await waiting("anna") == {second: 1}  # her own are hers to read, not waiting
    assert await waiting("facilitator") == {}
    await sockets["facilitator"].send_json_to({"type": "control", "action": "reveal"})
    assert (await next_of(sockets["presenter"], "changed"))["state"]["phase"]["revealed"]
    assert await waiting("presenter") == {first: 1}  # the first round stays blind: never revealed
    for socket in sockets.values():
        await socket.disconnect()
