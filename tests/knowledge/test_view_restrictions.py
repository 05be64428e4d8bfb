"""A page's view restrictions come from the database on every request, in one query: a
restriction holds on the next request wherever it was made, with or without a signal."""

import os
import subprocess
import sys

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page, PageViewRestriction

from knowledge.models import StandardPage
from tests.factories import UserFactory
from tests.support.servers import ROOT, database_url_for_tests

PRIVACY = "/privacy/"
# All queries of a page: what it cost while no restriction existed and none was asked for (a
# standard page 2), plus the one restriction query. With a restriction anywhere it cost 2 more.
# The home page (1 + 1 before it showed lists) also reads them once for knowledge's lists
# (knowledge/start.py) and once for the agenda's (events.selectors.agenda_events), in 9 in all.
BUDGET = {"/": 9, PRIVACY: 2 + 1}
RESTRICTION_READS = {"/": 1 + 2, PRIVACY: 1}
# The first home page after a restriction changes also works out anew which practices are the
# newest (knowledge/practice_cache.py): one more read, and the query for their ids.
AFTER_A_CHANGE = {"/": 1, PRIVACY: 0}


def restriction_queries(client, url, status=200) -> tuple[int, int]:
    """(queries on the restrictions table, all queries) for one request."""
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == status
    statements = [query["sql"] for query in queries.captured_queries]
    return len([sql for sql in statements if "pageviewrestriction" in sql]), len(statements)


def asks_to_log_in(response) -> bool:
    return response.status_code == 302 and "/accounts/login/" in response["Location"]


def in_another_process(code: str) -> None:
    """Runs Python in `manage.py shell`: its own process, its own cache, the test database."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "samenhuis.settings.test", "DATABASE_URL": database_url_for_tests()}
    command = [sys.executable, "manage.py", "shell", "-c", code]
    subprocess.run(command, cwd=ROOT, env=env, check=True, capture_output=True, timeout=120)  # noqa: S603


@pytest.mark.django_db(transaction=True)
def test_a_restriction_made_in_another_process_holds_on_the_next_request(client):
    assert client.get(PRIVACY).status_code == 200
    assert client.get(PRIVACY).status_code == 200  # whatever this process could remember, it has

    in_another_process(
        "from wagtail.models import Page, PageViewRestriction; "
        "PageViewRestriction.objects.create(page=Page.objects.get(slug='privacy'), restriction_type='login')"
    )
    assert asks_to_log_in(client.get(PRIVACY))

    in_another_process("from wagtail.models import PageViewRestriction; PageViewRestriction.objects.all().delete()")
    assert client.get(PRIVACY).status_code == 200


@pytest.mark.django_db
def test_a_restriction_inserted_without_a_signal_holds_at_once(client):
    assert client.get(PRIVACY).status_code == 200
    assert client.get(PRIVACY).status_code == 200
    privacy = Page.objects.get(slug="privacy")
    PageViewRestriction.objects.bulk_create([PageViewRestriction(page=privacy, restriction_type="login")])
    assert asks_to_log_in(client.get(PRIVACY))
    client.force_login(UserFactory())
    assert client.get(PRIVACY).status_code == 200


@pytest.mark.django_db
def test_a_restriction_on_a_section_covers_the_pages_below_it(client):
    knowledge = Page.objects.get(slug="kennis")
    below = knowledge.add_child(instance=StandardPage(title="Intern", slug="intern"))
    PageViewRestriction.objects.create(page=knowledge, restriction_type=PageViewRestriction.LOGIN)
    assert asks_to_log_in(client.get(below.url))
    assert client.get(PRIVACY).status_code == 200


@pytest.mark.django_db
def test_the_same_restrictions_as_wagtail_for_pages_aliases_and_pages_below_an_alias():
    home = Page.objects.get(slug="home")
    knowledge = Page.objects.get(slug="kennis")
    source = knowledge.add_child(instance=StandardPage(title="Bron", slug="bron"))
    below_source = source.add_child(instance=StandardPage(title="Onder de bron", slug="onder"))
    alias = source.create_alias(parent=home, update_slug="alias-van-bron", recursive=True)
    below_alias = Page.objects.get(alias_of=below_source)
    plain_below_alias = alias.add_child(instance=StandardPage(title="Gewoon", slug="gewoon"))
    PageViewRestriction.objects.create(page=source, restriction_type=PageViewRestriction.LOGIN)
    PageViewRestriction.objects.create(page=knowledge, restriction_type=PageViewRestriction.PASSWORD, password="x")
    PageViewRestriction.objects.create(page=alias, restriction_type=PageViewRestriction.LOGIN)  # ignored: an alias

    pages = [
        home,
        knowledge,
        source,
        below_source,
        alias,
        below_alias,
        plain_below_alias,
        Page.objects.get(slug="privacy"),
    ]
    for page in pages:
        page = page.specific
        wagtails = set(Page.get_view_restrictions(page).values_list("pk", flat=True))  # Wagtail's own
        assert set(page.get_view_restrictions().values_list("pk", flat=True)) == wagtails, page.url_path
    assert {restriction.page_id for restriction in plain_below_alias.specific.get_view_restrictions()} == {source.pk}


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/", PRIVACY])
def test_a_page_asks_for_its_restrictions_in_one_query(client, url):
    """Before this change the page asked none while no restriction existed (and two once one did):
    one query more for a decision that another process or a bulk insert can no longer outdate."""
    client.get(url)
    without_any, total = restriction_queries(client, url)
    assert without_any == RESTRICTION_READS[url]
    assert total <= BUDGET[url]

    PageViewRestriction.objects.create(
        page=Page.objects.get(slug="agenda"), restriction_type=PageViewRestriction.LOGIN
    )  # elsewhere on the site
    with_some, total = restriction_queries(client, url)
    assert with_some == RESTRICTION_READS[url] + AFTER_A_CHANGE[url]
    assert total <= BUDGET[url] + 2 * AFTER_A_CHANGE[url]
