"""A coordinator finds a Huis by postcode, asks to join a closed intervision group, the
facilitator approves, and the coordinator sees the group page: in Chromium, axe-clean."""

import re

from community.models import GroupMembership, IntervisionGroup, Municipality, Region
from tests.factories import PASSWORD, OrganisationFactory, UserFactory, group_create


def log_in(page, email):
    page.goto("/accounts/login/")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Wachtwoord:", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Aanmelden").click()
    page.wait_for_url(re.compile(r"/$"))


def test_find_a_huis_ask_to_join_get_approved(page, browser, server, assert_accessible):
    coordinator = UserFactory(email="an@huis-geel.test", profile="An Peeters")
    facilitator = UserFactory(email="karim@caw.test", profile="Karim Gespreksleider")
    OrganisationFactory(name="Huis van het Kind Geel", municipalities=[Municipality.objects.get(nis_code="13008")])
    group = group_create(
        facilitator=facilitator,
        name="Intervisiegroep Kempen",
        visibility=IntervisionGroup.Visibility.CLOSED,
        region=Region.objects.get(slug="referentieregio-kempen"),
        description="We bespreken om de zes weken een casus.",
    )

    # The coordinator finds the Huis of Geel by its postcode.
    log_in(page, coordinator.email)
    page.goto("/gemeenschap/organisaties/")
    page.locator("input[name='q']").fill("2440")
    page.locator("input[name='q']").press("Enter")
    assert_accessible(page)
    nearby = page.get_by_role("region", name="In je buurt")
    assert "Geel: Huis van het Kind Geel" in nearby.inner_text()
    nearby.get_by_role("link", name="Huis van het Kind Geel").click()
    assert page.locator("h1").inner_text() == "Huis van het Kind Geel"
    assert_accessible(page)

    page.goto("/gemeenschap/organisaties/dekking/")
    assert "1 van 304 gemeenten" in page.locator(".lead").inner_text()
    assert_accessible(page)

    # ...and asks to join the closed Kempen group.
    page.goto("/gemeenschap/groepen/")
    assert_accessible(page)
    page.get_by_role("link", name="Intervisiegroep Kempen").click()
    assert page.locator("h1").inner_text() == "Intervisiegroep Kempen"
    assert_accessible(page)
    page.get_by_role("link", name="Vraag om lid te worden").click()
    assert_accessible(page)
    page.get_by_label("Bericht aan de gespreksleiders").fill("Ik coördineer het Huis van het Kind in Geel.")
    page.get_by_role("button", name="Verstuur je aanvraag").click()
    assert "gespreksleiders beslissen" in page.locator(".actions").inner_text()

    # The facilitator approves in their own browser session.
    context = browser.new_context(base_url=server.url, locale="nl-BE")
    facilitator_page = context.new_page()
    log_in(facilitator_page, facilitator.email)
    facilitator_page.goto(group.get_absolute_url())
    facilitator_page.get_by_role("link", name=re.compile("Leden beheren")).click()
    assert "Ik coördineer het Huis van het Kind in Geel." in facilitator_page.locator("main").inner_text()
    assert_accessible(facilitator_page)
    facilitator_page.get_by_role("button", name="Keur de aanvraag van An Peeters goed").click()
    assert "An Peeters is nu lid" in facilitator_page.locator(".messages").inner_text()
    context.close()
    assert GroupMembership.objects.filter(group=group, person=coordinator).exists()

    # The coordinator now sees the group as a member, with the member list.
    page.goto(group.get_absolute_url())
    members = page.get_by_role("region", name="Leden")
    assert members.get_by_text("An Peeters").is_visible()
    assert members.get_by_text("Karim Gespreksleider").is_visible()
    assert page.get_by_role("link", name="Groep verlaten").is_visible()
    assert_accessible(page)
