"""A member links herself to her Huis: from her profile she finds it by municipality, reads who
decides, asks as a staff member; the coordinator approves in his own session; her profile shows
the Huis. In Chromium, axe-clean, with the Content-Security-Policy on."""

import re

from community import services
from community.models import Membership, MembershipRequest, Municipality
from tests.factories import PASSWORD, OrganisationFactory, UserFactory


def log_in(page, email):
    page.goto("/accounts/login/")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Wachtwoord:", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Aanmelden").click()
    page.wait_for_url(re.compile(r"/$"))


def test_ask_to_be_linked_get_approved_and_see_the_huis_on_the_profile(page, browser, server, assert_accessible):
    asker = UserFactory(email="an@huis-geel.test", profile="An Peeters")
    coordinator = UserFactory(email="karim@huis-geel.test", profile="Karim Janssens")
    geel = OrganisationFactory(
        name="Huis van het Kind Geel", municipalities=[Municipality.objects.get(nis_code="13008")]
    )
    services.membership_save(person=coordinator, organisation=geel, role=Membership.Role.COORDINATOR)

    # From her profile, An finds the Huis by its municipality.
    log_in(page, asker.email)
    page.goto("/gemeenschap/profiel/")
    page.get_by_role("link", name="Koppel je aan je organisatie").click()
    assert page.locator("h1").inner_text() == "Koppel je aan je organisatie"
    assert_accessible(page)
    page.get_by_label("Naam of gemeente van je organisatie").fill("Geel")
    page.get_by_role("button", name="Zoeken").click()
    assert "1 organisatie gevonden" in page.get_by_role("status").inner_text()
    assert_accessible(page)
    page.get_by_role("link", name="Vraag om gekoppeld te worden aan Huis van het Kind Geel").click()

    # The page says who decides, and she asks as a staff member.
    assert "Wie beslist: de coördinator van Huis van het Kind Geel, Karim Janssens." in (
        page.locator(".deciders").inner_text().replace("\n", " ")
    )
    assert_accessible(page)
    page.get_by_role("button", name="Verstuur je aanvraag").click()  # no role chosen yet
    assert "Dit is een verplicht veld." in page.locator("main").inner_text()
    page.get_by_label("Medewerker").check()
    page.get_by_label("Bericht aan wie beslist").fill("Ik werk sinds januari in het Huis.")
    page.get_by_role("button", name="Verstuur je aanvraag").click()
    assert "Je aanvraag is verstuurd." in page.locator(".messages").inner_text()
    assert "Je open aanvragen" in page.locator("main").inner_text()
    assert_accessible(page)

    # Karim approves in his own session.
    context = browser.new_context(base_url=server.url, locale="nl-BE")
    coordinator_page = context.new_page()
    log_in(coordinator_page, coordinator.email)
    coordinator_page.goto("/gemeenschap/koppelen/beslissen/")
    assert_accessible(coordinator_page)
    coordinator_page.get_by_role("link", name="Beslis over de aanvraag van An Peeters").click()
    assert "Ik werk sinds januari in het Huis." in coordinator_page.locator("main").inner_text()
    assert_accessible(coordinator_page)
    coordinator_page.get_by_role("button", name="Keur de aanvraag van An Peeters goed").click()
    assert "An Peeters is nu gekoppeld aan Huis van het Kind Geel." in (
        coordinator_page.locator(".messages").inner_text()
    )
    context.close()
    assert MembershipRequest.objects.get(person=asker).status == MembershipRequest.Status.APPROVED

    # An's profile shows the Huis.
    page.goto(f"/gemeenschap/leden/{asker.pk}/")
    organisations = page.get_by_role("region", name="Organisaties")
    assert organisations.get_by_role("link", name="Huis van het Kind Geel").is_visible()
    assert "Medewerker" in organisations.inner_text()
    assert_accessible(page)


def test_propose_an_organisation_that_is_not_listed(page, assert_accessible):
    asker = UserFactory(email="lien@huis-laakdal.test", profile="Lien Claes")
    UserFactory(email="ilse@samenhuis.test", profile="Ilse Beheerder", is_superuser=True, is_staff=True)
    OrganisationFactory(name="Huis van het Kind Geel", municipalities=[Municipality.objects.get(nis_code="13008")])

    log_in(page, asker.email)
    page.goto("/gemeenschap/koppelen/?q=Laakdal")
    assert "0 organisaties gevonden" in page.get_by_role("status").inner_text()
    page.get_by_role("link", name="Stel ze voor").click()
    assert "Wie beslist: de beheerders van het platform: Ilse Beheerder." in (
        page.locator(".deciders").inner_text().replace("\n", " ")
    )
    assert page.get_by_label("Naam van de organisatie").input_value() == "Laakdal"
    assert_accessible(page)

    # A Huis for a municipality another Huis covers is refused at the municipalities, input kept.
    page.get_by_label("Naam van de organisatie").fill("Huis van het Kind Laakdal")
    page.get_by_label("Huis van het Kind", exact=True).check()
    page.get_by_label("Gemeenten").fill("Laakdal, Geel")
    page.get_by_label("Coördinator/trekker").check()
    page.get_by_role("button", name="Verstuur je voorstel").click()
    assert "Geel valt al onder Huis van het Kind Geel." in page.locator(".field--error").inner_text()
    assert page.get_by_label("Naam van de organisatie").input_value() == "Huis van het Kind Laakdal"
    assert_accessible(page)

    page.get_by_label("Gemeenten").fill("Laakdal")
    page.get_by_role("button", name="Verstuur je voorstel").click()
    assert "Je voorstel is naar de beheerders van het platform gestuurd." in page.locator(".messages").inner_text()
    assert "Huis van het Kind Laakdal (je voorstel van een nieuwe organisatie)" in page.locator("main").inner_text()
    assert_accessible(page)
    assert MembershipRequest.objects.get(person=asker).proposed_name == "Huis van het Kind Laakdal"
