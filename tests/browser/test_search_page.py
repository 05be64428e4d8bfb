"""A coordinator searches, narrows the results with a facet and sorts them; the search page is
axe-clean with results, with facets chosen, and when nothing is found."""

from tests.browser.test_people_pages import log_in
from tests.factories import OrganisationFactory, UserFactory
from tests.rooms.support import group_room, post
from tests.search.test_page_search import practice_publish


def test_search_with_facets(page, server, assert_accessible):
    practice_publish("Fietsen met peuters", "Veilig fietsen met jonge kinderen in het verkeer.")
    OrganisationFactory(name="Fietsatelier De Trapper", description="Herstelt fietsen voor gezinnen.")
    member = UserFactory(email="an@huis-geel.test", profile="An Peeters")
    post(group_room(members=[member]), member, "Fietsen voor de groep: alleen voor leden.")

    page.goto("/zoeken/")
    assert_accessible(page)
    page.get_by_label("Zoek naar").fill("fietst")
    page.get_by_role("button", name="Zoeken").click()
    assert page.locator("#search-count").inner_text() == "2 resultaten"
    assert page.locator(".result mark").count() >= 2
    assert_accessible(page)

    page.get_by_label("Organisatie (1)").check()
    page.get_by_role("button", name="Zoeken").click()
    assert page.locator("#search-count").inner_text() == "1 resultaat"
    assert page.locator(".result h2").all_inner_texts() == ["Fietsatelier De Trapper"]
    assert page.get_by_label("Organisatie (1)").is_checked()
    assert_accessible(page)

    # A member of the group also finds the group's message; the others never do.
    log_in(page, member.email)
    page.goto("/zoeken/?q=fietsen")
    assert page.locator("#search-count").inner_text() == "3 resultaten"

    page.goto("/zoeken/?q=xylofoonorkest")
    assert "Niets gevonden voor “xylofoonorkest”." in page.locator("main").inner_text()
    assert_accessible(page)
