"""A notification sent on the server reaches the open browser page over the websocket."""

import os

import pytest

from tests.factories import PASSWORD, UserFactory
from tests.support.servers import DaphneServer


def log_in(page, email):
    page.goto("/accounts/login/")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Wachtwoord:", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Aanmelden").click()
    page.wait_for_selector("html[data-notifications-socket='open']")


def test_server_side_notification_appears_live(page):
    UserFactory(email="live@huis.test")
    log_in(page, "live@huis.test")
    page.goto("/gemeenschap/meldingen/")
    page.wait_for_selector("html[data-notifications-socket='open']")

    # A second tab posts the form; the first tab only has its socket to learn about it.
    other = page.context.new_page()
    other.goto("/gemeenschap/meldingen/")
    other.get_by_role("button", name="Stuur mij een testmelding").click()

    toast = page.locator("#live-notifications .toast")
    toast.wait_for()
    assert "Testmelding" in toast.inner_text()
    assert page.locator("[data-unread-number]").inner_text() == "1"


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL: two Daphne processes share Redis")
def test_notification_crosses_two_daphne_processes_through_redis(page, browser, server, mail_dir):
    UserFactory(email="twee@huis.test")
    log_in(page, "twee@huis.test")  # this page's socket lives on the first process
    second = DaphneServer(mail_dir=mail_dir).start()
    try:
        context = browser.new_context(base_url=second.url, locale="nl-BE")
        other = context.new_page()
        log_in(other, "twee@huis.test")
        other.goto("/gemeenschap/meldingen/")
        other.get_by_role("button", name="Stuur mij een testmelding").click()
        toast = page.locator("#live-notifications .toast")
        toast.wait_for()
        assert "Testmelding" in toast.inner_text()
        context.close()
    finally:
        second.stop()
