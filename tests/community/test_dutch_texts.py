"""What `migrate` stores for people to read is Dutch, although migrate runs with translations off."""

import importlib

import pytest
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from rooms.models import Room

pytestmark = pytest.mark.django_db


def test_the_thematic_rooms_made_by_migrate_are_described_in_dutch():
    """The test database was made by migrate, as a new installation is."""
    rooms = Room.objects.filter(kind=Room.Kind.PUBLIC).select_related("life_domain")
    assert rooms.count() == 10
    for room in rooms:
        assert room.description == f"Wissel ervaringen en vragen uit over {room.life_domain.name.lower()}."


def test_rooms_described_in_english_before_are_put_in_dutch_and_own_texts_are_kept():
    health, care, *_ = Room.objects.filter(kind=Room.Kind.PUBLIC).select_related("life_domain").order_by("pk")
    health.description = f"Exchange experience and questions about {health.life_domain.name.lower()}."
    health.save()
    care.description = "Exchange about childcare, written by our administrator."
    care.save()

    # The models as that migration knew them (the rooms were community's then; rooms/ since 0007).
    state = MigrationLoader(connection).project_state(("community", "0005_dutch_room_descriptions"))
    importlib.import_module("community.migrations.0005_dutch_room_descriptions").descriptions_in_dutch(state.apps, None)

    health.refresh_from_db()
    care.refresh_from_db()
    assert health.description == f"Wissel ervaringen en vragen uit over {health.life_domain.name.lower()}."
    assert care.description == "Exchange about childcare, written by our administrator."
