"""Sharing a practice: a coordinator submits through the front-end form, editors review in
Wagtail (request changes, approve, reject), the submitter is told and sees the status."""

import importlib
import io
import tracemalloc
import zipfile

import pytest
from django.apps import apps
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from wagtail.models import WorkflowState

from community.models import Membership, Municipality, Notification
from knowledge.forms.submission import file_is_what_its_name_says
from knowledge.models import LifeDomain, PracticePage, TargetGroup, Theme
from knowledge.review import SubmissionStatus, submission_status
from knowledge.services import rich_text_to_text, text_to_rich_text
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

SHARE_URL = "/kennis/delen/"
MINE_URL = "/kennis/mijn-bijdragen/"


def form_data(house, **overrides):
    domain = LifeDomain.objects.order_by("sort_order").first()
    data = {
        "title": "Babbelbox in de wachtzaal",
        "summary": "Een vaste speel- en praathoek in de wachtzaal van het consultatiebureau.",
        "context": "Ouders wachten lang.\n\nZe kennen elkaar niet.",
        "approach": "Een vrijwilliger <b>start</b> een gesprek.",
        "results": "",
        "lessons": "",
        "house": house.pk,
        "municipalities": [m.pk for m in house.municipalities.all()],
        "life_domains": [domain.pk],
        "themes": [Theme.objects.filter(life_domain=domain).first().pk],
        "target_groups": [TargetGroup.objects.first().pk],
        "offer_level": "basic",
        "started_on": "2024-09-01",
        "contact_name": "An Peeters",
        "contact_email": "",
    }
    data.update(overrides)
    return data


def pdf(name="verslag.pdf", size=None):
    content = b"%PDF-1.4\n%test\n" + (b"0" * (size or 100))
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def docx(name="draaiboek.docx"):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return SimpleUploadedFile(name, buffer.getvalue())


def submit(client, person, house, django_capture_on_commit_callbacks, **overrides):
    client.force_login(person)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(SHARE_URL, form_data(house, **overrides))
    assert response.status_code == 302, response.content.decode()[:3000]
    assert response.url == MINE_URL
    return PracticePage.objects.filter(submitted_by=person).latest("pk")


def workflow_action(client, editor, page, action, comment, callbacks):
    client.force_login(editor)
    task_state = page.current_workflow_task_state
    url = reverse("wagtailadmin_pages:workflow_action", args=[page.pk, action, task_state.pk])
    with callbacks(execute=True):
        response = client.post(url, {"comment": comment})
    assert response.status_code in (200, 302)
    return PracticePage.objects.get(pk=page.pk)


# Plain text becomes safe rich text -------------------------------------------------------------------


def test_plain_text_becomes_escaped_paragraphs_and_back():
    rich = text_to_rich_text("Eerste <script>alert(1)</script>\nregel\n\n\nTweede & laatste")
    assert rich == "<p>Eerste &lt;script&gt;alert(1)&lt;/script&gt;<br/>regel</p><p>Tweede &amp; laatste</p>"
    assert rich_text_to_text(rich) == "Eerste <script>alert(1)</script>\nregel\n\nTweede & laatste"


# The full path --------------------------------------------------------------------------------------


def test_submit_request_changes_resubmit_approve_publishes(
    client, coordinator, house, editor, practice_index, django_capture_on_commit_callbacks
):
    page = submit(client, coordinator, house, django_capture_on_commit_callbacks, attachments=[pdf(), docx()])

    assert not page.live
    assert page.get_parent().pk == practice_index.pk
    assert page.owner == coordinator
    assert page.house == house
    assert "&lt;b&gt;start&lt;/b&gt;" in page.approach
    assert page.context == "<p>Ouders wachten lang.</p><p>Ze kennen elkaar niet.</p>"
    assert [a.document.collection.name for a in page.attachments.all()] == ["Bijdragen", "Bijdragen"]
    assert page.current_workflow_state.status == WorkflowState.STATUS_IN_PROGRESS
    assert submission_status(page).code == SubmissionStatus.IN_REVIEW
    listing = client.get(MINE_URL)
    assert 'data-status="in_review"' in listing.content.decode()

    # The editor asks for changes; the coordinator is told with the comment.
    mail.outbox.clear()
    page = workflow_action(client, editor, page, "reject", "Wat kost het per jaar?", django_capture_on_commit_callbacks)
    assert not page.live
    status = submission_status(page)
    assert (status.code, status.comment) == (SubmissionStatus.CHANGES_REQUESTED, "Wat kost het per jaar?")
    assert [m.to for m in mail.outbox] == [[coordinator.email]]
    assert "Wat kost het per jaar?" in mail.outbox[0].body
    assert Notification.objects.filter(recipient=coordinator, url=MINE_URL).count() == 1

    # The coordinator sees the comment and edits the submission; the edit form keeps the attachments.
    client.force_login(coordinator)
    listing = client.get(MINE_URL).content.decode()
    assert 'data-status="changes_requested"' in listing
    assert "Wat kost het per jaar?" in listing
    edit_url = reverse("knowledge:submission_edit", args=[page.pk])
    form = client.get(edit_url)
    assert form.status_code == 200
    assert "Ouders wachten lang.\n\nZe kennen elkaar niet." in form.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            edit_url, form_data(house, results="Het kost 200 euro per jaar.", title="Babbelbox in de wachtzaal (2)")
        )
    assert response.status_code == 302
    page = PracticePage.objects.get(pk=page.pk)
    assert page.current_workflow_state.status == WorkflowState.STATUS_IN_PROGRESS
    assert page.current_workflow_task_state.revision_id == page.latest_revision_id
    assert client.get(edit_url).status_code == 404  # in review again: not editable

    # The editor approves: Wagtail publishes the latest revision, the coordinator is told.
    mail.outbox.clear()
    page = workflow_action(client, editor, page, "approve", "", django_capture_on_commit_callbacks)
    assert page.live
    assert page.title == "Babbelbox in de wachtzaal (2)"
    assert page.results == "<p>Het kost 200 euro per jaar.</p>"
    assert page.attachments.count() == 2
    assert [m.to for m in mail.outbox] == [[coordinator.email]]
    assert page.full_url.split("://", 1)[1].split("/", 1)[1] in mail.outbox[0].body
    assert Notification.objects.filter(recipient=coordinator, url=page.url).exists()
    client.force_login(coordinator)
    listing = client.get(MINE_URL).content.decode()
    assert 'data-status="published"' in listing
    assert f'href="{page.url}"' in listing
    assert client.get(edit_url).status_code == 404


def test_reject_notifies_and_stays_unpublished(client, coordinator, house, editor, django_capture_on_commit_callbacks):
    page = submit(client, coordinator, house, django_capture_on_commit_callbacks)
    client.force_login(editor)
    decline_url = reverse("knowledge_practice_decline", args=[page.pk])
    edit_page = client.get(reverse("wagtailadmin_pages:edit", args=[page.pk])).content.decode()
    assert decline_url in edit_page
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(decline_url, {"comment": "Dit is een aankondiging, geen praktijk."})
    assert response.status_code == 302

    page = PracticePage.objects.get(pk=page.pk)
    assert not page.live
    status = submission_status(page)
    assert (status.code, status.comment) == (SubmissionStatus.REJECTED, "Dit is een aankondiging, geen praktijk.")
    assert [m.to for m in mail.outbox] == [[coordinator.email]]
    assert "Dit is een aankondiging, geen praktijk." in mail.outbox[0].body
    assert Notification.objects.filter(recipient=coordinator).count() == 1
    client.force_login(coordinator)
    listing = client.get(MINE_URL).content.decode()
    assert 'data-status="rejected"' in listing
    assert client.get(reverse("knowledge:submission_edit", args=[page.pk])).status_code == 404


def test_a_reason_is_required_to_reject(client, coordinator, house, editor, django_capture_on_commit_callbacks):
    page = submit(client, coordinator, house, django_capture_on_commit_callbacks)
    client.force_login(editor)
    response = client.post(reverse("knowledge_practice_decline", args=[page.pk]), {"comment": ""})
    assert response.status_code == 200
    assert PracticePage.objects.get(pk=page.pk).current_workflow_state.status == WorkflowState.STATUS_IN_PROGRESS


# Coordinators cannot publish -------------------------------------------------------------------------


def test_a_coordinator_cannot_publish_or_reject(
    client, coordinator, house, practice_index, django_capture_on_commit_callbacks
):
    page = submit(client, coordinator, house, django_capture_on_commit_callbacks)
    assert not PracticePage.objects.live().exists()

    client.force_login(coordinator)
    assert client.get("/cms/").status_code == 302  # no admin access: sent away
    edit_url = reverse("wagtailadmin_pages:edit", args=[page.pk])
    response = client.post(edit_url, {"title": page.title, "slug": page.slug, "action-publish": "action-publish"})
    assert response.status_code in (302, 403)
    task_state = page.current_workflow_task_state
    client.post(reverse("wagtailadmin_pages:workflow_action", args=[page.pk, "approve", task_state.pk]), {})
    client.post(reverse("knowledge_practice_decline", args=[page.pk]), {"comment": "weg"})

    page = PracticePage.objects.get(pk=page.pk)
    assert not page.live
    assert page.current_workflow_state.status == WorkflowState.STATUS_IN_PROGRESS


# Who may share, whose submissions --------------------------------------------------------------------


def test_people_without_a_huis_get_an_explanation(client, practice_index):
    client.force_login(UserFactory())
    response = client.get(SHARE_URL)
    assert response.status_code == 403
    assert "<h1>" in response.content.decode()


def test_anonymous_visitors_are_asked_to_log_in(client, practice_index):
    response = client.get(SHARE_URL)
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_others_submissions_are_not_found(client, coordinator, house, editor, django_capture_on_commit_callbacks):
    page = submit(client, coordinator, house, django_capture_on_commit_callbacks)
    workflow_action(client, editor, page, "reject", "Graag meer uitleg.", django_capture_on_commit_callbacks)
    colleague = UserFactory()
    Membership.objects.create(person=colleague, organisation=house, role=Membership.Role.COORDINATOR)
    client.force_login(colleague)
    assert client.get(reverse("knowledge:submission_edit", args=[page.pk])).status_code == 404
    assert page.title not in client.get(MINE_URL).content.decode()


def test_only_own_huis_can_be_chosen(client, coordinator, house, practice_index):
    other = OrganisationFactory(name="Huis van het Kind Elders")
    client.force_login(coordinator)
    data = form_data(house)
    data["house"] = other.pk
    response = client.post(SHARE_URL, data)
    assert response.status_code == 200
    assert not PracticePage.objects.exists()


def test_the_form_preselects_the_huis_and_its_municipalities(client, coordinator, house, practice_index):
    client.force_login(coordinator)
    form = client.get(SHARE_URL).context["form"]
    assert form.initial["house"] == house.pk
    assert form.initial["municipalities"] == [Municipality.objects.get(nis_code="13008").pk]
    assert form.initial["contact_name"] == "An Peeters"


# Bad input --------------------------------------------------------------------------------------------


def test_bad_input_comes_back_with_errors_and_kept_input(client, coordinator, house, practice_index):
    client.force_login(coordinator)
    response = client.post(SHARE_URL, form_data(house, summary="x" * 301, life_domains=[]))
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) == {"summary", "life_domains"}
    html = response.content.decode()
    assert "Babbelbox in de wachtzaal" in html
    assert 'class="field field--error"' in html
    assert not PracticePage.objects.exists()


def test_a_text_file_named_pdf_is_refused(client, coordinator, house, practice_index):
    client.force_login(coordinator)
    fake = SimpleUploadedFile("verslag.pdf", b"gewoon tekst", content_type="application/pdf")
    response = client.post(SHARE_URL, form_data(house, attachments=[fake]))
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["attachments"]
    assert not PracticePage.objects.exists()


def test_a_zip_named_docx_without_a_document_is_refused(client, coordinator, house, practice_index):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("iets.txt", "niets")
    client.force_login(coordinator)
    response = client.post(SHARE_URL, form_data(house, attachments=[SimpleUploadedFile("x.docx", buffer.getvalue())]))
    assert list(response.context["form"].errors) == ["attachments"]


def test_too_large_and_too_many_files_are_refused(client, coordinator, house, practice_index):
    client.force_login(coordinator)
    response = client.post(SHARE_URL, form_data(house, attachments=[pdf(size=10 * 1024 * 1024)]))
    assert list(response.context["form"].errors) == ["attachments"]
    response = client.post(SHARE_URL, form_data(house, attachments=[pdf(f"{n}.pdf") for n in range(4)]))
    assert list(response.context["form"].errors) == ["attachments"]
    assert not PracticePage.objects.exists()


def test_attachments_are_readable_as_their_practice(
    client, coordinator, house, editor, practice_index, django_capture_on_commit_callbacks
):
    page = submit(
        client, coordinator, house, django_capture_on_commit_callbacks, attachments=[pdf("gezin-janssens.pdf")]
    )
    document = page.attachments.get().document
    address = f"/documenten/{document.id}/{document.filename}"

    assert client.get(address).status_code == 200  # the submitter
    client.force_login(editor)
    assert client.get(address).status_code == 200  # who reviews it
    client.force_login(UserFactory())
    assert client.get(address).status_code == 404  # another member, while it is in review
    client.logout()
    assert client.get(address).status_code == 404

    page.get_latest_revision().publish()
    assert client.get(address).status_code == 200  # published: as public as the practice


@pytest.mark.parametrize("title", ["???", "😀😀"])
def test_a_title_without_letters_still_gets_an_address(
    client, coordinator, house, practice_index, django_capture_on_commit_callbacks, title
):
    first = submit(client, coordinator, house, django_capture_on_commit_callbacks, title=title)
    second = submit(client, coordinator, house, django_capture_on_commit_callbacks, title=title)

    assert (first.slug, second.slug) == ("praktijk", "praktijk-2")
    assert first.title == title


def test_an_odt_whose_mimetype_entry_unpacks_huge_is_checked_without_unpacking_it():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("mimetype", b"\0" * (50 * 1024 * 1024))
    tracemalloc.start()
    try:
        accepted = file_is_what_its_name_says(SimpleUploadedFile("verslag.odt", buffer.getvalue()))
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert not accepted
    assert peak < 5 * 1024 * 1024


def test_an_attachment_is_shown_with_its_own_title(
    client, coordinator, house, editor, django_capture_on_commit_callbacks
):
    page = submit(
        client,
        coordinator,
        house,
        django_capture_on_commit_callbacks,
        attachments=[pdf("draaiboek_babbelbox-2024.pdf")],
    )
    assert page.attachments.get().document.title == "Draaiboek babbelbox 2024"
    page.get_latest_revision().publish()
    html = client.get(PracticePage.objects.get(pk=page.pk).url).content.decode()
    assert "Draaiboek babbelbox 2024" in html
    assert "Babbelbox in de wachtzaal:" not in html


def test_attachments_titled_before_get_their_own_title(
    client, coordinator, house, practice_index, django_capture_on_commit_callbacks
):
    page = submit(
        client, coordinator, house, django_capture_on_commit_callbacks, attachments=[pdf("gezin-verslag.pdf")]
    )
    document = page.attachments.get().document
    document.title = "Babbelbox in de wachtzaal: gezin-verslag.pdf"  # as earlier versions stored it
    document.save()

    importlib.import_module("knowledge.migrations.0004_attachment_titles").attachments_titled_as_themselves(apps, None)

    document.refresh_from_db()
    assert document.title == "Gezin verslag"
