"""Mentions as people write them: "@" and a name, never markup (docs/realtime.md, "Mentions").

Without JavaScript a plain "@Name" names the one reader of the room (whom the author may see)
who carries the longest name written there; the autocomplete adds the id of the person chosen,
which tells namesakes apart. Nothing people read shows the old markup `@**Name|id**`: not the
message, the live frame, notifications, their e-mails, search results or the edit form; messages
written in that markup render as they did.
"""

import json

import pytest
from asgiref.sync import sync_to_async
from django.core import mail
from django.test import Client
from django.urls import reverse

from community.models import Notification, Profile
from rooms import services as room_services
from rooms.models import Message, MessageRevision
from tests.factories import UserFactory
from tests.rooms.support import committed, group_room, heard, post, thematic_room
from tests.rooms.test_room_consumer import joined, next_of

SOFIE = "Sofie (HvhK Aalst)"
MARKUP = "@**"


def span(person, name=None) -> str:
    return f'<span data-person="{person.pk}">@{name or person.display_name}</span>'


def told(person) -> list[str]:
    return list(Notification.objects.filter(recipient=person).order_by("pk").values_list("text", flat=True))


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_a_plain_name_mentions_the_one_reader_who_carries_it_and_tells_them(django_capture_on_commit_callbacks):
    room, author = thematic_room(), UserFactory(profile="Auteur")
    sofie, short = UserFactory(profile=SOFIE), UserFactory(profile="Sofie")

    with django_capture_on_commit_callbacks(execute=True):
        message = post(room, author, "Wat denk jij, @sofie (hvhk aalst)? En @Sofie, kom je ook?")

    assert set(message.mentions.all()) == {sofie, short}
    # The span shows the person's own name, whatever the case it was typed in.
    assert message.body_html == f"<p>Wat denk jij, {span(sofie)}? En {span(short)}, kom je ook?</p>"
    assert told(sofie) == [f"Auteur noemde je in {room.name}: “Wat denk jij, @{SOFIE}? En @Sofie, kom je ook?”"]
    assert sorted(m.to for m in mail.outbox if "noemde je" in m.body) == sorted([[sofie.email], [short.email]])
    # The text is stored as written: what the author sees again in the edit form.
    assert message.body == "Wat denk jij, @sofie (hvhk aalst)? En @Sofie, kom je ook?"


@pytest.mark.django_db
def test_only_a_whole_name_after_an_at_sign_outside_code_and_addresses_is_a_mention():
    room, author = thematic_room(), UserFactory(profile="Auteur")
    anna = UserFactory(profile="Anna")
    message = post(
        room,
        author,
        "@Annabel en sofie@anna.be, `@Anna` en [@Anna](https://example.org) zijn niemand;\n\n> @Anna wel.",
    )
    assert list(message.mentions.all()) == [anna]
    assert message.body_html.count("data-person") == 1
    assert f"<blockquote>\n<p>{span(anna)} wel.</p>" in message.body_html
    assert "<code>@Anna</code>" in message.body_html


@pytest.mark.django_db
def test_an_ambiguous_name_is_no_mention_unless_the_autocomplete_chose_one():
    room, author = thematic_room(), UserFactory(profile="Auteur")
    first, second = UserFactory(profile="Anna Peeters"), UserFactory(profile="Anna Peeters")

    typed = post(room, author, "Dag @Anna Peeters")
    assert not typed.mentions.exists()
    assert typed.body_html == "<p>Dag @Anna Peeters</p>"
    assert not Notification.objects.filter(recipient__in=[first, second]).exists()

    chosen = post(room, author, "Dag @Anna Peeters", mentions=[second.pk])
    assert list(chosen.mentions.all()) == [second]
    assert chosen.body_html == f"<p>Dag {span(second)}</p>"
    # Both chosen: each mention takes the next one, in the order of the text.
    both = post(room, author, "@Anna Peeters en @Anna Peeters", mentions=[second.pk, first.pk])
    assert both.body_html == f"<p>{span(second)} en {span(first)}</p>"
    # A choice whose name is no longer in the text names nobody.
    assert not post(room, author, "Dag Anna", mentions=[first.pk]).mentions.exists()


@pytest.mark.django_db
def test_a_name_the_author_may_not_see_or_of_someone_outside_the_room_is_no_mention():
    hidden, stranger = UserFactory(profile="Verborgen Persoon"), UserFactory(profile="Vreemde Lezer")
    Profile.objects.filter(user=hidden).update(visibility=Profile.Visibility.CONNECTIONS)
    outsider = UserFactory(profile="Olaf Buiten")
    facilitator = UserFactory(profile="Fien Faciliteert")
    group = group_room(facilitator=facilitator, members=[stranger])

    by_name = post(thematic_room(), stranger, "Weet @Verborgen Persoon het?", mentions=[hidden.pk])
    in_group = post(group, facilitator, "Vraag het @Olaf Buiten", mentions=[outsider.pk])

    assert not by_name.mentions.exists() and not in_group.mentions.exists()
    assert "data-person" not in by_name.body_html + in_group.body_html
    assert not Notification.objects.filter(recipient__in=[hidden, outsider]).exists()


@pytest.mark.django_db
def test_the_form_without_javascript_and_with_the_autocompletes_hidden_field():
    room, author = thematic_room(), UserFactory(profile="Auteur")
    first, second = UserFactory(profile="Anna Peeters"), UserFactory(profile="Anna Peeters")
    sofie = UserFactory(profile=SOFIE)
    client = logged_in(author)

    page = client.get(room.get_absolute_url()).content.decode()
    assert 'name="mentions"' in page
    assert MARKUP not in page  # not even in the help text: people write "@" and a name

    client.post(room.get_absolute_url(), {"body": f"Hoi @{SOFIE}", "client_id": "plain"})
    client.post(room.get_absolute_url(), {"body": "Hoi @Anna Peeters", "client_id": "chosen", "mentions": first.pk})
    plain, chosen = Message.objects.filter(room=room).order_by("seq")
    assert list(plain.mentions.all()) == [sofie]
    assert list(chosen.mentions.all()) == [first]
    assert told(second) == []


@pytest.mark.django_db
def test_nothing_people_read_shows_markup(django_capture_on_commit_callbacks):
    """The message page, the edit form, notifications and their e-mails; an old message in markup too."""
    room, author = thematic_room(), UserFactory(profile="Auteur")
    sofie, reader = UserFactory(profile=SOFIE), UserFactory(profile="Lezer")
    room_services.room_notify_set(person=reader, room=room, notify="all")
    with django_capture_on_commit_callbacks(execute=True):
        post(room, author, f"**Vet** en @{SOFIE}, zie `code`")
        old = post(room, author, f"Oud: @**{SOFIE}|{sofie.pk}** en @**Niemand Bekend**")

    assert old.body_html == f"<p>Oud: {span(sofie)} en @<strong>Niemand Bekend</strong></p>"
    for person in (sofie, reader):
        for text in told(person):
            assert MARKUP not in text and "**" not in text and "`" not in text, text
    assert told(sofie)[0].endswith(f"“Vet en @{SOFIE}, zie code”")
    assert told(sofie)[1].endswith(f"“Oud: @{SOFIE} en @Niemand Bekend”")
    assert mail.outbox and all(MARKUP not in m.subject + m.body for m in mail.outbox)

    for viewer in (author, sofie, reader):
        page = logged_in(viewer).get(room.get_absolute_url()).content.decode()
        assert MARKUP not in page
        assert page.count(span(sofie)) == 2
    edit = logged_in(author).get(reverse("rooms:room_message_edit", args=[room.slug, old.seq])).content.decode()
    assert MARKUP not in edit
    assert f"Oud: @{SOFIE} en @Niemand Bekend</textarea>" in edit


@pytest.mark.django_db
def test_the_live_frame_shows_no_markup(django_capture_on_commit_callbacks):
    room, author, sofie = thematic_room(), UserFactory(profile="Auteur"), UserFactory(profile=SOFIE)

    def post_and_commit():
        with django_capture_on_commit_callbacks(execute=True):
            post(room, author, f"@{SOFIE} en @**{SOFIE}|{sofie.pk}**")

    event = heard(room.channel_group, post_and_commit)
    frame = json.loads(event["frame"])
    assert MARKUP not in event["frame"]
    assert frame["message"]["body_html"] == f"<p>{span(sofie)} en {span(sofie)}</p>"


@pytest.mark.django_db(transaction=True)
def test_search_results_show_no_markup_and_no_mentioned_name():
    room, author = thematic_room(), UserFactory(profile="Auteur")
    sofie = UserFactory(profile=SOFIE)
    post(room, author, f"@{SOFIE} zoekt een xylofoonleraar.")
    post(room, author, f"@**{SOFIE}|{sofie.pk}** zoekt ook een xylofoonleraar.")
    results = logged_in(author).get(reverse("search:index") + "?q=xylofoonleraar").content.decode()
    results = results[results.index('<ol class="results">') : results.index("</ol>")]
    assert results.count("xylofoonleraar") >= 2
    assert MARKUP not in results and "Sofie" not in results


@pytest.mark.django_db
def test_an_edit_keeps_whom_the_message_mentioned_and_tells_only_the_newly_mentioned():
    room, author = thematic_room(), UserFactory(profile="Auteur")
    first, second = UserFactory(profile="Anna Peeters"), UserFactory(profile="Anna Peeters")
    sofie = UserFactory(profile=SOFIE)
    with committed():
        message = post(room, author, "Dag @Anna Peeters", mentions=[second.pk])
        old = post(room, author, f"Oud: @**Anna Peeters|{first.pk}**")
    client = logged_in(author)

    # Saved unchanged from the form (which shows "@Anna Peeters"): nothing changes.
    client.post(reverse("rooms:room_message_edit", args=[room.slug, old.seq]), {"body": "Oud: @Anna Peeters"})
    assert not MessageRevision.objects.filter(message=old).exists()

    with committed():
        client.post(
            reverse("rooms:room_message_edit", args=[room.slug, message.seq]),
            {"body": f"Dag @Anna Peeters en @{SOFIE}"},
        )
    message.refresh_from_db()
    assert set(message.mentions.all()) == {second, sofie}
    assert message.body_html == f"<p>Dag {span(second)} en {span(sofie)}</p>"
    assert len(told(second)) == 1 and len(told(sofie)) == 1 and len(told(first)) == 1

    client.post(reverse("rooms:room_message_edit", args=[room.slug, old.seq]), {"body": "Nu: @Anna Peeters"})
    old.refresh_from_db()
    assert list(old.mentions.all()) == [first]
    assert old.body == "Nu: @Anna Peeters"


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_the_socket_takes_the_autocompletes_choices_and_refuses_anything_else():
    room = await sync_to_async(thematic_room)()
    author = await sync_to_async(UserFactory)(profile="Auteur")
    first = await sync_to_async(UserFactory)(profile="Anna Peeters")
    await sync_to_async(UserFactory)(profile="Anna Peeters")  # a namesake: "@Anna Peeters" alone names nobody
    socket, _hello = await joined(room, author)
    try:
        await socket.send_json_to(
            {"type": "post", "client_id": "k1", "body": "Dag @Anna Peeters", "mentions": [first.pk]}
        )
        ack = await next_of(socket, "ack")
        assert ack["message"]["body_html"] == f"<p>Dag {span(first)}</p>"
        for wrong in ("1", [True], ["1"], [0], list(range(1, 60))):
            await socket.send_json_to({"type": "post", "client_id": "k2", "body": "Dag", "mentions": wrong})
            error = await next_of(socket, "ack")
            assert error["type"] == "error" and error["code"] == "invalid_field", wrong
    finally:
        await socket.disconnect()
    mentioned = await sync_to_async(
        lambda: list(Message.objects.get(room=room, seq=ack["message"]["seq"]).mentions.all())
    )()
    assert mentioned == [first]
