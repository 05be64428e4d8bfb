"""A room by keyboard, in Chromium against a real Daphne (docs/realtime.md, "By keyboard").

From the top of a room with 20 messages the message box is two Tab presses away (the site's
skip link, then "Naar het berichtvak"); a message's six reactions are one stop, "Reageer".
Typing "@so" offers the room's people as a listbox the textarea points into; arrows and Enter
insert the name, never markup; Ctrl+Enter sends; the colleague's live notification reads plain
text. axe finds nothing, with the suggestions open too.
"""

import re

from playwright.sync_api import expect

from community.models import Notification
from rooms.models import Message
from tests.browser.test_group_journey import log_in
from tests.browser.test_room_live import open_room
from tests.factories import UserFactory
from tests.rooms.support import post, thematic_room

SOFIE = "Sofie (HvhK Aalst)"
FOCUSED_IS_MESSAGE_BOX = "() => document.activeElement === document.querySelector(\"textarea[name='body']\")"


def tab(page) -> str:
    """Press Tab; the focused element's accessible text (or its tag)."""
    page.keyboard.press("Tab")
    return page.evaluate("() => (document.activeElement.innerText || document.activeElement.tagName).trim()")


def a_room_with_twenty_messages(anna):
    room = thematic_room()
    ben = UserFactory(email="ben@huis.test", profile="Ben Bosmans")
    for n in range(20):
        post(room, anna if n % 2 else ben, f"Bericht {n + 1}")
    return room


def test_two_tab_presses_from_the_top_to_the_message_box_and_one_stop_per_reactions(browser, server, assert_accessible):
    anna = UserFactory(email="anna@huis.test", profile="Anna Aerts")
    room = a_room_with_twenty_messages(anna)
    context, page = open_room(browser, server, anna, room)
    assert page.locator(".message-list li[data-seq]").count() == 20
    assert_accessible(page)

    # From the top: the site's skip link, then the room's.
    assert tab(page) == "Naar de hoofdinhoud"
    page.keyboard.press("Enter")
    assert tab(page) == "Naar het berichtvak"
    page.keyboard.press("Enter")
    assert page.evaluate(FOCUSED_IS_MESSAGE_BOX)

    # Straight through everything, the reactions cost one stop per message (it was six).
    page.goto(room.get_absolute_url())
    page.wait_for_selector("html[data-room-socket='open']")
    stops = []
    while len(stops) < 300 and not page.evaluate(FOCUSED_IS_MESSAGE_BOX):
        stops.append(tab(page))
    assert stops.count("Reageer") == 20
    assert not any(stop.startswith("Reageer met") for stop in stops)
    assert len(stops) <= 110, len(stops)  # 202 before: ten per message

    # "Reageer" opens the six; a choice goes over the socket and focus stays on "Reageer".
    first = page.locator(".message-list li[data-seq]").first
    first.locator("summary").focus()
    page.keyboard.press("Enter")
    assert first.get_by_role("button").count() == 6
    assert_accessible(page)
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_function(
        "() => document.querySelector('.message-list li[data-seq] .reactions')?.innerText.includes('1')"
    )
    assert page.url.endswith(room.get_absolute_url())  # no page load
    assert page.evaluate("() => document.activeElement.matches('.message-list li[data-seq]:first-child summary')")
    assert not page.locator(".message-list li[data-seq]").first.locator("details").get_attribute("open")
    context.close()


def test_without_javascript_reageer_still_opens_the_six_reactions(browser, server):
    anna = UserFactory(email="anna@huis.test", profile="Anna Aerts")
    room = a_room_with_twenty_messages(anna)
    context = browser.new_context(base_url=server.url, locale="nl-BE", java_script_enabled=False)
    page = context.new_page()
    log_in(page, anna.email)
    page.goto(room.get_absolute_url())
    message = page.locator(".message-list li[data-seq]").first
    message.get_by_text("Reageer", exact=True).click()
    message.get_by_role("button", name="Reageer met duim omhoog").click()
    assert page.locator(".message-list li[data-seq]").first.locator(".reactions").inner_text().startswith("👍 1")
    context.close()


def test_mention_by_keyboard_ctrl_enter_sends_and_the_colleague_reads_plain_text(browser, server, assert_accessible):
    anna = UserFactory(email="anna@huis.test", profile="Anna Aerts")
    sofie = UserFactory(email="sofie@huis.test", profile=SOFIE)
    UserFactory(email="soetkin@huis.test", profile="Soetkin Claes")
    room = thematic_room()
    context_s, page_s = open_room(browser, server, sofie, room)
    context_a, page_a = open_room(browser, server, anna, room)

    textarea = page_a.locator("textarea[name='body']")
    textarea.focus()
    page_a.keyboard.type("Kan @so")
    listbox = page_a.get_by_role("listbox", name="Te vermelden personen")
    options = listbox.get_by_role("option")
    # The list answers every keystroke ("@", "@s", "@so"): wait for the answer to the last one.
    expect(options).to_have_text(["Soetkin Claes", SOFIE])
    assert textarea.get_attribute("aria-autocomplete") == "list"
    assert textarea.get_attribute("aria-controls") == listbox.get_attribute("id")
    assert textarea.get_attribute("aria-activedescendant") == options.first.get_attribute("id")
    assert "Suggesties: 2" in page_a.locator("[data-composer-status]").inner_text()
    assert_accessible(page_a)  # with the suggestions open

    page_a.keyboard.press("ArrowDown")
    assert textarea.get_attribute("aria-activedescendant") == options.nth(1).get_attribute("id")
    assert options.nth(1).get_attribute("aria-selected") == "true"
    page_a.keyboard.press("Enter")
    assert textarea.input_value() == f"Kan @{SOFIE} "
    assert listbox.is_hidden()
    assert page_a.locator("[data-composer-status]").inner_text() == f"Je vermeldt {SOFIE}."
    assert page_a.locator("[data-mention-ids]").input_value() == str(sofie.pk)

    # Escape closes the suggestions and keeps what was typed.
    page_a.keyboard.type("dat met @so")
    options.first.wait_for()
    page_a.keyboard.press("Escape")
    assert listbox.is_hidden()
    for _ in range("@so".__len__()):
        page_a.keyboard.press("Backspace")
    page_a.keyboard.type("jou bekijken?")
    assert textarea.input_value() == f"Kan @{SOFIE} dat met jou bekijken?"

    page_a.keyboard.press("Control+Enter")
    page_a.wait_for_function("() => document.querySelector(\"textarea[name='body']\").value === ''")
    assert page_a.url.endswith(room.get_absolute_url())  # over the socket, no page load
    mention = page_a.locator(".message-list li[data-seq]").last.locator("span[data-person]")
    assert mention.inner_text() == f"@{SOFIE}"
    assert page_a.locator("[data-mention-ids]").input_value() == ""

    message = Message.objects.get(room=room)
    assert list(message.mentions.all()) == [sofie]
    assert message.body == f"Kan @{SOFIE} dat met jou bekijken?"
    expected = f"Anna Aerts noemde je in {room.name}: “Kan @{SOFIE} dat met jou bekijken?”"
    assert Notification.objects.get(recipient=sofie).text == expected
    toast = page_s.locator("#live-notifications")
    toast.get_by_text(re.compile("noemde je")).wait_for()
    assert "@**" not in toast.inner_text() and f"@{SOFIE} dat met jou" in toast.inner_text()
    assert page_s.locator(".message-list li[data-seq] span[data-person]").inner_text() == f"@{SOFIE}"
    assert_accessible(page_a)
    context_a.close()
    context_s.close()
