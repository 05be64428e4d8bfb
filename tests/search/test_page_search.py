"""The index follows the content, through the real services and pages: publishing,
unpublishing, editing and deleting pages; messages posted, edited, deleted and hidden; materials;
organisations. And the search page itself: facets, bad input, permissions, no JavaScript needed."""

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from wagtail.documents.models import Document

from events.models import EventMaterial
from events.pdf import pdf_render
from knowledge.models import LifeDomain, LifeDomainPage, PracticeIndexPage, PracticePage, StandardPage
from rooms import services as room_services
from search.models import SearchEntry, SearchQueue
from tests.events.conftest import event_publish
from tests.factories import OrganisationFactory, UserFactory
from tests.rooms.support import group_room, post, thematic_room

pytestmark = pytest.mark.django_db(transaction=True)


def practice_publish(title, summary, **fields):
    knowledge = StandardPage.objects.get(slug="kennis")
    index = PracticeIndexPage.objects.first() or knowledge.add_child(
        instance=PracticeIndexPage(title="Praktijkvoorbeelden", slug="praktijken")
    )
    page = index.add_child(instance=PracticePage(title=title, summary=summary, **fields))
    page.save_revision().publish()
    return page


def titles(client, query, **params):
    """The results part of the search page (the query itself is also in the title and the box)."""
    html = client.get("/zoeken/", {"q": query, **params}).content.decode()
    start = html.find('id="search-count"')
    assert start > 0, "no result count on the page"
    count = html[start : html.find("</p>", start)]
    results = html[html.find('<ol class="results">') : html.find("</ol>")] if '<ol class="results">' in html else ""
    return count + results


def test_publish_edit_unpublish_and_delete_a_practice(client):
    page = practice_publish("Babbelbox in de wachtzaal", "Ouders praten over slapen en voeding.")
    assert "Babbelbox in de wachtzaal" in titles(client, "slapen")
    page.summary = "Ouders praten over taal en voorlezen."
    page.save_revision().publish()
    assert "Babbelbox" not in titles(client, "slapen")
    assert "Babbelbox" in titles(client, "voorlezen")
    page.unpublish()
    assert "Babbelbox" not in titles(client, "voorlezen")
    page.save_revision().publish()
    assert "Babbelbox" in titles(client, "voorlezen")
    page.delete()
    assert not SearchEntry.objects.filter(key=f"practice:{page.pk}").exists()


def test_messages_follow_posts_edits_deletes_and_hides(client):
    room = thematic_room()
    author, moderator = UserFactory(), UserFactory(is_superuser=True)
    message = post(room, author, "Wie kent een goede logopedist in Mol?")
    client.force_login(UserFactory())
    assert "logopedist" in titles(client, "logopedist")
    room_services.room_message_edit(actor=author, message=message, body="Wie kent een kinesist in Mol?")
    assert "logopedist" not in titles(client, "logopedist")
    assert "kinesist" in titles(client, "kinesist")
    room_services.room_message_hide(actor=moderator, message=message, hidden=True)
    assert "kinesist" not in titles(client, "kinesist")
    room_services.room_message_hide(actor=moderator, message=message, hidden=False)
    assert "kinesist" in titles(client, "kinesist")
    room_services.room_message_delete(actor=author, message=message)
    assert "kinesist" not in titles(client, "kinesist")
    client.logout()


def test_group_room_messages_only_for_the_group(client):
    member, outsider = UserFactory(), UserFactory()
    room = group_room(members=[member])
    post(room, member, "De casus van gezin Verbeeck bespreken we volgende week.")
    client.force_login(outsider)
    html = titles(client, "Verbeeck")
    assert "0 resultaten" in html and "Verbeeck bespreken" not in html
    client.force_login(member)
    assert "<mark>Verbeeck</mark>" in titles(client, "Verbeeck")
    client.logout()
    assert "Verbeeck bespreken" not in titles(client, "Verbeeck")


def test_public_materials_and_events_are_found_attendees_only_ones_are_not(client):
    event = event_publish(title="Netwerknamiddag Waasland", starts_in=timedelta(days=-3))
    for audience, title, words in (
        (EventMaterial.Audience.PUBLIC, "Verslag", "Gezinsondersteuning in het Waasland"),
        (EventMaterial.Audience.ATTENDEES, "Slides", "Vertrouwelijke cijfers over wachtlijsten"),
    ):
        document = Document.objects.create(
            title=title, file=ContentFile(pdf_render(title=title, paragraphs=[words]), name=f"{title}.pdf")
        )
        EventMaterial.objects.create(page=event, kind="document", title=title, document=document, audience=audience)
    event.save_revision().publish()
    assert "Netwerknamiddag Waasland" in titles(client, "netwerknamiddag")
    assert "<mark>Gezinsondersteuning</mark>" in titles(client, "gezinsondersteuning")
    assert "0 resultaten" in titles(client, "wachtlijsten")


def test_organisations_are_found(client):
    OrganisationFactory(name="Huis van het Kind Lommel", description="Consultatiebureau en speelotheek.")
    assert "Huis van het Kind Lommel" in titles(client, "speelotheek")
    assert "Huis van het Kind Lommel" in titles(client, "hvk lommel")


def test_search_page_facets_and_sorting_without_javascript(client):
    practice_publish("Fietsen met peuters", "Veilig fietsen met jonge kinderen.")
    OrganisationFactory(name="Fietsatelier De Trapper", description="Herstelt fietsen voor gezinnen.")
    assert "2 resultaten" in titles(client, "fietsen")
    html = client.get("/zoeken/", {"q": "fietsen"}).content.decode()
    assert 'name="soort" value="practice"' in html and 'name="soort" value="organisation"' in html
    only = titles(client, "fietsen", soort="organisation")
    assert "1 resultaat" in only and "Fietsatelier De Trapper" in only and "Fietsen met peuters</a>" not in only
    assert titles(client, "fietsen", volgorde="datum").count('class="result"') == 2


@pytest.mark.parametrize("query", ["", "   ", "!!!", "'; DROP TABLE x; --", "a & b | !c", "x" * 5000, '"""'])
def test_bad_input_gets_a_page_not_an_error(client, query):
    response = client.get("/zoeken/", {"q": query, "pagina": "abc", "jaar": "nooit"})
    assert response.status_code == 200


def test_suggestions_are_titles_the_visitor_may_read(client):
    practice_publish("Fietsen met peuters", "Veilig fietsen.")
    member = UserFactory()
    room = group_room(members=[member])
    post(room, member, "Fietsen in de groep")
    data = client.get("/zoeken/suggesties/", {"q": "fiets"}).json()
    assert [s["title"] for s in data["suggestions"]] == ["Fietsen met peuters"]


def test_rebuild_command_reports_counts(capsys):
    practice_publish("Fietsen met peuters", "Veilig fietsen.")
    SearchEntry.objects.all().delete()
    call_command("search_rebuild")
    out = capsys.readouterr().out
    assert "practice: 1" in out and "Indexed" in out
    assert SearchEntry.objects.filter(key__startswith="practice:").count() == 1


def test_a_failing_backend_never_breaks_saving_and_is_retried(client, settings, monkeypatch):
    from search import index
    from search.backends.database import DatabaseSearchBackend

    def broken(self, documents):
        raise ConnectionError("search cluster down")

    monkeypatch.setattr(DatabaseSearchBackend, "documents_index", broken)
    page = practice_publish("Fietsen met peuters", "Veilig fietsen.")
    assert PracticePage.objects.get(pk=page.pk).live
    assert SearchQueue.objects.filter(key=f"practice:{page.pk}").exists()
    assert "1 updates waiting" in client.get("/healthz").content.decode()
    monkeypatch.undo()
    assert index.search_queue_retry() >= 1
    assert not SearchQueue.objects.exists()
    assert "Fietsen met peuters" in titles(client, "peuters")


def test_a_view_restriction_added_after_publishing_takes_the_page_out(client):
    from wagtail.models import PageViewRestriction

    page = practice_publish("Babbelbox in de wachtzaal", "Ouders praten over slapen en voeding.")
    assert "Babbelbox" in titles(client, "slapen")
    restriction = PageViewRestriction.objects.create(page=page.get_parent(), restriction_type="login")
    assert "Babbelbox" not in titles(client, "slapen")
    restriction.delete()
    assert "Babbelbox" in titles(client, "slapen")


@pytest.mark.parametrize(("name", "value"), [("jaar", "²"), ("jaar", "9" * 5000), ("soort", "a\x00b"), ("q", "a\x00b")])
def test_odd_parameters_are_ignored(client, name, value):
    practice_publish("Fietsen met peuters", "Veilig fietsen.")
    params = {"q": "fietsen", name: value}
    assert client.get("/zoeken/", params).status_code == 200


def test_words_of_a_hidden_message_are_no_longer_suggested(client):
    from search.models import SearchWord

    room = thematic_room()
    author, moderator = UserFactory(), UserFactory(is_superuser=True)
    message = post(room, author, "Wie kent de Xylofoonclub in Mol?")
    assert SearchWord.objects.filter(word="xylofoonclub", scope="members").exists()
    room_services.room_message_hide(actor=moderator, message=message, hidden=True)
    assert not SearchWord.objects.filter(word="xylofoonclub").exists()


def test_a_typo_shows_what_the_suggestion_finds_with_a_way_back(client):
    practice_publish("Opvoedingsvragen van jonge ouders", "Een spreekuur over opvoedingsvragen.")
    html = client.get("/zoeken/", {"q": "opvoedingsvrgen"}).content.decode()
    assert "Resultaten voor <strong>opvoedingsvragen</strong> (gezocht: opvoedingsvrgen)." in html
    assert "Opvoedingsvragen van jonge ouders" in titles(client, "opvoedingsvrgen")
    assert 'href="?q=opvoedingsvrgen&amp;letterlijk=1"' in html

    literal = client.get("/zoeken/", {"q": "opvoedingsvrgen", "letterlijk": "1"}).content.decode()
    assert "Bedoelde je" in literal and "Opvoedingsvragen van jonge ouders" not in titles(
        client, "opvoedingsvrgen", letterlijk="1"
    )


def test_life_domain_results_carry_no_date(client):
    domain = LifeDomain.objects.get(slug="gezondheid")
    page = StandardPage.objects.get(slug="kennis").add_child(
        instance=LifeDomainPage(title="Gezondheid", slug="gezondheid", life_domain=domain, intro="Een gezonde start.")
    )
    page.save_revision().publish()
    html = client.get("/zoeken/", {"q": "gezonde start"}).content.decode()
    results = html[html.find('<ol class="results">') : html.find("</ol>")]
    assert "Gezondheid" in results and "<time" not in results
