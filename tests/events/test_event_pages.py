"""The agenda, the event page and its routes over HTTP: forms without JavaScript, permissions,
the CSV export, the feeds, attendees-only materials and group meetings."""

import csv
import io
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.utils import timezone
from icalendar import Calendar
from wagtail.documents.models import Document

from community.models import IntervisionGroup, Membership
from events import services
from events.models import (
    CalendarFeed,
    EventMaterial,
    EventPage,
    EventType,
    GroupMeeting,
    Registration,
    RegistrationQuestion,
)
from events.pdf import pdf_render
from tests.events.conftest import meeting_plan
from tests.factories import OrganisationFactory, UserFactory, group_add_member, group_create

pytestmark = pytest.mark.django_db


def test_agenda_lists_upcoming_events_with_filters_and_the_archive(client, make_event):
    make_event(title="Netwerknamiddag Kempen")
    make_event(title="Vorming veerkracht", event_type=EventType.TRAINING, starts_in=timedelta(days=40))
    make_event(title="Vorige netwerknamiddag", starts_in=timedelta(days=-30))

    page = client.get("/agenda/").content.decode()
    assert "Netwerknamiddag Kempen" in page and "Vorming veerkracht" in page
    assert "Vorige netwerknamiddag" not in page

    filtered = client.get("/agenda/", {"soort": "vorming"}).content.decode()
    assert "Vorming veerkracht" in filtered and "Netwerknamiddag Kempen" not in filtered

    month = (timezone.localtime() + timedelta(days=40)).strftime("%Y-%m")
    by_month = client.get("/agenda/", {"maand": month}).content.decode()
    assert "Vorming veerkracht" in by_month

    outdated = client.get("/agenda/", {"regio": "bestaat-niet", "maand": "nooit"})
    assert outdated.status_code == 200 and "Netwerknamiddag Kempen" in outdated.content.decode()

    archive = client.get("/agenda/archief/").content.decode()
    assert "Vorige netwerknamiddag" in archive and "Netwerknamiddag Kempen" not in archive


def test_agenda_query_count_does_not_grow_with_events(client, make_event, django_assert_max_num_queries):
    for number in range(12):
        make_event(title=f"Namiddag {number}", capacity=30)
    client.get("/agenda/")
    with django_assert_max_num_queries(12):
        response = client.get("/agenda/")
    assert response.content.decode().count('class="card event-card"') == 12


def test_register_and_cancel_through_the_forms(client, make_event):
    event = make_event(capacity=1, questions=[("Dieetwensen", RegistrationQuestion.Kind.TEXT, "", True)])
    person = UserFactory()
    client.force_login(person)

    missing = client.post(event.url + "inschrijven/", {})
    assert missing.status_code == 400
    assert "Dit is een verplicht veld." in missing.content.decode()
    assert not Registration.objects.exists()

    question = event.questions.get()
    response = client.post(event.url + "inschrijven/", {str(question.pk): "geen varkensvlees"}, follow=True)
    assert response.status_code == 200
    assert Registration.objects.get().answers == [
        {"question_id": question.pk, "question": "Dieetwensen", "answer": "geen varkensvlees"}
    ]

    # Registering again from a page left open: refused as a conflict, the answer kept to copy.
    again = client.post(event.url + "inschrijven/", {str(question.pk): "x"}, follow=True)
    assert Registration.objects.count() == 1
    assert again.status_code == 409

    client.post(event.url + "annuleren/", follow=True)
    assert Registration.objects.get().status == Registration.Status.CANCELLED


def test_anonymous_registration_goes_to_log_in(client, make_event):
    event = make_event()
    response = client.post(event.url + "inschrijven/", {})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client.get(event.url + "inschrijven/").status_code in (302, 405)


def test_online_link_only_for_seated_people_and_organisers(client, make_event):
    event = make_event(is_online=True, venue="", city="", online_url="https://meet.jit.si/samenhuis-geheim")
    assert "samenhuis-geheim" not in client.get(event.url).content.decode()
    person = UserFactory()
    client.force_login(person)
    assert "samenhuis-geheim" not in client.get(event.url).content.decode()
    services.event_register(event=event, person=person)
    assert "samenhuis-geheim" in client.get(event.url).content.decode()


def test_attendee_list_csv_and_mail_are_for_organisers(client, make_event):
    organiser = OrganisationFactory()
    staff = UserFactory()
    Membership.objects.create(person=staff, organisation=organiser, role=Membership.Role.STAFF)
    event = make_event(
        organiser=organiser, capacity=1, questions=[("Dieetwensen", RegistrationQuestion.Kind.TEXT, "", False)]
    )
    question = event.questions.get()
    seated = UserFactory(profile="Anna Peeters")
    services.event_register(event=event, person=seated, answers={str(question.pk): "=1+1 vegetarisch"})
    services.event_register(event=event, person=UserFactory(profile="Bram Claes"))

    outsider = UserFactory()
    client.force_login(outsider)
    for suffix in ("deelnemers/", "deelnemers.csv", "deelnemers/mailen/"):
        assert client.get(event.url + suffix).status_code == 403

    client.force_login(staff)
    listing = client.get(event.url + "deelnemers/").content.decode()
    assert "Anna Peeters" in listing and "Bram Claes" in listing and "=1+1 vegetarisch" in listing

    export = client.get(event.url + "deelnemers.csv")
    assert export["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][-1] == "Dieetwensen"
    anna = next(row for row in rows if row[0] == "Anna Peeters")
    assert anna[1] == seated.email and anna[-1] == "'=1+1 vegetarisch"  # no formula in a spreadsheet
    assert any(row[0] == "Bram Claes" for row in rows)

    response = client.post(event.url + "deelnemers/mailen/", {"subject": "", "body": ""})
    assert response.status_code == 200 and "Dit is een verplicht veld." in response.content.decode()


def test_public_feed_and_event_file(client, make_event):
    event = make_event(title="Studiedag gezinsondersteuning", event_type=EventType.STUDY_DAY)
    cancelled = make_event(title="Afgelast webinar", is_cancelled=True, is_online=True, venue="", city="")
    response = client.get("/agenda/agenda.ics")
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    events = {str(vevent["UID"]): vevent for vevent in calendar.walk("VEVENT")}
    assert set(events) == {event.calendar_uid, cancelled.calendar_uid}
    assert str(events[cancelled.calendar_uid]["STATUS"]) == "CANCELLED"
    assert str(events[event.calendar_uid]["STATUS"]) == "CONFIRMED"
    assert events[event.calendar_uid]["DTSTART"].dt == event.starts_at
    assert str(events[event.calendar_uid]["URL"]).endswith(event.url)
    assert len(calendar.walk("VTIMEZONE")) == 1

    single = Calendar.from_ical(client.get(event.url + "agenda.ics").content)
    assert [str(v["UID"]) for v in single.walk("VEVENT")] == [event.calendar_uid]


def test_rescheduling_raises_the_sequence(make_event):
    event = make_event()
    assert event.schedule_sequence == 0
    event.title = "Nieuwe titel"
    event.save_revision().publish()
    event.refresh_from_db()
    assert event.schedule_sequence == 0
    event.starts_at += timedelta(hours=1)
    event.ends_at += timedelta(hours=1)
    event.save_revision().publish()
    event.refresh_from_db()
    assert event.schedule_sequence == 1
    event.is_cancelled = True
    event.save_revision().publish()
    event.refresh_from_db()
    assert event.schedule_sequence == 2
    assert b"SEQUENCE:2" in Client().get(event.url + "agenda.ics").content


def test_personal_feed_is_secret_revocable_and_regenerable(client, make_event):
    person = UserFactory()
    mine = make_event(title="Mijn namiddag")
    make_event(title="Andere namiddag")
    services.event_register(event=mine, person=person)
    group = group_create(name="Intervisie Kempen")
    group_add_member(group, person)
    facilitator = group.memberships.get(role="facilitator").person
    meeting = meeting_plan(group, facilitator, title="Intervisiemoment", hours=2)

    client.force_login(person)
    client.post("/agenda/mijn/kalender/", {"action": "regenerate"})
    feed = CalendarFeed.objects.get(person=person)
    client.logout()
    response = client.get(f"/agenda/kalender/{feed.token}.ics")
    assert response["Cache-Control"] == "private, no-store"
    uids = [str(v["UID"]) for v in Calendar.from_ical(response.content).walk("VEVENT")]
    assert uids == [mine.calendar_uid, meeting.calendar_uid]
    assert "meet.jit.si/kempen" in response.content.decode().replace("\r\n ", "")

    client.force_login(person)
    client.post("/agenda/mijn/kalender/", {"action": "regenerate"})
    assert client.get(f"/agenda/kalender/{feed.token}.ics").status_code == 404
    new = CalendarFeed.objects.get(person=person)
    assert new.token != feed.token and client.get(f"/agenda/kalender/{new.token}.ics").status_code == 200
    client.post("/agenda/mijn/kalender/", {"action": "revoke"})
    assert client.get(f"/agenda/kalender/{new.token}.ics").status_code == 404


def test_my_registrations_page(client, make_event):
    person = UserFactory()
    event = make_event(title="Netwerknamiddag Limburg", capacity=1)
    services.event_register(event=event, person=UserFactory())
    services.event_register(event=event, person=person)
    client.force_login(person)
    page = client.get("/agenda/mijn/").content.decode()
    assert "Netwerknamiddag Limburg" in page
    client.post(event.url + "annuleren/", {"next": "mijn"})
    assert "Netwerknamiddag Limburg" not in client.get("/agenda/mijn/").content.decode()
    client.logout()
    assert client.get("/agenda/mijn/").status_code == 302


def _material(event, *, audience, title="Presentatie CAW"):
    document = Document.objects.create(
        title=title,
        file=ContentFile(pdf_render(title=title, paragraphs=["Gezinsondersteuning in de Kempen"]), name="caw.pdf"),
    )
    material = EventMaterial.objects.create(
        page=event, kind=EventMaterial.Kind.PRESENTATION, title=title, document=document, audience=audience
    )
    return material, document


def test_materials_text_is_extracted_and_attendees_only_files_are_404_to_others(client, make_event):
    event = make_event(starts_in=timedelta(days=-2))
    public, public_document = _material(event, audience=EventMaterial.Audience.PUBLIC, title="Verslag")
    _private, private_document = _material(event, audience=EventMaterial.Audience.ATTENDEES, title="Slides")
    assert "Gezinsondersteuning in de Kempen" in public.extracted_text

    page = client.get(event.url).content.decode()
    assert "Verslag" in page and "Slides" not in page
    assert client.get(public_document.url).status_code == 200
    assert client.get(private_document.url).status_code == 404

    attendee = UserFactory()
    Registration.objects.create(event=event, person=attendee, status=Registration.Status.CONFIRMED)
    client.force_login(attendee)
    assert "Slides" in client.get(event.url).content.decode()
    assert client.get(private_document.url).status_code == 200

    client.force_login(UserFactory())
    assert client.get(private_document.url).status_code == 404


@pytest.mark.parametrize("audience", [EventMaterial.Audience.ATTENDEES, EventMaterial.Audience.PUBLIC])
def test_material_added_in_a_draft_is_served_only_once_the_event_is_published(client, make_event, audience):
    """An organiser uploads slides to a published event and saves a draft: the file is the
    draft's, readable by its uploader only, until the event is published with it."""
    organiser, attendee, outsider = UserFactory(), UserFactory(), UserFactory()
    event = make_event(starts_in=timedelta(days=-1))
    Registration.objects.create(event=event, person=attendee, status=Registration.Status.CONFIRMED)
    document = Document.objects.create(
        title="Slides",
        file=ContentFile(pdf_render(title="Slides", paragraphs=["Kempen"]), name="slides-kempen.pdf"),
        uploaded_by_user=organiser,
    )
    draft = event.get_latest_revision_as_object()
    draft.materials.add(
        EventMaterial(kind=EventMaterial.Kind.PRESENTATION, title="Slides", document=document, audience=audience)
    )
    revision = draft.save_revision(user=organiser)

    def status(person) -> int:
        if person is None:
            client.logout()
        else:
            client.force_login(person)
        return client.get(document.url).status_code

    assert [status(person) for person in (None, outsider, attendee, organiser)] == [404, 404, 404, 200]
    revision.publish()
    public = audience == EventMaterial.Audience.PUBLIC
    assert [status(person) for person in (None, outsider, attendee)] == [200 if public else 404] * 2 + [200]


def test_meetings_are_for_members_and_secret_groups_are_invisible(client):
    facilitator, member, outsider = UserFactory(), UserFactory(), UserFactory()
    group = group_create(facilitator=facilitator, name="Kempen", visibility=IntervisionGroup.Visibility.SECRET)
    group_add_member(group, member)
    base = f"/agenda/groepen/{group.slug}/"

    client.force_login(facilitator)
    start = (timezone.localtime() + timedelta(days=7)).replace(second=0, microsecond=0)
    form = {
        "title": "Intervisiemoment december",
        "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": start.strftime("%Y-%m-%dT%H:%M"),
        "online_url": "",
        "location": "",
    }
    invalid = client.post(base + "nieuw/", form)
    assert invalid.status_code == 200 and "Intervisiemoment december" in invalid.content.decode()
    assert not GroupMeeting.objects.exists()
    form["ends_at"] = (start + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    form["online_url"] = "https://meet.jit.si/kempen-geheim"
    client.post(base + "nieuw/", form)
    meeting = GroupMeeting.objects.get()
    assert meeting.starts_at == start

    client.force_login(member)
    page = client.get(base + f"{meeting.pk}/").content.decode()
    assert "kempen-geheim" in page
    client.post(base + f"{meeting.pk}/", {"answer": "maybe"})
    assert meeting.responses.get(person=member).answer == "maybe"
    assert client.get(base + "nieuw/").status_code == 403

    client.force_login(outsider)
    assert client.get(base).status_code == 404
    assert client.get(base + f"{meeting.pk}/").status_code == 404
    client.logout()
    assert client.get(base + f"{meeting.pk}/").status_code == 404

    client.force_login(facilitator)
    client.post(base + f"{meeting.pk}/annuleren/")
    meeting.refresh_from_db()
    assert meeting.is_cancelled and meeting.sequence == 1


def test_event_organisers_group_may_edit_events_but_not_other_pages(make_event):
    from django.contrib.auth.models import Group

    from events.organisers import ORGANISERS_GROUP
    from knowledge.models import StandardPage

    event = make_event()
    staff = UserFactory()
    staff.groups.add(Group.objects.get(name=ORGANISERS_GROUP))
    assert event.permissions_for_user(staff).can_edit()
    assert not StandardPage.objects.get(slug="kennis").permissions_for_user(staff).can_edit()
    from events.permissions import can_manage_event

    # Editing every event in the CMS does not open every event's attendee list.
    assert not can_manage_event(staff, event)
    assert not can_manage_event(UserFactory(), event)
    EventPage.objects.filter(pk=event.pk).update(owner=staff)
    event.refresh_from_db()
    assert can_manage_event(staff, event)


def test_a_renamed_file_is_refused_as_material(make_event):
    from django.core.exceptions import ValidationError

    event = make_event()
    document = Document.objects.create(title="Nep", file=ContentFile(b"just text, not a PDF", name="nep.pdf"))
    material = EventMaterial(page=event, kind=EventMaterial.Kind.DOCUMENT, title="Nep", document=document)
    with pytest.raises(ValidationError) as refused:
        material.full_clean()
    assert "document" in refused.value.error_dict
