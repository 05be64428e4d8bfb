"""The data export in Chromium, axe-clean (issue 18; docs/privacy.md, "Export"): a member finds
"Je gegevens" among their account pages, asks for their data, sees the progress while the
scheduled job builds it (here called directly, as `manage.py serve`'s scheduler would), sees the
download link appear without reloading, downloads the ZIP and finds their own messages in it;
a second request the same day is refused with the time it becomes possible."""

import json
import re
import zipfile

from django.core import mail

from privacy import exports
from privacy.models import DataExport
from rooms import services as room_services
from tests.factories import PASSWORD, UserFactory
from tests.rooms.support import thematic_room


def log_in(page, email, next_url="/"):
    page.goto(f"/accounts/login/?next={next_url}")
    page.locator("input[name='login']").fill(email)
    page.locator("input[name='password']").fill(PASSWORD)
    page.locator("form button[type='submit']").last.click()
    page.wait_for_url(re.compile(re.escape(next_url) + "$"))


def test_ask_follow_and_download_your_data(page, server, assert_accessible, tmp_path):
    person = UserFactory(email="anna@huis-geel.test", profile="Anna Peeters")
    room_services.room_message_post(room=thematic_room(), author=person, body="Mijn eigen bericht", client_id="m1")

    # The account pages link to it.
    log_in(page, person.email, next_url="/accounts/email/")
    page.get_by_role("navigation", name="Account").get_by_role("link", name="Je gegevens").click()
    page.wait_for_url(re.compile(r"/account/gegevens/$"))
    assert page.get_by_role("heading", name="Je gegevens", level=1).is_visible()
    assert page.get_by_role("link", name="Zo verwijder je je account").is_visible()
    assert_accessible(page)

    # Asking: the page confirms and shows the export waiting, with its progress.
    page.get_by_role("button", name="Vraag je gegevens op").click()
    page.wait_for_url(re.compile(r"/account/gegevens/$"))
    assert page.get_by_text("Je aanvraag is ontvangen.").is_visible()
    assert page.locator("progress").is_visible()
    assert page.get_by_role("link", name="Vernieuw").is_visible()
    assert page.get_by_text("Je kunt opnieuw een aanvraag doen vanaf").is_visible()
    assert page.get_by_role("button", name="Vraag je gegevens op").count() == 0
    assert_accessible(page)

    # The job builds it; the page's script shows the download link without a reload.
    assert exports.exports_build_pending() == 1
    export = DataExport.objects.get(person=person)
    download_link = page.get_by_role("link", name="Download je gegevens")
    download_link.wait_for(timeout=15_000)
    assert page.get_by_text(re.compile(r"Beschikbaar tot \d")).is_visible()
    assert page.locator("progress").count() == 0
    assert_accessible(page)

    # The mail names the same link.
    (message,) = [message for message in mail.outbox if message.to == [person.email]]
    assert f"/account/gegevens/{export.pk}/{export.token}/" in message.body

    with page.expect_download() as download:
        download_link.click()
    assert re.fullmatch(r"samenhuis-gegevens-\d{4}-\d\d-\d\d\.zip", download.value.suggested_filename)
    saved = tmp_path / "export.zip"
    download.value.save_as(saved)
    with zipfile.ZipFile(saved) as zipped:
        messages = json.loads(zipped.read("messages.json"))
        assert [item["body"] for item in messages] == ["Mijn eigen bericht"]
        assert "README.txt" in zipped.namelist()
    page.context.clear_cookies()

    export.file.delete(save=False)
