"""Two people in one room, in Chromium against a real Daphne: A posts, B sees it live; B's page
goes offline, A posts three messages, B comes back and sees all three, in order, once. The room
is used by keyboard alone, new messages are announced in a live region, and axe finds nothing."""

import re

from tests.browser.test_group_journey import log_in
from tests.community.rooms import thematic_room
from tests.factories import UserFactory


def open_room(browser, server, user, room):
    context = browser.new_context(base_url=server.url, locale="nl-BE")
    page = context.new_page()
    page.set_default_timeout(10_000)
    log_in(page, user.email)
    page.goto(room.get_absolute_url())
    page.wait_for_selector("html[data-room-socket='open']")
    return context, page


def post_by_keyboard(page, text):
    page.locator("textarea[name='body']").focus()
    page.keyboard.type(text)
    page.keyboard.press("Tab")  # to the attachments field
    page.keyboard.press("Tab")  # to "Versturen"
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.querySelector(\"textarea[name='body']\").value === ''")


def shown_texts(page):
    return page.locator(".message-list li[data-seq] .message-item__body").all_inner_texts()


def test_live_room_offline_and_back(browser, server, assert_accessible):
    anna = UserFactory(email="anna@huis.test", profile="Anna Aerts")
    ben = UserFactory(email="ben@huis.test", profile="Ben Bosmans")
    room = thematic_room("gezondheid") or thematic_room()

    context_a, page_a = open_room(browser, server, anna, room)
    context_b, page_b = open_room(browser, server, ben, room)
    assert_accessible(page_b)

    post_by_keyboard(page_a, "Hallo Ben, zie je dit live?")
    page_b.wait_for_function("() => document.body.innerText.includes('zie je dit live?')")
    assert "Nieuw bericht van Anna Aerts" in page_b.locator("#room-announcer").inner_text()
    assert page_a.url.endswith(room.get_absolute_url())  # no page load: the socket carried it

    # B's page loses its connection; A goes on.
    context_b.set_offline(True)
    page_b.wait_for_selector("html[data-room-socket='closed']")
    for text in ("Eén", "Twee", "Drie"):
        post_by_keyboard(page_a, text)
    page_b.wait_for_timeout(500)
    assert "Drie" not in shown_texts(page_b)

    context_b.set_offline(False)
    page_b.wait_for_function("() => document.body.innerText.includes('Drie')", timeout=40_000)
    texts = shown_texts(page_b)
    assert texts == ["Hallo Ben, zie je dit live?", "Eén", "Twee", "Drie"]
    seqs = page_b.locator(".message-list li[data-seq]").evaluate_all("items => items.map(i => Number(i.dataset.seq))")
    assert seqs == sorted(set(seqs))
    assert_accessible(page_b)

    # The room list: unread counts, axe-clean.
    page_b.goto("/gemeenschap/gesprekken/")
    assert page_b.get_by_role("heading", level=1).inner_text() == "Gespreksruimtes"
    assert_accessible(page_b)
    page_b.get_by_role("link", name=re.compile(room.name)).first.click()
    page_b.wait_for_selector("html[data-room-socket='open']")

    context_a.close()
    context_b.close()
