"""Needs and offers in Chromium, axe-clean on every page: a supra-local organisation's staff member
publishes an offer, a Huis's coordinator publishes a need, sees the offer among its matches and
says "interested", the staff member then sees the Huis's contact; the coordinator fills in the
roadmap, prints its poster and downloads it as a PDF, and closes the need as answered. Also the
staff member's choice to hear of matches by e-mail, the offer on the organisation's directory
page, and the regional overview with its overview by province."""

import re

from community.models import Municipality, Organisation, Region
from exchange.models import Need, Offer
from knowledge.models import LifeDomain
from tests.factories import PASSWORD, OrganisationFactory, member_of


def log_in(page, email, next_url="/"):
    page.goto(f"/accounts/login/?next={next_url}")
    page.locator("input[name='login']").fill(email)
    page.locator("input[name='password']").fill(PASSWORD)
    page.locator("form button[type='submit']").last.click()
    page.wait_for_url(re.compile(re.escape(next_url) + "$"))


def log_out(page):
    page.context.clear_cookies()


def test_offer_need_match_handshake_and_roadmap(page, server, assert_accessible):
    geel = OrganisationFactory(
        name="Huis van het Kind Geel", municipalities=[Municipality.objects.get(nis_code="13008")]
    )
    caw = OrganisationFactory(name="CAW Kempen", kind=Organisation.Kind.SUPRA_LOCAL)
    coordinator = member_of(geel, role="coordinator", email="an@huis-geel.test", profile="An Peeters")
    coordinator.profile.share_email = True
    coordinator.profile.save()
    staff = member_of(caw, role="staff", email="karel@caw.test", profile="Karel Claes")
    parenting = LifeDomain.objects.get(slug="ouderschaps-en-opvoedingsondersteuning")
    kempen = Region.objects.get(slug="referentieregio-kempen")

    # The staff member publishes an offer for the Kempen.
    log_in(page, staff.email, next_url="/uitwisseling/aanbod/nieuw/")
    assert_accessible(page)
    page.locator("input[name='title']").fill("Vorming rond opvoedingsvragen")
    page.locator("textarea[name='description']").fill("Een halve dag vorming voor onthaalmedewerkers.")
    page.locator("select[name='format']").select_option("training")
    page.locator("select[name='regions']").select_option(str(kempen.pk))
    page.locator("main button[type='submit']").last.click()
    # A mistake first: no life domain. The form comes back with the input kept.
    assert page.locator(".errorlist").first.is_visible()
    assert page.locator("input[name='title']").input_value() == "Vorming rond opvoedingsvragen"
    assert_accessible(page)
    page.locator(f"input[name='life_domains'][value='{parenting.pk}']").check()
    page.locator("main button[type='submit']").last.click()
    offer = Offer.objects.get()
    page.wait_for_url(re.compile(rf"/uitwisseling/aanbod/{offer.pk}/$"))
    assert_accessible(page)
    # They choose to hear of new matches by e-mail too, from the index.
    page.goto("/uitwisseling/")
    page.get_by_role("link", name="Meldingen van nieuwe matches").click()
    page.wait_for_url(re.compile(r"/uitwisseling/meldingen/$"))
    assert_accessible(page)
    page.get_by_label("In de app en per e-mail").check()
    page.get_by_role("button", name="Opslaan").click()
    assert page.get_by_text("Je keuze is bewaard.").is_visible()
    assert page.get_by_label("In de app en per e-mail").is_checked()
    assert_accessible(page)
    log_out(page)

    # The organisation's page in the directory shows the offer, also to visitors without an account.
    page.goto(caw.get_absolute_url())
    assert page.locator("#section-offers-heading").is_visible()
    assert page.get_by_role("link", name="Vorming rond opvoedingsvragen").is_visible()
    assert_accessible(page)

    # The coordinator publishes a need; the offer is among its matches.
    log_in(page, coordinator.email, next_url="/uitwisseling/noden/nieuw/")
    assert_accessible(page)
    page.locator("input[name='title']").fill("Iemand die ons leert praten over opvoeding")
    page.locator(f"input[name='life_domains'][value='{parenting.pk}']").check()
    page.locator("main button[type='submit']").last.click()
    need = Need.objects.get()
    page.wait_for_url(re.compile(rf"/uitwisseling/noden/{need.pk}/$"))
    assert_accessible(page)
    matches = page.locator("#matching-offers").locator("..")
    assert matches.get_by_role("link", name="Vorming rond opvoedingsvragen").is_visible()
    matches.get_by_role("button", name=re.compile("^Interesse")).click()
    page.wait_for_url(re.compile(rf"/uitwisseling/noden/{need.pk}/$"))
    assert page.get_by_text("Het Huis heeft interesse.").is_visible()
    assert_accessible(page)

    # The roadmap: start this year's, fill in one life domain.
    page.goto("/uitwisseling/routekaart/")
    assert_accessible(page)
    page.get_by_role("button", name=re.compile("^Routekaart .* beginnen$")).click()
    page.wait_for_url(re.compile(r"/uitwisseling/routekaart/[\w-]+/\d{4}/$"))
    assert_accessible(page)
    page.get_by_role("link", name=re.compile(rf"^Invullen\s*: {re.escape(parenting.name)}$")).click()
    assert_accessible(page)
    page.locator("fieldset").first.get_by_label("Beschikbaar").check()
    page.get_by_role("button", name="Opslaan").click()
    page.wait_for_url(re.compile(r"/uitwisseling/routekaart/[\w-]+/\d{4}/$"))
    assert page.locator(".roadmap-status--available").first.is_visible()
    page.get_by_role("link", name="Affiche om af te drukken").click()
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download ze als pdf").click()
    assert download.value.suggested_filename.endswith(".pdf")
    log_out(page)

    # The staff member sees the Huis's contact on the offer's page.
    log_in(page, staff.email, next_url=f"/uitwisseling/aanbod/{offer.pk}/")
    assert page.get_by_role("link", name=coordinator.email).is_visible()
    assert_accessible(page)
    # The regional overview, with the map-like overview by province.
    page.goto(f"/uitwisseling/regio/?regio={kempen.slug}")
    assert page.locator(".province-map__tile", has_text="Antwerpen").is_visible()
    assert_accessible(page)
    log_out(page)

    # The coordinator closes the need as answered by the offer.
    log_in(page, coordinator.email, next_url=f"/uitwisseling/noden/{need.pk}/afsluiten/")
    assert_accessible(page)
    page.get_by_label("Beantwoord door een aanbod").check()
    page.locator("select[name='answered_by']").select_option(str(offer.pk))
    page.locator("textarea[name='note']").fill("De vorming is gepland.")
    page.locator("main button[type='submit']").last.click()
    page.wait_for_url(re.compile(rf"/uitwisseling/noden/{need.pk}/$"))
    need.refresh_from_db()
    assert need.answered_by == offer
    assert_accessible(page)
