"""Rooms without JavaScript: every action through plain pages and forms."""

import io

import pytest
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from community.models import IntervisionGroup
from rooms import services as room_services
from rooms.models import Attachment, Message, Report
from tests.factories import UserFactory
from tests.rooms.support import group_room, post, thematic_room

pytestmark = pytest.mark.django_db


def logged_in(client, user):
    client.force_login(user)
    return client


def png_bytes() -> bytes:
    output = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(output, format="PNG")
    return output.getvalue()


def test_anonymous_visitors_are_sent_to_log_in_and_secret_rooms_do_not_exist(client):
    room = thematic_room()
    response = client.get(room.get_absolute_url())
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    secret = group_room(visibility=IntervisionGroup.Visibility.SECRET)
    assert client.get(secret.get_absolute_url()).status_code == 404
    logged_in(client, UserFactory())
    assert client.get(secret.get_absolute_url()).status_code == 404
    closed = group_room()
    response = client.get(closed.get_absolute_url())
    assert response.status_code == 403
    assert "Alleen de leden van de groep" in response.content.decode()


def test_posting_through_the_form_is_idempotent_and_shows_the_message(client):
    room, user = thematic_room(), UserFactory(profile="Vera")
    logged_in(client, user)
    page = client.get(room.get_absolute_url())
    client_id = page.context["form"].initial["client_id"]
    data = {"body": "Wie heeft ervaring met **taalstimulering**?", "client_id": client_id}
    first = client.post(room.get_absolute_url(), data)
    assert first.status_code == 302 and first["Location"].endswith("#bericht-1")
    client.post(room.get_absolute_url(), data)  # a double click or a retry
    assert Message.objects.filter(room=room).count() == 1
    html = client.get(room.get_absolute_url()).content.decode()
    assert "<strong>taalstimulering</strong>" in html and "Vera" in html


def test_a_refused_message_re_renders_with_the_text_kept(client):
    room = thematic_room()
    logged_in(client, UserFactory())
    text = "lang " * 900
    response = client.post(room.get_absolute_url(), {"body": text, "client_id": "x1"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "hoogstens 4000 tekens" in html or "hoogstens 4.000 tekens" in html or "4000" in html
    assert text.strip()[:100] in html
    assert not Message.objects.filter(room=room).exists()


def test_reply_edit_delete_react_and_report_without_javascript(client):
    room, author, other = thematic_room(), UserFactory(), UserFactory()
    question = post(room, author, "Vraag?")
    logged_in(client, other)
    thread_url = reverse("rooms:room_message", args=[room.slug, question.seq])
    response = client.post(thread_url, {"body": "Antwoord!", "client_id": "r1"})
    assert response.status_code == 302
    reply = Message.objects.get(room=room, parent=question)
    assert "Antwoord!" in client.get(thread_url).content.decode()
    client.post(reverse("rooms:room_message_react", args=[room.slug, question.seq]), {"emoji": "🙏"})
    assert question.reactions.filter(person=other, emoji="🙏").exists()
    client.post(reverse("rooms:room_message_edit", args=[room.slug, reply.seq]), {"body": "Antwoord, verbeterd"})
    reply.refresh_from_db()
    assert reply.body == "Antwoord, verbeterd"
    # Someone else's message: no edit page, but a report form.
    assert client.get(reverse("rooms:room_message_edit", args=[room.slug, question.seq])).status_code == 403
    client.post(reverse("rooms:room_message_report", args=[room.slug, question.seq]), {"reason": "spam"})
    assert Report.objects.filter(message=question, reporter=other).exists()
    client.post(reverse("rooms:room_message_delete", args=[room.slug, reply.seq]))
    html = client.get(thread_url).content.decode()
    assert "Bericht verwijderd" in html and "verbeterd" not in html


def test_attachments_are_checked_by_content_and_served_only_to_readers(client, settings):
    facilitator, member, outsider = UserFactory(), UserFactory(), UserFactory()
    room = group_room(facilitator=facilitator, members=[member])
    logged_in(client, member)
    fake = SimpleUploadedFile("verslag.pdf", b"MZ\x90\x00 this is an executable", content_type="application/pdf")
    response = client.post(room.get_absolute_url(), {"body": "", "client_id": "f1", "files": [fake]})
    assert response.status_code == 200 and "geen bestandstype" in response.content.decode()
    image = SimpleUploadedFile("foto.png", png_bytes(), content_type="image/png")
    response = client.post(room.get_absolute_url(), {"body": "Het affiche", "client_id": "f2", "files": [image]})
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.content_type == "image/png" and attachment.name == "foto.png"
    assert not attachment.file.name.startswith(str(settings.MEDIA_ROOT))
    url = attachment.get_absolute_url()
    download = client.get(url)
    assert download.status_code == 200 and b"".join(download.streaming_content) == png_bytes()
    assert download["Content-Disposition"].startswith("attachment")
    client.force_login(outsider)
    assert client.get(url).status_code == 403


def test_a_post_that_fails_after_storing_its_file_leaves_no_file_behind(client, monkeypatch):
    room, member = thematic_room(), UserFactory()
    logged_in(client, member)

    def broken(*args, **kwargs):
        raise RuntimeError("the database went away")

    def files_on_disk() -> set[str]:
        storage, folder = storages["private"], f"rooms/{room.pk}"
        return set(storage.listdir(folder)[1]) if storage.exists(folder) else set()

    monkeypatch.setattr(room_services, "_read_up_to", broken)
    before = files_on_disk()  # other tests may have used a room with the same number
    image = SimpleUploadedFile("foto.png", png_bytes(), content_type="image/png")
    with pytest.raises(RuntimeError):
        client.post(room.get_absolute_url(), {"body": "Het affiche", "client_id": "f3", "files": [image]})
    assert not Attachment.objects.exists()
    assert files_on_disk() == before


def test_room_list_shows_unread_counts_and_marks_all_read(client):
    member, author = UserFactory(), UserFactory()
    room = group_room(members=[member, author])
    for n in range(3):
        post(room, author, f"bericht {n}")
    logged_in(client, member)
    html = client.get(reverse("rooms:rooms")).content.decode()
    assert "3 ongelezen" in html
    client.post(reverse("rooms:rooms_read_all"))
    assert "3 ongelezen" not in client.get(reverse("rooms:rooms")).content.decode()


def test_moderation_queue_hides_a_reported_message(client):
    facilitator, member, reporter = UserFactory(), UserFactory(), UserFactory()
    room = group_room(facilitator=facilitator, members=[member, reporter])
    message = post(room, member, "Gevoelige details")
    room_services.room_message_report(reporter=reporter, message=message, reason=Report.Reason.PRIVACY)
    logged_in(client, reporter)
    assert client.get(reverse("rooms:moderation")).status_code == 403
    logged_in(client, facilitator)
    html = client.get(reverse("rooms:moderation")).content.decode()
    assert "Gevoelige details" in html
    client.post(
        reverse("rooms:room_message_hide", args=[room.slug, message.seq]), {"hidden": "1", "next": "moderation"}
    )
    message.refresh_from_db()
    assert message.is_hidden
    logged_in(client, reporter)
    html = client.get(room.get_absolute_url()).content.decode()
    assert "Gevoelige details" not in html and "Bericht verborgen door een moderator" in html


def test_the_room_page_costs_the_same_queries_for_10_or_40_messages(client, django_assert_max_num_queries):
    room, author, reader = thematic_room(), UserFactory(), UserFactory()
    logged_in(client, reader)

    def queries_for_page():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as context:
            assert client.get(room.get_absolute_url()).status_code == 200
        return len(context)

    for n in range(10):
        message = post(room, author, f"bericht {n}")
        room_services.room_message_react(actor=reader, message=message, emoji="👍")
    queries_for_page()
    few = queries_for_page()
    for n in range(30):
        post(room, author, f"meer {n}")
    queries_for_page()  # the first visit after new messages also moves the read position
    many = queries_for_page()
    assert many == few
    with django_assert_max_num_queries(25):
        client.get(room.get_absolute_url())


def test_the_community_page_and_the_start_page_lead_to_the_rooms_through_what_the_rooms_register(client):
    """Community and knowledge are lower apps: their pages show the rooms' entry point because the
    rooms register it (samenhuis.start.MEMBER_CARDS), for members only."""
    rooms_url = reverse("rooms:rooms")
    assert rooms_url not in client.get("/gemeenschap/").content.decode()
    logged_in(client, UserFactory())
    community = client.get("/gemeenschap/").content.decode()
    assert f'href="{rooms_url}"' in community and "Gespreksruimtes" in community
    assert f'href="{reverse("knowledge:my_submissions")}"' in community  # knowledge's, under "you"
    assert f'href="{rooms_url}"' in client.get("/").content.decode()  # a shortcut of the start page
