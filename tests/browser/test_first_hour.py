"""A newcomer's first hour, in Chromium against a real Daphne, on a desktop and on a 375 px phone,
axe-clean on every page it visits and with the Content-Security-Policy on: the anonymous home
page → find a Huis by postcode (with and without JavaScript) → read a practice from the home page
→ sign up → verify from the mail → the start page prompts → ask to be linked to the Huis → an
administrator approves → join a group → mention a colleague through the autocomplete, by keyboard
→ the colleague's notification reads plain text."""

import re

import pytest

from community.models import IntervisionGroup, MembershipRequest, Municipality, Notification
from knowledge.models import LifeDomain, PracticeIndexPage, PracticePage, StandardPage
from tests.browser.test_group_journey import log_in
from tests.factories import PASSWORD, OrganisationFactory, UserFactory, group_create
from tests.support.mail import wait_for_link

SOFIE = "Sofie (HvhK Aalst)"
VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 375, "height": 812}}


@pytest.fixture
def aalst(transactional_db):
    """What a newcomer from Aalst meets: the Huis, a published practice, an open regional group
    whose facilitator is a colleague, and an administrator."""
    huis = OrganisationFactory(
        name="Huis van het Kind Aalst", municipalities=[Municipality.objects.get(nis_code="41002")]
    )
    knowledge = StandardPage.objects.get(slug="kennis")
    listing = knowledge.add_child(instance=PracticeIndexPage(title="Praktijkvoorbeelden", slug="praktijken"))
    practice = PracticePage(title="Babbelbox in de wachtzaal", summary="Ouders praten bij in de wachtzaal.", house=huis)
    practice.life_domains = [LifeDomain.objects.get(slug="gezondheid")]
    listing.add_child(instance=practice).save_revision().publish()
    sofie = UserFactory(email="sofie@huis-aalst.test", profile=SOFIE)
    group = group_create(
        facilitator=sofie, name="Intervisiegroep Denderregio", visibility=IntervisionGroup.Visibility.OPEN
    )
    admin = UserFactory(email="ilse@samenhuis.test", profile="Ilse Beheerder", is_superuser=True, is_staff=True)
    return {"huis": huis, "sofie": sofie, "group": group, "admin": admin}


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=list(VIEWPORTS))
def test_a_newcomers_first_hour(aalst, browser, server, mail_dir, assert_accessible, viewport):
    context = browser.new_context(base_url=server.url, locale="nl-BE", viewport=VIEWPORTS[viewport])
    page = context.new_page()

    # The anonymous home page answers "which Huis is mine?" on the page itself.
    page.goto("/")
    assert_accessible(page)
    page.evaluate("() => { window.sameDocument = true; }")
    page.get_by_label("Postcode of gemeente").fill("9300")
    page.get_by_role("button", name="Zoek", exact=True).click()
    answer = page.locator("#house-lookup-answer")
    answer.get_by_role("link", name="Huis van het Kind Aalst").wait_for()
    assert page.evaluate("() => window.sameDocument === true")  # answered in place, no page load
    assert_accessible(page)

    # The same without JavaScript: a plain GET form that answers on the home page.
    plain = browser.new_context(base_url=server.url, locale="nl-BE", java_script_enabled=False)
    plain_page = plain.new_page()
    plain_page.goto("/")
    plain_page.get_by_label("Postcode of gemeente").fill("Aalst")
    plain_page.get_by_role("button", name="Zoek", exact=True).click()
    assert "q=Aalst" in plain_page.url
    assert plain_page.locator("#house-lookup-answer").get_by_role("link", name="Huis van het Kind Aalst").is_visible()
    plain.close()

    # A practice, read from the home page.
    page.get_by_role("link", name="Babbelbox in de wachtzaal").first.click()
    assert page.locator("h1").inner_text() == "Babbelbox in de wachtzaal"
    assert_accessible(page)

    # Sign up and verify from the mail.
    page.goto("/")
    page.get_by_role("link", name="Account aanmaken").first.click()
    page.get_by_label("Weergavenaam").fill("Lotte (HvhK Aalst)")
    page.get_by_label("E-mail").fill("lotte@huis-aalst.test")
    page.get_by_label("Wachtwoord:", exact=True).fill(PASSWORD)
    page.get_by_label("Wachtwoord (bevestigen)").fill(PASSWORD)
    assert_accessible(page)
    page.get_by_role("button", name="Registreren").click()
    page.wait_for_url(re.compile(r"/accounts/confirm-email/$"))
    link = wait_for_link(mail_dir, to="lotte@huis-aalst.test", pattern=r"https?://\S+/accounts/confirm-email/\S+/")
    page.goto(link)
    assert_accessible(page)
    page.get_by_role("button", name="Bevestig").click()

    # The start page: a welcome and the prompts of a new account.
    page.goto("/")
    assert "Welkom, Lotte (HvhK Aalst)" in page.locator("h1").inner_text()
    assert_accessible(page)
    page.get_by_role("link", name="Koppel me aan mijn Huis").click()

    # Ask to be linked to the Huis; the page names who decides.
    page.get_by_label("Naam of gemeente van je organisatie").fill("Aalst")
    page.get_by_role("button", name="Zoeken").click()
    page.get_by_role("link", name="Vraag om gekoppeld te worden aan Huis van het Kind Aalst").click()
    assert "beheerders" in page.locator(".deciders").inner_text()
    assert_accessible(page)
    page.get_by_label("Coördinator").check()
    page.get_by_role("button", name="Verstuur je aanvraag").click()
    assert "Je aanvraag is verstuurd." in page.locator(".messages").inner_text()

    # An administrator approves (the Huis has no coordinator on Samenhuis yet).
    admin = browser.new_context(base_url=server.url, locale="nl-BE")
    admin_page = admin.new_page()
    log_in(admin_page, aalst["admin"].email)
    admin_page.goto("/gemeenschap/koppelen/beslissen/")
    admin_page.get_by_role("link", name="Beslis over de aanvraag van Lotte (HvhK Aalst)").click()
    assert_accessible(admin_page)
    admin_page.get_by_role("button", name="Keur de aanvraag van Lotte (HvhK Aalst) goed").click()
    admin.close()
    assert MembershipRequest.objects.get(person__email="lotte@huis-aalst.test").status == "approved"

    # The prompt is gone; she joins the open group and goes to its room.
    page.goto("/")
    assert page.get_by_role("link", name="Koppel me aan mijn Huis").count() == 0
    page.goto(aalst["group"].get_absolute_url())
    assert_accessible(page)
    page.get_by_role("button", name="Word lid van deze groep").click()
    page.get_by_role("link", name="Naar de gespreksruimte van de groep").click()
    page.wait_for_selector("html[data-room-socket='open']")
    assert_accessible(page)

    # Mention the facilitator through the autocomplete, by keyboard, and send with Ctrl+Enter.
    page.locator("textarea[name='body']").focus()
    page.keyboard.type("Dag @sof")
    page.get_by_role("listbox", name="Te vermelden personen").get_by_role("option", name=SOFIE).wait_for()
    assert_accessible(page)
    page.keyboard.press("Enter")
    page.keyboard.type("kan ik aansluiten bij het volgende intervisiemoment?")
    page.keyboard.press("Control+Enter")
    page.wait_for_function("() => document.querySelector(\"textarea[name='body']\").value === ''")
    assert page.locator(".message-list li[data-seq]").last.locator("span[data-person]").inner_text() == f"@{SOFIE}"
    context.close()

    # The colleague's notification reads plain text, on the page where she reads it.
    notification = Notification.objects.get(recipient=aalst["sofie"], text__contains="noemde je")
    assert "@**" not in notification.text
    assert f"@{SOFIE} kan ik aansluiten" in notification.text
    colleague = browser.new_context(base_url=server.url, locale="nl-BE", viewport=VIEWPORTS[viewport])
    colleague_page = colleague.new_page()
    log_in(colleague_page, aalst["sofie"].email)
    colleague_page.goto("/gemeenschap/meldingen/")
    assert notification.text in colleague_page.locator("main").inner_text()
    assert_accessible(colleague_page)
    colleague.close()
