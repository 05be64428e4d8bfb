"""The register of processing at /privacy/verwerkingen/ (docs/privacy.md, "Register of processing"):
a visitor without an account reaches it from the footer of the home page and reads it in Dutch, on a
desktop and on a 375 px phone; axe-clean, and the HTML checker reads every document (the `browser`
fixture)."""

import re

import pytest
from django.utils import translation
from playwright.sync_api import expect

from samenhuis.register import REGISTER

VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 375, "height": 740}}


@pytest.mark.parametrize("device", VIEWPORTS)
def test_a_visitor_reads_the_register_from_the_footer(browser, server, assert_accessible, device):
    context = browser.new_context(base_url=server.url, locale="nl-BE", viewport=VIEWPORTS[device])
    page = context.new_page()
    page.set_default_timeout(10_000)

    page.goto("/")
    page.get_by_role("contentinfo").get_by_role("link", name="Register van verwerkingen").click()
    page.wait_for_url(re.compile(r"/privacy/verwerkingen/$"))
    expect(page.locator("h1")).to_have_text("Register van verwerkingen")
    assert page.locator("h1").count() == 1
    with translation.override("nl"):
        titles = [str(entry.title) for entry in REGISTER]
        login_records = next(entry for entry in REGISTER if entry.key == "login_records")
        kept = str(login_records.kept)
    expect(page.locator("main h2")).to_have_text(titles)
    section = page.get_by_role("region", name=titles[[e.key for e in REGISTER].index("login_records")])
    expect(section.locator("dd").nth(3)).to_have_text(kept)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert_accessible(page)
    context.close()


def test_the_register_follows_the_chosen_language(browser, server, assert_accessible):
    context = browser.new_context(base_url=server.url, locale="en")
    context.add_cookies([{"name": "samenhuis_language", "value": "en", "url": server.url}])
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto("/privacy/verwerkingen/")
    expect(page.locator("h1")).to_have_text("Register of processing")
    expect(page.get_by_role("region", name="Logins").locator("dd").nth(3)).to_have_text("90 days.")
    assert_accessible(page)
    context.close()
