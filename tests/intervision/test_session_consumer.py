"""The live session socket (/ws/sessions/<id>/) through a real channel layer and the real database:
state on connect and on reconnect, phase changes pushed to everyone, contributions by the phase's
rules, blind questions per reader, identifiers flagged, outsiders refused (docs/intervision.md)."""

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator

from community.models import IntervisionGroup
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
    assert sync["contributions"] == [] and sync["waiting_questions"] == 1
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
