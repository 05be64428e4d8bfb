"""Offers past their "valid until" leave search through the scheduled job
(`services.offers_expire`, registered with samenhuis.scheduler), which closes nothing else."""

import datetime
import logging

import pytest

from exchange import selectors, services
from exchange.models import Match, Need, Offer
from samenhuis.scheduler import registry
from search.models import SearchEntry

from .conftest import Kempen

pytestmark = pytest.mark.django_db(transaction=True)

TODAY = datetime.date.today()


def found(client, query):
    html = client.get("/zoeken/", {"q": query}).content.decode()
    return html[html.find('id="search-count"') :]


def days_pass(monkeypatch, days):
    monkeypatch.setattr(selectors, "today", lambda: TODAY + datetime.timedelta(days=days))


def test_the_job_takes_expired_offers_out_of_search_and_closes_nothing_else(client, monkeypatch, caplog):
    kempen = Kempen()
    expiring = kempen.offer(title="Kortlopende vorming", valid_until=TODAY + datetime.timedelta(days=1))
    lasting = kempen.offer(title="Blijvende vorming", valid_until=None)
    need = kempen.need()
    assert Match.objects.filter(need=need).count() == 2
    assert "Kortlopende vorming" in found(client, "vorming")

    days_pass(monkeypatch, 2)
    # Before the job runs, the expired offer is still in the index (it is built per change).
    assert SearchEntry.objects.filter(key=f"offer:{expiring.pk}").exists()
    with caplog.at_level(logging.INFO, logger="exchange.services"):
        assert services.offers_expire() == 1
    assert "Expired offers: 1 taken out of search" in caplog.text

    assert not SearchEntry.objects.filter(key=f"offer:{expiring.pk}").exists()
    assert SearchEntry.objects.filter(key=f"offer:{lasting.pk}").exists()
    page = found(client, "vorming")
    assert "Kortlopende vorming" not in page and "Blijvende vorming" in page

    # Nothing else is closed: the offer, the need and both matches stay as they were.
    assert Offer.objects.filter(pk=expiring.pk).exists()
    assert Need.objects.get(pk=need.pk).is_open
    assert Match.objects.filter(need=need).count() == 2
    # Each offer once: the next run has nothing to do and says nothing.
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="exchange.services"):
        assert services.offers_expire() == 0
    assert "Expired offers" not in caplog.text


def test_an_offer_changed_to_a_new_date_is_searchable_again(client, monkeypatch):
    kempen = Kempen()
    offer = kempen.offer(title="Verlengde vorming", valid_until=TODAY + datetime.timedelta(days=1))
    days_pass(monkeypatch, 2)
    services.offers_expire()
    assert not SearchEntry.objects.filter(key=f"offer:{offer.pk}").exists()

    services.offer_update(
        actor=kempen.staff,
        offer=offer,
        title=offer.title,
        description=offer.description,
        life_domains=list(offer.life_domains.all()),
        target_groups=list(offer.target_groups.all()),
        format=offer.format,
        regions=list(offer.regions.all()),
        municipalities=[],
        cost=offer.cost,
        contact_name=offer.contact_name,
        contact_email=offer.contact_email,
        contact_phone=offer.contact_phone,
        valid_until=TODAY + datetime.timedelta(days=30),
        audience=offer.audience,
    )
    assert Offer.objects.get(pk=offer.pk).expired_at is None
    assert SearchEntry.objects.filter(key=f"offer:{offer.pk}").exists()


def test_the_job_is_scheduled_with_the_others():
    jobs = {job.name: job for job in registry.jobs()}
    assert "offers_expire" in jobs
    assert jobs["offers_expire"].interval <= 3600
