import pytest

from knowledge.models import PracticeIndexPage, StandardPage


@pytest.fixture
def index():
    """The practice listing, under the knowledge section the migrations create."""
    knowledge = StandardPage.objects.get(slug="kennis")
    return knowledge.add_child(instance=PracticeIndexPage(title="Praktijkvoorbeelden", slug="praktijken"))
