"""The Content-Security-Policy holds in Chromium: the site's strict one refuses inline script, and
Wagtail's admin works under its looser /cms/ policy without a single violation.

The `browser` fixture (tests/browser/conftest.py) fails any test whose pages report a violation;
these tests walk the CMS's main screens and show that the watch itself can fail.
"""

import re

import pytest
from django.urls import reverse

from events.models import AgendaPage
from knowledge.models import HomePage, LifeDomain, Theme
from tests.events.conftest import event_publish
from tests.factories import PASSWORD, UserFactory


def log_in(page, email, next_url):
    page.goto(f"/accounts/login/?next={next_url}")
    page.locator("input[name='login']").fill(email)
    page.locator("input[name='password']").fill(PASSWORD)
    page.locator("form button[type='submit']").last.click()
    page.wait_for_url(re.compile(re.escape(next_url) + "$"))


def test_the_site_refuses_an_inline_script_and_the_watch_reports_it(page, security_headers):
    page.goto("/")
    page.evaluate(
        """() => {
            const script = document.createElement("script");
            script.textContent = "document.body.dataset.injected = 'yes'";
            document.body.append(script);
        }"""
    )
    page.wait_for_function("() => true")  # one round trip, so the violation has been reported
    assert page.evaluate("document.body.dataset.injected") is None, "the inline script ran"
    assert any("script-src" in problem for problem in security_headers.problems), security_headers.problems
    security_headers.problems.clear()  # expected here; any other test would fail on it


def test_a_pending_email_change_needs_no_inline_style(page, assert_accessible):
    """allauth's own template hides the re-send form with a style attribute; ours uses `hidden`."""
    person = UserFactory(email="an@huis.test")
    log_in(page, person.email, "/accounts/email/")
    page.locator("input[name='email']").fill("an.peeters@huis.test")
    page.locator("button[name='action_add']").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("#new_email").input_value() == "an.peeters@huis.test"
    assert page.locator("form#pending-email").evaluate("form => getComputedStyle(form).display") == "none"
    assert_accessible(page)


@pytest.fixture
def administrator():
    return UserFactory(email="beheer@huis.test", profile="Bea Beheer", is_superuser=True, is_staff=True)


def test_cms_main_screens_work_under_the_cms_policy(page, administrator, security_headers):
    errors = []
    page.on("pageerror", lambda error: errors.append(f"{page.url}: {error}"))
    event = event_publish(title="Netwerknamiddag Kempen")
    home = HomePage.objects.get()

    log_in(page, administrator.email, "/cms/")
    screens = [
        ("/cms/", "Samenhuis"),
        ("/cms/pages/", None),
        (f"/cms/pages/{home.pk}/", None),
        (f"/cms/pages/{AgendaPage.objects.get().pk}/", None),
        (f"/cms/pages/{home.pk}/edit/", None),
        ("/cms/documents/", "Documenten"),
        ("/cms/images/", "Afbeeldingen"),
        # The snippets are the taxonomy, under its own menu; a listing with filters and an edit form.
        (reverse(Theme.snippet_viewset.get_url_name("list")), None),
        (reverse(LifeDomain.snippet_viewset.get_url_name("edit"), args=[LifeDomain.objects.first().pk]), None),
        ("/cms/users/", "Gebruikers"),
        (reverse("wagtailusers_users:edit", args=[administrator.pk]), None),
    ]
    for url, heading in screens:
        response = page.goto(url)
        assert response.status == 200, url
        assert page.url.endswith(url), f"{url} sent us to {page.url}"
        page.wait_for_load_state("networkidle")
        if heading:
            assert heading in page.locator("h1").first.inner_text(), url

    # The event editor: date pickers, an inline panel and rich text, all set up by Wagtail's scripts;
    # then its live preview, which the admin frames from /cms/.
    page.goto(f"/cms/pages/{event.pk}/edit/")
    page.wait_for_load_state("networkidle")
    assert page.locator("input[name='title']").input_value() == "Netwerknamiddag Kempen"
    assert page.locator("[data-draftail-input], .Draftail-Editor").count() > 0, "the rich-text editor started"
    page.locator("button[data-side-panel-toggle='preview']").click()
    preview = page.frame_locator("iframe[data-w-preview-target='iframe'], #w-preview-iframe").first
    assert preview.locator("h1").inner_text(timeout=15_000) == "Netwerknamiddag Kempen"
    page.wait_for_load_state("networkidle")

    assert not errors, "JavaScript errors in the CMS:\n" + "\n".join(errors)
    assert not security_headers.problems, "\n".join(security_headers.problems)
