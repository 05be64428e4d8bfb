import pytest

from community.demo import editors_group_ensure
from community.models import Membership, Municipality
from knowledge.models import PracticeIndexPage, StandardPage
from knowledge.review import practice_workflow_ensure
from tests.factories import OrganisationFactory, UserFactory


@pytest.fixture
def index():
    """The practice listing, under the knowledge section the migrations create."""
    knowledge = StandardPage.objects.get(slug="kennis")
    return knowledge.add_child(instance=PracticeIndexPage(title="Praktijkvoorbeelden", slug="praktijken"))


# Sharing a practice: the listing with its review workflow, a Huis, its coordinator and an editor.


@pytest.fixture
def practice_index():
    index = PracticeIndexPage.objects.first()
    if index is None:
        index = PracticeIndexPage(title="Praktijken", slug="praktijken")
        StandardPage.objects.get(slug="kennis").add_child(instance=index)
    practice_workflow_ensure()
    return index


@pytest.fixture
def house():
    return OrganisationFactory(
        name="Huis van het Kind Geel", municipalities=[Municipality.objects.get(nis_code="13008")]
    )


@pytest.fixture
def coordinator(house):
    person = UserFactory(email="an@huis-geel.test", profile="An Peeters")
    Membership.objects.create(person=person, organisation=house, role=Membership.Role.COORDINATOR)
    return person


@pytest.fixture
def editor(practice_index):
    person = UserFactory(email="sofie@redactie.test", profile="Sofie Redactie")
    person.groups.add(editors_group_ensure())
    return person
