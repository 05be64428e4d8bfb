"""A newcomer signs up, verifies the e-mail, logs in and out, and switches language: in Chromium."""

import re

from tests.factories import PASSWORD, UserFactory
from tests.support.mail import wait_for_link


def test_sign_up_verify_log_in_log_out(page, server, mail_dir, assert_accessible):
    page.goto("/accounts/signup/")
    assert page.locator("h1").inner_text() == "Registreren"
    assert_accessible(page)

    page.get_by_label("Weergavenaam").fill("Lien van Huis Geel")
    page.get_by_label("E-mail").fill("lien@huis-geel.test")
    page.get_by_label("Wachtwoord:", exact=True).fill(PASSWORD)
    page.get_by_label("Wachtwoord (bevestigen)").fill(PASSWORD)
    page.get_by_role("button", name="Registreren").click()

    # Mandatory verification: no access before the link in the e-mail is followed.
    page.wait_for_url(re.compile(r"/accounts/confirm-email/$"))
    link = wait_for_link(mail_dir, to="lien@huis-geel.test", pattern=r"https?://\S+/accounts/confirm-email/\S+/")
    assert link.startswith(server.url)
    page.goto(link)
    page.get_by_role("button", name="Bevestig").click()
    assert page.get_by_role("link", name="Lien van Huis Geel").is_visible()

    page.get_by_role("button", name="Afmelden").click()
    assert page.get_by_role("banner").get_by_role("link", name="Aanmelden").is_visible()

    page.goto("/accounts/login/")
    assert_accessible(page)
    page.get_by_label("E-mail").fill("lien@huis-geel.test")
    page.get_by_label("Wachtwoord:", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Aanmelden").click()
    assert page.get_by_role("link", name="Lien van Huis Geel").is_visible()


def test_wrong_password_keeps_the_email_and_says_why(page):
    UserFactory(email="an@huis.test")
    page.goto("/accounts/login/")
    page.get_by_label("E-mail").fill("an@huis.test")
    page.get_by_label("Wachtwoord:", exact=True).fill("niet-het-wachtwoord")
    page.get_by_role("button", name="Aanmelden").click()
    assert "niet correct" in page.locator(".form-errors").inner_text()
    assert page.get_by_label("E-mail").input_value() == "an@huis.test"


def test_language_switch_to_english_and_back(page, assert_accessible):
    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "nl-BE"
    assert page.get_by_role("navigation", name="Hoofdnavigatie").get_by_role("link", name="Kennis").is_visible()
    assert_accessible(page)

    page.get_by_role("button", name="English").click()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("navigation", name="Main navigation").get_by_role("link", name="Knowledge").is_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Nederlands").click()
    assert page.locator("html").get_attribute("lang") == "nl-BE"


def test_password_reset_page_is_accessible(page, mail_dir, assert_accessible):
    UserFactory(email="reset@huis.test")
    page.goto("/accounts/password/reset/")
    assert_accessible(page)
    page.get_by_label("E-mail").fill("reset@huis.test")
    page.get_by_role("button", name=re.compile("Herstel|Reset", re.IGNORECASE)).click()
    link = wait_for_link(mail_dir, to="reset@huis.test", pattern=r"https?://\S+/accounts/password/reset/key/\S+/")
    assert "/accounts/password/reset/key/" in link


def test_skip_link_moves_focus_to_main(page):
    page.goto("/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Naar de hoofdinhoud")
    assert skip.evaluate("element => element === document.activeElement")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_layout_holds_at_320_pixels(browser, server):
    context = browser.new_context(base_url=server.url, viewport={"width": 320, "height": 640})
    page = context.new_page()
    page.goto("/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    context.close()
