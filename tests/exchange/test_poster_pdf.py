"""The roadmap poster as a PDF download (exchange/poster.py): one A4 page in landscape with the
Huis's name and every life domain, in Dutch, for exactly those who may see the roadmap."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from exchange import selectors, services
from knowledge.models import LifeDomain

from .conftest import domain

pytestmark = pytest.mark.django_db

PARENTING = "ouderschaps-en-opvoedingsondersteuning"
A4_LONG, A4_SHORT = 842, 595  # points, rounded


def pdf_url(kempen):
    return reverse("exchange:roadmap_poster_pdf", args=[kempen.geel.slug, selectors.today().year])


def started(kempen):
    roadmap = services.roadmap_start(actor=kempen.coordinator, house=kempen.geel, year=selectors.today().year)
    life_domain = domain(PARENTING)
    entries = list(roadmap.entries.filter(life_domain=life_domain).order_by("theme__sort_order", "theme__name"))
    services.roadmap_domain_update(
        actor=kempen.coordinator,
        roadmap=roadmap,
        life_domain=life_domain,
        entries=[
            {
                "entry": entry,
                "status": "available" if index == 0 else "none",
                "partners": [kempen.caw] if index == 0 else [],
                "target_groups": [],
                "notes": "",
            }
            for index, entry in enumerate(entries)
        ],
    )
    return roadmap


def read(response) -> PdfReader:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    return PdfReader(io.BytesIO(response.content))


def test_the_poster_is_one_landscape_a4_page_with_the_huis_and_every_life_domain(client, kempen):
    started(kempen)
    client.force_login(kempen.coordinator)
    response = client.get(pdf_url(kempen))
    assert response["Content-Disposition"] == (
        f'attachment; filename="routekaart-{kempen.geel.slug}-{selectors.today().year}.pdf"'
    )
    pdf = read(response)
    assert len(pdf.pages) == 1
    box = pdf.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (A4_LONG, A4_SHORT)

    text = " ".join(pdf.pages[0].extract_text().split())
    assert f"Routekaart {selectors.today().year} van Huis Geel" in text
    for life_domain in LifeDomain.objects.all():
        assert " ".join(life_domain.name.split()) in text, life_domain.name
    assert "Opvoedingsvragen: Beschikbaar (CAW Kempen)" in text
    assert "Geen aanbod" in text
    assert pdf.metadata.title == f"Routekaart {selectors.today().year} van Huis Geel"


def test_it_stays_one_page_when_every_theme_has_long_partners(client, kempen):
    roadmap = started(kempen)
    partners = [kempen.caw, kempen.clb, kempen.midden]
    for life_domain in LifeDomain.objects.all():
        entries = list(roadmap.entries.filter(life_domain=life_domain))
        services.roadmap_domain_update(
            actor=kempen.coordinator,
            roadmap=roadmap,
            life_domain=life_domain,
            entries=[
                {"entry": e, "status": "developing", "partners": partners, "target_groups": [], "notes": ""}
                for e in entries
            ],
        )
    client.force_login(kempen.coordinator)
    assert len(read(client.get(pdf_url(kempen))).pages) == 1


def test_the_pdf_has_the_permission_of_the_poster_page(client, kempen):
    roadmap = started(kempen)
    url = pdf_url(kempen)

    assert client.get(url).status_code == 302  # anonymous: log in first, as on the poster page
    for outsider in (kempen.outsider, kempen.staff, kempen.midden_coordinator):
        client.force_login(outsider)
        assert client.get(url).status_code == 404
        assert client.get(reverse("exchange:roadmap_poster", args=[kempen.geel.slug, roadmap.year])).status_code == 404
    client.force_login(kempen.admin)
    read(client.get(url))

    services.roadmap_share(actor=kempen.coordinator, roadmap=roadmap, shared=True)
    client.force_login(kempen.outsider)
    read(client.get(url))


def test_the_poster_page_and_the_roadmap_link_to_the_pdf(client, kempen):
    roadmap = started(kempen)
    client.force_login(kempen.coordinator)
    url = pdf_url(kempen)
    for page in ("exchange:roadmap_poster", "exchange:roadmap"):
        html = client.get(reverse(page, args=[kempen.geel.slug, roadmap.year])).content.decode()
        assert f'href="{url}"' in html
