"""The data export (issue 18, GDPR articles 15 and 20; docs/privacy.md, "Export"): a person's
content built through the apps' own services, the scheduled build, the ZIP's contents, the 24-hour
rule, the mail, who may download, expiry and failure."""

import io
import itertools
import json
import re
import threading
import zipfile
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from PIL import Image
from wagtail.documents import get_document_model

from community import services as community_services
from community.models import AuditEvent, LoginRecord, Municipality, Profile
from community.uploads import attachment_clean, image_clean
from events import services as event_services
from events.models import RegistrationQuestion
from exchange import services as exchange_services
from intervision import services as session_services
from intervision.models import Collects, Method, Session
from knowledge.models import LifeDomain
from privacy import exports
from privacy.models import DataExport
from rooms import services as room_services
from tests.events.conftest import event_publish, meeting_plan
from tests.factories import OrganisationFactory, UserFactory, group_add_member, group_create, member_of
from tests.rooms.support import thematic_room

pytestmark = pytest.mark.django_db
_ids = itertools.count(1)


def png_bytes() -> bytes:
    output = io.BytesIO()
    Image.new("RGB", (8, 8), "blue").save(output, format="PNG")
    return output.getvalue()


def session_with_contribution(group, facilitator, author, text):
    """A session of the group, started, with `author`'s question in its questions phase."""
    session = session_services.session_plan(
        actor=facilitator,
        group=group,
        method=Method.objects.get(key="incident", group__isnull=True),
        title=f"Casus {next(_ids)}",
        planned_for=timezone.now() + timedelta(hours=1),
        presenter=facilitator,
    )
    session_services.session_start(actor=facilitator, session=session)
    while Session.objects.get(pk=session.pk).current_phase.collects != Collects.QUESTIONS:
        session_services.session_move(actor=facilitator, session=session, to="next")
    session_services.contribution_add(
        actor=author, session=session, text=text, client_id=f"c-{next(_ids)}", confirmed=True
    )
    return session


class World:
    """Anna, with something in every app; Bart, who shares a room and a group with her."""

    def __init__(self):
        self.geel = OrganisationFactory(name="Huis Geel", municipalities=[Municipality.objects.get(nis_code="13008")])
        self.anna = member_of(self.geel, role="coordinator", email="anna@huis-geel.test", profile="Anna Peeters")
        self.bart = UserFactory(profile="Bart Janssens")
        self.facilitator = UserFactory(profile="Greet Begeleider")
        self.admin = UserFactory(is_superuser=True, is_staff=True, profile="Ad Min")
        anna = self.anna

        photo = image_clean(SimpleUploadedFile("anna.png", png_bytes(), "image/png"), max_bytes=10**6, box=200)
        community_services.profile_update(
            user=anna, display_name="Anna Peeters", function="coördinator", bio="Ik werk in Geel.", avatar=photo
        )

        # Two groups: she stays in one and leaves the other.
        self.kept = group_create(facilitator=self.facilitator, name="Intervisie Kempen")
        self.left = group_create(facilitator=self.facilitator, name="Intervisie Vroeger")
        for group in (self.kept, self.left):
            group_add_member(group, anna)
            group_add_member(group, self.bart)
        session_with_contribution(self.kept, self.facilitator, anna, "Wat heb je al geprobeerd?")
        session_with_contribution(self.left, self.facilitator, anna, "Een vraag uit de oude groep")
        community_services.group_member_leave(actor=anna, group=self.left)

        # A room: her message with a file, her reply, a message of hers a moderator hid, Bart's message.
        self.room = thematic_room()
        upload = attachment_clean(SimpleUploadedFile("affiche.png", png_bytes(), "image/png"), max_bytes=10**6)
        first = room_services.room_message_post(
            room=self.room, author=anna, body="Het affiche voor zaterdag", client_id="a1", files=[upload]
        )
        room_services.room_message_post(
            room=self.room, author=anna, body="En de flyer volgt", client_id="a2", parent_seq=first.seq
        )
        hidden = room_services.room_message_post(room=self.room, author=anna, body="Een te scherpe zin", client_id="a3")
        room_services.room_message_hide(actor=self.admin, message=hidden, hidden=True)
        theirs = room_services.room_message_post(
            room=self.room, author=self.bart, body="Bart zijn bericht", client_id="b1"
        )
        room_services.room_message_react(actor=anna, message=theirs, emoji="👍")
        room_services.room_notify_set(person=anna, room=self.room, notify="all")

        # An event with a question, and a group meeting.
        event = event_publish(
            title="Netwerknamiddag Kempen", questions=[("Dieetwensen?", RegistrationQuestion.Kind.TEXT, "", False)]
        )
        event_services.event_register(event=event, person=anna, answers={str(event.questions.get().pk): "vegetarisch"})
        meeting = meeting_plan(self.kept, self.facilitator, title="Intervisie december")
        event_services.meeting_respond(meeting=meeting, person=anna, answer="yes")

        # Needs and offers, their preference, a CMS document, a notification, a login.
        exchange_services.need_publish(
            actor=anna,
            house=self.geel,
            title="Vorming rond opvoedingsvragen",
            description="Voor onze onthaalmedewerkers.",
            life_domains=[LifeDomain.objects.get(slug="ouderschaps-en-opvoedingsondersteuning")],
            theme=None,
            target_groups=[],
            municipalities=[],
            urgency="normal",
            needed_by=None,
        )
        exchange_services.preference_set(actor=anna, new_matches="email")
        get_document_model().objects.create(
            title="Verslag", file=ContentFile(b"%PDF-1.4\n", name="verslag.pdf"), uploaded_by_user=anna
        )
        community_services.notification_create(recipient=anna, text="Welkom bij Samenhuis", url="/")
        # Logins write these rows (community.signals); made directly so this test does not depend on how.
        LoginRecord.objects.create(person=anna, ip_address="203.0.113.7", user_agent="Firefox", session_key="geheim")


@pytest.fixture
def world(private_media):
    return World()


def built(person) -> tuple[DataExport, zipfile.ZipFile]:
    export = exports.export_request(person)
    assert exports.exports_build_pending() == 1
    export.refresh_from_db()
    assert export.status == DataExport.Status.READY, export.error
    return export, zipfile.ZipFile(export.file.open("rb"))


def read(zipped, name):
    return json.loads(zipped.read(name).decode("utf-8"))


def test_the_zip_holds_the_persons_data_and_nothing_of_others(world):
    export, zipped = built(world.anna)
    names = set(zipped.namelist())
    for part in (
        "profile.json",
        "memberships.json",
        "messages.json",
        "reactions.json",
        "registrations.json",
        "meeting_responses.json",
        "submissions.json",
        "intervision.json",
        "notifications.json",
        "login_history.json",
        "README.txt",
    ):
        assert part in names

    profile = read(zipped, "profile.json")
    assert profile["account"]["email"] == "anna@huis-geel.test"
    assert profile["email_addresses"] == [{"email": "anna@huis-geel.test", "verified": True, "primary": True}]
    assert profile["profile"]["display_name"] == "Anna Peeters" and profile["profile"]["bio"] == "Ik werk in Geel."
    assert profile["profile"]["visibility"] == "members"
    avatar = Profile.objects.get(user=world.anna).avatar
    assert (
        profile["profile"]["photo"].startswith("files/") and zipped.read(profile["profile"]["photo"]) == avatar.read()
    )
    assert re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d", profile["account"]["date_joined"])

    memberships = read(zipped, "memberships.json")
    assert [(m["organisation"], m["role"]) for m in memberships["organisations"]] == [("Huis Geel", "coordinator")]
    assert [g["group"] for g in memberships["intervision_groups"]] == ["Intervisie Kempen"]
    assert {r["group"] for r in memberships["join_requests"]} == {"Intervisie Kempen", "Intervisie Vroeger"}

    messages = read(zipped, "messages.json")
    bodies = [message["body"] for message in messages]
    assert bodies == ["Het affiche voor zaterdag", "En de flyer volgt", "Een te scherpe zin"]
    assert "Bart zijn bericht" not in json.dumps(messages)
    assert messages[1]["thread_parent_seq"] == messages[0]["seq"]
    assert messages[2]["hidden_by_moderators_at"] is not None  # a hidden message's text is hers too
    assert {message["room"] for message in messages} == {world.room.name}
    attachment = messages[0]["attachments"][0]
    assert attachment["name"] == "affiche.png" and zipped.read(attachment["file"])[:4] == b"\x89PNG"

    reactions = read(zipped, "reactions.json")
    assert [(r["emoji"], r["room"]) for r in reactions] == [("👍", world.room.name)]

    registrations = read(zipped, "registrations.json")
    assert registrations[0]["event"] == "Netwerknamiddag Kempen" and registrations[0]["status"] == "confirmed"
    assert registrations[0]["answers"] == [{"question": "Dieetwensen?", "answer": "vegetarisch"}]
    assert read(zipped, "meeting_responses.json")[0]["answer"] == "yes"

    submissions = read(zipped, "submissions.json")
    assert [need["title"] for need in submissions["needs"]] == ["Vorming rond opvoedingsvragen"]
    document = submissions["documents"][0]
    assert document["title"] == "Verslag" and zipped.read(document["file"]) == b"%PDF-1.4\n"

    intervision = read(zipped, "intervision.json")
    texts = [contribution["text"] for contribution in intervision["contributions"]]
    assert texts == ["Wat heb je al geprobeerd?"]  # not what she wrote in the group she left
    assert intervision["contributions"][0]["group"] == "Intervisie Kempen"
    assert "Een vraag uit de oude groep" not in zipped.read("intervision.json").decode()

    notifications = read(zipped, "notifications.json")
    assert [(r["room"], r["notify"]) for r in notifications["rooms"]] == [(world.room.name, "all")]
    assert notifications["needs_and_offers"]["new_matches"] == "email"
    assert "Welkom bij Samenhuis" in [n["text"] for n in notifications["notifications"]]

    logins = read(zipped, "login_history.json")
    assert logins == [{"at": logins[0]["at"], "ip_address": "203.0.113.7", "browser": "Firefox"}]
    assert "geheim" not in zipped.read("login_history.json").decode()  # the session key is not data about her

    readme = zipped.read("README.txt").decode("utf-8")
    assert ("profile.json" in readme and "Je" in readme) or "je" in readme
    assert export.size == export.file.size and export.progress == 100
    assert export.expires_at == export.finished_at + timedelta(days=7)
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.DATA_EXPORTED, subject_id=world.anna.pk, detail__step="built"
    ).exists()


def test_the_mail_carries_a_link_that_only_the_person_opens(world, client, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        export, _zipped = built(world.anna)
    assert [message.to for message in mail.outbox] == [["anna@huis-geel.test"]]
    body = mail.outbox[0].body
    link = re.search(r"https?://\S+/account/gegevens/\d+/\S+/", body).group(0)
    path = reverse("privacy:export_download", kwargs={"pk": export.pk, "token": export.token})
    assert link.endswith(path)
    assert "je" in body.lower()

    # Not logged in: to the login page, and back.
    response = client.get(path)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]

    client.force_login(world.bart)
    assert client.get(path).status_code == 404

    client.force_login(world.anna)
    wrong_token = ("y" if export.token.startswith("x") else "x") + export.token[1:]
    wrong = reverse("privacy:export_download", kwargs={"pk": export.pk, "token": wrong_token})
    assert client.get(wrong).status_code == 404
    response = client.get(path)
    assert response.status_code == 200
    day = timezone.localdate(export.finished_at)
    assert response["Content-Disposition"] == f'attachment; filename="samenhuis-gegevens-{day:%Y-%m-%d}.zip"'
    assert response["Cache-Control"] == "private, no-store"
    content = b"".join(response.streaming_content)
    assert "profile.json" in zipfile.ZipFile(io.BytesIO(content)).namelist()
    assert AuditEvent.objects.filter(detail__step="downloaded", subject_id=world.anna.pk).count() == 1


def test_one_export_per_24_hours_unless_it_failed(private_media):
    person = UserFactory()
    first = exports.export_request(person)
    with pytest.raises(ValidationError) as refused:
        exports.export_request(person)
    assert refused.value.code == "too_soon" and "24" in refused.value.messages[0]
    DataExport.objects.filter(pk=first.pk).update(status=DataExport.Status.FAILED)
    second = exports.export_request(person)
    assert second.token != first.token and len(second.token) >= 40
    # A day later, they may ask again.
    DataExport.objects.filter(pk=second.pk).update(requested_at=timezone.now() - timedelta(hours=24, minutes=1))
    assert exports.export_next_possible(person) is None
    exports.export_request(person)


def test_the_page_refuses_a_second_request_and_says_when(client, private_media):
    person = UserFactory()
    client.force_login(person)
    response = client.post(reverse("privacy:data"), follow=True)
    assert DataExport.objects.filter(person=person).count() == 1
    assert "Je aanvraag is ontvangen" in response.content.decode()
    response = client.post(reverse("privacy:data"), follow=True)
    assert DataExport.objects.filter(person=person).count() == 1
    assert "opnieuw opvragen vanaf" in response.content.decode()


def test_expired_exports_lose_their_file_and_their_link(world, client):
    export, _zipped = built(world.anna)
    name = export.file.name
    storage = export.file.storage
    assert storage.exists(name)
    assert exports.exports_expire(now=export.expires_at - timedelta(minutes=1)) == 0
    assert exports.exports_expire(now=export.expires_at + timedelta(minutes=1)) == 1
    export.refresh_from_db()
    assert export.status == DataExport.Status.EXPIRED and not export.file and not storage.exists(name)
    client.force_login(world.anna)
    path = reverse("privacy:export_download", kwargs={"pk": export.pk, "token": export.token})
    assert client.get(path).status_code == 404


def test_a_link_past_its_date_is_refused_before_the_hourly_job_runs(world, client):
    export, _zipped = built(world.anna)
    DataExport.objects.filter(pk=export.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    client.force_login(world.anna)
    assert client.get(reverse("privacy:export_download", args=[export.pk, export.token])).status_code == 404


def test_a_failed_build_is_logged_and_the_person_may_ask_again(
    private_media, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    person = UserFactory()
    export = exports.export_request(person)

    def broken(self):
        raise RuntimeError("disk full")

    monkeypatch.setattr(exports.Archive, "messages", broken)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert exports.exports_build_pending() == 0
    assert not callbacks  # no mail
    export.refresh_from_db()
    assert export.status == DataExport.Status.FAILED and "disk full" in export.error
    assert (
        not export.file and not list((private_media / "exports").glob("*"))
        if (private_media / "exports").exists()
        else True
    )
    assert "failed" in caplog.text
    assert not [message for message in mail.outbox if person.email in message.to]
    assert exports.export_next_possible(person) is None
    exports.export_request(person)


def test_an_interrupted_build_fails_after_an_hour(private_media):
    person = UserFactory()
    export = exports.export_request(person)
    DataExport.objects.filter(pk=export.pk).update(
        status=DataExport.Status.RUNNING, started_at=timezone.now() - timedelta(hours=2)
    )
    exports.exports_expire()
    export.refresh_from_db()
    assert export.status == DataExport.Status.FAILED


def test_a_running_export_is_not_built_twice(private_media):
    person = UserFactory()
    export = exports.export_request(person)
    assert exports._take_next().pk == export.pk
    assert exports._take_next() is None
    assert exports.exports_build_pending() == 0


@pytest.mark.django_db(transaction=True)
def test_a_second_builder_skips_the_export_the_first_holds(postgresql_only, private_media):
    """SKIP LOCKED: while one process holds the oldest queued export, another takes the next one
    at once instead of waiting for it or building it too."""
    first = exports.export_request(UserFactory())
    second = exports.export_request(UserFactory())
    holding, release = threading.Event(), threading.Event()

    def other_builder():
        try:
            with transaction.atomic():
                DataExport.objects.select_for_update().get(pk=first.pk)
                holding.set()
                release.wait(10)
        finally:
            connection.close()

    thread = threading.Thread(target=other_builder)
    thread.start()
    try:
        assert holding.wait(10)
        assert exports._take_next().pk == second.pk
    finally:
        release.set()
        thread.join()
    assert DataExport.objects.get(pk=first.pk).status == DataExport.Status.QUEUED


def test_the_page_shows_progress_and_the_download_in_few_queries(world, client, django_assert_max_num_queries):
    client.force_login(world.anna)
    page = reverse("privacy:data")
    response = client.get(page)
    content = response.content.decode()
    assert "Vraag je gegevens op" in content and reverse("privacy:delete") in content
    export = exports.export_request(world.anna)
    DataExport.objects.filter(pk=export.pk).update(status=DataExport.Status.RUNNING, progress=40)
    content = client.get(page).content.decode()
    assert f'<progress id="export-{export.pk}-progress" max="100" value="40">' in content
    assert "Vernieuw" in content and "data-export-pending" in content
    assert "Vraag je gegevens op</button>" not in content
    DataExport.objects.filter(pk=export.pk).update(status=DataExport.Status.QUEUED)
    exports.exports_build_pending()
    for _more in range(3):
        DataExport.objects.create(person=world.anna, token=f"t{next(_ids)}", status=DataExport.Status.EXPIRED)
    with django_assert_max_num_queries(12):
        content = client.get(page).content.decode()
    assert reverse("privacy:export_download", args=[export.pk, export.token]) in content
    assert "data-export-pending" not in content


def test_an_account_deleted_during_the_build_leaves_no_file(private_media, monkeypatch):
    person = UserFactory()
    exports.export_request(person)
    write_readme = exports.Archive._readme

    def delete_the_account_meanwhile(self, zipped, name):
        write_readme(self, zipped, name)
        person.delete()

    monkeypatch.setattr(exports.Archive, "_readme", delete_the_account_meanwhile)
    assert exports.exports_build_pending() == 0
    assert not DataExport.objects.exists() and not any(private_media.rglob("*.zip"))
