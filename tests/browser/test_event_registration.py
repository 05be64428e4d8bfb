"""A coordinator registers for a network afternoon, answers its question, finds it under "mijn
inschrijvingen", cancels; the first person on the waitlist gets the seat and a mail. In Chromium,
without JavaScript needed, axe-clean on the agenda, the event, the registration form with an
error, and "mijn inschrijvingen"."""

from datetime import timedelta

from events import services
from events.models import Registration, RegistrationQuestion
from tests.browser.test_people_pages import log_in
from tests.events.conftest import event_publish
from tests.factories import UserFactory
from tests.support.mail import messages_in


def test_register_cancel_and_the_waitlist_moves_up(page, server, mail_dir, assert_accessible):
    event = event_publish(
        title="Netwerknamiddag Kempen",
        capacity=2,
        starts_in=timedelta(days=12),
        questions=[("Dieetwensen", RegistrationQuestion.Kind.TEXT, "", True)],
    )
    question = event.questions.get()
    services.event_register(event=event, person=UserFactory(), answers={str(question.pk): "geen"})
    waiting = UserFactory(email="wachtend@huis.test", profile="Wout Wachtend")
    coordinator = UserFactory(email="an@huis-geel.test", profile="An Peeters")

    log_in(page, coordinator.email)
    page.goto("/agenda/")
    assert_accessible(page)
    page.get_by_role("link", name="Netwerknamiddag Kempen").click()
    assert page.locator("h1").inner_text() == "Netwerknamiddag Kempen"
    assert "1 van de 2 plaatsen bezet." in page.locator("#inschrijven").inner_text()
    assert_accessible(page)

    # Without an answer the form comes back with the error, in Dutch, nothing stored.
    page.get_by_role("button", name="Inschrijven").click()
    assert "Dit is een verplicht veld." in page.locator("#inschrijven").inner_text()
    assert_accessible(page)
    page.get_by_label("Dieetwensen").fill("vegetarisch")
    page.get_by_role("button", name="Inschrijven").click()
    assert "Je bent ingeschreven." in page.locator(".messages").inner_text()
    assert "Je bent ingeschreven voor deze activiteit." in page.locator("#inschrijven").inner_text()

    # The last seat is gone: the next person goes on the waitlist.
    services.event_register(event=event, person=waiting, answers={str(question.pk): "halal"})
    assert Registration.objects.get(person=waiting).status == Registration.Status.WAITLISTED

    page.get_by_role("link", name="Mijn inschrijvingen").first.click()
    assert "Netwerknamiddag Kempen" in page.locator("main").inner_text()
    assert_accessible(page)
    page.get_by_role("button", name="Annuleer mijn inschrijving").click()
    assert "Je inschrijving is geannuleerd." in page.locator(".messages").inner_text()
    assert "Je bent niet ingeschreven voor een komende activiteit." in page.locator("main").inner_text()

    assert Registration.objects.get(person=waiting).status == Registration.Status.CONFIRMED
    promoted = [m for m in messages_in(mail_dir) if "wachtend@huis.test" in m["To"]]
    assert [m["Subject"] for m in promoted][-1] == "[Samenhuis] Een plaats voor jou: Netwerknamiddag Kempen"
    assert any(part.get_content_type() == "text/calendar" for part in promoted[-1].iter_attachments())


def test_facilitator_plans_a_meeting_and_a_member_answers(page, server, assert_accessible):
    from community.models import IntervisionGroup
    from events.models import GroupMeeting
    from tests.factories import group_add_member, group_create

    facilitator = UserFactory(email="karim@huis.test", profile="Karim Gespreksleider")
    member = UserFactory(email="an@huis-geel.test", profile="An Peeters")
    group = group_create(
        facilitator=facilitator, name="Intervisiegroep Kempen", visibility=IntervisionGroup.Visibility.CLOSED
    )
    group_add_member(group, member)

    log_in(page, facilitator.email)
    page.goto(group.get_absolute_url())
    page.get_by_role("link", name="Alle bijeenkomsten van de groep").click()
    assert_accessible(page)
    page.get_by_role("link", name="Plan een bijeenkomst").click()
    assert_accessible(page)
    page.get_by_label("Titel").fill("Intervisiemoment januari")
    page.get_by_label("Begint").fill("2031-01-14T09:30")
    page.get_by_label("Eindigt").fill("2031-01-14T09:00")
    page.get_by_role("button", name="Opslaan").click()
    assert "Het einde moet na het begin komen." in page.locator("main").inner_text()
    assert page.get_by_label("Titel").input_value() == "Intervisiemoment januari"
    assert_accessible(page)
    page.get_by_label("Eindigt").fill("2031-01-14T12:00")
    page.get_by_label("Link naar de online bijeenkomst").fill("https://meet.jit.si/kempen-januari")
    page.get_by_role("button", name="Opslaan").click()
    assert "De bijeenkomst is gepland." in page.locator(".messages").inner_text()
    assert GroupMeeting.objects.get().online_url == "https://meet.jit.si/kempen-januari"

    page.context.clear_cookies()
    log_in(page, member.email)
    page.goto(group.get_absolute_url())
    page.get_by_role("link", name="Intervisiemoment januari").click()
    assert "meet.jit.si/kempen-januari" in page.locator("main").inner_text()
    assert_accessible(page)
    page.get_by_label("Misschien").check()
    page.get_by_role("button", name="Bewaar mijn antwoord").click()
    assert "Je antwoord is bewaard." in page.locator(".messages").inner_text()
    assert "0 komen, 1 misschien, 0 komen niet" in page.locator("main").inner_text()
