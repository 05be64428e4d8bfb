"""The audit trail in the CMS (issue 18): a superuser finds it under Instellingen, reads it in Dutch
and narrows it by action; the screen holds the CMS's security policy and passes axe."""

import re

from django.urls import reverse

from community.models import AuditEvent
from community.services.audit import audit_record
from tests.browser.conftest import axe_violations
from tests.factories import PASSWORD, UserFactory

# Wagtail's filter button shows the number of active filters ("1") next to its icon while its name is
# "Filters tonen" (wagtailadmin/shared/headers/_filters.html): every filtered listing in the CMS has
# it, ours included. It is Wagtail's markup; nothing else may fail.
WAGTAIL_FILTER_COUNT = (
    "label-content-name-mismatch: Elements must have their visible text as part of their accessible name "
    "(.w-dropdown__toggle)"
)


def log_in(page, email, next_url):
    page.goto(f"/accounts/login/?next={next_url}")
    page.locator("input[name='login']").fill(email)
    page.locator("input[name='password']").fill(PASSWORD)
    page.locator("form button[type='submit']").last.click()
    page.wait_for_url(re.compile(re.escape(next_url) + "$"))


def test_a_superuser_reads_and_filters_the_audit_trail(page, security_headers, assert_accessible):
    administrator = UserFactory(email="beheer@huis.test", profile="Bea Beheer", is_superuser=True, is_staff=True)
    audit_record(
        actor=administrator,
        action=AuditEvent.Action.MESSAGE_HIDDEN,
        subject=41,
        target="ruimte Opvoeden, bericht 7",
        reason="Een adres van een gezin.",
    )
    audit_record(actor=administrator, action=AuditEvent.Action.ATTENDEES_EXPORTED, target="Netwerknamiddag Kempen")
    errors = []
    page.on("pageerror", lambda error: errors.append(f"{page.url}: {error}"))

    log_in(page, administrator.email, "/cms/")
    page.get_by_role("button", name="Instellingen").click()
    page.get_by_role("link", name="Audittrail").click()
    page.wait_for_url(re.compile(re.escape(reverse("community_audit:index")) + "$"))
    page.wait_for_load_state("networkidle")

    assert "Audittrail" in page.locator("h1").first.inner_text()
    table = page.locator("table.listing")
    assert table.locator("tbody tr").count() == 2
    assert "exporteerde een deelnemerslijst" in table.locator("tbody tr").first.inner_text()  # newest first
    assert "Een adres van een gezin." in table.inner_text() and "Bea Beheer" in table.inner_text()
    assert_accessible(page)

    page.goto(reverse("community_audit:index") + "?action=" + AuditEvent.Action.MESSAGE_HIDDEN)
    page.wait_for_load_state("networkidle")
    rows = page.locator("table.listing tbody tr")
    assert rows.count() == 1 and "ruimte Opvoeden, bericht 7" in rows.first.inner_text()
    assert [violation for violation in axe_violations(page) if violation != WAGTAIL_FILTER_COUNT] == []

    assert not errors, "JavaScript errors in the CMS:\n" + "\n".join(errors)
    assert not security_headers.problems, "\n".join(security_headers.problems)
