"""Where people are named (docs/privacy.md): every place that shows who someone is follows the
one rule, `community.permissions.profiles_visible_to`, for every value of "who may see my
profile" and every kind of viewer. Each test builds one small world, walks the whole matrix
through the real pages and the real room socket, and compares what it saw with what the rule
(or the documented exception of that place) says."""

import io
import itertools
import json
import re
from types import SimpleNamespace

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from community import permissions, services
from community.models import Membership, Profile
from community.uploads import image_clean
from events import services as event_services
from events.models import MeetingResponse
from realtime import presence
from rooms import selectors as room_selectors
from rooms import services as room_services
from rooms.models import Report
from samenhuis.asgi import application
from tests.community.test_notification_consumer import ORIGIN, session_cookie_for
from tests.events.conftest import event_publish, meeting_plan
from tests.factories import OrganisationFactory, UserFactory, group_add_member, group_create
from tests.rooms.support import post, thematic_room

Visibility = Profile.Visibility
VISIBILITIES = (Visibility.MEMBERS, Visibility.CONNECTIONS, Visibility.PUBLIC)
VIEWERS = ("anonymous", "member", "connection", "co_member", "admin")
NAME = "Pieter Verborgen"


def by_rule(visibility: str, viewer: str) -> bool:
    """What `profiles_visible_to` answers, written out as the privacy page states it."""
    if visibility == Visibility.PUBLIC:
        return True
    if viewer == "anonymous":
        return False
    return visibility == Visibility.MEMBERS or viewer in ("connection", "co_member", "admin")


def expected(places, rule=by_rule) -> dict:
    """{(visibility, viewer, place): bool} for every cell of the matrix; `rule(visibility,
    viewer)` or, per place, `places[place](visibility, viewer)`."""
    return {
        (visibility, viewer, place): (how or rule)(visibility, viewer)
        for visibility, viewer in itertools.product(VISIBILITIES, VIEWERS)
        for place, how in places.items()
    }


def members_only(visibility, viewer):
    """A page for logged-in members: the rule, and never to anonymous visitors."""
    return viewer != "anonymous" and by_rule(visibility, viewer)


def unnamed(visibility, viewer):
    """Where a member sees the neutral stand-in (a label, a count) instead of the person."""
    return viewer != "anonymous" and not by_rule(visibility, viewer)


def png() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (60, 60), (0, 86, 107)).save(buffer, format="PNG")
    return SimpleUploadedFile("foto.png", buffer.getvalue(), content_type="image/png")


def visibility_set(person, visibility, **changes):
    """Change who may see the profile through the service, keeping the rest."""
    profile = Profile.objects.get(user=person)
    return services.profile_update(
        user=person,
        display_name=profile.display_name,
        visibility=visibility,
        expertise=list(profile.expertise.all()),
        **changes,
    )


def world() -> SimpleNamespace:
    """The named person and one viewer of each kind: a member who shares nothing with them, a
    colleague in their organisation, a fellow member of their intervision group, an administrator."""
    admin = UserFactory(profile="Ada Beheer", is_superuser=True, is_staff=True)
    person = UserFactory(profile=NAME)
    member = UserFactory(profile="Mo Vreemd")
    connection = UserFactory(profile="Cas Collega")
    co_member = UserFactory(profile="Gina Groep")
    organisation = OrganisationFactory()
    for someone in (person, connection):
        services.membership_save(person=someone, organisation=organisation, role=Membership.Role.STAFF)
    group = group_create(facilitator=person, name="Intervisie Kempen")
    group_add_member(group, co_member)
    viewers = {"member": member, "connection": connection, "co_member": co_member, "admin": admin}
    return SimpleNamespace(person=person, group=group, organisation=organisation, viewers=viewers, **viewers)


def clients(w) -> dict[str, Client]:
    logged = {"anonymous": Client()}
    for viewer, user in w.viewers.items():
        logged[viewer] = Client()
        logged[viewer].force_login(user)
    return logged


def page(client, url) -> str:
    """The page's HTML, or "" when it is not shown (a redirect to log in, 403, 404)."""
    response = client.get(url)
    return response.content.decode() if response.status_code == 200 else ""


def names(html: str, person) -> bool:
    """Whether the HTML names the person: their name, or their id where an id stands for them."""
    return NAME in html or any(
        marker in html
        for marker in (
            f'data-person="{person.pk}"',
            f'data-author="{person.pk}"',
            reverse("community:member", args=[person.pk]),
        )
    )


def section(html: str, start: str, end: str) -> str:
    begin = html.find(start)
    return "" if begin < 0 else html[begin : html.find(end, begin)]


def compare(seen: dict, want: dict):
    wrong = {cell: got for cell, got in seen.items() if got != want[cell]}
    assert not wrong, "named where the rule says not, or the reverse: " + ", ".join(
        f"{visibility}/{viewer}/{place}={got}" for (visibility, viewer, place), got in sorted(wrong.items())
    )
    assert seen.keys() == want.keys()


# Profiles: directory, profile page, photo, organisation page -------------------------------------------


@pytest.mark.django_db
def test_directory_profile_photo_and_organisation_page(private_media):
    w = world()
    visibility_set(w.person, Visibility.MEMBERS, avatar=image_clean(png(), max_bytes=10**7, box=400))
    logged = clients(w)
    seen = {}
    for visibility in VISIBILITIES:
        visibility_set(w.person, visibility)
        for viewer, client in logged.items():
            directory = page(client, reverse("community:members") + "?naam=Pieter")
            profile = page(client, reverse("community:member", args=[w.person.pk]))
            photo = client.get(reverse("community:member_avatar", args=[w.person.pk]))
            organisation = page(client, w.organisation.get_absolute_url())
            seen[(visibility, viewer, "directory")] = names(directory, w.person)
            seen[(visibility, viewer, "profile")] = NAME in profile
            seen[(visibility, viewer, "photo")] = photo.status_code == 200
            seen[(visibility, viewer, "organisation")] = names(organisation, w.person)
            if viewer != "anonymous":
                assert directory and organisation, viewer  # the pages themselves are shown
    compare(
        seen,
        expected({"directory": members_only, "profile": None, "photo": None, "organisation": members_only}),
    )


# A thematic room's page: people list, message authors, mentions, threads --------------------------------


def room_world():
    """The person posts in a thematic room, is mentioned and replies in a thread, and is online."""
    w = world()
    w.room = thematic_room()
    w.own = post(w.room, w.person, "Wie kent een logopedist in Mol?")
    w.mention = post(w.room, w.admin, f"Misschien weet @**{NAME}|{w.person.pk}** het?")
    w.reply = post(w.room, w.person, "Ik vraag het na.", parent_seq=w.mention.seq)
    room_services.room_message_react(actor=w.person, message=w.mention, emoji="👍")
    presence.presence_join(channel_name="test.pieter", person_id=w.person.pk, stream=w.room.stream)
    for viewer in w.viewers.values():
        room_services.room_state_get(person=viewer, room=w.room)  # everyone follows the room
    return w


def author_of(html: str, seq: int) -> str:
    item = section(html, f'id="bericht-{seq}"', "</time>")
    match = re.search(r'class="message-item__author[^"]*">([^<]*)<', item)
    return match.group(1) if match else ""


@pytest.mark.django_db
def test_room_page_names_people_only_to_those_who_may_see_them():
    w = room_world()
    logged = clients(w)
    seen = {}
    for visibility in VISIBILITIES:
        visibility_set(w.person, visibility)
        for viewer, client in logged.items():
            html = page(client, w.room.get_absolute_url())
            thread = page(client, w.mention.get_absolute_url())
            people = section(html, 'id="leden"', "</ul>")
            seen[(visibility, viewer, "people list")] = names(people, w.person)
            seen[(visibility, viewer, "author")] = author_of(html, w.own.seq) == NAME
            seen[(visibility, viewer, "mention")] = f'<span data-person="{w.person.pk}">@{NAME}</span>' in html
            seen[(visibility, viewer, "thread author")] = author_of(thread, w.reply.seq) == NAME
            seen[(visibility, viewer, "anywhere")] = names(html, w.person) or names(thread, w.person)
            # Hidden: the message keeps a neutral author, the mention says "@iemand", and the
            # person is counted among the room's people, not named.
            seen[(visibility, viewer, "neutral author")] = author_of(html, w.own.seq) == "Deelnemer"
            seen[(visibility, viewer, "neutral mention")] = "<span>@iemand</span>" in html
            seen[(visibility, viewer, "counted")] = "deelnemer die zijn of haar profiel niet met jou deelt" in people
    places = ("people list", "author", "mention", "thread author", "anywhere")
    neutral = ("neutral author", "neutral mention", "counted")
    compare(seen, expected(dict.fromkeys(places, members_only) | dict.fromkeys(neutral, unnamed)))


# The room socket: hello, presence, live messages, reactions, history, mention suggestions ----------------


class Inbox(WebsocketCommunicator):
    """A room socket that keeps the frames a test did not ask for yet, so that waiting for one
    kind (an `ack`) does not lose another (the `message` that arrived before it)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kept = []

    async def next_of(self, kind, timeout=5):
        for frame in self.kept:
            if frame["type"] in (kind, "error"):
                self.kept.remove(frame)
                return frame
        while True:
            frame = await self.receive_json_from(timeout=timeout)
            if frame["type"] in (kind, "error"):
                return frame
            self.kept.append(frame)

    async def settle(self):
        """Read what has arrived so far; forget the presence frames among it."""
        while not await self.receive_nothing(timeout=0.2):
            self.kept.append(await self.receive_json_from())
        self.kept = [frame for frame in self.kept if frame["type"] != "presence"]


async def socket(room, user):
    communicator = Inbox(
        application, f"/ws/rooms/{room.pk}/", headers=[ORIGIN, (b"cookie", await session_cookie_for(user))]
    )
    connected, _ = await communicator.connect()
    assert connected
    hello = await communicator.receive_json_from(timeout=5)
    assert hello["type"] == "hello", hello
    return communicator, hello


async def next_of(communicator, kind, timeout=5):
    return await communicator.next_of(kind, timeout)


def message_names(message: dict, person, place: str) -> bool:
    if place == "author":
        named = message["author"] is not None and message["author"]["id"] == person.pk
        assert named == (message["author"]["name"] == NAME)
        return named
    if place == "mention":
        return f'data-person="{person.pk}"' in message["body_html"] or NAME in message["body_html"]
    return any(person.pk in reaction["people"] for reaction in message["reactions"])


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_room_socket_names_people_only_to_those_who_may_see_them():
    w = await sync_to_async(world)()
    room = await sync_to_async(thematic_room)()
    anonymous = WebsocketCommunicator(application, f"/ws/rooms/{room.pk}/", headers=[ORIGIN])
    assert (await anonymous.connect())[0]
    assert (await anonymous.receive_output(timeout=5)) == {"type": "websocket.close", "code": 4401}
    await anonymous.disconnect()
    seen = {}
    for visibility in VISIBILITIES:
        await sync_to_async(visibility_set)(w.person, visibility)
        sockets = {viewer: (await socket(room, user))[0] for viewer, user in w.viewers.items()}
        for communicator in sockets.values():
            await communicator.settle()
        # The person comes online: everyone hears a presence frame.
        person_socket, _ = await socket(room, w.person)
        for viewer, communicator in sockets.items():
            frame = await next_of(communicator, "presence")
            seen[(visibility, viewer, "presence")] = any(p["id"] == w.person.pk for p in frame["online"])
            assert (NAME in json.dumps(frame)) == seen[(visibility, viewer, "presence")]
        # Someone who connects now finds them in hello.
        for viewer, user in w.viewers.items():
            late, hello = await socket(room, user)
            seen[(visibility, viewer, "hello")] = any(p["id"] == w.person.pk for p in hello["online"])
            await late.disconnect()
        # They post; an administrator mentions them; they react to it.
        await person_socket.send_json_to({"type": "post", "client_id": f"p-{visibility}", "body": "Een vraag"})
        own = (await next_of(person_socket, "ack"))["message"]
        await sockets["admin"].send_json_to(
            {"type": "post", "client_id": f"a-{visibility}", "body": f"Dag @**{NAME}|{w.person.pk}**"}
        )
        mention = (await next_of(sockets["admin"], "ack"))["message"]
        await person_socket.send_json_to({"type": "react", "seq": mention["seq"], "emoji": "👍", "on": True})
        assert (await next_of(person_socket, "done"))["request"] == "react"
        for viewer, communicator in sockets.items():
            live = [(await next_of(communicator, "message"))["message"] for _ in range(3)]
            by_seq = {message["seq"]: message for message in live}
            seen[(visibility, viewer, "live author")] = message_names(by_seq[own["seq"]], w.person, "author")
            seen[(visibility, viewer, "live mention")] = message_names(live[1], w.person, "mention")
            seen[(visibility, viewer, "live reaction")] = message_names(live[2], w.person, "reaction")
            assert live[2]["reactions"][0]["count"] == 1  # counted either way
            await communicator.send_json_to({"type": "history"})
            history = {message["seq"]: message for message in (await next_of(communicator, "history"))["messages"]}
            seen[(visibility, viewer, "history author")] = message_names(history[own["seq"]], w.person, "author")
            seen[(visibility, viewer, "history mention")] = message_names(history[mention["seq"]], w.person, "mention")
            seen[(visibility, viewer, "history reaction")] = message_names(
                history[mention["seq"]], w.person, "reaction"
            )
            await communicator.send_json_to({"type": "sync", "after_rev": 0})
            synced = json.dumps((await next_of(communicator, "sync"))["messages"])
            seen[(visibility, viewer, "sync")] = NAME in synced
            await communicator.send_json_to({"type": "thread", "seq": mention["seq"]})
            seen[(visibility, viewer, "thread")] = NAME in json.dumps(await next_of(communicator, "thread"))
            await communicator.send_json_to({"type": "mentions", "query": "Piet"})
            suggestions = (await next_of(communicator, "mentions"))["people"]
            seen[(visibility, viewer, "mention suggestions")] = any(p["id"] == w.person.pk for p in suggestions)
            neutral = {"id": None, "name": "Deelnemer", "hidden": True}
            seen[(visibility, viewer, "neutral author")] = by_seq[own["seq"]]["author"] == neutral
            seen[(visibility, viewer, "neutral mention")] = "<span>@iemand</span>" in live[1]["body_html"]
        await person_socket.disconnect()
        for communicator in sockets.values():
            await communicator.disconnect()
    places = (
        "presence",
        "hello",
        "live author",
        "live mention",
        "live reaction",
        "history author",
        "history mention",
        "history reaction",
        "sync",
        "thread",
        "mention suggestions",
    )
    cells = expected(dict.fromkeys(places, members_only) | {"neutral author": unnamed, "neutral mention": unnamed})
    compare(seen, {cell: want for cell, want in cells.items() if cell[1] != "anonymous"})


# Notifications and the e-mails made from them ----------------------------------------------------------


@pytest.mark.django_db
def test_notifications_name_the_author_and_the_people_mentioned_only_to_who_may_see_them(
    django_capture_on_commit_callbacks,
):
    w = world()
    writer = UserFactory(profile="Wim Schrijver", is_superuser=True)  # may see and mention everyone
    room = thematic_room()
    logged = clients(w)
    seen = {}
    for visibility in VISIBILITIES:
        visibility_set(w.person, visibility)
        for user in w.viewers.values():
            with django_capture_on_commit_callbacks(execute=True):
                # The person mentions the viewer; someone else mentions both of them.
                post(room, w.person, f"Wat denk jij, @**{user.display_name}|{user.pk}**?")
                post(room, writer, f"@**{user.display_name}|{user.pk}** en @**{NAME}|{w.person.pk}**: samen?")
        for viewer, client in logged.items():
            html = page(client, reverse("community:notifications"))
            items = re.findall(r"<li[^>]*>.*?</li>", html, flags=re.S)
            by_author = [item for item in items if "Wat denk jij" in item]
            by_admin = [item for item in items if "samen?" in item]
            seen[(visibility, viewer, "author")] = any(NAME in item for item in by_author)
            seen[(visibility, viewer, "excerpt")] = any(NAME in item for item in by_admin)
            seen[(visibility, viewer, "neutral author")] = any("Iemand noemde je" in item for item in by_author)
            seen[(visibility, viewer, "neutral excerpt")] = any("@iemand" in item for item in by_admin)
        for user in w.viewers.values():
            user.notifications.all().delete()
    compare(
        seen,
        expected(
            {"author": members_only, "excerpt": members_only, "neutral author": unnamed, "neutral excerpt": unnamed}
        ),
    )


# Search: message snippets name nobody --------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_search_snippets_name_neither_authors_nor_mentioned_people():
    """The index is shared by every reader of a room, so it holds no names at all: a message is
    found by what it says, never by the name of its author or of someone it mentions."""
    w = world()
    room = thematic_room()
    post(room, w.person, "Wie kent een xylofoonleraar in Mol?")
    post(room, w.admin, f"@**{NAME}|{w.person.pk}** vroeg naar een xylofoonleraar.")
    logged = clients(w)
    seen = {}
    for visibility in VISIBILITIES:
        visibility_set(w.person, visibility)
        for viewer, client in logged.items():
            found = page(client, reverse("search:index") + "?q=xylofoonleraar")
            by_name = page(client, reverse("search:index") + "?q=Verborgen")
            results = section(found, '<ol class="results">', "</ol>")
            if viewer != "anonymous":
                assert results.count("xylofoonleraar") >= 2, viewer
            seen[(visibility, viewer, "snippet")] = names(results, w.person) or "Verborgen" in results
            seen[(visibility, viewer, "found by name")] = '<ol class="results">' in by_name
    compare(seen, expected({"snippet": None, "found by name": None}, rule=lambda visibility, viewer: False))


# Intervision groups: facilitators, members, meeting answers ----------------------------------------------


@pytest.mark.django_db
def test_group_pages_name_facilitators_by_the_rule_and_members_to_the_group():
    w = world()
    meeting = meeting_plan(w.group, w.person)
    event_services.meeting_respond(meeting=meeting, person=w.person, answer=MeetingResponse.Answer.YES)
    logged = clients(w)
    seen = {}
    for visibility in VISIBILITIES:
        visibility_set(w.person, visibility)
        for viewer, client in logged.items():
            detail = page(client, w.group.get_absolute_url())
            listing = page(client, reverse("community:groups"))
            answers = page(client, meeting.get_absolute_url())
            seen[(visibility, viewer, "facilitators")] = NAME in section(detail, 'id="facilitators-heading"', "</ul>")
            seen[(visibility, viewer, "group list")] = names(section(listing, "Intervisie Kempen", "</li>"), w.person)
            members = section(detail, 'id="members-heading"', "</section>")
            seen[(visibility, viewer, "members")] = names(members, w.person)
            seen[(visibility, viewer, "meeting answers")] = NAME in answers
            seen[(visibility, viewer, "facilitator counted")] = (
                "1 gespreksleider die zijn of haar profiel niet met jou deelt" in detail
            )
    in_group = lambda visibility, viewer: viewer in ("co_member", "admin")  # noqa: E731
    compare(
        seen,
        expected(
            {
                "facilitators": members_only,
                "facilitator counted": unnamed,
                "group list": members_only,
                # Only the group's members (and administrators) see who is in it; they are all
                # connections, so they see every name. The answers to a meeting: its members only.
                "members": in_group,
                "meeting answers": lambda visibility, viewer: viewer == "co_member",
            }
        ),
    )


# Events: the attendee list is for the organisers -----------------------------------------------------------


@pytest.mark.django_db
def test_event_attendees_are_named_to_the_organisers_whatever_the_profile_says():
    """Registering is a deliberate act toward the organisers: they see every attendee, whatever
    "who may see my profile" says; nobody else sees the list (docs/privacy.md)."""
    w = world()
    organiser = UserFactory(profile="Olga Organisator")
    event = event_publish(owner=organiser)
    event_services.event_register(event=event, person=w.person)
    logged = clients(w) | {"organiser": Client()}
    logged["organiser"].force_login(organiser)
    seen = {}
    for visibility in VISIBILITIES:
        visibility_set(w.person, visibility)
        for viewer, client in logged.items():
            html = page(client, event.url + "deelnemers/")
            csv = client.get(reverse("events:event_attendees_csv", args=[event.slug]))
            seen[(visibility, viewer, "attendees")] = NAME in html
            seen[(visibility, viewer, "csv")] = csv.status_code == 200 and NAME in csv.content.decode()
    want = {
        (visibility, viewer, place): viewer in ("admin", "organiser")
        for visibility, viewer, place in itertools.product(VISIBILITIES, (*VIEWERS, "organiser"), ("attendees", "csv"))
    }
    compare(seen, want)


# Moderation: the moderators of a room see who wrote a reported message -----------------------------------


@pytest.mark.django_db
def test_moderators_see_who_wrote_a_reported_message():
    w = world()
    room = thematic_room()
    message = post(room, w.person, "Een bericht dat iemand meldt.")
    room_services.room_message_report(reporter=w.member, message=message, reason=Report.Reason.OTHER)
    logged = clients(w)
    seen = {}
    for visibility in VISIBILITIES:
        visibility_set(w.person, visibility)
        for viewer, client in logged.items():
            seen[(visibility, viewer, "written by")] = NAME in page(client, reverse("rooms:moderation"))
    # A thematic room's moderators are the administrators, who may see every profile.
    compare(seen, expected({"written by": lambda visibility, viewer: viewer == "admin"}))


# The rule written out for sockets agrees with the rule itself --------------------------------------------


@pytest.mark.django_db
def test_answers_from_audiences_agree_with_profiles_visible_to_and_cost_no_query_when_decided(
    django_assert_num_queries,
):
    w = world()
    stranger = UserFactory(profile="Sara Ver")
    everyone = [w.person, stranger, *w.viewers.values()]
    ids = {user.pk for user in everyone}
    for visibility in VISIBILITIES:
        visibility_set(w.person, visibility)
        visibility_set(stranger, Visibility.CONNECTIONS)
        audiences = permissions.audiences_of(ids)
        for viewer in w.viewers.values():
            assert permissions.people_visible_to(viewer, ids, audiences=audiences) == set(
                permissions.profiles_visible_to(viewer).filter(user_id__in=ids).values_list("user_id", flat=True)
            )
    members = {w.member.pk: Visibility.MEMBERS, w.connection.pk: Visibility.PUBLIC}
    with django_assert_num_queries(0):
        assert permissions.people_visible_to(w.co_member, members, audiences=members) == set(members)
    with django_assert_num_queries(1):
        assert permissions.people_visible_to(
            w.connection, {w.person.pk: Visibility.CONNECTIONS}, audiences={w.person.pk: Visibility.CONNECTIONS}
        ) == {w.person.pk}


@pytest.mark.django_db
def test_payloads_for_any_number_of_messages_cost_one_query_more(django_assert_num_queries):
    w = world()
    room = thematic_room()
    visibility_set(w.person, Visibility.CONNECTIONS)
    for n in range(30):
        post(room, w.person if n % 2 else w.admin, f"bericht {n} voor @**{NAME}|{w.person.pk}**")
    permissions.is_platform_admin(w.member)  # Django's permission lookup, once per request
    for size in (5, 30):
        messages, _ = room_selectors.messages_before(room, limit=size)
        with django_assert_num_queries(1):
            payloads = room_selectors.payloads_named_for(
                [room_selectors.message_payload(message) for message in messages], viewer=w.member
            )
        assert all(NAME not in json.dumps(payload) for payload in payloads)


@pytest.mark.django_db
def test_the_room_page_costs_the_same_queries_with_unnamed_authors_for_10_or_40_messages(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    w = world()
    room = thematic_room()
    visibility_set(w.person, Visibility.CONNECTIONS)
    client.force_login(w.member)

    def queries_for_page():
        with CaptureQueriesContext(connection) as context:
            html = client.get(room.get_absolute_url()).content.decode()
        assert NAME not in html and "Deelnemer" in html
        return len(context)

    for n in range(10):
        post(room, w.person, f"bericht {n} van @**{NAME}|{w.person.pk}**")
    queries_for_page()
    few = queries_for_page()
    for n in range(30):
        post(room, w.person if n % 2 else w.connection, f"meer {n}")
    queries_for_page()  # the first visit after new messages also moves the read position
    assert queries_for_page() == few <= 25
