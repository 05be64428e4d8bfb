"""Sharing or editing a practice refused because something changed after the form was loaded
comes back with the text to copy, a Dutch sentence and its own status (samenhuis/refusals.py)."""

import pytest
from django.urls import reverse

from community.models import Membership
from knowledge.models import PracticePage
from tests.knowledge.test_submission import SHARE_URL, form_data, submit, workflow_action
from tests.samenhuis.refusals import assert_refused

pytestmark = pytest.mark.django_db

APPROACH = "Een vrijwilliger <start> een gesprek & schenkt koffie.\n\nElke dinsdag."


def test_a_coordinator_unlinked_from_the_huis_meanwhile_gets_403_with_the_practice(
    client, coordinator, house, practice_index
):
    client.force_login(coordinator)
    assert client.get(SHARE_URL).status_code == 200
    Membership.objects.filter(person=coordinator).delete()
    response = client.post(SHARE_URL, form_data(house, approach=APPROACH))
    assert_refused(response, status=403, text=APPROACH, says="Je account is (niet meer) gekoppeld")
    assert not PracticePage.objects.exists()


def test_changes_sent_after_the_practice_went_back_into_review_answer_409_with_the_text(
    client, coordinator, house, editor, practice_index, django_capture_on_commit_callbacks
):
    page = submit(client, coordinator, house, django_capture_on_commit_callbacks)
    page = workflow_action(client, editor, page, "reject", "Wat kost het?", django_capture_on_commit_callbacks)
    edit_url = reverse("knowledge:submission_edit", args=[page.pk])
    client.force_login(coordinator)
    assert client.get(edit_url).status_code == 200
    # The same edit page, open in a second tab, was sent first: the practice is in review again.
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(edit_url, form_data(house, results="200 euro per jaar")).status_code == 302
    response = client.post(edit_url, form_data(house, approach=APPROACH))
    assert_refused(response, status=409, text=APPROACH, says="De redactie heeft je praktijk opgenomen")
    assert "start&gt;" not in PracticePage.objects.get(pk=page.pk).get_latest_revision_as_object().approach
