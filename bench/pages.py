"""Server time and query counts of the knowledge pages with a large knowledge base.

Seeds 10,000 practices and 500 magazine articles (on top of the demo content) into a throwaway
SQLite file (var/bench-pages.sqlite3), or into the PostgreSQL database DATABASE_URL names, then
requests the home page, the knowledge hub, the practice listing with two filters, a practice page
and a member's start page through Django's test client and prints p50/p95/p99 in milliseconds and
the queries of one request. For the start page it also seeds 50 intervision groups (each with a
room of 20 messages and a coming meeting) and a member who belongs to all of them, is mentioned in
each, has 60 notifications and 20 registrations, two life domains of expertise and a previous visit
a day ago (about 500 of the practices are new to them); and a more usual member in three of those
groups, with five registrations and ten notifications.
Wall time is what a visitor waits for; the CPU time of the process is printed next to it
because on a shared machine other processes inflate the wall time (SQLite runs in-process, so
its work counts as CPU). The listing and the practice page are measured twice: as visitors
mostly get them (the practice lists remembered, knowledge/practice_cache.py) and "fresh", with
the remembered lists dropped before every request, as for the first visitor after a publication.
Django's test client keeps the database connection open between requests, so the cost of a
connection (the reason for the PostgreSQL pool) is not in these figures. Target (issue 4):
p95 ≤ 50 ms for each page on the 2-core machine, query counts independent of the data size.

    .venv/bin/python bench/pages.py                  # full run: 10,000 practices, 500 articles
    .venv/bin/python bench/pages.py --practices 500  # quick run
    DATABASE_URL=postgres://... .venv/bin/python bench/pages.py --reuse

Pages are added with treebeard's `add_child` (no revisions, search indexing off): seeding
10,000 takes about six minutes on SQLite, eighteen on PostgreSQL. `--reuse` keeps an already seeded database.
"""

import argparse
import datetime
import random
import statistics
import time

from common import ROOT, django_ready

DEFAULT_DB = ROOT / "var" / "bench-pages.sqlite3"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--practices", type=int, default=10_000)
    parser.add_argument("--articles", type=int, default=500)
    parser.add_argument("--groups", type=int, default=50)
    parser.add_argument("--requests", type=int, default=200, help="requests per page")
    parser.add_argument("--only", default="", help="measure only the pages whose name contains this")
    parser.add_argument("--reuse", action="store_true", help="keep an existing bench database and its pages")
    return parser.parse_args()


def setup(args):
    django_ready(DEFAULT_DB, keep=args.reuse)
    from django.conf import settings

    # Not setup_test_environment(): its instrumented template rendering would double the times.
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]


def seed(practice_count: int, article_count: int) -> None:
    from django.db import transaction
    from django.test.utils import override_settings
    from django.utils import timezone

    from community.models import Organisation
    from knowledge.demo import knowledge_demo_ensure
    from knowledge.models import (
        LifeDomain,
        MagazineArticlePage,
        MagazineIndexPage,
        MagazineIssuePage,
        OfferLevel,
        Pillar,
        PracticeIndexPage,
        PracticePage,
        StandardPage,
        TargetGroup,
    )

    knowledge_demo_ensure()
    rng = random.Random(4)
    domains = list(LifeDomain.objects.prefetch_related("themes"))
    pillars = list(Pillar.objects.all())
    groups = list(TargetGroup.objects.all())
    houses = list(Organisation.objects.filter(kind=Organisation.Kind.HOUSE).prefetch_related("municipalities"))
    now = timezone.now()
    missing_practices = practice_count - PracticePage.objects.count()
    started = time.perf_counter()
    search_off = {"default": {"BACKEND": "wagtail.search.backends.database", "AUTO_UPDATE": False}}
    with override_settings(WAGTAILSEARCH_BACKENDS=search_off), transaction.atomic():
        index = PracticeIndexPage.objects.get()
        for number in range(max(0, missing_practices)):
            house = rng.choice(houses)
            practice_domains = rng.sample(domains, 2)
            practice = PracticePage(
                title=f"Praktijk {number:05} in {house.city}",
                slug=f"bench-praktijk-{number:05}",
                summary="Een praktijk om de snelheid te meten: wie, wat en voor welke gezinnen, kort samengevat.",
                approach="<p>Zo pakten we het aan, stap voor stap.</p>",
                house=house,
                offer_level=rng.choice(OfferLevel.values),
                first_published_at=now - datetime.timedelta(minutes=number),
            )
            practice.municipalities = list(house.municipalities.all())
            practice.life_domains = practice_domains
            practice.pillars = rng.sample(pillars, 1)
            practice.themes = [rng.choice(list(domain.themes.all())) for domain in practice_domains]
            practice.target_groups = rng.sample(groups, 2)
            index.add_child(instance=practice)
        magazine = MagazineIndexPage.objects.first()
        if magazine is None:
            knowledge = StandardPage.objects.get(slug="kennis", depth=3)
            magazine = knowledge.add_child(instance=MagazineIndexPage(title="Magazine", slug="magazine"))
        issue = MagazineIssuePage.objects.filter(number=900).first() or magazine.add_child(
            instance=MagazineIssuePage(title="Benchnummer", slug="benchnummer", number=900, publication_date=now)
        )
        for number in range(max(0, article_count - MagazineArticlePage.objects.count())):
            article = MagazineArticlePage(
                title=f"Artikel {number:04}",
                slug=f"bench-artikel-{number:04}",
                authors="Redactie",
                lead="Een artikel om de snelheid te meten.",
                body=[("rich_text", "<p>Tekst van het artikel.</p>")],
                first_published_at=now - datetime.timedelta(hours=number),
            )
            article.life_domains = rng.sample(domains, 1)
            issue.add_child(instance=article)
    print(
        f"seeded: {PracticePage.objects.count()} practices, {MagazineArticlePage.objects.count()} articles "
        f"({time.perf_counter() - started:.0f} s)"
    )


BENCH_MEMBER = "bench-lid@samenhuis.test"


def seed_member(group_count: int) -> None:
    """The start page's data: `group_count` groups with a busy room and a meeting, and one member
    in all of them (see the docstring). Made through the services, once."""
    from django.test.utils import override_settings
    from django.utils import timezone

    from community import services
    from community.models import IntervisionGroup, User
    from events import services as event_services
    from events.models import AgendaPage, EventPage, EventType
    from knowledge.models import StartPageVisit
    from rooms import services as room_services
    from rooms.models import Room

    if User.objects.filter(email=BENCH_MEMBER).exists():
        return
    started = time.perf_counter()
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        admin = User.objects.create_superuser(email="bench-beheer@samenhuis.test", password=None)
        services.profile_create(user=admin, display_name="Bench Beheer")
        member = _bench_member(BENCH_MEMBER, "Bench Lid")
        now = timezone.now()
        for number in range(group_count):
            facilitator = User.objects.create_user(email=f"bench-leider-{number}@samenhuis.test")
            services.profile_create(user=facilitator, display_name=f"Leider {number}")
            group = services.group_create(
                actor=admin,
                name=f"Benchgroep {number:02}",
                visibility=IntervisionGroup.Visibility.OPEN,
                facilitators=[facilitator],
            )
            services.group_member_join(actor=member, group=group)
            room = Room.objects.get(group=group)
            for message in range(20):
                body = f"Hallo @**Bench Lid|{member.pk}**" if message == 19 else f"Bericht {message}"
                room_services.room_message_post(room=room, author=facilitator, body=body, client_id=f"b-{message}")
            start = now + datetime.timedelta(days=1 + number % 20)
            event_services.meeting_create(
                group=group,
                by=facilitator,
                title="Intervisie",
                starts_at=start,
                ends_at=start + datetime.timedelta(hours=2),
                location="Zaal De Schakel",
            )
        agenda = AgendaPage.objects.get()
        for number in range(20):
            start = now + datetime.timedelta(days=3 + number)
            event = agenda.add_child(
                instance=EventPage(
                    title=f"Benchvorming {number}",
                    slug=f"benchvorming-{number}",
                    event_type=EventType.TRAINING,
                    starts_at=start,
                    ends_at=start + datetime.timedelta(hours=3),
                    summary="Een vorming om de startpagina te meten.",
                    is_online=True,
                )
            )
            event_services.event_register(event=event, person=member)
        for number in range(60):
            services.notification_create(recipient=member, text=f"Melding {number}", url="/kennis/")
        StartPageVisit.objects.update_or_create(
            person=member, defaults={"seen_at": now, "previous_visit_at": now - datetime.timedelta(days=1)}
        )
    print(f"seeded: {group_count} groups and a member in all of them ({time.perf_counter() - started:.0f} s)")


BENCH_MEMBER_FEW = "bench-lid-drie@samenhuis.test"


def _bench_member(email: str, name: str):
    """A coordinator of a Huis with a complete profile: the start page shows no prompts."""
    from community import services
    from community.models import Membership, Organisation, Profile, User
    from knowledge.models import LifeDomain

    member = User.objects.create_user(email=email)
    services.profile_create(user=member, display_name=name)
    services.profile_update(
        user=member,
        display_name=name,
        function="Coördinator",
        bio="Meet de startpagina.",
        expertise=list(LifeDomain.objects.order_by("sort_order")[:2]),
        visibility=Profile.Visibility.MEMBERS,
    )
    house = Organisation.objects.filter(kind=Organisation.Kind.HOUSE).first()
    Membership.objects.create(person=member, organisation=house, role=Membership.Role.COORDINATOR)
    return member


def seed_member_few() -> None:
    """A more usual member beside the busy one: in three of the bench groups (mentioned once in
    each), five registrations, ten notifications, the same expertise and a visit a day ago."""
    from django.test.utils import override_settings
    from django.utils import timezone

    from community import services
    from community.models import IntervisionGroup, User
    from events import services as event_services
    from events.models import EventPage
    from knowledge.models import StartPageVisit
    from rooms import services as room_services
    from rooms.models import Room

    if User.objects.filter(email=BENCH_MEMBER_FEW).exists():
        return
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        member = _bench_member(BENCH_MEMBER_FEW, "Bench Drie")
        for group in IntervisionGroup.objects.filter(name__startswith="Benchgroep").order_by("name")[:3]:
            services.group_member_join(actor=member, group=group)
            facilitator = group.memberships.get(role="facilitator").person
            room_services.room_message_post(
                room=Room.objects.get(group=group),
                author=facilitator,
                body=f"Dag @**Bench Drie|{member.pk}**",
                client_id=f"drie-{member.pk}",
            )
        for event in EventPage.objects.filter(slug__startswith="benchvorming-").order_by("starts_at")[:5]:
            event_services.event_register(event=event, person=member)
        for number in range(10):
            services.notification_create(recipient=member, text=f"Melding {number}", url="/kennis/")
        now = timezone.now()
        StartPageVisit.objects.update_or_create(
            person=member, defaults={"seen_at": now, "previous_visit_at": now - datetime.timedelta(days=1)}
        )


def analyze() -> None:
    """PostgreSQL: statistics for the planner after the bulk load, as autovacuum makes them a
    little later; without them it joined the 1,000 room messages before filtering the mentions."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def measure(url: str, requests: int, *, fresh: bool, member=None) -> dict:
    """Time `requests` requests of one address. `fresh`: before each one (outside the timing) the
    remembered practice lists are dropped, as after every publication (knowledge/practice_cache.py),
    so the request runs every listing query itself. `member`: requested as this logged-in person."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from knowledge.practice_cache import PRACTICES

    def before():
        if fresh:
            PRACTICES.bump()

    client = Client()
    if member is not None:
        client.force_login(member)
    for _warm_up in range(5):
        before()
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    wall, cpu = [], []
    for _request in range(requests):
        before()
        started, started_cpu = time.perf_counter(), time.process_time()
        client.get(url)
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    before()
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    result = {"queries": len(queries)}
    for name, timings in (("wall", wall), ("cpu", cpu)):
        cuts = statistics.quantiles(timings, n=100)
        result.update({f"{name} p50": statistics.median(timings), f"{name} p95": cuts[94], f"{name} p99": cuts[98]})
    return result


def main():
    args = parse_args()
    setup(args)
    seed(args.practices, args.articles)
    seed_member(args.groups)
    seed_member_few()
    analyze()

    from community.models import User
    from knowledge.models import PracticePage

    detail = PracticePage.objects.live().order_by("path")[PracticePage.objects.count() // 2]
    listing = "/kennis/praktijken/?levensdomein=gezondheid&provincie=provincie-antwerpen"
    member = User.objects.get(email=BENCH_MEMBER)
    member_few = User.objects.get(email=BENCH_MEMBER_FEW)
    pages = [
        ("home", "/", False, None),
        ("knowledge hub", "/kennis/", False, None),
        ("  fresh lists", "/kennis/", True, None),
        ("listing, two filters", listing, False, None),
        ("  fresh lists", listing, True, None),
        ("practice page", detail.url, False, None),
        ("  fresh lists", detail.url, True, None),
        ("start page, 3 groups", "/", False, member_few),
        ("start page, 50 groups", "/", False, member),
    ]
    pages = [page for page in pages if args.only in page[0]]
    columns = ["wall p50", "wall p95", "wall p99", "cpu p50", "cpu p95", "cpu p99"]
    print(f"{'page (ms)':<22} " + " ".join(f"{column:>9}" for column in columns) + f" {'queries':>8}")
    for name, url, fresh, person in pages:
        result = measure(url, args.requests, fresh=fresh, member=person)
        figures = " ".join(f"{result[column]:9.1f}" for column in columns)
        print(f"{name:<22} {figures} {result['queries']:8d}")


if __name__ == "__main__":
    main()
