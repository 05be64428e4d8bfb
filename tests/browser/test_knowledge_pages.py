"""A visitor reads a life-domain page, narrows the practice listing with two filters and opens a
practice: in Chromium, without logging in, axe-clean on each page."""

import re
from urllib.parse import parse_qs, urlsplit

from knowledge.demo import knowledge_demo_ensure
from knowledge.models import PracticePage


def test_life_domain_page_filtered_listing_and_practice(page, server, assert_accessible):
    knowledge_demo_ensure()
    total = PracticePage.objects.live().count()

    page.goto("/kennis/gezondheid/")
    assert page.locator("h1").inner_text() == "Gezondheid"
    assert page.locator("#life-domain-practices ~ ul .practice-card").count() >= 3
    assert_accessible(page)

    page.locator("#life-domain-all-practices").click()
    page.wait_for_url(re.compile(r"/kennis/praktijken/\?levensdomein=gezondheid$"))
    page.goto("/kennis/praktijken/")
    assert page.locator(".practice-list > li").count() == min(total, 12)

    page.locator("select[name='levensdomein']").select_option("gezondheid")
    page.locator("select[name='doelgroep']").select_option("0-3-jaar")
    page.locator("#practice-filters-submit").click()
    page.wait_for_url(re.compile(r"levensdomein=gezondheid"))
    params = parse_qs(urlsplit(page.url).query)
    assert params["levensdomein"] == ["gezondheid"]
    assert params["doelgroep"] == ["0-3-jaar"]
    expected = PracticePage.objects.live().filter(life_domains__slug="gezondheid", target_groups__slug="0-3-jaar")
    results = page.locator(".practice-list > li")
    assert 0 < results.count() == expected.count() < total
    assert page.locator("[data-remove-filter]").count() == 2
    assert str(expected.count()) in page.get_by_role("status").inner_text()
    assert_accessible(page)

    title = results.first.locator("h2 a").inner_text()
    results.first.locator("h2 a").click()
    assert page.locator("h1").inner_text() == title
    assert page.locator(".practice-facts").is_visible()
    assert_accessible(page)
