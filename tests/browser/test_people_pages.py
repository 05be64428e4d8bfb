"""A coordinator fills in their profile, finds a colleague in the member directory and opens
the colleague's page: in Chromium, axe-clean."""

import re

from community import services
from community.models import Membership, Profile
from knowledge.models import LifeDomain
from tests.factories import PASSWORD, OrganisationFactory, UserFactory


def log_in(page, email):
    page.goto("/accounts/login/")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Wachtwoord:", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Aanmelden").click()
    page.wait_for_url(re.compile(r"/$"))


def test_edit_profile_then_find_a_colleague(page, assert_accessible):
    health = LifeDomain.objects.get(slug="gezondheid")
    coordinator = UserFactory(email="an@huis-geel.test", profile="An Peeters")
    colleague = UserFactory(email="sara@huis-geel.test", profile="Sara Vermeulen")
    services.profile_update(
        user=colleague,
        display_name="Sara Vermeulen",
        function="Gezinsondersteuner",
        bio="Ik begeleid de inloopmomenten.\nVraag me gerust.",
        expertise=[health],
        visibility=Profile.Visibility.MEMBERS,
    )
    geel = OrganisationFactory(name="Huis van het Kind Geel")
    Membership.objects.create(person=coordinator, organisation=geel, role=Membership.Role.COORDINATOR)
    Membership.objects.create(person=colleague, organisation=geel, role=Membership.Role.STAFF)

    # An fills in a function and an expertise.
    log_in(page, coordinator.email)
    page.goto("/gemeenschap/profiel/")
    assert_accessible(page)
    assert "Huis van het Kind Geel" in page.locator("main").inner_text()
    page.get_by_label("Functie").fill("Trekker")
    page.get_by_label("Gezondheid").check()
    page.get_by_role("button", name="Opslaan").click()
    assert "Je profiel is bewaard." in page.locator(".messages").inner_text()
    assert page.get_by_label("Functie").input_value() == "Trekker"
    assert page.get_by_label("Gezondheid").is_checked()
    profile = Profile.objects.get(user=coordinator)
    assert profile.function == "Trekker"
    assert list(profile.expertise.all()) == [health]

    # The directory finds colleagues by expertise and by name, without JavaScript tricks.
    page.goto("/gemeenschap/leden/")
    assert page.locator("h1").inner_text() == "Leden"
    assert_accessible(page)
    page.locator("select[name='expertise']").select_option(health.slug)
    page.get_by_role("button", name="Toon").click()
    cards = page.locator("main .card")
    assert sorted(cards.locator("h2").all_inner_texts()) == ["An Peeters", "Sara Vermeulen"]
    page.get_by_label("Naam").fill("sara")
    page.get_by_role("button", name="Toon").click()
    assert "q=sara" in page.url and f"expertise={health.slug}" in page.url
    assert cards.locator("h2").all_inner_texts() == ["Sara Vermeulen"]
    assert "sara@huis-geel.test" not in page.content()
    assert_accessible(page)

    # ...and the colleague's page shows what she chose to show, not her e-mail address.
    page.get_by_role("link", name="Sara Vermeulen").click()
    assert page.locator("h1").inner_text() == "Sara Vermeulen"
    main = page.locator("main").inner_text()
    assert "Gezinsondersteuner" in main
    assert "Vraag me gerust." in main
    assert "Gezondheid" in main
    assert "Huis van het Kind Geel" in main
    assert "sara@huis-geel.test" not in main
    assert_accessible(page)
