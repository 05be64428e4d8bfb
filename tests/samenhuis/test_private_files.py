"""A file behind a permission check has no other address (samenhuis/files.py): every private kind
— a practice's attachment in review and after it was declined, attendees-only material, the photo
of a profile kept for connections, a group room's attachment — is refused to an anonymous visitor
and to an unrelated member at its own checked address and at /media/ (which development serves),
and its bytes are nowhere below MEDIA_ROOT, the directory a proxy serves in production."""

import importlib
import io
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage, storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image
from wagtail.documents.models import Document

from community import services as community_services
from community.models import Profile
from community.uploads import image_clean
from events.models import EventMaterial
from events.pdf import pdf_render
from knowledge import review
from knowledge.services import PracticeData, practice_submit
from rooms.models import Attachment
from tests.events.conftest import event_publish
from tests.factories import UserFactory
from tests.knowledge.conftest import coordinator, editor, house, practice_index  # noqa: F401 (fixtures)
from tests.rooms.support import group_room

pytestmark = pytest.mark.django_db


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (0, 86, 107)).save(buffer, format="PNG")
    return buffer.getvalue()


def pdf(marker: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(f"{marker}.pdf", b"%PDF-1.4\n%" + marker.encode() + b"\n", content_type="application/pdf")


def practice_with_attachment(person, organisation, marker: str):
    page = practice_submit(
        user=person,
        data=PracticeData(title=f"Praktijk {marker}", summary="Kort.", house=organisation),
        attachments=[pdf(marker)],
    )
    return page, page.attachments.get().document


@pytest.fixture
def private_files(coordinator, house, editor, django_capture_on_commit_callbacks):  # noqa: F811 (fixtures)
    """{kind: (checked address, name in its storage, bytes)} for one file of every private kind."""
    files = {}
    _page, document = practice_with_attachment(coordinator, house, "in-review")
    files["attachment in review"] = document

    declined, document = practice_with_attachment(coordinator, house, "declined")
    with django_capture_on_commit_callbacks(execute=True):
        review.practice_decline(page=declined, user=editor, comment="Geen praktijk.")
    files["declined attachment"] = document

    event = event_publish(starts_in=timedelta(days=-1))
    slides = Document.objects.create(
        title="Slides", file=ContentFile(pdf_render(title="Slides", paragraphs=["Kempen"]), name="slides.pdf")
    )
    EventMaterial.objects.create(
        page=event,
        kind=EventMaterial.Kind.PRESENTATION,
        title="Slides",
        document=slides,
        audience=EventMaterial.Audience.ATTENDEES,
    )
    files["attendees-only material"] = slides

    addresses = {
        kind: (document.url, document.file.name, default_storage.open(document.file.name).read())
        for kind, document in files.items()
    }

    hidden = UserFactory(profile="Verborgen Persoon")
    community_services.profile_update(
        user=hidden,
        display_name="Verborgen Persoon",
        visibility=Profile.Visibility.CONNECTIONS,
        avatar=image_clean(SimpleUploadedFile("foto.png", png()), max_bytes=10**6, box=400),
    )
    avatar = Profile.objects.get(user=hidden).avatar
    addresses["photo of a hidden profile"] = (
        reverse("community:member_avatar", kwargs={"pk": hidden.pk}),
        avatar.name,
        avatar.storage.open(avatar.name).read(),
    )

    member = UserFactory()
    room = group_room(members=[member])
    client = Client()
    client.force_login(member)
    upload = SimpleUploadedFile("verslag-groep.png", png(), content_type="image/png")
    assert (
        client.post(room.get_absolute_url(), {"body": "Verslag", "client_id": "p1", "files": [upload]}).status_code
        == 302
    )
    attachment = Attachment.objects.get()
    addresses["group room attachment"] = (
        attachment.get_absolute_url(),
        attachment.file.name,
        attachment.file.storage.open(attachment.file.name).read(),
    )
    return addresses


def test_no_private_file_is_reachable_at_another_address(client, settings, private_files):
    settings.SAMENHUIS_SERVE_MEDIA = True  # as `make run` does
    stranger = UserFactory()
    media_root = Path(settings.MEDIA_ROOT)
    public_bytes = {path.read_bytes() for path in media_root.rglob("*") if path.is_file()}

    answers = {}
    for kind, (checked, stored_name, content) in private_files.items():
        assert content not in public_bytes, f"{kind} lies below MEDIA_ROOT"
        assert Path(storages["private"].path(stored_name)).read_bytes() == content
        for viewer in (None, stranger):
            if viewer is None:
                client.logout()
            else:
                client.force_login(viewer)
            for address in (checked, settings.MEDIA_URL + stored_name):
                response = client.get(address)
                answers[kind, "member" if viewer else "anonymous", address] = response.status_code
    assert {key: code for key, code in answers.items() if code not in (302, 403, 404)} == {}
    assert not [key for key, code in answers.items() if code == 302 and key[1] == "member"]


def test_public_uploads_are_served_at_media_only_where_this_process_serves_media(client, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    name = default_storage.save("logos/huis.png", ContentFile(png()))
    assert (tmp_path / name).is_file()

    settings.SAMENHUIS_SERVE_MEDIA = True
    response = client.get(settings.MEDIA_URL + name)
    assert response.status_code == 200 and b"".join(response.streaming_content) == png()

    settings.SAMENHUIS_SERVE_MEDIA = False
    assert client.get(settings.MEDIA_URL + name).status_code == 404


def test_a_wagtail_document_has_no_media_url_and_lies_in_the_private_root(settings):
    document = Document.objects.create(title="Los", file=ContentFile(b"%PDF-1.4\n", name="los.pdf"))
    assert Path(document.file.path).is_relative_to(Path(settings.PRIVATE_MEDIA_ROOT).resolve())
    with pytest.raises(NotImplementedError):
        document.file.url  # noqa: B018
    assert document.url == f"/documenten/{document.id}/{document.filename}"


@pytest.mark.parametrize(
    ("method", "header", "expected"),
    [
        ("x-accel-redirect", "X-Accel-Redirect", "/_private/{name}"),
        ("x-sendfile", "X-Sendfile", "{root}/{name}"),
    ],
)
def test_the_proxy_can_send_private_files_after_the_check(client, settings, method, header, expected):
    settings.SAMENHUIS_PRIVATE_FILES_SENDFILE = method
    person = UserFactory(profile="Sara")
    community_services.profile_update(
        user=person,
        display_name="Sara",
        visibility=Profile.Visibility.PUBLIC,
        avatar=image_clean(SimpleUploadedFile("foto.png", png()), max_bytes=10**6, box=400),
    )
    report = pdf_render(title="Verslag", paragraphs=["Kempen"])
    public_document = Document.objects.create(title="Verslag", file=ContentFile(report, name="verslag.pdf"))
    event = event_publish()
    EventMaterial.objects.create(page=event, kind=EventMaterial.Kind.REPORT, title="Verslag", document=public_document)
    root = str(Path(settings.PRIVATE_MEDIA_ROOT).resolve())

    for address, name in (
        (reverse("community:member_avatar", kwargs={"pk": person.pk}), Profile.objects.get(user=person).avatar.name),
        (public_document.url, public_document.file.name),
    ):
        response = client.get(address)
        assert response.status_code == 200
        assert response[header] == expected.format(name=name, root=root)
        assert response["X-Content-Type-Options"] == "nosniff"

    client.logout()
    settings.SAMENHUIS_PRIVATE_FILES_SENDFILE = "x-accel-redirect"
    hidden = Document.objects.create(title="Intern", file=ContentFile(b"%PDF-1.4\n", name="intern.pdf"))
    response = client.get(hidden.url)
    assert response.status_code == 404 and "X-Accel-Redirect" not in response


def test_the_migration_moves_existing_photos_and_documents_out_of_media(tmp_path):
    media, private = tmp_path / "media", tmp_path / "private"
    for name in ("avatars/a.png", "documents/verslag.pdf", "images/foto.png", "logos/huis.png"):
        (media / name).parent.mkdir(parents=True, exist_ok=True)
        (media / name).write_bytes(name.encode())

    importlib.import_module("community.migrations.0004_private_uploads")._move(media, private)

    assert sorted(str(path.relative_to(media)) for path in media.rglob("*") if path.is_file()) == [
        "images/foto.png",
        "logos/huis.png",
    ]
    assert (private / "avatars/a.png").read_bytes() == b"avatars/a.png"
    assert (private / "documents/verslag.pdf").read_bytes() == b"documents/verslag.pdf"
