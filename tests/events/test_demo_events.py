import datetime

from django.core.management import call_command
from django.utils import timezone

from community.models import User
from events.demo import _public_holidays, _working_day
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


def test_demo_events_fall_on_working_days(db, settings):
    settings.DEBUG = True
    call_command("load_demo")
    starts = [event.starts_at for event in EventPage.objects.all()] + [m.starts_at for m in GroupMeeting.objects.all()]
    assert len(starts) >= 4
    for start in starts:
        day = timezone.localtime(start).date()
        assert day.weekday() < 5 and day not in _public_holidays(day.year), day


def test_christmas_and_weekends_are_not_working_days():
    assert _working_day(datetime.date(2026, 12, 25)) == datetime.date(2026, 12, 28)  # Friday → Monday
    assert _working_day(datetime.date(2027, 3, 29)) == datetime.date(2027, 3, 30)  # Easter Monday
    assert _working_day(datetime.date(2026, 12, 7)) == datetime.date(2026, 12, 7)
