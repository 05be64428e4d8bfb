import pytest
from django.core.management import call_command
from wagtail.models import Page, Site

from knowledge.models import FooterLinks, HomePage, StandardPage
from knowledge.site_structure import site_structure_ensure

pytestmark = pytest.mark.django_db


def test_the_site_root_is_our_home_page_with_the_statements_linked():
    site = Site.objects.get(is_default_site=True)
    assert isinstance(site.root_page.specific, HomePage)
    links = FooterLinks.for_site(site)
    assert links.privacy_page.slug == "privacy"
    assert links.accessibility_page.slug == "toegankelijkheid"
    assert not Page.objects.filter(depth=2).exclude(pk=site.root_page_id).exists()


def test_ensuring_twice_changes_nothing_and_keeps_editors_work():
    privacy = StandardPage.objects.get(slug="privacy")
    privacy.intro = "Door de redactie herschreven."
    privacy.save_revision().publish()
    before = Page.objects.count()
    site_structure_ensure()
    site_structure_ensure()
    assert Page.objects.count() == before
    assert StandardPage.objects.get(slug="privacy").intro == "Door de redactie herschreven."


def test_load_demo_is_idempotent_and_prints_the_accounts(capsys, settings):
    from community.models import User

    settings.DEBUG = True
    call_command("load_demo")
    call_command("load_demo")
    output = capsys.readouterr().out
    assert User.objects.filter(email__endswith="@samenhuis.test").count() == 5
    for email in (
        "redactie@samenhuis.test",
        "coordinator@samenhuis.test",
        "gespreksleider@samenhuis.test",
        "beheer@samenhuis.test",
        "bovenlokaal@samenhuis.test",  # exchange's supra-local actor (exchange/demo.py)
    ):
        assert email in output
    assert "samenhuis-demo" in output


def test_load_demo_refuses_without_debug(settings):
    from django.core.management.base import CommandError

    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("load_demo")


def test_demo_editor_can_reach_the_cms(client, settings):
    from community.models import User

    settings.DEBUG = True
    call_command("load_demo")
    client.force_login(User.objects.get(email="redactie@samenhuis.test"))
    assert client.get("/cms/").status_code == 200
    client.force_login(User.objects.get(email="coordinator@samenhuis.test"))
    assert client.get("/cms/").status_code == 302


def test_editors_can_open_the_home_and_statement_pages_in_the_cms(client, settings):
    from community.models import User

    settings.DEBUG = True
    call_command("load_demo")
    client.force_login(User.objects.get(email="redactie@samenhuis.test"))
    for page in (HomePage.objects.get(), StandardPage.objects.get(slug="toegankelijkheid")):
        response = client.get(f"/cms/pages/{page.pk}/edit/")
        assert response.status_code == 200, page
        assert page.title in response.content.decode()


def test_in_development_the_site_follows_the_address_make_run_serves_on(client, settings):
    settings.DEBUG = True
    settings.ALLOWED_HOSTS = ["127.0.0.1"]
    settings.WAGTAILADMIN_BASE_URL = "http://127.0.0.1:8401"  # make run PORT=8401 sets BASE_URL so
    site_structure_ensure()  # as `migrate` does at every make run

    site = Site.objects.get(is_default_site=True)
    assert (site.hostname, site.port) == ("127.0.0.1", 8401)
    html = client.get("/", HTTP_HOST="127.0.0.1:8401").content.decode()
    assert '<link rel="canonical" href="http://127.0.0.1:8401/">' in html


def test_in_production_an_administrators_site_address_is_kept(settings):
    site = Site.objects.get(is_default_site=True)
    site.hostname, site.port = "samenhuis.example", 443
    site.save()
    settings.DEBUG = False
    settings.WAGTAILADMIN_BASE_URL = "http://127.0.0.1:8000"
    site_structure_ensure()
    site.refresh_from_db()
    assert (site.hostname, site.port) == ("samenhuis.example", 443)
