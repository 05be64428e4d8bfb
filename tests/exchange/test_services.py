"""Offers, needs, matching and the handshake through the services (exchange/services.py): who may
publish, what matches what and in which order, who is told, and what closing keeps."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from community.models import Notification
from exchange import permissions, selectors, services
from exchange.models import Match, Need, NeedEvent, Offer

from .conftest import domain, group, municipality

pytestmark = pytest.mark.django_db


# Publishing and permissions ---------------------------------------------------------------------


def test_an_offer_is_published_by_its_organisations_staff_and_administrators_only(kempen):
    assert kempen.offer(actor=kempen.staff).organisation == kempen.caw
    assert kempen.offer(actor=kempen.admin).organisation == kempen.caw
    for someone in (kempen.outsider, kempen.partner_contact, kempen.clb_staff, kempen.coordinator):
        with pytest.raises(PermissionDenied):
            kempen.offer(actor=someone)
    assert Offer.objects.count() == 2


def test_a_region_expands_to_its_municipalities(kempen):
    offer = kempen.offer(regions=[kempen.region], municipalities=[municipality("Gent")])
    covered = set(offer.municipalities.values_list("name_nl", flat=True))
    assert {"Geel", "Herentals", "Kasterlee", "Turnhout", "Gent"} <= covered
    assert "Hasselt" not in covered
    assert list(offer.regions.all()) == [kempen.region]


def test_an_offer_without_a_place_or_life_domain_is_refused_and_nothing_is_stored(kempen):
    with pytest.raises(ValidationError) as refused:
        kempen.offer(regions=[], municipalities=[], life_domains=[])
    assert set(refused.value.error_dict) == {"municipalities", "life_domains"}
    assert not Offer.objects.exists()


def test_markup_in_a_text_is_removed(kempen):
    offer = kempen.offer(description="<script>alert(1)</script><b>Vet</b> & meer")
    assert offer.description == "Vet & meer"


def test_a_need_is_published_by_the_huis_coordinators_for_its_municipalities_by_default(kempen):
    need = kempen.need(house=kempen.midden, actor=kempen.midden_coordinator)
    assert set(need.municipalities.values_list("name_nl", flat=True)) == {"Herentals", "Kasterlee"}
    assert [e.kind for e in need.events.all()] == [NeedEvent.Kind.PUBLISHED]
    for someone in (kempen.coordinator, kempen.geel_staff, kempen.staff, kempen.outsider):
        with pytest.raises(PermissionDenied):
            kempen.need(house=kempen.midden, actor=someone)
    with pytest.raises(PermissionDenied):  # a supra-local organisation has no needs
        kempen.need(house=kempen.caw, actor=kempen.admin)


def test_a_need_theme_must_belong_to_one_of_its_life_domains(kempen):
    theme = domain("gezondheid").themes.first()
    with pytest.raises(ValidationError) as refused:
        kempen.need(theme=theme)
    assert "theme" in refused.value.error_dict


def test_visibility_of_offers_and_needs(kempen):
    public = kempen.offer(title="Publiek")
    members = kempen.offer(title="Leden", audience="members")
    need = kempen.need()
    anonymous = type("Anonymous", (), {"is_authenticated": False, "is_active": False, "pk": None})()
    assert list(permissions.offers_visible_to(anonymous)) == [public]
    assert set(permissions.offers_visible_to(kempen.outsider)) == {public, members}
    assert not permissions.needs_visible_to(anonymous).exists()
    assert list(permissions.needs_visible_to(kempen.outsider)) == [need]
    assert permissions.can_edit_need(kempen.coordinator, need)
    assert permissions.can_edit_need(kempen.admin, need)
    assert not permissions.can_edit_need(kempen.geel_staff, need)  # staff, not a coordinator
    assert not permissions.can_edit_need(kempen.midden_coordinator, need)


# Matching ---------------------------------------------------------------------------------------


def test_an_offer_matches_a_need_it_covers_with_a_shared_life_domain_and_target_group(kempen):
    need = kempen.need()
    matching = kempen.offer(title="Past")
    kempen.offer(title="Ander domein", life_domains=[domain("gezondheid")])
    kempen.offer(title="Andere doelgroep", target_groups=[group(1)])
    kempen.offer(title="Elders", regions=[], municipalities=[municipality("Gent")])
    kempen.offer(title="Verlopen").__class__.objects.filter(title="Verlopen").update(
        valid_until=datetime.date.today() - datetime.timedelta(days=1)
    )
    for_everyone = kempen.offer(title="Voor iedereen", target_groups=[])
    assert {r.item for r in selectors.offers_matching(need)} == {matching, for_everyone}
    assert {r.item for r in selectors.needs_matching(matching)} == {need}


def test_matches_are_ranked_by_what_they_share_and_how_much_they_cover(kempen):
    need = kempen.need(
        life_domains=[domain("ouderschaps-en-opvoedingsondersteuning"), domain("mentaal-welbevinden")],
        municipalities=[municipality("Geel"), municipality("Gent")],
    )
    one_domain = kempen.offer(title="Eén domein")
    two_domains = kempen.offer(
        title="Twee domeinen",
        life_domains=[domain("ouderschaps-en-opvoedingsondersteuning"), domain("mentaal-welbevinden")],
    )
    everywhere = kempen.offer(title="Overal", regions=[], municipalities=[municipality("Geel"), municipality("Gent")])
    ranked = selectors.offers_matching(need)
    assert [r.item for r in ranked] == [two_domains, everywhere, one_domain]
    assert ranked[1].covers_all and not ranked[2].covers_all


def test_a_members_only_offer_is_not_shown_to_anonymous_visitors_among_matches(kempen):
    need = kempen.need()
    kempen.offer(audience="members")
    anonymous = type("Anonymous", (), {"is_authenticated": False, "is_active": False, "pk": None})()
    assert selectors.offers_matching(need, viewer=anonymous) == []
    assert len(selectors.offers_matching(need, viewer=kempen.outsider)) == 1


def test_a_new_need_tells_the_staff_of_matching_offers_once(kempen):
    kempen.offer()
    need = kempen.need()
    told = Notification.objects.filter(recipient=kempen.staff)
    assert told.count() == 1 and need.get_absolute_url() == told.get().url
    assert not Notification.objects.filter(recipient=kempen.partner_contact).exists()
    services.need_update(
        actor=kempen.coordinator,
        need=need,
        **{**_need_data(need), "description": "Nieuwe uitleg"},
    )
    assert told.count() == 1  # a change tells nobody again about the same match
    assert Match.objects.filter(need=need).count() == 1


def test_a_new_offer_tells_the_coordinators_of_matching_needs(kempen):
    need = kempen.need()
    offer = kempen.offer()
    told = Notification.objects.filter(recipient=kempen.coordinator)
    assert told.count() == 1 and told.get().url == offer.get_absolute_url()
    assert not Notification.objects.filter(recipient=kempen.geel_staff).exists()
    assert Match.objects.filter(need=need, offer=offer).exists()


def test_a_match_that_no_longer_holds_is_forgotten_unless_someone_was_interested(kempen):
    need = kempen.need()
    offer = kempen.offer()
    other = kempen.offer(title="Tweede")
    services.match_interest(actor=kempen.staff, need=need, offer=other)
    data = {**_offer_data(offer), "life_domains": [domain("gezondheid")]}
    services.offer_update(actor=kempen.staff, offer=offer, **data)
    other_data = {**_offer_data(other), "life_domains": [domain("gezondheid")]}
    services.offer_update(actor=kempen.staff, offer=other, **other_data)
    assert list(Match.objects.filter(need=need).values_list("offer_id", flat=True)) == [other.pk]


# Handshake and closing --------------------------------------------------------------------------


def test_interest_from_one_side_tells_the_other_and_shows_both_contacts(kempen):
    need = kempen.need()
    offer = kempen.offer()
    match = Match.objects.get(need=need, offer=offer)
    for person in (kempen.coordinator, kempen.staff, kempen.admin, kempen.outsider):
        assert not permissions.can_see_match_contacts(person, match)
    Notification.objects.all().delete()

    services.match_interest(actor=kempen.staff, need=need, offer=offer)
    match.refresh_from_db()
    assert match.organisation_interested_by == kempen.staff and match.house_interested_at is None
    assert Notification.objects.filter(recipient=kempen.coordinator).count() == 1
    assert permissions.can_see_match_contacts(kempen.coordinator, match)
    assert permissions.can_see_match_contacts(kempen.staff, match)
    assert permissions.can_see_match_contacts(kempen.admin, match)
    assert not permissions.can_see_match_contacts(kempen.outsider, match)
    assert not permissions.can_see_match_contacts(kempen.midden_coordinator, match)
    assert not permissions.can_see_match_contacts(kempen.clb_staff, match)

    services.match_interest(actor=kempen.coordinator, need=need, offer=offer)
    match.refresh_from_db()
    assert match.house_interested_by == kempen.coordinator
    assert Notification.objects.filter(recipient=kempen.staff).count() == 1
    assert [e.kind for e in need.events.all()] == ["published", "interest", "interest"]


def test_only_the_two_sides_may_say_interested(kempen):
    need = kempen.need()
    offer = kempen.offer()
    for someone in (kempen.outsider, kempen.clb_staff, kempen.midden_coordinator, kempen.partner_contact):
        with pytest.raises(PermissionDenied):
            services.match_interest(actor=someone, need=need, offer=offer)
    assert not Match.objects.get(need=need, offer=offer).has_interest


def test_interest_in_a_pair_that_does_not_match_is_refused(kempen):
    need = kempen.need()
    elsewhere = kempen.offer(regions=[], municipalities=[municipality("Gent")])
    with pytest.raises(ValidationError):
        services.match_interest(actor=kempen.staff, need=need, offer=elsewhere)


def test_the_owner_closes_a_need_as_answered_and_the_history_keeps_it(kempen):
    need = kempen.need()
    offer = kempen.offer()
    with pytest.raises(PermissionDenied):
        services.need_close(actor=kempen.staff, need=need, answered_by=offer, note="")
    Notification.objects.all().delete()
    services.need_close(actor=kempen.coordinator, need=need, answered_by=offer, note="Vorming gepland in maart.")
    need.refresh_from_db()
    assert need.status == Need.Status.ANSWERED and need.answered_by == offer
    assert need.closing_note == "Vorming gepland in maart."
    assert Notification.objects.filter(recipient=kempen.staff).count() == 1
    closed = need.events.get(kind=NeedEvent.Kind.CLOSED)
    assert (closed.offer, closed.status, closed.actor) == (offer, "answered", kempen.coordinator)
    with pytest.raises(ValidationError):
        services.need_close(actor=kempen.coordinator, need=need, answered_by=None)
    with pytest.raises(ValidationError):
        services.match_interest(actor=kempen.staff, need=need, offer=offer)
    assert selectors.needs_matching(offer) == []  # a closed need matches nothing

    services.need_reopen(actor=kempen.coordinator, need=need)
    services.need_close(actor=kempen.coordinator, need=need, answered_by=None, note="Niet meer nodig.")
    need.refresh_from_db()
    assert need.status == Need.Status.NOT_ANSWERED and need.answered_by is None
    assert [e.kind for e in need.events.all()] == ["published", "closed", "reopened", "closed"]


def _offer_data(offer):
    return {
        "title": offer.title,
        "description": offer.description,
        "life_domains": list(offer.life_domains.all()),
        "target_groups": list(offer.target_groups.all()),
        "format": offer.format,
        "regions": list(offer.regions.all()),
        "municipalities": [],
        "cost": offer.cost,
        "contact_name": offer.contact_name,
        "contact_email": offer.contact_email,
        "contact_phone": offer.contact_phone,
        "valid_until": offer.valid_until,
        "audience": offer.audience,
    }


def _need_data(need):
    return {
        "title": need.title,
        "description": need.description,
        "life_domains": list(need.life_domains.all()),
        "theme": need.theme,
        "target_groups": list(need.target_groups.all()),
        "municipalities": list(need.municipalities.all()),
        "urgency": need.urgency,
        "needed_by": need.needed_by,
    }
