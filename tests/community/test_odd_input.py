"""Input that PostgreSQL refuses where SQLite takes it (a NUL byte, an address longer than the
column) is a form error or is ignored, never a 500; both databases run these in CI."""

import pytest
from django.urls import reverse

from community.models import GroupInvitation
from rooms import services as room_services
from rooms.models import ModerationAction, Report
from tests.factories import UserFactory, group_create
from tests.rooms.support import group_room, post

pytestmark = pytest.mark.django_db


def test_an_invitation_to_an_address_longer_than_254_characters_is_a_form_error(client):
    facilitator = UserFactory()
    group = group_create(facilitator=facilitator, name="Kempen")
    address = "a" * 64 + "@" + ".".join(["b" * 63] * 3 + ["c" * 40]) + ".be"
    assert 254 < len(address) <= 320
    client.force_login(facilitator)

    response = client.post(reverse("community:group_invite", args=[group.slug]), {"email": address})

    assert response.status_code == 400
    assert address in response.content.decode()
    assert not GroupInvitation.objects.exists()


def test_a_nul_byte_in_the_group_region_filter_lists_all_groups(client):
    group_create(facilitator=UserFactory(), name="Kempen")
    client.force_login(UserFactory())

    response = client.get(reverse("community:groups"), {"regio": "a\x00b"})

    assert response.status_code == 200
    assert "Kempen" in response.content.decode()


def test_a_nul_byte_in_moderation_notes_is_dropped(client):
    facilitator, member, reporter = UserFactory(), UserFactory(), UserFactory()
    room = group_room(facilitator=facilitator, members=[member, reporter])
    message, reported = post(room, member), post(room, member, "Nog een bericht")
    report = room_services.room_message_report(reporter=reporter, message=reported, reason="spam", note="zie\x00 dit")
    client.force_login(facilitator)

    hide = client.post(
        reverse("rooms:room_message_hide", args=[room.slug, message.seq]), {"hidden": "1", "note": "a\x00b"}
    )
    dismiss = client.post(reverse("rooms:report_dismiss", args=[report.pk]), {"note": "c\x00d"})

    assert hide.status_code == dismiss.status_code == 302
    assert Report.objects.get(pk=report.pk).note == "zie dit"
    notes = set(ModerationAction.objects.values_list("note", flat=True))
    assert {"ab", "cd"} <= notes
