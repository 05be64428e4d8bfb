"""An organisation's directory page lists its current offers (exchange registers the block under
community/sections.py's ORGANISATION_SECTIONS): public ones for everyone, members-only ones for
members, never expired ones, in a fixed number of queries."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from exchange.models import Offer

pytestmark = pytest.mark.django_db


def page(client, organisation):
    answer = client.get(organisation.get_absolute_url())
    assert answer.status_code == 200
    return answer.content.decode()


def expire(offer):
    Offer.objects.filter(pk=offer.pk).update(valid_until=datetime.date.today() - datetime.timedelta(days=1))


def test_visitors_see_the_public_offers_and_members_the_members_only_ones_too(client, kempen):
    kempen.offer(title="Open vorming voor iedereen")
    kempen.offer(title="Coaching enkel voor leden", audience="members")
    expire(kempen.offer(title="Vorming van vorig jaar"))
    kempen.offer(organisation=kempen.clb, actor=kempen.clb_staff, title="Aanbod van het CLB")

    anonymous = page(client, kempen.caw)
    assert 'id="section-offers-heading">Actueel aanbod<' in anonymous
    assert "Open vorming voor iedereen" in anonymous
    assert "Coaching enkel voor leden" not in anonymous
    assert "Vorming van vorig jaar" not in anonymous and "Aanbod van het CLB" not in anonymous

    client.force_login(kempen.outsider)
    member = page(client, kempen.caw)
    assert "Open vorming voor iedereen" in member and "Coaching enkel voor leden" in member
    assert "alleen voor leden" in member
    assert "Vorming van vorig jaar" not in member and "Aanbod van het CLB" not in member


def test_an_organisation_without_current_offers_shows_no_block(client, kempen):
    expire(kempen.offer(title="Vorming van vorig jaar"))
    kempen.offer(title="Coaching enkel voor leden", audience="members")
    assert "section-offers" not in page(client, kempen.caw)
    assert "section-offers" not in page(client, kempen.geel)


def test_the_page_asks_the_database_as_often_for_many_offers_as_for_one(client, kempen):
    kempen.offer(title="Eerste aanbod")
    client.force_login(kempen.outsider)
    page(client, kempen.caw)  # warm caches (site, locale) before counting
    with CaptureQueriesContext(connection) as one:
        page(client, kempen.caw)
    for number in range(12):
        kempen.offer(title=f"Aanbod {number}", audience="members" if number % 2 else "public")
    with CaptureQueriesContext(connection) as many:
        html = page(client, kempen.caw)
    assert len(many) == len(one)
    assert len(re.findall(r'href="/uitwisseling/aanbod/\d+/"', html)) == 10  # the ten newest
    assert 'href="/uitwisseling/aanbod/">Alle aanbod voor de Huizen</a>' in html
