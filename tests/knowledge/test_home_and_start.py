"""The public home page (blocks that lead to their sections, the "find a Huis" box, the editors'
featured pages), the member start page at the same address (prompts, groups with unread messages
and the next meeting, notifications, mentions, registrations, new practices since the last visit,
a query count that does not grow) and the knowledge hub."""

import datetime
import importlib
import itertools
import re
from types import SimpleNamespace

import pytest
from bs4 import BeautifulSoup
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import Page, PageViewRestriction

from community import services as community_services
from community.models import Membership, Municipality, Notification, Profile
from events import services as event_services
from events.models import EventMaterial
from knowledge.demo import knowledge_demo_ensure
from knowledge.demo_magazine import magazine_demo_ensure
from knowledge.models import (
    HomePage,
    HomePageFeature,
    KnowledgeHubPage,
    LifeDomain,
    PracticeIndexPage,
    PracticePage,
    StandardPage,
    StartPageVisit,
)
from knowledge.start import VISIT_GAP, member_visit_record
from tests.events.conftest import event_publish, meeting_plan
from tests.factories import OrganisationFactory, UserFactory
from tests.rooms.support import committed, group_room, post, thematic_room

pytestmark = pytest.mark.django_db

MIGRATION = "knowledge.migrations.0005_home_features_hub_visits"


def main_of(response) -> BeautifulSoup:
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser").find("main")


def section(main, key):
    found = main.find(id=f"section-{key}")
    assert found is not None, f"no section {key}"
    return found


def more_link(main, key) -> str:
    return section(main, key).find(id=f"section-{key}-more")["href"]


def practice_add(title, *, domains=("gezondheid",), minutes_ago=0):
    practice = PracticePage(
        title=title,
        summary=f"Samenvatting van {title}.",
        first_published_at=timezone.now() - datetime.timedelta(minutes=minutes_ago),
    )
    practice.life_domains = list(LifeDomain.objects.filter(slug__in=domains))
    index = PracticeIndexPage.objects.get()
    return index.add_child(instance=practice)


# The public home page -----------------------------------------------------------------------------


def test_every_block_of_the_home_page_leads_to_its_section(client):
    knowledge_demo_ensure()
    magazine_demo_ensure()
    event = event_publish(title="Netwerknamiddag Limburg")
    newest = practice_add("Een gloednieuwe praktijk")

    main = main_of(client.get("/"))

    practices = section(main, "practices")
    assert practices.select_one(".practice-card h3 a").get_text() == newest.title
    assert len(practices.select(".practice-card")) == 3
    assert more_link(main, "practices") == "/kennis/praktijken/"
    events = section(main, "events")
    assert event.title in events.get_text()
    assert more_link(main, "events") == "/agenda/"
    magazine = section(main, "magazine")
    assert magazine.select_one("h3 a")["href"] == "/kennis/magazine/nummer-1/"
    assert more_link(main, "magazine") == "/kennis/magazine/"
    # Each block's links answer.
    for href in {a["href"] for a in main.select(".page-section a")}:
        assert client.get(href).status_code == 200, href
    assert "Account aanmaken" in main.get_text() or "Aanmelden" in main.get_text()


def test_the_home_page_says_when_a_list_is_empty(client):
    main = main_of(client.get("/"))
    for key in ("practices", "events", "magazine"):
        assert section(main, key).select_one(".empty"), key


def test_featured_pages_are_chosen_by_the_editors_and_only_shown_when_a_visitor_may_open_them(client):
    knowledge_demo_ensure()
    home = HomePage.objects.get()
    practice = PracticePage.objects.live().order_by("pk").first()
    privacy = Page.objects.get(slug="privacy")
    hidden = practice_add("Nog niet gepubliceerd")
    hidden.unpublish()
    for order, (page, text) in enumerate([(practice, "Lees dit eerst"), (privacy, ""), (hidden, "Geheim")]):
        HomePageFeature.objects.create(page=home, link_page=page, text=text, sort_order=order)

    featured = main_of(client.get("/")).find("section", class_="featured")
    assert [a.get_text() for a in featured.select("h3 a")] == [practice.title, privacy.title]
    assert "Lees dit eerst" in featured.get_text()

    PageViewRestriction.objects.create(page=privacy, restriction_type=PageViewRestriction.LOGIN)
    featured = main_of(client.get("/")).find("section", class_="featured")
    assert [a.get_text() for a in featured.select("h3 a")] == [practice.title]


def home_queries(client) -> int:
    """Queries of a second visit to `/`: the public home page, or the start page when logged in."""
    client.get("/")
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/").status_code == 200
    return len(queries)


def test_the_home_page_query_count_does_not_grow(client, django_assert_max_num_queries):
    knowledge_demo_ensure()
    magazine_demo_ensure()
    event_publish(title="Eén activiteit")
    HomePageFeature.objects.create(page=HomePage.objects.get(), link_page=PracticePage.objects.live().first())
    few = home_queries(client)

    for number in range(20):
        practice_add(f"Nog een praktijk {number}")
    for number in range(6):
        event_publish(title=f"Activiteit {number}", slug=f"activiteit-{number}")
    for page in PracticePage.objects.live()[:2]:
        HomePageFeature.objects.create(page=HomePage.objects.get(), link_page=page)
    client.get("/")
    with django_assert_max_num_queries(few):
        main = main_of(client.get("/"))
    assert len(section(main, "events").select(".event-card")) == 3
    assert len(main.find("section", class_="featured").select("li")) == 3


def test_editors_choose_the_introduction_and_the_featured_pages_in_the_cms(admin_client):
    response = admin_client.get(f"/cms/pages/{HomePage.objects.get().pk}/edit/")
    assert response.status_code == 200
    assert b'name="intro"' in response.content
    assert b"featured_items-TOTAL_FORMS" in response.content


# "Find a Huis van het Kind": a GET form answered on the home page ----------------------------------


@pytest.fixture
def geel_house():
    return OrganisationFactory(
        name="Huis van het Kind Geel", municipalities=[Municipality.objects.get(nis_code="13008")]
    )


def test_the_house_box_is_a_labelled_get_form_that_comes_back_to_the_home_page(client):
    main = main_of(client.get("/"))
    form = main.find("form", attrs={"role": "search"})
    assert form["method"] == "get"
    assert form["action"] == "/#zoek-een-huis"
    field = form.find("input", attrs={"name": "q"})
    assert main.find("label", attrs={"for": field["id"]}).get_text().strip()
    assert form.find("button", attrs={"type": "submit"})


def test_a_postcode_finds_the_huis_on_the_home_page_itself(client, geel_house):
    main = main_of(client.get("/", {"q": "2440"}))
    answer = main.find(id="house-lookup-answer")
    assert "Geel" in answer.get_text()
    assert answer.find("a", string="Huis van het Kind Geel")["href"] == geel_house.get_absolute_url()
    assert main.find("input", attrs={"name": "q"})["value"] == "2440"
    assert answer.find("a", href="/gemeenschap/organisaties/?q=2440")


def test_a_municipality_name_finds_it_too_and_an_uncovered_one_says_so(client, geel_house):
    answer = main_of(client.get("/", {"q": "geel"})).find(id="house-lookup-answer")
    assert answer.find("a", string="Huis van het Kind Geel")
    answer = main_of(client.get("/", {"q": "Mol"})).find(id="house-lookup-answer")
    assert "Mol: op Samenhuis dekt nog geen Huis van het Kind deze gemeente." in " ".join(answer.get_text().split())


@pytest.mark.parametrize(
    ("query", "says"),
    [("ge", "minstens drie letters"), ("9999", "geen gemeente"), ("<script>", "geen gemeente")],
)
def test_what_the_box_answers_when_it_finds_nothing(client, query, says):
    response = client.get("/", {"q": query})
    answer = main_of(response).find(id="house-lookup-answer")
    assert says in answer.get_text()
    assert answer.find("a", href=re.compile(r"^/gemeenschap/organisaties/\?q="))
    assert b"<script>" not in response.content.split(b"<main")[1].split(b"</main>")[0]


# The member start page -------------------------------------------------------------------------


def test_a_new_member_gets_their_start_page_with_prompts_and_no_marketing(client):
    member = UserFactory(profile="Nieuw Lid")
    client.force_login(member)
    response = client.get("/")
    main = main_of(response)
    assert response.templates[0].name == "knowledge/start_page.html"
    assert main.find("h1").get_text() == "Welkom, Nieuw Lid"
    prompts = section(main, "prompts")
    assert "jouw functie" in prompts.get_text()
    assert prompts.find("a", href="/gemeenschap/profiel/")
    assert "nog niet gekoppeld" in prompts.get_text()
    assert main.find(id="house-lookup-q") is None
    for key in ("groups", "notifications", "mentions", "registrations", "new-practices"):
        assert section(main, key).select_one(".empty"), key
    assert len(main.find_all("h1")) == 1


def test_prompts_go_once_the_profile_is_complete_and_the_member_is_linked(client):
    member = UserFactory(profile="An Peeters")
    community_services.profile_update(
        user=member,
        display_name="An Peeters",
        function="Coördinator",
        bio="Ik trek het Huis in Geel.",
        expertise=[LifeDomain.objects.get(slug="gezondheid")],
        visibility=Profile.Visibility.MEMBERS,
    )
    client.force_login(member)
    assert "nog niet gekoppeld" in section(main_of(client.get("/")), "prompts").get_text()
    Membership.objects.create(person=member, organisation=OrganisationFactory(), role=Membership.Role.STAFF)
    assert main_of(client.get("/")).find(id="section-prompts") is None


def active_member(*, groups=1, events=1, mentions=1, notifications=1):
    """A coordinator with a complete profile, in `groups` groups whose facilitator posted, planned a
    meeting and mentioned them, registered for `events` events, with unread notifications."""
    member = UserFactory(profile="An Peeters")
    community_services.profile_update(
        user=member,
        display_name="An Peeters",
        function="Coördinator",
        bio="Ik trek het Huis in Geel.",
        expertise=[LifeDomain.objects.get(slug="gezondheid")],
        visibility=Profile.Visibility.MEMBERS,
    )
    Membership.objects.create(person=member, organisation=OrganisationFactory(), role=Membership.Role.COORDINATOR)
    return add_activity(member, groups=groups, events=events, mentions=mentions, notifications=notifications)


_events_made = itertools.count()


def add_activity(member, *, groups, events, mentions, notifications):
    for number in range(groups):
        facilitator = UserFactory(profile=f"Gespreksleider {number}")
        room = group_room(facilitator=facilitator, members=[member])
        post(room, facilitator, "Welkom in de groep")
        for _mention in range(mentions):
            with committed():  # the mention's notification follows the commit
                post(room, facilitator, f"Wat denk jij, @**An Peeters|{member.pk}**?")
        meeting_plan(room.group, facilitator, title=f"Intervisie {room.group.name}")
    for number in range(events):
        event = event_publish(title=f"Vorming {number}", slug=f"vorming-{next(_events_made)}")
        event_services.event_register(event=event, person=member)
    for number in range(notifications):
        community_services.notification_create(recipient=member, text=f"Melding {number}", url="/kennis/")
    return member


def test_an_active_member_sees_their_groups_mentions_notifications_registrations_and_new_practices(client):
    knowledge_demo_ensure()
    member = active_member()
    client.force_login(member)

    main = main_of(client.get("/"))

    assert main.find(id="section-prompts") is None
    groups = section(main, "groups")
    assert "2 ongelezen berichten" in groups.get_text()  # the welcome and the mention
    meeting = groups.find("a", href=re.compile(r"^/agenda/groepen/"))
    assert meeting.get_text().startswith("Intervisie Groep")
    assert groups.find("time")
    mentions = section(main, "mentions")
    assert "Gespreksleider 0" in mentions.get_text()
    assert mentions.select_one(".tag")  # unread
    notifications = section(main, "notifications")
    unread = Notification.objects.filter(recipient=member, read_at__isnull=True).count()
    assert unread == 3  # approved into the group, the mention, and ours
    assert f"{unread} ongelezen meldingen" in notifications.get_text()
    assert notifications.find("a", string="Melding 0")
    registrations = section(main, "registrations")
    assert registrations.find("a", string="Vorming 0")
    new = section(main, "new-practices")
    # First visit: the newest in their life domain, nothing else.
    health = set(PracticePage.objects.live().filter(life_domains__slug="gezondheid").values_list("title", flat=True))
    assert {link.get_text() for link in new.select("li a")} <= health
    assert len(new.select("li a")) == min(5, len(health))
    assert more_link(main, "new-practices") == "/kennis/praktijken/?levensdomein=gezondheid"


def test_a_mention_names_its_author_only_to_whom_may_see_the_authors_profile(client):
    member = active_member(groups=0, events=0, mentions=0, notifications=0)
    reserved = UserFactory(profile="Verborgen Persoon")
    Profile.objects.filter(user=reserved).update(visibility=Profile.Visibility.CONNECTIONS)
    room = thematic_room("gezondheid")
    post(room, reserved, f"Dag @**An Peeters|{member.pk}**")
    client.force_login(member)
    mentions = section(main_of(client.get("/")), "mentions")
    assert mentions.find("a", href=re.compile(rf"^{room.get_absolute_url()}"))
    assert "Verborgen Persoon" not in mentions.get_text()
    assert room.name in mentions.get_text()


def test_a_mention_in_a_room_the_member_can_no_longer_read_is_not_shown(client):
    member = active_member(groups=1, events=0, mentions=1, notifications=0)
    client.force_login(member)
    assert section(main_of(client.get("/")), "mentions").select("li")
    room = member.group_memberships.get().group.room
    community_services.group_member_leave(actor=member, group=room.group)
    assert not section(main_of(client.get("/")), "mentions").select("li")


def test_new_practices_count_from_the_end_of_the_previous_visit(client):
    knowledge_demo_ensure()
    member = active_member(groups=0, events=0, mentions=0, notifications=0)
    client.force_login(member)
    client.get("/")  # the first visit
    visit = StartPageVisit.objects.get(person=member)
    assert visit.previous_visit_at is None

    # A reload within the visit keeps "since" where it was.
    assert section(main_of(client.get("/")), "new-practices").select("li")

    # The next visit, more than an hour later: only what was published since the last view.
    StartPageVisit.objects.filter(pk=member.pk).update(
        seen_at=timezone.now() - VISIT_GAP - datetime.timedelta(minutes=1)
    )
    fresh = practice_add("Nieuw sinds je bezoek")
    practice_add("Ander domein", domains=("onderwijs",))
    main = main_of(client.get("/"))
    new = section(main, "new-practices")
    assert [a.get_text() for a in new.select("li a")] == [fresh.title]
    assert "1 nieuwe praktijk sinds je vorige bezoek" in new.get_text()
    assert "vorige bezoek" in main.select_one(".lead").get_text()

    # Reloading keeps showing it during this visit.
    assert [a.get_text() for a in section(main_of(client.get("/")), "new-practices").select("li a")] == [fresh.title]


def test_the_visit_record_moves_since_only_between_visits():
    member = UserFactory()
    start = timezone.now()
    assert member_visit_record(person=member, now=start) is None
    assert member_visit_record(person=member, now=start + datetime.timedelta(minutes=10)) is None
    later = start + datetime.timedelta(minutes=10) + VISIT_GAP
    assert member_visit_record(person=member, now=later) == start + datetime.timedelta(minutes=10)
    assert member_visit_record(person=member, now=later + datetime.timedelta(minutes=1)) == start + datetime.timedelta(
        minutes=10
    )


def test_the_start_page_query_count_does_not_grow(client, django_assert_max_num_queries):
    knowledge_demo_ensure()
    member = active_member()
    client.force_login(member)
    few = home_queries(client)

    add_activity(member, groups=5, events=6, mentions=3, notifications=8)
    for number in range(20):
        practice_add(f"Extra praktijk {number}")
    client.get("/")
    with django_assert_max_num_queries(few):
        main = main_of(client.get("/"))
    assert len(section(main, "groups").select(".start-group")) == 6
    assert len(section(main, "registrations").select("li")) == 5
    assert len(section(main, "mentions").select("li")) == 5
    assert len(section(main, "notifications").select("li")) == 5


def test_the_cms_preview_of_the_home_page_shows_the_public_page(rf, admin_user):
    request = rf.get("/cms/")
    request.user = admin_user
    response = HomePage.objects.get().make_preview_request(request)
    assert response.status_code == 200
    assert b"house-lookup-q" in response.content
    assert b"section-prompts" not in response.content


# The knowledge hub -------------------------------------------------------------------------------


def test_the_knowledge_hub_links_to_life_domains_practices_magazine_and_network_afternoon_material(client):
    knowledge_demo_ensure()
    magazine_demo_ensure()
    past = event_publish(title="Netwerknamiddag Kempen", starts_in=-datetime.timedelta(days=20))
    EventMaterial.objects.create(
        page=past, kind=EventMaterial.Kind.LINK, title="Verslag", link_url="https://example.org/v"
    )
    EventMaterial.objects.create(
        page=past,
        kind=EventMaterial.Kind.LINK,
        title="Alleen voor deelnemers",
        link_url="https://example.org/d",
        audience=EventMaterial.Audience.ATTENDEES,
    )

    main = main_of(client.get("/kennis/"))

    domains = section(main, "life-domains")
    health = LifeDomain.objects.get(slug="gezondheid")
    count = PracticePage.objects.live().filter(life_domains=health).count()
    item = domains.find("a", string="Gezondheid").find_parent("li")
    assert item.find("a")["href"] == "/kennis/gezondheid/"
    assert f"{count} praktijk" in item.get_text()
    assert len(domains.select("li")) == 10
    assert len(section(main, "practices").select(".practice-card")) == 6
    assert section(main, "magazine").find("a", href="/kennis/magazine/nummer-1/")
    assert more_link(main, "magazine") == "/kennis/magazine/"
    afternoons = section(main, "network-afternoons")
    assert afternoons.find("a", string="Verslag")
    assert "Alleen voor deelnemers" not in afternoons.get_text()
    assert afternoons.find("a", href=f"{past.url}#materials-heading")
    assert more_link(main, "network-afternoons") == "/agenda/archief/?soort=netwerknamiddag"
    for href in {a["href"] for a in main.select(".page-section a") if a["href"].startswith("/")}:
        assert client.get(href).status_code == 200, href


def test_the_hub_is_the_knowledge_section_and_holds_its_parts():
    hub = KnowledgeHubPage.objects.get()
    assert hub.url == "/kennis/"
    assert StandardPage.objects.get(slug="kennis").pk == hub.pk  # still a standard page for older code
    assert PracticeIndexPage.can_exist_under(hub) and not KnowledgeHubPage.can_create_at(hub.get_parent())


def test_the_migration_turns_the_knowledge_section_into_the_hub_and_back():
    migration = importlib.import_module(MIGRATION)
    hub = KnowledgeHubPage.objects.get()
    hub.save_revision()
    migration.hub_to_knowledge_section(apps, SimpleNamespace(connection=connection))
    page = Page.objects.get(pk=hub.pk)
    assert page.specific_class is StandardPage
    assert not KnowledgeHubPage.objects.exists()
    migration.knowledge_section_to_hub(apps, SimpleNamespace(connection=connection))
    page = Page.objects.get(pk=hub.pk)
    assert page.specific_class is KnowledgeHubPage
    assert isinstance(page.get_latest_revision_as_object(), KnowledgeHubPage)
    assert page.specific.intro == hub.intro
