"""The roadmap (exchange): a Huis fills in per life domain and key theme what it offers, keeps a
version per year, sees its gaps with good practices and offers next to them, turns a gap into a
need, and the region sees counts only. Also the supra-local overview and its CSV export."""

import csv
import io

import pytest
from bs4 import BeautifulSoup
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from exchange import selectors, services
from exchange.models import OfferStatus, Roadmap
from knowledge.models import LifeDomain, PracticeIndexPage, PracticePage, StandardPage, Theme

from .conftest import domain

pytestmark = pytest.mark.django_db

PARENTING = "ouderschaps-en-opvoedingsondersteuning"


def as_(client, user):
    client.force_login(user)
    return client


def main_of(response):
    assert response.status_code == 200, response.status_code
    return BeautifulSoup(response.content, "html.parser").find("main")


def this_year():
    return selectors.today().year


def fill(roadmap, actor, slug, statuses, **extra):
    """Set the statuses of a life domain's themes, in the themes' order."""
    life_domain = domain(slug)
    entries = list(roadmap.entries.filter(life_domain=life_domain).order_by("theme__sort_order", "theme__name"))
    services.roadmap_domain_update(
        actor=actor,
        roadmap=roadmap,
        life_domain=life_domain,
        entries=[
            {"entry": entry, "status": status, "partners": extra.get("partners", []), "target_groups": [], "notes": ""}
            for entry, status in zip(entries, statuses, strict=False)
        ],
    )


def test_a_coordinator_starts_a_roadmap_with_every_key_theme_and_no_offer(kempen):
    roadmap = services.roadmap_start(actor=kempen.coordinator, house=kempen.geel, year=this_year())
    assert roadmap.entries.count() == Theme.objects.count()
    assert set(roadmap.entries.values_list("status", flat=True)) == {OfferStatus.NONE}
    assert services.roadmap_start(actor=kempen.coordinator, house=kempen.geel, year=this_year()) == roadmap
    for someone in (kempen.geel_staff, kempen.midden_coordinator, kempen.staff, kempen.outsider):
        with pytest.raises(PermissionDenied):
            services.roadmap_start(actor=someone, house=kempen.geel, year=this_year())


def test_a_new_year_copies_the_last_one_and_is_compared_with_it(kempen):
    last = services.roadmap_start(actor=kempen.coordinator, house=kempen.geel, year=this_year() - 1)
    fill(last, kempen.coordinator, PARENTING, ["available", "developing"], partners=[kempen.caw])
    current = services.roadmap_start(actor=kempen.coordinator, house=kempen.geel, year=this_year())
    copied = list(current.entries.filter(life_domain=domain(PARENTING)).order_by("theme__sort_order", "theme__name"))
    assert [e.status for e in copied[:2]] == ["available", "developing"]
    assert list(copied[0].partners.all()) == [kempen.caw]
    assert selectors.roadmap_compare(current, last) == []

    fill(current, kempen.coordinator, PARENTING, ["available", "available"])
    fill(current, kempen.coordinator, "gezondheid", ["developing"])
    changes = selectors.roadmap_compare(current, selectors.roadmap_previous(current))
    assert {(c.life_domain.slug, c.before, c.after) for c in changes} == {
        ("gezondheid", "none", "developing"),
        (PARENTING, "developing", "available"),
    }
    # Last year's version is kept as it was.
    assert list(last.entries.exclude(status="none").values_list("status", flat=True).order_by("status")) == [
        "available",
        "developing",
    ]


def test_the_roadmap_pages_are_the_huis_coordinators_unless_shared(client, kempen):
    roadmap = services.roadmap_start(actor=kempen.coordinator, house=kempen.geel, year=this_year())
    url = reverse("exchange:roadmap", args=[kempen.geel.slug, this_year()])
    edit = reverse("exchange:roadmap_domain", args=[kempen.geel.slug, this_year(), PARENTING])
    assert client.get(url).status_code == 302  # anonymous: log in
    for someone in (kempen.midden_coordinator, kempen.geel_staff, kempen.staff, kempen.outsider):
        as_(client, someone)
        assert client.get(url).status_code == 404
        assert client.get(edit).status_code == 404
    as_(client, kempen.admin)
    assert client.get(edit).status_code == 200

    services.roadmap_share(actor=kempen.coordinator, roadmap=roadmap, shared=True)
    as_(client, kempen.midden_coordinator)
    page = main_of(client.get(url))
    assert not page.find("a", href=edit)
    assert client.get(edit).status_code == 404
    assert client.post(reverse("exchange:roadmap_share", args=[kempen.geel.slug, this_year()]), {}).status_code == 404


def test_filling_in_a_life_domain_through_the_form(client, kempen):
    roadmap = services.roadmap_start(actor=kempen.coordinator, house=kempen.geel, year=this_year())
    entries = list(roadmap.entries.filter(life_domain=domain(PARENTING)).order_by("theme__sort_order", "theme__name"))
    url = reverse("exchange:roadmap_domain", args=[kempen.geel.slug, this_year(), PARENTING])
    as_(client, kempen.coordinator)
    assert main_of(client.get(url)).find("fieldset")
    data = {}
    for entry in entries:
        data[f"thema-{entry.pk}-status"] = "none"
        data[f"thema-{entry.pk}-notes"] = ""
    data[f"thema-{entries[0].pk}-status"] = "available"
    data[f"thema-{entries[0].pk}-partners"] = [kempen.caw.pk]
    data[f"thema-{entries[0].pk}-notes"] = "Samen met het CAW."
    data[f"thema-{entries[1].pk}-status"] = "maybe"
    refused = client.post(url, data)
    assert refused.status_code == 400
    assert "Samen met het CAW." in BeautifulSoup(refused.content, "html.parser").find("main").get_text()
    entries[0].refresh_from_db()
    assert entries[0].status == "none"

    data[f"thema-{entries[1].pk}-status"] = "developing"
    response = client.post(url, data)
    assert response.status_code == 302
    entries[0].refresh_from_db()
    assert (entries[0].status, entries[0].notes, list(entries[0].partners.all())) == (
        "available",
        "Samen met het CAW.",
        [kempen.caw],
    )
    page = main_of(client.get(reverse("exchange:roadmap", args=[kempen.geel.slug, this_year()])))
    assert "Samen met het CAW." in page.get_text()
    poster = main_of(client.get(reverse("exchange:roadmap_poster", args=[kempen.geel.slug, this_year()])))
    assert "CAW Kempen" in poster.get_text()


def test_gaps_come_with_practices_and_offers_and_turn_into_a_prefilled_need(client, kempen):
    roadmap = services.roadmap_start(actor=kempen.coordinator, house=kempen.geel, year=this_year())
    for life_domain in LifeDomain.objects.exclude(slug=PARENTING):
        fill(roadmap, kempen.coordinator, life_domain.slug, ["available"] * 5)
    practice = PracticePage(title="Opvoedingswinkel op wielen", summary="Een mobiele opvoedingswinkel.")
    practice.life_domains = [domain(PARENTING)]
    knowledge = StandardPage.objects.get(slug="kennis")
    knowledge.add_child(instance=PracticeIndexPage(title="Praktijkvoorbeelden", slug="praktijken")).add_child(
        instance=practice
    )
    offer = kempen.offer(title="Vorming opvoedingsvragen")
    kempen.offer(title="Elders", regions=[], municipalities=[kempen.midden.municipalities.first()])

    gaps = selectors.roadmap_gaps(roadmap, selectors.roadmap_rows(roadmap), viewer=kempen.coordinator)
    assert [gap.life_domain.slug for gap in gaps] == [PARENTING]
    assert [p.title for p in gaps[0].practices] == ["Opvoedingswinkel op wielen"]
    assert gaps[0].offers == [offer]

    as_(client, kempen.coordinator)
    page = main_of(client.get(reverse("exchange:roadmap", args=[kempen.geel.slug, this_year()])))
    gap_section = page.find(id="roadmap-gaps").parent
    assert "Opvoedingswinkel op wielen" in gap_section.get_text() and "Elders" not in gap_section.get_text()
    link = gap_section.find("a", href=lambda href: href and href.startswith(reverse("exchange:need_publish")))
    form = main_of(client.get(link["href"]))
    checked = [box["value"] for box in form.find_all("input", {"name": "life_domains", "checked": True})]
    assert checked == [str(domain(PARENTING).pk)]
    theme = form.find("select", {"name": "theme"}).find("option", selected=True)
    assert theme is not None and theme["value"]
    assert form.find("input", {"name": "title"})["value"].startswith("Aanbod voor ")
    assert PracticePage.objects.count() == 1


def test_the_region_sees_how_many_huizen_cover_a_domain_never_which(client, kempen):
    geel = services.roadmap_start(actor=kempen.coordinator, house=kempen.geel, year=this_year())
    midden = services.roadmap_start(actor=kempen.midden_coordinator, house=kempen.midden, year=this_year())
    fill(geel, kempen.coordinator, PARENTING, ["available"])
    fill(midden, kempen.midden_coordinator, PARENTING, ["developing"])
    fill(midden, kempen.midden_coordinator, "gezondheid", ["available"])
    coverage = {row.life_domain.slug: row for row in selectors.region_roadmap_coverage(kempen.region, this_year())}
    assert (coverage[PARENTING].available, coverage[PARENTING].developing) == (1, 1)
    assert (coverage["gezondheid"].available, coverage["onderwijs"].available) == (1, 0)
    assert coverage[PARENTING].houses == 2

    as_(client, kempen.coordinator)
    page = main_of(client.get(reverse("exchange:roadmap", args=[kempen.geel.slug, this_year()])))
    assert "Huis Middenkempen" not in page.get_text()


def test_the_supra_local_overview_counts_needs_and_shows_where_offers_are_missing(client, kempen):
    kempen.offer(title="In heel de Kempen")
    kempen.need(title="Open")
    closed = kempen.need(title="Niet meer nodig")
    services.need_close(actor=kempen.coordinator, need=closed, answered_by=None)
    overview = selectors.region_overview(kempen.region, viewer=kempen.staff)
    row = next(r for r in overview.needs_by_domain if r[0].slug == PARENTING)
    assert row[1:] == (1, 0, 1)
    [(quarter, published, answered)] = overview.by_quarter
    today = selectors.today()
    assert (quarter, published, answered) == (f"{today.year} K{(today.month - 1) // 3 + 1}", 2, 0)
    parenting = [d.slug for d in overview.domains].index(PARENTING)
    health = [d.slug for d in overview.domains].index("gezondheid")
    geel = next(counts for municipality, counts in overview.table if municipality.name_nl == "Geel")
    assert (geel[parenting], geel[health]) == (1, 0)

    as_(client, kempen.staff)
    url = reverse("exchange:region_overview")
    assert main_of(client.get(url, {"regio": kempen.region.slug})).find("table", class_="offer-gaps")
    export = client.get(reverse("exchange:region_overview_csv"), {"regio": kempen.region.slug})
    assert export["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][0] == "Gemeente"
    geel_row = next(r for r in rows if r and r[0] == "Geel")
    assert geel_row[2 + parenting] == "1" and geel_row[2 + health] == "0"
    assert client.get(reverse("exchange:region_overview_csv")).status_code == 404
    assert Roadmap.objects.count() == 0
