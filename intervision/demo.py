"""The demo's intervision sessions (samenhuis/management/commands/load_demo.py, after community's
demo made the Kempen group): a past session run with the incident method, with its record and two
open action points, and a session planned for next week whose presenter has written the intake.

Everything goes through the services, as the people themselves would do it; the case texts are
written without identifying details, as the platform asks (the identifier check is confirmed only
for the colleagues' names, which the group knows).
"""

from datetime import timedelta

from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from community.models import IntervisionGroup, User

from . import services
from .models import Collects, Method, Session

PAST_TITLE = "Casus: een gezin dat de afspraken op het consultatiebureau mist"
NEXT_TITLE = "Casus: samenwerken met de school rond een kleuter die weinig komt"

PAST_CASE = (
    "Een jong gezin met een baby van vier maanden komt sinds de geboorte niet meer naar het "
    "consultatiebureau. De verpleegkundige belde twee keer; de mama zei telkens dat het niet "
    "uitkwam. Bij een toevallige ontmoeting in de speelotheek vertelde ze dat ze zich bekeken "
    "voelt in de wachtzaal. Hoe houden we contact zonder dat ze zich gecontroleerd voelt?"
)
NEXT_CASE = (
    "Een kleuter uit de tweede kleuterklas is vaak afwezig. De school vraagt het Huis van het Kind "
    "om mee te denken. De ouders werken in ploegen en hebben weinig netwerk. Wat kan het Huis doen, "
    "en wat is de rol van de school?"
)


def _run_past_session(session: Session, people: dict) -> None:
    facilitator, presenter = people["facilitator"], people["coordinator"]
    lies = people["lies"]
    services.session_start(actor=facilitator, session=session)
    ids = iter(range(1, 100))

    def phase(collects):
        while Session.objects.get(pk=session.pk).current_phase.collects != collects:
            services.session_move(actor=facilitator, session=session, to="next")

    def write(person, text):
        return services.contribution_add(actor=person, session=session, text=text, client_id=f"demo-{next(ids)}")

    phase(Collects.QUESTIONS)
    write(lies, "Sinds wanneer merkt de verpleegkundige dat de afspraken gemist worden?")
    write(facilitator, "Heeft de mama zelf een vraag gesteld, ooit?")
    services.questions_reveal(actor=facilitator, session=session)
    phase(Collects.NOTES)
    write(lies, "De eerste gemiste afspraak viel samen met de terugkeer van papa naar zijn werk.")
    phase(Collects.ADVICE)
    taken = write(lies, "Bied een huisbezoek aan in plaats van een afspraak in de wachtzaal.")
    write(facilitator, "Vraag de speelotheek of de verpleegkundige daar eens kan aansluiten.")
    services.advice_take(actor=presenter, contribution=taken, taken=True)
    phase(Collects.REFLECTION)
    write(presenter, "Ik neem mee dat de plek van de afspraak voor deze mama het verschil maakt.")
    phase(Collects.ACTIONS)
    today = timezone.localdate()
    services.action_point_add(
        actor=facilitator,
        session=session,
        who="Coördinator Geel",
        what="Met Kind en Gezin bekijken of een huisbezoek kan",
        due=today + timedelta(days=14),
    )
    services.action_point_add(
        actor=facilitator,
        session=session,
        who="Begeleider",
        what="De speelotheek vragen naar een vast moment met de verpleegkundige",
        due=today + timedelta(days=21),
    )
    services.session_end(actor=facilitator, session=session)


def intervision_demo_ensure() -> None:
    group = IntervisionGroup.objects.filter(name="Intervisiegroep Kempen").first()
    if group is None or Session.objects.filter(group=group).exists():
        return
    people = {
        "facilitator": User.objects.get(email="gespreksleider@samenhuis.test"),
        "coordinator": User.objects.get(email="coordinator@samenhuis.test"),
        "lies": User.objects.get(email="lies@demo.samenhuis.test"),
    }
    incident = Method.objects.get(key="incident", group__isnull=True)
    now = timezone.now()
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"), transaction.atomic():
        past = services.session_plan(
            actor=people["facilitator"],
            group=group,
            method=incident,
            title=PAST_TITLE,
            planned_for=now - timedelta(days=3),
            presenter=people["coordinator"],
        )
        services.session_case_save(actor=people["coordinator"], session=past, text=PAST_CASE, confirmed=True)
        _run_past_session(past, people)
        # Recorded as it happened three days ago.
        Session.objects.filter(pk=past.pk).update(
            started_at=now - timedelta(days=3), ended_at=now - timedelta(days=3) + timedelta(minutes=95)
        )
        upcoming = services.session_plan(
            actor=people["facilitator"],
            group=group,
            method=Method.objects.get(key="roddel", group__isnull=True),
            title=NEXT_TITLE,
            planned_for=(now + timedelta(days=7)).replace(hour=13, minute=30, second=0, microsecond=0),
            presenter=people["lies"],
            timekeeper=people["coordinator"],
        )
        services.session_case_save(actor=people["lies"], session=upcoming, text=NEXT_CASE, confirmed=True)
