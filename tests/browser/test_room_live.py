"""Two people in one room, in Chromium against a real Daphne: A posts, B sees it live; B's page
goes offline, A posts three messages, B comes back and sees all three, in order, once. The room
is used by keyboard alone, new messages are announced in a live region, and axe finds nothing."""

import json
import os
import re

import pytest

from community.models import Notification
from tests.browser.test_group_journey import log_in
from tests.factories import UserFactory
from tests.rooms.support import post, thematic_room
from tests.support.servers import DaphneServer


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


def test_mention_by_keyboard_then_thread_edit_report_and_moderation_pages(browser, server, assert_accessible):
    """@ offers the room's readers; arrows and Enter insert the mention; the mentioned person is
    told. The message's own pages (thread, edit, report) and the moderators' queue pass axe."""
    anna = UserFactory(email="anna@huis.test", profile="Anna Aerts")
    ben = UserFactory(email="ben@huis.test", profile="Ben Bosmans")
    UserFactory(email="bert@huis.test", profile="Bert Baeten")
    admin = UserFactory(email="admin@huis.test", profile="Ada Admin", is_superuser=True)
    room = thematic_room()

    context_a, page_a = open_room(browser, server, anna, room)
    textarea = page_a.locator("textarea[name='body']")
    textarea.focus()
    page_a.keyboard.type("Vraag voor @Be")
    options = page_a.get_by_role("listbox", name="Te vermelden personen").get_by_role("option")
    options.first.wait_for()
    assert options.all_inner_texts() == ["Ben Bosmans", "Bert Baeten"]
    assert textarea.get_attribute("aria-activedescendant") == options.first.get_attribute("id")
    assert "Suggesties: 2" in page_a.locator("[data-composer-status]").inner_text()
    page_a.keyboard.press("ArrowDown")
    page_a.keyboard.press("ArrowUp")
    page_a.keyboard.press("Enter")
    assert textarea.input_value() == "Vraag voor @Ben Bosmans "  # people never see markup
    assert page_a.get_by_role("listbox").is_hidden()
    page_a.keyboard.type("hoe pakken jullie dat aan?")
    page_a.keyboard.press("Tab")
    page_a.keyboard.press("Tab")
    page_a.keyboard.press("Enter")
    page_a.wait_for_function("() => document.querySelector(\"textarea[name='body']\").value === ''")
    mention = page_a.locator(".message-list li[data-seq] span[data-person]").first
    assert mention.inner_text() == "@Ben Bosmans"
    told = Notification.objects.get(recipient=ben)
    assert told.text.startswith("Anna Aerts noemde je in")

    # Ben answers in the thread, then reports; his own pages are axe-clean.
    context_b, page_b = open_room(browser, server, ben, room)
    seq = page_b.locator(".message-list li[data-seq]").last.get_attribute("data-seq")
    page_b.goto(f"{room.get_absolute_url()}{seq}/")
    assert_accessible(page_b)
    page_b.goto(f"{room.get_absolute_url()}{seq}/melden/")
    assert_accessible(page_b)
    page_b.get_by_label("Het is reclame of spam").check()
    page_b.get_by_role("button", name="Melden", exact=True).click()
    page_a.goto(f"{room.get_absolute_url()}{seq}/bewerken/")
    assert_accessible(page_a)

    context_m, page_m = open_room(browser, server, admin, room)
    page_m.goto("/gemeenschap/moderatie/")
    assert page_m.get_by_role("heading", level=1).inner_text() == "Moderatie"
    assert "Vraag voor" in page_m.locator("main").inner_text()
    assert_accessible(page_m)
    for context in (context_a, context_b, context_m):
        context.close()


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL: two Daphne processes share Redis")
def test_message_crosses_two_daphne_processes_through_redis(browser, server, mail_dir):
    """A reads on one Daphne process, B posts through another; Redis carries the announcement."""
    anna = UserFactory(email="anna@huis.test", profile="Anna Aerts")
    ben = UserFactory(email="ben@huis.test", profile="Ben Bosmans")
    room = thematic_room()
    context_a, page_a = open_room(browser, server, anna, room)
    second = DaphneServer(mail_dir=mail_dir).start()
    try:
        context_b, page_b = open_room(browser, second, ben, room)
        post_by_keyboard(page_b, "Over de brug tussen twee processen")
        page_a.wait_for_function("() => document.body.innerText.includes('tussen twee processen')")
        assert shown_texts(page_a) == ["Over de brug tussen twee processen"]
        context_b.close()
    finally:
        second.stop()
    context_a.close()


def test_nothing_lost_across_a_server_restart(browser, server, mail_dir):
    """The server goes away, three messages are stored meanwhile, a new server starts on the same
    address: the page reconnects by itself and shows the three, in order, once."""
    anna = UserFactory(email="anna@huis.test", profile="Anna Aerts")
    ben = UserFactory(email="ben@huis.test", profile="Ben Bosmans")
    room = thematic_room()
    post(room, anna, "Voor de herstart")
    context_b, page_b = open_room(browser, server, ben, room)
    assert shown_texts(page_b) == ["Voor de herstart"]

    server.stop()
    page_b.wait_for_selector("html[data-room-socket='closed']")
    for text in ("Eén", "Twee", "Drie"):
        post(room, anna, text)  # straight into the database: no server is listening
    restarted = DaphneServer(mail_dir=mail_dir)
    restarted.port, restarted.url = server.port, server.url
    restarted.start()
    try:
        page_b.wait_for_function("() => document.body.innerText.includes('Drie')", timeout=40_000)
        assert shown_texts(page_b) == ["Voor de herstart", "Eén", "Twee", "Drie"]
        context_b.close()
    finally:
        restarted.stop()


def test_a_post_refused_as_busy_keeps_its_text_and_is_sent_again_once(browser, server):
    """Another connection holds the room's lock: the post is refused with `busy`, the composer keeps
    the text and says so, and room.js sends the same post again until it goes through, once."""
    from rooms.models import Message
    from tests.rooms.test_room_backpressure import RoomLockHeld

    anna = UserFactory(email="anna@huis.test", profile="Anna Aerts")
    room = thematic_room("gezondheid") or thematic_room()
    context, page = open_room(browser, server, anna, room)
    textarea = page.locator("textarea[name='body']")
    with RoomLockHeld(room):
        textarea.fill("Even geduld")
        textarea.press("Control+Enter")
        page.wait_for_function(
            "() => document.querySelector('[data-composer-status]').textContent.includes('erg druk')"
        )
        assert textarea.input_value() == "Even geduld"
    page.wait_for_function("() => document.querySelector(\"textarea[name='body']\").value === ''", timeout=20_000)
    page.wait_for_function("() => document.body.innerText.includes('Even geduld')")
    assert shown_texts(page).count("Even geduld") == 1
    assert Message.objects.filter(room=room, body="Even geduld").count() == 1
    context.close()


def test_changes_that_arrive_out_of_order_are_waited_for_and_a_lost_one_is_synced(browser, server):
    """Posts written through different server processes can be announced out of order: room.js
    keeps a change that skips a number aside and gives the gap half a second to fill itself
    before it asks for a `sync`; a change that never arrives is fetched by that sync. Between
    Bart's page and the server a relay holds one announcement back and drops another."""
    anna = UserFactory(email="anna@huis.test", profile="Anna Aerts")
    bart = UserFactory(email="bart@huis.test", profile="Bart Peeters")
    room = thematic_room()
    writer_context, writer = open_room(browser, server, anna, room)
    context = browser.new_context(base_url=server.url, locale="nl-BE")
    page = context.new_page()
    page.set_default_timeout(10_000)
    log_in(page, bart.email)
    sent_by_client, held = [], []
    drop_next = {"on": False}

    def relay(socket):
        upstream = socket.connect_to_server()

        def from_client(frame):
            sent_by_client.append(json.loads(frame))
            upstream.send(frame)

        def from_server(frame):
            content = json.loads(frame)
            if content.get("type") != "message":
                socket.send(frame)
            elif drop_next["on"]:  # lost on the way
                drop_next["on"] = False
            elif "eerst" in content["message"]["body_html"]:
                held.append(frame)  # delivered after the next one
            else:
                socket.send(frame)
                while held:
                    socket.send(held.pop())

        socket.on_message(from_client)
        upstream.on_message(from_server)

    page.route_web_socket(re.compile(r".*/ws/rooms/.*"), relay)
    page.goto(room.get_absolute_url())
    page.wait_for_selector("html[data-room-socket='open']")

    post_by_keyboard(writer, "Dit was eerst")
    post_by_keyboard(writer, "Dit was tweede")
    page.wait_for_function("() => document.body.innerText.includes('Dit was tweede')")
    page.wait_for_function("() => document.body.innerText.includes('Dit was eerst')")
    page.wait_for_timeout(800)  # longer than the gap may take to fill itself
    assert [frame for frame in sent_by_client if frame["type"] == "sync"] == []

    drop_next["on"] = True
    post_by_keyboard(writer, "Dit raakt zoek")
    post_by_keyboard(writer, "Dit komt aan")
    page.wait_for_function("() => document.body.innerText.includes('Dit raakt zoek')")
    assert len([frame for frame in sent_by_client if frame["type"] == "sync"]) == 1
    assert shown_texts(page).count("Dit raakt zoek") == 1
    context.close()
    writer_context.close()
