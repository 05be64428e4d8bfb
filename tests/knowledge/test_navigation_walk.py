"""Every page reachable from the main navigation leads somewhere: walking the site from the header's
links (and the home page the brand links to), through the links in each page's <main>, every page
answers without an error (a redirect is followed) and its <main> holds a link, a form to fill in
(search, log in, reset a password) or says that it is empty (an element with the class "empty").
A dead end like the one-paragraph /kennis/ page fails here.

Walked twice over the demo content (`manage.py load_demo`): as a visitor and as the demo coordinator.
"""

from collections import deque
from urllib.parse import urljoin, urlsplit

import pytest
from bs4 import BeautifulSoup
from django.core.management import call_command

from community.demo import demo_accounts_ensure, demo_community_ensure
from community.models import User
from events.demo import events_demo_ensure
from knowledge.demo import knowledge_demo_ensure
from knowledge.demo_magazine import magazine_demo_ensure
from knowledge.models import HomePage, HomePageFeature, StandardPage
from knowledge.review import practice_workflow_ensure
from rooms.demo import rooms_demo_ensure

pytestmark = pytest.mark.django_db

# Not pages: the CMS, downloads, feeds, files, the log-out and language forms' targets.
NOT_PAGES = ("/cms/", "/documenten/", "/feeds/", "/media/", "/accounts/logout/", "/i18n/", "/healthz")
NOT_PAGE_ENDINGS = (".ics", ".csv", ".xml", ".pdf")
MAX_PAGES = 600


@pytest.fixture
def demo(mail_dir, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    demo_accounts_ensure()
    demo_community_ensure()
    rooms_demo_ensure()
    knowledge_demo_ensure()
    practice_workflow_ensure()
    magazine_demo_ensure()
    events_demo_ensure()
    call_command("search_rebuild", verbosity=0)


def is_page(path: str) -> bool:
    return path.startswith("/") and not path.startswith(NOT_PAGES) and not path.endswith(NOT_PAGE_ENDINGS)


class Walk:
    """What walking the site found: `problems` (path → what is wrong with it) and how many pages
    were `visited`. A page is visited once, by the first address found for it (its path: the
    filters of a listing are the same page)."""

    def __init__(self, client):
        self.client = client
        self.problems: dict[str, str] = {}
        self.visited = 0
        home = BeautifulSoup(client.get("/").content, "html.parser")
        start = ["/"] + [link["href"] for link in home.select("nav.main-nav a[href]")]
        assert len(start) == 5, start
        self.queue = deque()
        self.seen: set[str] = set()
        for address in start:
            self.add(address)
        while self.queue:
            self.visit(self.queue.popleft())
            assert self.visited < MAX_PAGES, "the walk does not end: raise MAX_PAGES or leave out some addresses"

    def add(self, address: str) -> None:
        parts = urlsplit(address)
        if parts.netloc or not is_page(parts.path) or parts.path in self.seen:
            return
        self.seen.add(parts.path)
        self.queue.append(f"{parts.path}?{parts.query}" if parts.query else parts.path)

    def visit(self, address: str) -> None:
        self.visited += 1
        response = self.client.get(address)
        if response.status_code in (301, 302):
            if "/accounts/login/" not in response["Location"]:  # a members' page asks a visitor to log in
                self.add(urljoin(address, response["Location"]))
            return
        if response.status_code != 200:
            self.problems[address] = f"answers {response.status_code}"
            return
        if not response["Content-Type"].startswith("text/html"):
            return
        main = BeautifulSoup(response.content, "html.parser").find("main")
        if main is None:
            self.problems[address] = "has no <main>"
            return
        links = [urljoin(address, link["href"]) for link in main.select("a[href]")]
        if not links and not main.select("form button, form [type=submit]") and not main.select(".empty"):
            self.problems[address] = "has no link in <main> and does not say it is empty"
        for link in links:
            self.add(link)


def walk(client) -> dict[str, str]:
    return Walk(client).problems


def test_every_page_a_visitor_reaches_from_the_main_navigation_leads_on(client, demo):
    found = Walk(client)
    assert found.problems == {}
    assert found.visited > 50  # the practices, life domains, magazine, agenda and directory


def test_every_page_a_member_reaches_from_the_main_navigation_leads_on(client, demo):
    client.force_login(User.objects.get(email="coordinator@samenhuis.test"))
    found = Walk(client)
    assert found.problems == {}
    assert found.visited > 80  # and the groups, rooms, members and their own pages


def test_on_an_empty_site_the_walk_reports_only_the_dead_end_it_is_given(client):
    """The check itself, on the site as `migrate` leaves it (every list empty, which each page
    states): a page with a paragraph and no link, featured on the home page, is reported."""
    home = HomePage.objects.get()
    dead_end = home.add_child(instance=StandardPage(title="Doodlopend", slug="doodlopend", intro="Eén alinea."))
    HomePageFeature.objects.create(page=home, link_page=dead_end)
    assert walk(client) == {"/doodlopend/": "has no link in <main> and does not say it is empty"}
