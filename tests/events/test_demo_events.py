from django.core.management import call_command

from community.models import User
from events.models import EventMaterial, EventPage, GroupMeeting, Registration


def test_demo_events_are_idempotent_and_cover_the_agenda(db, settings, client):
    settings.DEBUG = True
    call_command("load_demo")
    call_command("load_demo")

    past = EventPage.objects.get(slug="netwerknamiddag-kempen-najaar")
    assert past.is_past
    assert past.materials.count() == 3
    report = past.materials.get(kind=EventMaterial.Kind.REPORT)
    assert "kinderarmoede" in report.extracted_text  # the text of the PDF we generate
    upcoming = EventPage.objects.get(slug="netwerknamiddag-kempen-voorjaar")
    confirmed = Registration.objects.filter(event=upcoming, status="confirmed").count()
    assert upcoming.capacity - confirmed == 1  # one seat left
    assert EventPage.objects.filter(event_type="vorming").count() == 1
    assert GroupMeeting.objects.filter(group__name="Intervisiegroep Kempen").count() == 1

    assert "Netwerknamiddag Kempen: kinderarmoede" in client.get("/agenda/").content.decode()
    client.force_login(User.objects.get(email="coordinator@samenhuis.test"))
    assert "Presentatie CAW Kempen" in client.get(past.url).content.decode()
