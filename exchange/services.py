"""Every write of needs, offers, matches and roadmaps (docs/exchange.md).

Each function checks the actor's permission (`exchange.permissions`), validates, writes in one
transaction and tells people in-app (community's notifications, announced after commit). A refused
write raises `PermissionDenied` or `ValidationError` and changes nothing.

Texts are plain text: they are stored as typed, with markup removed (nh3), and pages escape them.
After an offer or a need is published or changed, its matches are brought up to date
(`_matches_sync`): new pairs become `Match` rows and the other side is told once (in-app, and by
e-mail those who chose it: `exchange.mail`); pairs that no longer match and that nobody said
"interested" on are forgotten.
"""

import datetime
import logging

import nh3
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from community.models import Membership, Municipality, Organisation, User
from community.services.notifications import notifications_create
from knowledge.models import LifeDomain, Theme

from . import mail, permissions, selectors
from .models import (
    NOTE_MAX_LENGTH,
    TEXT_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    Audience,
    ExchangePreference,
    Match,
    MatchNotice,
    Need,
    NeedEvent,
    Offer,
    OfferFormat,
    OfferStatus,
    Roadmap,
    RoadmapEntry,
    Urgency,
)

logger = logging.getLogger(__name__)


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _text(value: str, *, max_length: int, field: str, required: bool = True) -> str:
    """Plain text: markup removed (nh3 keeps the text of tags and drops scripts), line ends unified."""
    text = nh3.clean(value or "", tags=set(), attributes={}).replace("\r\n", "\n").strip()
    # nh3 escapes what it keeps as HTML entities; the pages escape again, so store the characters.
    text = text.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"')
    text = text.replace("&#39;", "'")
    if required and not text:
        raise ValidationError({field: _("Fill in this field.")}, code="empty")
    if len(text) > max_length:
        raise ValidationError(
            {
                field: _("At most %(count)s characters; this is %(length)s.")
                % {"count": max_length, "length": len(text)}
            },
            code="too_long",
        )
    return text


def municipalities_of(*, regions=(), municipalities=()) -> list[Municipality]:
    """The municipalities chosen directly and those of the chosen regions (a province or a
    reference region expands to its municipalities), each once."""
    chosen = {m.pk: m for m in municipalities}
    region_ids = [region.pk for region in regions]
    if region_ids:
        for municipality in Municipality.objects.filter(regions__in=region_ids).distinct():
            chosen.setdefault(municipality.pk, municipality)
    return list(chosen.values())


def house_municipalities(house: Organisation) -> list[Municipality]:
    """The municipalities a Huis covers: the default region of its needs."""
    return list(Municipality.objects.filter(areas__organisation=house).order_by("name_nl").distinct())


# Offers ------------------------------------------------------------------------------------------


def _offer_fields(
    *,
    title,
    description,
    life_domains,
    target_groups,
    format,
    regions,
    municipalities,
    cost,
    contact_name,
    contact_email,
    contact_phone,
    valid_until,
    audience,
) -> tuple[dict, list, list, list, list]:
    life_domains, target_groups, regions = list(life_domains), list(target_groups or ()), list(regions or ())
    places = municipalities_of(regions=regions, municipalities=municipalities or ())
    errors = {}
    if not life_domains:
        errors["life_domains"] = _("Choose at least one life domain.")
    if not places:
        errors["municipalities"] = _("Choose the municipalities or regions the offer covers.")
    if format not in OfferFormat.values:
        errors["format"] = _("Choose a format from the list.")
    if audience not in Audience.values:
        errors["audience"] = _("Choose who may read the offer.")
    if valid_until is not None and valid_until < selectors.today():
        errors["valid_until"] = _("This date has passed.")
    if errors:
        raise ValidationError(errors)
    fields = {
        "title": _text(title, max_length=TITLE_MAX_LENGTH, field="title"),
        "description": _text(description, max_length=TEXT_MAX_LENGTH, field="description"),
        "format": format,
        "cost": _text(cost, max_length=200, field="cost", required=False),
        "contact_name": _text(contact_name, max_length=120, field="contact_name", required=False),
        "contact_email": (contact_email or "").strip(),
        "contact_phone": _text(contact_phone, max_length=30, field="contact_phone", required=False),
        "valid_until": valid_until,
        "audience": audience,
    }
    return fields, life_domains, target_groups, regions, places


@transaction.atomic
def offer_publish(*, actor: User, organisation: Organisation, **data) -> Offer:
    """A new offer of `organisation`, by one of its staff (or an administrator)."""
    _require(permissions.can_publish_offer_for(actor, organisation))
    fields, life_domains, target_groups, regions, places = _offer_fields(**data)
    offer = Offer.objects.create(organisation=organisation, created_by=actor, **fields)
    offer.life_domains.set(life_domains)
    offer.target_groups.set(target_groups)
    offer.regions.set(regions)
    offer.municipalities.set(places)
    _matches_sync(offer=offer, actor=actor)
    return offer


@transaction.atomic
def offer_update(*, actor: User, offer: Offer, **data) -> Offer:
    _require(permissions.can_edit_offer(actor, offer))
    fields, life_domains, target_groups, regions, places = _offer_fields(**data)
    for name, value in fields.items():
        setattr(offer, name, value)
    offer.expired_at = None  # a changed offer has a date that has not passed (`_offer_fields`)
    offer.save()
    offer.life_domains.set(life_domains)
    offer.target_groups.set(target_groups)
    offer.regions.set(regions)
    offer.municipalities.set(places)
    _matches_sync(offer=offer, actor=actor)
    return offer


def offers_expire(*, on: datetime.date | None = None) -> int:
    """Take the offers whose "valid until" has passed (before `on`, today by default) out of search,
    each once: marking one expired saves it, and search follows every saved offer (search/signals.py
    rebuilds its document, which an expired offer no longer has). Lists and matching leave expired
    offers out by their date already. Nothing else is closed: needs, matches and their history stay.
    Run by the scheduler (exchange/apps.py); returns and logs how many it took out."""
    on = on or selectors.today()
    expired = list(Offer.objects.filter(valid_until__lt=on, expired_at__isnull=True).only("pk").order_by("pk"))
    now = timezone.now()
    for offer in expired:
        with transaction.atomic():
            offer.expired_at = now
            offer.save(update_fields=["expired_at"])
    if expired:
        logger.info("Expired offers: %d taken out of search (valid until before %s).", len(expired), on.isoformat())
    return len(expired)


# Needs -------------------------------------------------------------------------------------------


def _need_fields(
    *, house, title, description, life_domains, theme, target_groups, municipalities, urgency, needed_by
) -> tuple[dict, list, list, list]:
    life_domains, target_groups = list(life_domains), list(target_groups or ())
    places = list(municipalities or ()) or house_municipalities(house)
    errors = {}
    if not life_domains:
        errors["life_domains"] = _("Choose at least one life domain.")
    if not places:
        errors["municipalities"] = _("Choose the municipalities the need is for.")
    if theme is not None and theme.life_domain_id not in {d.pk for d in life_domains}:
        errors["theme"] = _("Choose a key theme of one of the life domains you chose.")
    if urgency not in Urgency.values:
        errors["urgency"] = _("Choose how urgent it is.")
    if needed_by is not None and needed_by < selectors.today():
        errors["needed_by"] = _("This date has passed.")
    if errors:
        raise ValidationError(errors)
    fields = {
        "title": _text(title, max_length=TITLE_MAX_LENGTH, field="title"),
        "description": _text(description, max_length=TEXT_MAX_LENGTH, field="description", required=False),
        "theme": theme,
        "urgency": urgency,
        "needed_by": needed_by,
    }
    return fields, life_domains, target_groups, places


@transaction.atomic
def need_publish(*, actor: User, house: Organisation, **data) -> Need:
    """A new need of `house`, by one of its coordinators (or an administrator); without
    municipalities, it is for the Huis's own."""
    _require(permissions.can_publish_need_for(actor, house))
    fields, life_domains, target_groups, places = _need_fields(house=house, **data)
    need = Need.objects.create(house=house, created_by=actor, **fields)
    need.life_domains.set(life_domains)
    need.target_groups.set(target_groups)
    need.municipalities.set(places)
    NeedEvent.objects.create(need=need, kind=NeedEvent.Kind.PUBLISHED, actor=actor, status=need.status)
    _matches_sync(need=need, actor=actor)
    return need


@transaction.atomic
def need_update(*, actor: User, need: Need, **data) -> Need:
    _require(permissions.can_edit_need(actor, need))
    fields, life_domains, target_groups, places = _need_fields(house=need.house, **data)
    for name, value in fields.items():
        setattr(need, name, value)
    need.save()
    need.life_domains.set(life_domains)
    need.target_groups.set(target_groups)
    need.municipalities.set(places)
    NeedEvent.objects.create(need=need, kind=NeedEvent.Kind.CHANGED, actor=actor, status=need.status)
    if need.is_open:
        _matches_sync(need=need, actor=actor)
    return need


@transaction.atomic
def need_close(*, actor: User, need: Need, answered_by: Offer | None, note: str = "") -> Need:
    """The Huis closes its need: answered by `answered_by`, or not answered (None), with a short
    note. The answering organisation's staff are told."""
    need = Need.objects.select_for_update().select_related("house").get(pk=need.pk)
    _require(permissions.can_edit_need(actor, need))
    if not need.is_open:
        raise ValidationError(_("This need is closed already."), code="closed")
    if answered_by is not None and not permissions.can_see_offer(actor, answered_by):
        raise ValidationError({"answered_by": _("Choose one of the offers in the list.")}, code="unknown_offer")
    need.status = Need.Status.ANSWERED if answered_by is not None else Need.Status.NOT_ANSWERED
    need.answered_by = answered_by
    need.closing_note = _text(note, max_length=NOTE_MAX_LENGTH, field="note", required=False)
    need.closed_at = timezone.now()
    need.save(update_fields=["status", "answered_by", "closing_note", "closed_at", "updated_at"])
    NeedEvent.objects.create(
        need=need,
        kind=NeedEvent.Kind.CLOSED,
        actor=actor,
        offer=answered_by,
        status=need.status,
        note=need.closing_note,
    )
    if answered_by is not None:
        text = _("%(house)s answered its need “%(need)s” with your offer “%(offer)s”.") % {
            "house": need.house.name,
            "need": need.title,
            "offer": answered_by.title,
        }
        _notify(_offer_staff(answered_by.organisation_id, actor), text, need.get_absolute_url())
    return need


@transaction.atomic
def need_reopen(*, actor: User, need: Need) -> Need:
    need = Need.objects.select_for_update().get(pk=need.pk)
    _require(permissions.can_edit_need(actor, need))
    if need.is_open:
        return need
    need.status, need.answered_by, need.closed_at = Need.Status.OPEN, None, None
    need.save(update_fields=["status", "answered_by", "closed_at", "updated_at"])
    NeedEvent.objects.create(need=need, kind=NeedEvent.Kind.REOPENED, actor=actor, status=need.status)
    return need


# Matches -----------------------------------------------------------------------------------------


def _coordinators(house_id: int, actor: User | None):
    people = User.objects.filter(
        is_active=True,
        memberships__organisation_id=house_id,
        memberships__role=Membership.Role.COORDINATOR,
    )
    return people.exclude(pk=actor.pk) if actor is not None else people


def _offer_staff(organisation_id: int, actor: User | None):
    people = User.objects.filter(
        is_active=True,
        memberships__organisation_id=organisation_id,
        memberships__role__in=permissions.OFFER_ROLES,
    )
    return people.exclude(pk=actor.pk) if actor is not None else people


def _notify(people, text: str, url: str) -> None:
    notifications_create([(person, text, url) for person in people.distinct()])


def _matches_sync(*, actor: User, need: Need | None = None, offer: Offer | None = None) -> list[Match]:
    """Bring the matches of one need or offer up to date; the other side of every new match is
    told in-app, and by e-mail those who chose it (`exchange.mail`). Returns the new matches."""
    if need is not None:
        found = {r.item.pk for r in selectors.offers_matching(need, limit=None)}
        known = Match.objects.filter(need=need)
        known_ids = set(known.values_list("offer_id", flat=True))
        known.filter(house_interested_at__isnull=True, organisation_interested_at__isnull=True).exclude(
            offer_id__in=found
        ).delete()
        new = Match.objects.bulk_create(Match(need=need, offer_id=pk) for pk in sorted(found - known_ids))
        if new:
            organisations = Offer.objects.filter(pk__in=[m.offer_id for m in new]).values_list(
                "organisation_id", flat=True
            )
            text = _("A new need of %(house)s matches your offer: “%(need)s”.") % {
                "house": need.house.name,
                "need": need.title,
            }
            people = User.objects.filter(
                is_active=True,
                memberships__organisation_id__in=list(organisations),
                memberships__role__in=permissions.OFFER_ROLES,
            ).exclude(pk=actor.pk)
            _notify(people, text, need.get_absolute_url())
            mail.match_mails_on_commit(published=mail.NEED, pk=need.pk, person_ids=mail.recipients_of(people))
        return new
    found = {r.item.pk for r in selectors.needs_matching(offer, limit=None)}
    known = Match.objects.filter(offer=offer)
    known_ids = set(known.values_list("need_id", flat=True))
    known.filter(house_interested_at__isnull=True, organisation_interested_at__isnull=True).exclude(
        need_id__in=found
    ).delete()
    new = Match.objects.bulk_create(Match(need_id=pk, offer=offer) for pk in sorted(found - known_ids))
    if new:
        houses = Need.objects.filter(pk__in=[m.need_id for m in new]).values_list("house_id", flat=True)
        text = _("A new offer of %(organisation)s matches a need of your Huis: “%(offer)s”.") % {
            "organisation": offer.organisation.name,
            "offer": offer.title,
        }
        people = User.objects.filter(
            is_active=True,
            memberships__organisation_id__in=list(houses),
            memberships__role=Membership.Role.COORDINATOR,
        ).exclude(pk=actor.pk)
        _notify(people, text, offer.get_absolute_url())
        mail.match_mails_on_commit(published=mail.OFFER, pk=offer.pk, person_ids=mail.recipients_of(people))
    return new


@transaction.atomic
def match_interest(*, actor: User, need: Need, offer: Offer) -> Match:
    """`actor` says "interested" for their side of the pair (the Huis's coordinators for the need,
    the organisation's staff for the offer): the other side is told, and from now on both see each
    other's contact. The pair must match (or have matched) and the need be open."""
    need = Need.objects.select_for_update().select_related("house").get(pk=need.pk)
    offer = Offer.objects.select_related("organisation").get(pk=offer.pk)
    if not need.is_open:
        raise ValidationError(_("This need is closed."), code="closed")
    match = Match.objects.filter(need=need, offer=offer).first()
    if match is None:
        if offer.pk not in {r.item.pk for r in selectors.offers_matching(need, limit=None)}:
            raise ValidationError(_("This offer does not match the need."), code="no_match")
        match = Match.objects.create(need=need, offer=offer)
    match.need, match.offer = need, offer
    side = permissions.match_side_of(actor, match)
    _require(side is not None)
    now = timezone.now()
    if side == "house":
        if match.house_interested_at is not None:
            return match
        match.house_interested_at, match.house_interested_by = now, actor
        match.save(update_fields=["house_interested_at", "house_interested_by"])
        text = _("%(house)s is interested in your offer “%(offer)s” for its need “%(need)s”.") % {
            "house": need.house.name,
            "offer": offer.title,
            "need": need.title,
        }
        _notify(_offer_staff(offer.organisation_id, actor), text, need.get_absolute_url())
    else:
        if match.organisation_interested_at is not None:
            return match
        match.organisation_interested_at, match.organisation_interested_by = now, actor
        match.save(update_fields=["organisation_interested_at", "organisation_interested_by"])
        text = _("%(organisation)s is interested in your need “%(need)s” with its offer “%(offer)s”.") % {
            "organisation": offer.organisation.name,
            "need": need.title,
            "offer": offer.title,
        }
        _notify(_coordinators(need.house_id, actor), text, need.get_absolute_url())
    NeedEvent.objects.create(need=need, kind=NeedEvent.Kind.INTEREST, actor=actor, offer=offer, status=need.status)
    return match


# Preferences ------------------------------------------------------------------------------------


@transaction.atomic
def preference_set(*, actor: User, new_matches: str) -> ExchangePreference:
    """How `actor` hears of new matches: in the app only, or by e-mail too."""
    _require(permissions.is_member(actor))
    if new_matches not in MatchNotice.values:
        raise ValidationError({"new_matches": _("Choose one of the options.")}, code="invalid_choice")
    preference, _created = ExchangePreference.objects.update_or_create(
        person=actor, defaults={"new_matches": new_matches}
    )
    return preference


# Roadmaps ----------------------------------------------------------------------------------------


@transaction.atomic
def roadmap_start(*, actor: User, house: Organisation, year: int) -> Roadmap:
    """The Huis's roadmap of `year`: a copy of its latest earlier year (statuses, partners, target
    groups, notes), or a row per key theme of every life domain without an offer. Starting a year
    that exists returns it unchanged."""
    _require(permissions.can_edit_roadmap(actor, house))
    roadmap, created = Roadmap.objects.get_or_create(house=house, year=year)
    if not created:
        return roadmap
    previous = Roadmap.objects.filter(house=house, year__lt=year).order_by("-year").first()
    copied = set()
    if previous is not None:
        for entry in previous.entries.prefetch_related("partners", "target_groups"):
            partners, groups = list(entry.partners.all()), list(entry.target_groups.all())
            entry.pk, entry.id, entry.roadmap = None, None, roadmap
            entry._state.adding = True
            entry._prefetched_objects_cache = {}  # else set() compares with the old entry's rows
            entry.save()
            entry.partners.set(partners)
            entry.target_groups.set(groups)
            copied.add((entry.life_domain_id, entry.theme_id))
    missing = [
        RoadmapEntry(roadmap=roadmap, life_domain_id=theme.life_domain_id, theme=theme)
        for theme in Theme.objects.all()
        if (theme.life_domain_id, theme.pk) not in copied
    ]
    themed = set(Theme.objects.values_list("life_domain_id", flat=True))
    missing += [
        RoadmapEntry(roadmap=roadmap, life_domain=domain)
        for domain in LifeDomain.objects.exclude(pk__in=themed)
        if (domain.pk, None) not in copied
    ]
    RoadmapEntry.objects.bulk_create(missing)
    return roadmap


@transaction.atomic
def roadmap_domain_update(*, actor: User, roadmap: Roadmap, life_domain: LifeDomain, entries: list[dict]) -> None:
    """Write the entries of one life domain: each dict has `entry` (a RoadmapEntry of this roadmap
    and domain), `status`, `partners`, `target_groups` and `notes`."""
    _require(permissions.can_edit_roadmap(actor, roadmap.house))
    for item in entries:
        entry = item["entry"]
        if entry.roadmap_id != roadmap.pk or entry.life_domain_id != life_domain.pk:
            raise PermissionDenied
        if item["status"] not in OfferStatus.values:
            raise ValidationError(_("Choose a status from the list."), code="status")
        entry.status = item["status"]
        entry.notes = _text(item.get("notes", ""), max_length=NOTE_MAX_LENGTH, field="notes", required=False)
        entry.save(update_fields=["status", "notes"])
        entry.partners.set(item.get("partners") or [])
        entry.target_groups.set(item.get("target_groups") or [])
    Roadmap.objects.filter(pk=roadmap.pk).update(updated_at=timezone.now())


@transaction.atomic
def roadmap_share(*, actor: User, roadmap: Roadmap, shared: bool) -> Roadmap:
    _require(permissions.can_edit_roadmap(actor, roadmap.house))
    roadmap.shared = shared
    roadmap.save(update_fields=["shared", "updated_at"])
    return roadmap
