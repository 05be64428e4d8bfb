import datetime
from unittest import mock

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone
from django.utils.html import escape
from wagtail.models import Page, WorkflowState

from knowledge.demo_magazine import magazine_demo_ensure
from knowledge.magazine_workflow import EINDREDACTIE, REDACTIE, magazine_workflow_ensure
from knowledge.models import (
    KnowledgeHubPage,
    MagazineArticlePage,
    MagazineIndexPage,
    MagazineIssuePage,
    PracticeIndexPage,
    StandardPage,
)
from samenhuis.scheduler import scheduled_publishing_run
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def magazine():
    return magazine_demo_ensure()


@pytest.fixture
def issue(magazine):
    return MagazineIssuePage.objects.get(number=1)


def article_draft(issue, *, slug="concept", words=10, **fields) -> MagazineArticlePage:
    article = MagazineArticlePage(
        title="Concept",
        slug=slug,
        authors="Auteur",
        lead=" ".join(["woord"] * words),
        body=[("heading", "Kop")],
        live=False,
        **fields,
    )
    issue.add_child(instance=article)
    article.save_revision()
    return article


def member_of(group_name, **kwargs):
    user = UserFactory(**kwargs)
    user.groups.add(Group.objects.get(name=group_name))
    return user


# Page type rules -------------------------------------------------------------------------


def test_an_issue_only_goes_under_the_magazine_and_an_article_only_under_an_issue():
    assert MagazineIssuePage.allowed_parent_page_models() == [MagazineIndexPage]
    assert MagazineArticlePage.allowed_parent_page_models() == [MagazineIssuePage]
    assert MagazineIndexPage.allowed_parent_page_models() == [StandardPage, KnowledgeHubPage]
    assert not MagazineArticlePage.allowed_subpage_models()
    knowledge = StandardPage.objects.get(slug="kennis")
    assert not MagazineIssuePage.can_create_at(knowledge)
    assert not MagazineArticlePage.can_create_at(knowledge)


def test_there_is_one_magazine(magazine):
    knowledge = StandardPage.objects.get(slug="kennis")
    assert not MagazineIndexPage.can_create_at(knowledge)
    assert not MagazineArticlePage.can_create_at(magazine)
    assert MagazineIssuePage.can_create_at(magazine)
    assert not MagazineIssuePage.can_create_at(PracticeIndexPage(title="x"))


# Reading time ----------------------------------------------------------------------------


@pytest.mark.parametrize(("words", "minutes"), [(1, 1), (200, 2), (399, 2), (600, 4)])
def test_reading_time_counts_lead_and_body_at_200_words_a_minute(issue, words, minutes):
    # The body adds one word ("Kop").
    article = article_draft(issue, words=words)
    assert article.reading_minutes == minutes


# Demo content ----------------------------------------------------------------------------


def test_demo_magazine_has_one_issue_with_three_published_articles_and_is_idempotent(magazine, client):
    before = Page.objects.count()
    magazine_demo_ensure()
    assert Page.objects.count() == before
    issue = MagazineIssuePage.objects.live().get()
    articles = MagazineArticlePage.objects.live().child_of(issue)
    assert articles.count() == 3
    for article in articles:
        assert article.life_domains.exists()
        assert {"heading", "quote", "key_figure", "tip"} <= {block.block_type for block in article.body}
        response = client.get(article.url)
        assert response.status_code == 200
        assert escape(article.lead) in response.content.decode()
    assert client.get(magazine.url).status_code == 200
    assert client.get(issue.url).status_code == 200


# Workflow --------------------------------------------------------------------------------


def test_the_magazine_workflow_has_two_steps_and_is_assigned_to_the_magazine(magazine):
    workflow = magazine_workflow_ensure()
    assert magazine_workflow_ensure() == workflow
    assert [task.name for task in workflow.tasks] == [REDACTIE, EINDREDACTIE]
    assert magazine.get_workflow() == workflow
    assert MagazineArticlePage.objects.first().get_workflow() == workflow
    assert StandardPage.objects.get(slug="kennis").get_workflow() != workflow


def test_redactie_edits_but_cannot_publish_eindredactie_publishes(issue):
    writer = member_of(REDACTIE)
    final = member_of(EINDREDACTIE)
    assert issue.permissions_for_user(writer).can_add_subpage()
    assert not issue.permissions_for_user(writer).can_publish()
    assert issue.permissions_for_user(final).can_publish()


def test_an_article_passes_redactie_then_eindredactie_and_is_published(issue):
    author = member_of(REDACTIE)
    editor = member_of(REDACTIE)
    final_editor = member_of(EINDREDACTIE)
    article = article_draft(issue)
    article.get_workflow().start(article, author)

    article.refresh_from_db()
    step = article.current_workflow_task
    assert step.name == REDACTIE
    # Only the group of the current step can act on it.
    assert not step.get_actions(article, final_editor)
    step.on_action(article.current_workflow_task_state, editor, "approve")

    article.refresh_from_db()
    assert not article.live
    step = article.current_workflow_task
    assert step.name == EINDREDACTIE
    assert not step.get_actions(article, editor)
    step.on_action(article.current_workflow_task_state, final_editor, "approve")

    article.refresh_from_db()
    assert article.live
    assert article.current_workflow_state is None
    assert WorkflowState.objects.get(object_id=str(article.pk)).status == WorkflowState.STATUS_APPROVED


def test_requesting_changes_returns_the_article_to_its_author(issue):
    author = member_of(REDACTIE)
    final_editor = member_of(EINDREDACTIE)
    article = article_draft(issue)
    article.get_workflow().start(article, author)
    article.current_workflow_task.on_action(article.current_workflow_task_state, author, "approve")
    article.refresh_from_db()

    article.current_workflow_task.on_action(
        article.current_workflow_task_state, final_editor, "reject", comment="De lead is te lang."
    )

    article.refresh_from_db()
    state = article.current_workflow_state
    assert state.status == WorkflowState.STATUS_NEEDS_CHANGES
    assert state.requested_by == author
    assert not article.live
    # The author revises and resubmits: the workflow resumes at the step that asked for changes.
    article.lead = "Korter."
    article.save_revision(user=author)
    state.resume(user=author)
    article.refresh_from_db()
    assert article.current_workflow_task.name == EINDREDACTIE


# Scheduled publishing --------------------------------------------------------------------


def test_the_scheduler_job_publishes_an_article_whose_go_live_date_has_passed(issue):
    article = article_draft(issue)
    article.go_live_at = timezone.now() + datetime.timedelta(minutes=5)
    revision = article.save_revision()
    revision.publish()  # with a future go-live date this schedules instead of publishing
    revision.refresh_from_db()
    assert revision.approved_go_live_at is not None
    article.refresh_from_db()
    assert not article.live
    assert scheduled_publishing_run() == 0

    later = timezone.now() + datetime.timedelta(minutes=6)
    with mock.patch("django.utils.timezone.now", return_value=later):
        assert scheduled_publishing_run() == 1
    article.refresh_from_db()
    assert article.live
    assert scheduled_publishing_run() == 0


def test_the_scheduler_job_unpublishes_an_article_after_its_expiry_date(issue):
    article = MagazineArticlePage.objects.live().child_of(issue).first()
    MagazineArticlePage.objects.filter(pk=article.pk).update(expire_at=timezone.now() - datetime.timedelta(minutes=1))
    assert scheduled_publishing_run() == 1
    article.refresh_from_db()
    assert not article.live
    assert article.expired


def test_a_redactie_member_writes_an_article_in_the_cms_and_submits_it(client, issue):
    from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

    author = member_of(REDACTIE)
    client.force_login(author)
    data = nested_form_data(
        {
            "title": "Nieuw artikel",
            "slug": "nieuw-artikel",
            "authors": "Auteur",
            "lead": "Een korte lead.",
            "body": streamfield([("heading", "Kop")]),
            "comments": inline_formset([]),
            "action-submit": "submit",
        }
    )
    response = client.post(f"/cms/pages/add/knowledge/magazinearticlepage/{issue.pk}/", data)
    assert response.status_code == 302, response.content.decode()[:3000]

    article = MagazineArticlePage.objects.get(slug="nieuw-artikel")
    assert not article.live
    assert article.current_workflow_task.name == REDACTIE
    # Redactie cannot publish past the workflow.
    data["action-publish"] = "publish"
    del data["action-submit"]
    client.post(f"/cms/pages/{article.pk}/edit/", data)
    article.refresh_from_db()
    assert not article.live
