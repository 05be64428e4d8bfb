"""After a session, its facilitator turns what the group learned into a draft good practice, written
anew: the form starts empty, the texts are checked for identifiers, and the practice goes to the
editors through the usual review (knowledge.services.practice_submit)."""

import pytest

from community.models import Membership, Municipality
from intervision import services
from intervision.models import Session
from knowledge.models import PracticeIndexPage, PracticePage, StandardPage
from knowledge.review import practice_workflow_ensure
from tests.factories import OrganisationFactory
from tests.intervision.test_services import Circle
from tests.knowledge.test_submission import form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def house():
    if not PracticeIndexPage.objects.exists():
        StandardPage.objects.get(slug="kennis").add_child(
            instance=PracticeIndexPage(title="Praktijken", slug="praktijken")
        )
    practice_workflow_ensure()
    return OrganisationFactory(
        name="Huis van het Kind Geel", municipalities=[Municipality.objects.get(nis_code="13008")]
    )


@pytest.fixture
def ended(house):
    circle = Circle()
    services.session_case_save(actor=circle.presenter, session=circle.session, text="Een casus over een gezin.")
    services.session_start(actor=circle.facilitator, session=circle.session)
    services.session_end(actor=circle.facilitator, session=circle.session)
    Membership.objects.create(person=circle.facilitator, organisation=house, role=Membership.Role.COORDINATOR)
    return circle


def url(session: Session) -> str:
    return f"/intervisie/sessies/{session.pk}/praktijk/"


def test_the_form_starts_empty_and_the_practice_goes_to_review(
    client, ended, house, django_capture_on_commit_callbacks
):
    client.force_login(ended.facilitator)
    page = client.get(url(ended.session))
    assert page.status_code == 200
    assert "Een casus over een gezin" not in page.content.decode()
    record = client.get(f"/intervisie/sessies/{ended.session.pk}/verslag/").content.decode()
    assert url(ended.session) in record
    data = form_data(house, title="Afspraken op een vertrouwde plek", lessons="De plek van een afspraak telt.")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url(ended.session), data)
    assert response.status_code == 302 and response.url == "/kennis/mijn-bijdragen/"
    practice = PracticePage.objects.get(submitted_by=ended.facilitator)
    assert not practice.live and practice.title == "Afspraken op een vertrouwde plek"


def test_identifiers_are_flagged_and_the_text_kept_until_confirmed(
    client, ended, house, django_capture_on_commit_callbacks
):
    client.force_login(ended.facilitator)
    data = form_data(house, lessons="Bel gerust naar 0475 12 34 56 voor het draaiboek.")
    response = client.post(url(ended.session), data)
    assert response.status_code == 400
    body = response.content.decode()
    assert "0475 12 34 56" in body and "confirm_identifiers" in body
    assert not PracticePage.objects.filter(submitted_by=ended.facilitator).exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url(ended.session), {**data, "confirm_identifiers": "1"})
    assert response.status_code == 302


def test_only_the_facilitator_after_the_end(client, ended):
    client.force_login(ended.anna)
    assert client.get(url(ended.session)).status_code == 403
    running = Circle()
    client.force_login(running.facilitator)
    assert client.get(url(running.session)).status_code == 403
