"""The demo's conversations: a few messages in the Kempen group's room and in a thematic room,
posted after community's demo made the people and groups (samenhuis/management/commands/load_demo.py)."""

from django.db import transaction
from django.test import override_settings

from community.demo import demo_colleagues_ensure
from community.models import User

from . import services
from .models import Room

# Conversations: (room, [(author key, client id, text, reply to client id)])
DEMO_CONVERSATIONS = [
    (
        "group:Intervisiegroep Kempen",
        [
            (
                "facilitator",
                "demo-kempen-1",
                "Welkom allemaal! Ons volgende intervisiemoment staat in de agenda.",
                None,
            ),
            (
                "coordinator",
                "demo-kempen-2",
                "Dank je. Ik breng graag een casus in over een gezin dat de weg naar het consultatiebureau niet vindt.",
                None,
            ),
            ("lies", "demo-kempen-3", "Herkenbaar. Bij ons hielp een inloopmoment op zaterdag.", "demo-kempen-2"),
            ("facilitator", "demo-kempen-4", "Mooi, dan nemen we die casus als eerste.", "demo-kempen-2"),
        ],
    ),
    (
        "domain:ouderschaps-en-opvoedingsondersteuning",
        [
            (
                "jonas",
                "demo-opvoeding-1",
                "Wie heeft ervaring met opvoedingsondersteuning in groep voor vaders?",
                None,
            ),
            (
                "coordinator",
                "demo-opvoeding-2",
                "In Geel loopt een papa-café, één keer per maand op zaterdagvoormiddag. Ik deel graag het draaiboek.",
                "demo-opvoeding-1",
            ),
            ("ruben", "demo-opvoeding-3", "In Hasselt starten we in het voorjaar iets gelijkaardigs.", None),
        ],
    ),
]


def demo_conversations_ensure() -> None:
    """A few messages in the Kempen group's room and in a thematic room, posted through the room
    service (numbered, announced, notified) as the people themselves would."""
    people = {
        "coordinator": User.objects.get(email="coordinator@samenhuis.test"),
        "facilitator": User.objects.get(email="gespreksleider@samenhuis.test"),
        **demo_colleagues_ensure(),
    }
    for room_key, messages in DEMO_CONVERSATIONS:
        kind, key = room_key.split(":", 1)
        room = (
            Room.objects.filter(group__name=key).first()
            if kind == "group"
            else Room.objects.filter(kind=Room.Kind.PUBLIC, life_domain__slug=key).first()
        )
        if room is None:
            continue
        posted: dict[str, int] = {}
        for author_key, client_id, body, reply_to in messages:
            message = services.room_message_post(
                room=room,
                author=people[author_key],
                body=body,
                client_id=client_id,
                parent_seq=posted.get(reply_to) if reply_to else None,
            )
            posted[client_id] = message.parent.seq if message.parent_id else message.seq


def rooms_demo_ensure() -> None:
    """The demo sends no mail (it would only reach .test addresses)."""
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"), transaction.atomic():
        demo_conversations_ensure()
