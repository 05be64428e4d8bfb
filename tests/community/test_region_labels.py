"""Every region picker names each option once: a province, a reference region and a primary care
zone can share a name (Limburg, Westhoek), so the labels say their kind."""

from html.parser import HTMLParser

import pytest

from community.models import Region
from events.forms import AgendaFilterForm
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PAGES = ["/gemeenschap/organisaties/", "/gemeenschap/leden/", "/gemeenschap/groepen/", "/gemeenschap/groepen/nieuw/"]


class Selects(HTMLParser):
    """The option labels of every region select on a page."""

    def __init__(self):
        super().__init__()
        self.selects: dict[str, list[str]] = {}
        self._select = self._option = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "select" and attributes.get("name") in {"regio", "region", "provincie"}:
            self._select = attributes["name"]
            self.selects[self._select] = []
        elif tag == "option" and self._select and attributes.get("value"):
            self._option = ""

    def handle_data(self, data):
        if self._option is not None:
            self._option += data

    def handle_endtag(self, tag):
        if tag == "option" and self._option is not None:
            self.selects[self._select].append(" ".join(self._option.split()))
            self._option = None
        elif tag == "select":
            self._select = None


def duplicates(labels: list[str]) -> set[str]:
    return {label for label in labels if labels.count(label) > 1}


def test_the_reference_data_has_shared_names_to_tell_apart():
    names = list(Region.objects.values_list("name", flat=True))
    assert {"Limburg", "Westhoek"} <= {name for name in names if names.count(name) > 1}


@pytest.mark.parametrize("path", PAGES)
def test_every_region_select_names_each_option_once(client, path):
    client.force_login(UserFactory(is_superuser=True))
    response = client.get(path)
    assert response.status_code == 200
    parser = Selects()
    parser.feed(response.content.decode())
    assert parser.selects, f"no region select on {path}"
    assert {name: duplicates(labels) for name, labels in parser.selects.items()} == {
        name: set() for name in parser.selects
    }
    assert any("(referentieregio)" in label for labels in parser.selects.values() for label in labels)


def test_the_agenda_filter_names_each_region_once():
    regions = list(Region.objects.filter(name__in=["Limburg", "Westhoek"]))
    form = AgendaFilterForm({}, months=[], regions=regions, domains=[])
    labels = [label for value, label in form.fields["regio"].choices if value]
    assert len(labels) == len(regions) >= 4 and not duplicates(labels)
