"""The remembered Wagtail site (samenhuis/sites.py): no query per request, and every change shows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page, Site

pytestmark = pytest.mark.django_db


def site_queries(client, host="testserver") -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/", HTTP_HOST=host).status_code == 200
    return sum('FROM "wagtailcore_site"' in query["sql"] for query in queries)


def test_the_site_is_looked_up_once_and_then_remembered(client, settings):
    settings.ALLOWED_HOSTS = ["testserver"]
    assert site_queries(client) >= 1  # the site, and Wagtail's site root paths (cached by Wagtail)
    assert site_queries(client) == 0


def test_a_new_site_for_another_host_is_served_at_once(client, settings):
    settings.ALLOWED_HOSTS = ["testserver", "ander.example.org"]
    client.get("/", HTTP_HOST="ander.example.org")  # remembered: the default site
    home = Page.objects.get(depth=2)
    other_root = Page.objects.get(depth=1).add_child(instance=Page(title="Ander", slug="ander"))
    Site.objects.create(hostname="ander.example.org", port=80, root_page=other_root)
    response = client.get("/", HTTP_HOST="ander.example.org")
    assert response.status_code == 200
    assert response.context["page"].pk == other_root.pk
    assert client.get("/", HTTP_HOST="testserver").context["page"].pk == home.pk
