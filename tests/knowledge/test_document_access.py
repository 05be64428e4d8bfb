"""A document is readable as the live pages that link to it are, and otherwise only by those who
manage it (samenhuis/documents.py), over every path by which a practice gets an attachment:
submitting, re-submitting, an editor's draft in the CMS, a revert, unpublishing and a move into a
members-only section. Event materials are in tests/events/test_event_pages.py."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from wagtail.documents.models import Document
from wagtail.models import PageViewRestriction

from knowledge.models import PracticeAttachment, PracticePage, StandardPage
from tests.factories import UserFactory
from tests.knowledge.test_submission import form_data, pdf, submit, workflow_action

pytestmark = pytest.mark.django_db


def status(client, document, user=None) -> int:
    """What `user` (None: an anonymous visitor) gets at the document's address."""
    if user is None:
        client.logout()
    else:
        client.force_login(user)
    return client.get(f"/documenten/{document.id}/{document.filename}").status_code


def readers(client, document, **people) -> dict[str, int]:
    return {name: status(client, document, person) for name, person in people.items()}


@pytest.fixture
def outsider():
    return UserFactory(profile="Iemand Anders")


@pytest.fixture
def published_practice(client, coordinator, house, editor, django_capture_on_commit_callbacks):
    page = submit(client, coordinator, house, django_capture_on_commit_callbacks, attachments=[pdf("eerste.pdf")])
    return workflow_action(client, editor, page, "approve", "", django_capture_on_commit_callbacks)


def editor_document(editor, name: str) -> Document:
    """A file an editor uploads in the CMS (root collection)."""
    return Document.objects.create(
        title=name, file=ContentFile(b"%PDF-1.4\n%cms\n", name=name), uploaded_by_user=editor
    )


def test_a_resubmitted_attachment_stays_private_until_the_practice_is_published(
    client, coordinator, house, editor, outsider, django_capture_on_commit_callbacks
):
    page = submit(client, coordinator, house, django_capture_on_commit_callbacks, attachments=[pdf("eerste.pdf")])
    page = workflow_action(
        client, editor, page, "reject", "Voeg het draaiboek toe.", django_capture_on_commit_callbacks
    )
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("knowledge:submission_edit", args=[page.pk]),
            form_data(house, attachments=[pdf("draaiboek-gezin-peeters.pdf")]),
        )
    assert response.status_code == 302
    new = Document.objects.get(title="Draaiboek gezin peeters")

    assert readers(client, new, anonymous=None, outsider=outsider, submitter=coordinator, reviewer=editor) == {
        "anonymous": 404,
        "outsider": 404,
        "submitter": 200,
        "reviewer": 200,
    }

    workflow_action(
        client, editor, PracticePage.objects.get(pk=page.pk), "approve", "", django_capture_on_commit_callbacks
    )
    assert readers(client, new, anonymous=None, outsider=outsider) == {"anonymous": 200, "outsider": 200}


def test_an_editors_draft_does_not_publish_its_new_attachment(client, published_practice, editor, outsider):
    document = editor_document(editor, "kostprijs.pdf")
    draft = published_practice.get_latest_revision_as_object()
    draft.attachments.add(PracticeAttachment(document=document, sort_order=5))
    revision = draft.save_revision(user=editor)  # what "Save draft" in the CMS does

    assert readers(client, document, anonymous=None, outsider=outsider, editor=editor) == {
        "anonymous": 404,
        "outsider": 404,
        "editor": 200,
    }
    revision.publish(user=editor)
    assert status(client, document) == 200


def test_a_revision_revert_follows_what_is_live(client, published_practice, editor, outsider):
    first = published_practice.attachments.get().document
    assert status(client, first) == 200

    without = published_practice.get_latest_revision_as_object()
    without.attachments = []
    without.save_revision(user=editor).publish(user=editor)
    assert readers(client, first, anonymous=None, outsider=outsider) == {"anonymous": 404, "outsider": 404}

    old_revision = PracticePage.objects.get(pk=published_practice.pk).revisions.order_by("pk").first()
    old_revision.publish(user=editor)  # "Revert to this revision" and publish
    assert status(client, first) == 200


def test_unpublishing_the_practice_takes_its_attachment_with_it(client, published_practice, coordinator, editor):
    document = published_practice.attachments.get().document
    PracticePage.objects.get(pk=published_practice.pk).unpublish(user=editor)

    assert readers(client, document, anonymous=None, editor=editor, uploader=coordinator) == {
        "anonymous": 404,
        "editor": 200,
        "uploader": 200,
    }


def test_moving_the_practice_into_a_members_only_section_restricts_its_attachment(client, published_practice, outsider):
    document = published_practice.attachments.get().document
    section = StandardPage.objects.get(slug="kennis").add_child(instance=StandardPage(title="Intern", slug="intern"))
    PageViewRestriction.objects.create(page=section, restriction_type=PageViewRestriction.LOGIN)
    PracticePage.objects.get(pk=published_practice.pk).move(section, pos="last-child")

    assert readers(client, document, anonymous=None, member=outsider) == {"anonymous": 404, "member": 200}


def test_a_document_nothing_links_to_is_for_its_uploader_and_its_managers_only(client, editor, outsider):
    document = editor_document(editor, "los.pdf")
    administrator = UserFactory(is_superuser=True)

    assert readers(client, document, anonymous=None, outsider=outsider, uploader=editor, admin=administrator) == {
        "anonymous": 404,
        "outsider": 404,
        "uploader": 200,
        "admin": 200,
    }
