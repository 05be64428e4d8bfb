"""Pages skip Wagtail's view-restriction queries while no restriction exists, and honour one the
moment it is made."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page, PageViewRestriction

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def queries_for(client, url) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return [query["sql"] for query in queries.captured_queries]


def test_a_restriction_made_after_the_pages_were_served_is_enforced(client):
    client.get("/privacy/")
    assert not [sql for sql in queries_for(client, "/privacy/") if "pageviewrestriction" in sql]

    privacy = Page.objects.get(slug="privacy")
    PageViewRestriction.objects.create(page=privacy, restriction_type=PageViewRestriction.LOGIN)
    response = client.get("/privacy/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client.force_login(UserFactory())
    assert client.get("/privacy/").status_code == 200

    PageViewRestriction.objects.all().delete()
    client.logout()
    assert client.get("/privacy/").status_code == 200  # asks once whether any restriction is left
    assert not [sql for sql in queries_for(client, "/privacy/") if "pageviewrestriction" in sql]
