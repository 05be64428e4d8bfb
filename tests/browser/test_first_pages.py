"""The first pages people see, in Chromium on a desktop and on a 375 px phone, axe-clean: a visitor
finds a Huis from the home page's box (answered in place with JavaScript, by loading the home page
with the answer without it) and goes on to the knowledge hub; a member logs in and lands on their
start page."""

import re

import pytest
from playwright.sync_api import expect

from events.demo import events_demo_ensure
from knowledge.demo import knowledge_demo_ensure
from knowledge.demo_magazine import magazine_demo_ensure
from tests.browser.test_people_pages import log_in
from tests.knowledge.test_home_and_start import active_member

VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 375, "height": 740}}


@pytest.fixture
def content(server):
    knowledge_demo_ensure()  # also the demo Huizen: Geel covers 2440
    magazine_demo_ensure()
    events_demo_ensure()


def fits_the_width(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("device", VIEWPORTS)
def test_a_visitor_finds_a_huis_on_the_home_page_and_goes_on_to_the_knowledge_hub(
    browser, server, content, assert_accessible, device
):
    context = browser.new_context(base_url=server.url, locale="nl-BE", viewport=VIEWPORTS[device])
    page = context.new_page()
    page.set_default_timeout(10_000)

    page.goto("/")
    assert page.locator("h1").count() == 1
    for key in ("practices", "events", "magazine"):
        expect(page.locator(f"#section-{key}-title")).to_be_visible()
    assert fits_the_width(page)
    assert_accessible(page)

    # With JavaScript the answer comes in place: the page is not loaded again.
    page.evaluate("window.stillTheSamePage = true")
    page.get_by_label("Postcode of gemeente").fill("2440")
    page.get_by_role("button", name="Zoek", exact=True).click()
    answer = page.locator("#house-lookup-answer")
    expect(answer.get_by_role("link", name="Huis van het Kind Geel (demo)")).to_be_visible()
    assert page.evaluate("window.stillTheSamePage === true")
    assert re.search(r"/\?q=2440#zoek-een-huis$", page.url)
    assert fits_the_width(page)
    assert_accessible(page)

    page.get_by_role("link", name="Zoek verder in de gids van organisaties").click()
    page.wait_for_url(re.compile(r"/gemeenschap/organisaties/\?q=2440$"))

    page.goto("/")
    page.locator("#section-practices-more").click()
    page.wait_for_url(re.compile(r"/kennis/praktijken/$"))
    page.get_by_role("navigation", name="Hoofdnavigatie").get_by_role("link", name="Kennis").click()
    page.wait_for_url(re.compile(r"/kennis/$"))
    expect(page.locator("#section-life-domains").get_by_role("link", name="Gezondheid")).to_be_visible()
    expect(page.locator("#section-network-afternoons").get_by_role("link").first).to_be_visible()
    assert fits_the_width(page)
    assert_accessible(page)
    context.close()


def test_without_javascript_the_box_loads_the_home_page_with_the_answer(browser, server, content):
    context = browser.new_context(base_url=server.url, locale="nl-BE", java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto("/")
    page.get_by_label("Postcode of gemeente").fill("Geel")
    page.get_by_role("button", name="Zoek", exact=True).click()
    page.wait_for_url(re.compile(r"/\?q=Geel#zoek-een-huis$"))
    expect(
        page.locator("#house-lookup-answer").get_by_role("link", name="Huis van het Kind Geel (demo)")
    ).to_be_visible()
    assert page.get_by_label("Postcode of gemeente").input_value() == "Geel"
    context.close()


@pytest.mark.parametrize("device", VIEWPORTS)
def test_a_member_lands_on_their_start_page(browser, server, assert_accessible, device):
    knowledge_demo_ensure()
    member = active_member()
    context = browser.new_context(base_url=server.url, locale="nl-BE", viewport=VIEWPORTS[device])
    page = context.new_page()
    page.set_default_timeout(10_000)

    log_in(page, member.email)
    expect(page.locator("h1")).to_have_text("Welkom, An Peeters")
    groups = page.locator("#section-groups")
    expect(groups).to_contain_text("2 ongelezen berichten")
    expect(groups).to_contain_text("Volgende bijeenkomst")
    expect(page.locator("#section-registrations").get_by_role("link", name="Vorming 0")).to_be_visible()
    expect(page.locator("#section-new-practices li").first).to_be_visible()
    assert fits_the_width(page)
    assert_accessible(page)

    page.locator("#section-groups .start-group h3 a").first.click()
    page.wait_for_url(re.compile(r"/gemeenschap/groepen/"))
    page.get_by_role("link", name="Samenhuis", exact=True).click()
    expect(page.locator("h1")).to_have_text("Welkom, An Peeters")
    context.close()
