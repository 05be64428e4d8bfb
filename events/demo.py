"""Demo events: a past network afternoon with its materials (a PDF we generate), an upcoming one
one seat short of full, a training with registration questions, and a meeting of the Kempen
intervision group. Idempotent; dates are relative to today so the demo always has a past and a
future. Registrations go through the real services; mails stay in memory."""

import datetime
from datetime import timedelta

from dateutil.easter import easter
from django.core.files.base import ContentFile
from django.db import transaction
from django.test import override_settings
from django.utils import timezone
from wagtail.documents.models import Document
from wagtail.rich_text import RichText

from community.models import IntervisionGroup, Organisation, Region, User
from knowledge.models import LifeDomain

from . import services
from .models import AgendaPage, EventMaterial, EventPage, EventType, GroupMeeting, ProgrammeSlot, RegistrationQuestion
from .pdf import pdf_render

REPORT_PARAGRAPHS = [
    "Op de netwerknamiddag in Turnhout kwamen coördinatoren van acht Huizen van het Kind uit de Kempen "
    "samen met het CAW, het CLB en de kinderopvang. Het thema was gezinsondersteuning dicht bij huis.",
    "Het CAW Kempen stelde zijn onthaal voor gezinnen voor: wie kan er terecht, hoe verloopt een "
    "doorverwijzing en wat kan een Huis van het Kind zelf opvangen. Drie Huizen toonden hoe ze samen "
    "met de consultatiebureaus een inloopmoment organiseren.",
    "Afspraken: een gedeelde sociale kaart voor de regio, een vast aanspreekpunt per Huis bij het CAW, "
    "en een volgende netwerknamiddag in het voorjaar rond kinderarmoede.",
]

SLIDES_PARAGRAPHS = [
    "Presentatie CAW Kempen: onthaal en begeleiding voor gezinnen.",
    "Wanneer doorverwijzen? Bij schulden, huisvestingsproblemen, relatieproblemen of vragen over "
    "opvoeding die het aanbod van het Huis overstijgen.",
    "Contact: het onthaal is elke werkdag bereikbaar; een warme overdracht kan telefonisch.",
]


def _working_day(day: datetime.date) -> datetime.date:
    """The first working day from `day` on: no weekend and no Belgian public holiday (a network
    afternoon on Christmas Day undersold the demo)."""
    while day.weekday() >= 5 or day in _public_holidays(day.year):
        day += timedelta(days=1)
    return day


def _public_holidays(year: int) -> set[datetime.date]:
    easter_sunday = easter(year)
    fixed = [(1, 1), (5, 1), (7, 21), (8, 15), (11, 1), (11, 11), (12, 25)]
    movable = [timedelta(days=1), timedelta(days=39), timedelta(days=50)]  # Easter and Whit Monday, Ascension
    return {datetime.date(year, month, day) for month, day in fixed} | {easter_sunday + delta for delta in movable}


def _brussels(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def _event(agenda: AgendaPage, *, slug: str, programme=(), questions=(), life_domains=(), **fields) -> EventPage:
    event = EventPage.objects.filter(slug=slug).first()
    if event is not None:
        return event
    agenda.refresh_from_db()
    event = agenda.add_child(instance=EventPage(slug=slug, **fields))
    event.life_domains.set(life_domains)
    for order, (start, end, title, speakers) in enumerate(programme):
        ProgrammeSlot.objects.create(
            page=event, sort_order=order, starts_at=start, ends_at=end, title=title, speakers=speakers
        )
    for order, (label, kind, options, required) in enumerate(questions):
        RegistrationQuestion.objects.create(
            page=event, sort_order=order, label=label, kind=kind, options=options, required=required
        )
    event.save_revision().publish()
    return EventPage.objects.get(pk=event.pk)


def _document(title: str, filename: str, paragraphs: list[str]) -> Document:
    document = Document.objects.filter(title=title).first()
    if document is None:
        document = Document.objects.create(
            title=title, file=ContentFile(pdf_render(title=title, paragraphs=paragraphs), name=filename)
        )
    return document


def events_demo_ensure() -> None:
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"), transaction.atomic():
        _events_demo()


def _events_demo() -> None:
    agenda = AgendaPage.objects.get()
    today = timezone.localdate()
    kempen = Region.objects.filter(slug="referentieregio-kempen").first()
    caw = Organisation.objects.filter(name="CAW Kempen (demo)").first()
    geel = Organisation.objects.filter(name="Huis van het Kind Geel (demo)").first()
    domains = {domain.name: domain for domain in LifeDomain.objects.all()}
    people = {user.email: user for user in User.objects.filter(email__endswith="@samenhuis.test")}
    coordinator = people.get("coordinator@samenhuis.test")
    editor = people.get("redactie@samenhuis.test")
    facilitator = people.get("gespreksleider@samenhuis.test")

    past_day = _working_day(today - timedelta(days=45))
    past = _event(
        agenda,
        slug="netwerknamiddag-kempen-najaar",
        title="Netwerknamiddag Kempen: gezinsondersteuning dicht bij huis",
        event_type=EventType.NETWORK_AFTERNOON,
        starts_at=_brussels(past_day, 13, 30),
        ends_at=_brussels(past_day, 17),
        summary="Huizen van het Kind, het CAW en het CLB uit de Kempen stellen hun werking voor en maken afspraken.",
        description=RichText("<p>Een namiddag om elkaar te leren kennen en samen te werken rond gezinnen.</p>"),
        venue="CC De Warande",
        street="Warandestraat 42",
        postcode="2300",
        city="Turnhout",
        organiser=caw,
        region=kempen,
        capacity=40,
        programme=[
            (datetime.time(13, 30), datetime.time(14), "Onthaal met koffie", ""),
            (datetime.time(14), datetime.time(15), "Het onthaal van het CAW voor gezinnen", "CAW Kempen"),
            (
                datetime.time(15, 15),
                datetime.time(16, 30),
                "Drie Huizen, drie inloopmomenten",
                "Huizen Geel en Middenkempen",
            ),
        ],
        life_domains=[d for d in (domains.get("Ouderschaps- en opvoedingsondersteuning"),) if d],
    )
    if not past.materials.exists():
        report = _document("Verslag netwerknamiddag Kempen", "verslag-netwerknamiddag-kempen.pdf", REPORT_PARAGRAPHS)
        slides = _document("Presentatie CAW Kempen", "presentatie-caw-kempen.pdf", SLIDES_PARAGRAPHS)
        EventMaterial.objects.create(
            page=past, sort_order=0, kind=EventMaterial.Kind.REPORT, title=report.title, document=report
        )
        EventMaterial.objects.create(
            page=past,
            sort_order=1,
            kind=EventMaterial.Kind.PRESENTATION,
            title=slides.title,
            document=slides,
            audience=EventMaterial.Audience.ATTENDEES,
        )
        EventMaterial.objects.create(
            page=past,
            sort_order=2,
            kind=EventMaterial.Kind.LINK,
            title="Sociale kaart van de regio",
            link_url="https://www.desocialekaart.be/",
        )
        past.save_revision().publish()
        if coordinator:
            # A seat at the past afternoon, so the demo coordinator sees the attendees-only slides.
            past.registrations.create(person=coordinator, status="confirmed", confirmed_at=past.starts_at)

    upcoming_day = _working_day(today + timedelta(days=21))
    upcoming = _event(
        agenda,
        slug="netwerknamiddag-kempen-voorjaar",
        title="Netwerknamiddag Kempen: kinderarmoede samen aanpakken",
        event_type=EventType.NETWORK_AFTERNOON,
        starts_at=_brussels(upcoming_day, 13, 30),
        ends_at=_brussels(upcoming_day, 16, 30),
        registration_deadline=_brussels(upcoming_day - timedelta(days=3), 23, 59),
        summary="Wat werkt tegen kinderarmoede in de Kempen? Praktijken uit drie Huizen en het OCMW.",
        venue="Huis van het Kind Geel",
        street="Stelenseweg 12",
        postcode="2440",
        city="Geel",
        organiser=geel,
        region=kempen,
        capacity=3,
        questions=[("Dieetwensen of allergieën", RegistrationQuestion.Kind.TEXT, "", False)],
        life_domains=[d for d in (domains.get("Socio-economische determinanten"),) if d],
    )
    for person in (editor, facilitator):
        if person and not upcoming.registrations.filter(person=person).exists():
            services.event_register(event=upcoming, person=person)

    training_day = _working_day(today + timedelta(days=35))
    _event(
        agenda,
        slug="vorming-veerkrachtig-opvoeden",
        title="Vorming: veerkrachtig opvoeden ondersteunen",
        event_type=EventType.TRAINING,
        starts_at=_brussels(training_day, 9, 30),
        ends_at=_brussels(training_day, 16),
        summary="Een dag over hoe je ouders versterkt in hun opvoedingsvragen, met oefeningen uit de praktijk.",
        venue="Vormingscentrum Hasselt",
        street="Kempische Steenweg 300",
        postcode="3500",
        city="Hasselt",
        capacity=20,
        questions=[
            ("Dieetwensen of allergieën", RegistrationQuestion.Kind.TEXT, "", False),
            ("Heb je iets nodig om vlot deel te nemen?", RegistrationQuestion.Kind.TEXT, "", False),
            ("Namiddagsessie", RegistrationQuestion.Kind.CHOICE, "Gesprekstechnieken\nGroepswerking", True),
        ],
        life_domains=[d for d in (domains.get("Mentaal welbevinden"),) if d],
    )

    group = IntervisionGroup.objects.filter(name="Intervisiegroep Kempen").first()
    if group and facilitator and not GroupMeeting.objects.filter(group=group).exists():
        meeting_day = _working_day(today + timedelta(days=14))
        services.meeting_create(
            group=group,
            by=facilitator,
            title="Intervisiemoment: incidentmethode",
            starts_at=_brussels(meeting_day, 9, 30),
            ends_at=_brussels(meeting_day, 12),
            agenda="1. Rondje: hoe gaat het?\n2. Casus volgens de incidentmethode\n3. Afspraken voor de volgende keer",
            online_url="https://meet.jit.si/samenhuis-intervisie-kempen-demo",
        )
