"""Session content stays in the session: not in the search index, not in notifications or mails."""

import pytest
from django.core import mail
from django.core.management import call_command

from community.models import Notification
from intervision import services
from intervision.models import Collects
from search.backends import get_search_backend
from search.backends.base import SearchRequest
from search.models import SearchEntry
from tests.intervision.test_services import Circle

pytestmark = pytest.mark.django_db


def test_case_texts_and_contributions_never_reach_search_notifications_or_mail(client):
    circle = Circle()
    services.session_case_save(actor=circle.presenter, session=circle.session, text="Zeldzaamwoord in de casus.")
    circle.to_phase(Collects.QUESTIONS)
    circle.write(circle.anna, "Een vraag met Uniekvraagwoord erin?")
    circle.to_phase(Collects.ADVICE)
    circle.write(circle.bart, "Advies met Adviesgeheimwoord.")
    call_command("search_rebuild", verbosity=0)

    scopes = ("public", "members", f"group:{circle.group.pk}")
    for word in ("zeldzaamwoord", "uniekvraagwoord", "adviesgeheimwoord"):
        assert get_search_backend().search(SearchRequest(query=word, scopes=scopes)).total == 0
        assert not SearchEntry.objects.filter(text__icontains=word).exists()
        assert not Notification.objects.filter(text__icontains=word).exists()
        assert not any(word in message.body.lower() or word in message.subject.lower() for message in mail.outbox)
    client.force_login(circle.anna)
    page = client.get("/zoeken/", {"q": "zeldzaamwoord"}).content.decode()
    assert "Zeldzaamwoord" not in page
