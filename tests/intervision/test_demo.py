"""The demo shows a group's past session with its record and a session planned for next week."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from intervision.models import ActionPoint, Collects, Contribution, Session

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_past_session_with_its_record_and_one_planned_next_week(settings):
    settings.DEBUG = True
    call_command("load_demo")
    call_command("load_demo")  # idempotent
    sessions = Session.objects.filter(group__name="Intervisiegroep Kempen").order_by("planned_for")
    past, upcoming = sessions
    assert past.status == Session.Status.ENDED and past.ended_at < timezone.now()
    assert upcoming.status == Session.Status.PLANNED and upcoming.planned_for > timezone.now()
    assert upcoming.case_text and upcoming.method.key == "roddel"
    assert ActionPoint.objects.filter(session=past, done_at__isnull=True).count() == 2
    assert Contribution.objects.filter(session=past, kind=Collects.ADVICE, taken=True).count() == 1
    assert Contribution.objects.filter(session=past, kind=Collects.REFLECTION).exists()
    assert all(phase.seconds_used >= 0 for phase in past.phases.all())
