"""A section made by hand in the CMS gets its review workflow at once."""

import pytest
from django.urls import reverse
from wagtail.models import Page, WorkflowPage

from knowledge.models import MagazineIndexPage, PracticeIndexPage, StandardPage
from tests.factories import UserFactory


@pytest.mark.parametrize(
    ("model", "workflow_name"), [(MagazineIndexPage, "Magazine"), (PracticeIndexPage, "Praktijken nakijken")]
)
def test_a_new_section_gets_its_workflow(client, db, model, workflow_name):
    Page.objects.type(model).delete()
    WorkflowPage.objects.all().delete()
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    kennis = StandardPage.objects.get(slug="kennis")
    url = reverse("wagtailadmin_pages:add", args=[model._meta.app_label, model._meta.model_name, kennis.pk])
    response = client.post(
        url,
        {
            "title": "Nieuwe sectie",
            "slug": "nieuwe-sectie",
            "intro": "",
            "comments-TOTAL_FORMS": "0",
            "comments-INITIAL_FORMS": "0",
            "comments-MIN_NUM_FORMS": "0",
            "comments-MAX_NUM_FORMS": "1000",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    section = model.objects.get(slug="nieuwe-sectie")
    assert WorkflowPage.objects.get(page=section).workflow.name == workflow_name
