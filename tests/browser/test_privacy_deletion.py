"""Deleting an account in Chromium, axe-clean (issue 18; docs/privacy.md, "Deleting"): a facilitator
finds "Account verwijderen" among their account pages, reads what goes and what stays, chooses who
takes over their group, gets a clear error for a wrong password with their choice kept, deletes the
account, and is logged out; a colleague then reads the conversation, live and on the page, with
"Verwijderde gebruiker" where the name was."""

import re

from community.models import GroupMembership, User
from rooms import services as room_services
from tests.factories import PASSWORD, UserFactory, group_add_member, group_create
from tests.rooms.support import thematic_room


def log_in(page, email, next_url="/"):
    page.goto(f"/accounts/login/?next={next_url}")
    page.locator("input[name='login']").fill(email)
    page.locator("input[name='password']").fill(PASSWORD)
    page.locator("form button[type='submit']").last.click()
    page.wait_for_url(re.compile(re.escape(next_url) + "$"))


def test_delete_your_account_and_the_conversation_stays(page, server, assert_accessible):
    leaving = UserFactory(email="lotte@huis-geel.test", profile="Lotte Vermeulen")
    oldest, chosen = UserFactory(profile="Eerste Lid"), UserFactory(profile="Gekozen Lid")
    group = group_create(facilitator=leaving, name="Intervisie Geel")
    group_add_member(group, oldest)
    group_add_member(group, chosen)
    room = thematic_room()
    room_services.room_message_post(
        room=room, author=leaving, body="Wij werken met een wachtzaalcoach.", client_id="m1"
    )

    log_in(page, leaving.email, next_url="/accounts/email/")
    page.get_by_role("navigation", name="Account").get_by_role("link", name="Account verwijderen").click()
    page.wait_for_url(re.compile(r"/account/verwijderen/$"))
    assert page.get_by_role("heading", name="Je account verwijderen", level=1).is_visible()
    assert page.get_by_text("1 bericht in de gespreksruimtes blijft leesbaar").is_visible()
    handover = page.get_by_label("Wie wordt gespreksleider van Intervisie Geel?")
    assert handover.input_value() == str(oldest.pk)  # the longest-standing member unless chosen
    assert_accessible(page)

    # A wrong password: nothing happens, the error says why, the choice stays.
    handover.select_option(str(chosen.pk))
    page.get_by_label("Je wachtwoord").fill("niet-mijn-wachtwoord")
    page.get_by_label(re.compile("Ik begrijp dat mijn account")).check()
    page.get_by_role("button", name="Mijn account voorgoed verwijderen").click()
    assert page.get_by_text("Dit is niet je wachtwoord.").is_visible()
    assert page.get_by_role("alert").is_visible()
    assert page.get_by_label("Wie wordt gespreksleider van Intervisie Geel?").input_value() == str(chosen.pk)
    assert User.objects.filter(pk=leaving.pk).exists()
    assert_accessible(page)

    page.get_by_label("Je wachtwoord").fill(PASSWORD)
    page.get_by_label(re.compile("Ik begrijp dat mijn account")).check()
    page.get_by_role("button", name="Mijn account voorgoed verwijderen").click()
    page.wait_for_url(re.compile(r"/$"))
    assert page.get_by_text("Je account is verwijderd.").is_visible()
    assert page.get_by_role("link", name="Aanmelden").first.is_visible()
    assert not User.objects.filter(pk=leaving.pk).exists()
    assert GroupMembership.objects.get(group=group, person=chosen).role == GroupMembership.Role.FACILITATOR

    # A colleague reads the conversation: the message stays, the name does not.
    colleague = UserFactory(email="jonas@huis-mol.test", profile="Jonas")
    log_in(page, colleague.email, next_url=room.get_absolute_url())
    message = page.locator("#bericht-1")
    assert "Wij werken met een wachtzaalcoach." in message.inner_text()
    assert message.get_by_text("Verwijderde gebruiker").is_visible()
    assert "Lotte" not in page.content()
    assert_accessible(page)
