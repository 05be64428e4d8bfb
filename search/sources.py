"""Everything searchable, projected into `SearchDocument`s: practices, magazine articles,
life-domain pages, events, their public materials, organisations, discussion-room messages, and
the offers and needs of exchange (offers public or for members, needs for members).

Keys are "<type>:<id>" (materials "material:<event id>:<id>"). `document_for(key)` builds one
document from the database, or None when the thing is gone or no longer searchable (unpublished,
deleted, hidden): the caller then removes it from the index. Scopes: "public" for what anyone
may read, "members" for thematic rooms (every member of the platform), "group:<id>" for a group
room. Attendees-only materials are not indexed. See docs/search.md.
"""

import html
import re
from collections import Counter
from collections.abc import Iterator

from django.utils.html import strip_tags
from wagtail.models import Page

from community.models import Organisation, Region
from events.models import EventMaterial, EventPage
from events.permissions import materials_for_everyone
from exchange.models import Audience, Need, Offer
from exchange.selectors import offers_valid
from knowledge.models import LifeDomainPage, MagazineArticlePage, PracticePage
from rooms.models import Message, Room

from . import analysis
from .backends.base import SearchDocument

PUBLIC, MEMBERS = "public", "members"
BATCH = 500


def plain(*parts) -> str:
    """Text of rich text, stream fields and plain strings, tags removed, whitespace collapsed."""
    text = " ".join(html.unescape(strip_tags(str(part))) for part in parts if part)
    return re.sub(r"\s+", " ", text).strip()


def _document(**fields) -> SearchDocument:
    text = fields.get("text", "")
    fields["extra"] = analysis.index_terms(" ".join((fields["title"], text, fields.get("context", ""))))
    return SearchDocument(**fields)


def _province_of(municipalities) -> str:
    provinces = Counter(municipality.area_name for municipality in municipalities)
    return str(provinces.most_common(1)[0][0]) if provinces else ""


def _region_province(region: Region | None) -> str:
    if region is None:
        return ""
    if region.kind in Region.PROVINCE_KINDS:
        return "Brussel" if region.kind == Region.Kind.BRUSSELS else region.name
    return _province_of(region.municipalities.all()[:50])


def _pages(model):
    return model.objects.live().public()


# One builder per type ----------------------------------------------------------------------------


def practice_document(page: PracticePage) -> SearchDocument:
    municipalities = list(page.municipalities.all())
    if not municipalities and page.house_id:
        municipalities = list(page.house.municipalities.all())
    return _document(
        key=f"practice:{page.pk}",
        type="practice",
        title=page.title,
        text=plain(page.summary, page.context, page.approach, page.results, page.lessons, page.body),
        url=page.url or "",
        date=page.first_published_at,
        scope=PUBLIC,
        life_domains=tuple(domain.slug for domain in page.life_domains.all()),
        province=_province_of(municipalities),
        organisation=page.house.name if page.house_id else "",
        context=page.house.name if page.house_id else "",
    )


def article_document(page: MagazineArticlePage) -> SearchDocument:
    issue = page.get_parent()
    return _document(
        key=f"article:{page.pk}",
        type="article",
        title=page.title,
        text=plain(page.lead, page.body, page.authors),
        url=page.url or "",
        date=page.first_published_at,
        scope=PUBLIC,
        life_domains=tuple(domain.slug for domain in page.life_domains.all()),
        context=issue.title if issue else "",
    )


def life_domain_document(page: LifeDomainPage) -> SearchDocument:
    return _document(
        key=f"life_domain:{page.pk}",
        type="life_domain",
        title=page.title,
        text=plain(page.intro, page.body),
        url=page.url or "",
        date=page.last_published_at,
        scope=PUBLIC,
        life_domains=(page.life_domain.slug,),
    )


def event_document(page: EventPage) -> SearchDocument:
    return _document(
        key=f"event:{page.pk}",
        type="event",
        title=page.title,
        text=plain(
            page.summary,
            page.description,
            " ".join(f"{slot.title} {slot.speakers}" for slot in page.programme.all()),
            page.location_text,
        ),
        url=page.url or "",
        date=page.starts_at,
        scope=PUBLIC,
        life_domains=tuple(domain.slug for domain in page.life_domains.all()),
        province=_region_province(page.region),
        region=page.region.name if page.region_id else "",
        organisation=page.organiser.name if page.organiser_id else "",
        context=page.get_event_type_display(),
    )


def material_document(material: EventMaterial, event: EventPage) -> SearchDocument:
    return _document(
        key=f"material:{event.pk}:{material.pk}",
        type="material",
        title=material.title,
        text=plain(material.extracted_text) or material.title,
        url=material.document.url if material.document_id else material.link_url,
        date=event.starts_at,
        scope=PUBLIC,
        life_domains=tuple(domain.slug for domain in event.life_domains.all()),
        province=_region_province(event.region),
        organisation=event.organiser.name if event.organiser_id else "",
        context=event.title,
    )


def organisation_document(organisation: Organisation) -> SearchDocument:
    return _document(
        key=f"organisation:{organisation.pk}",
        type="organisation",
        title=organisation.name,
        text=plain(organisation.description, organisation.city),
        url=organisation.get_absolute_url(),
        date=organisation.updated_at,
        scope=PUBLIC,
        life_domains=tuple(domain.slug for domain in organisation.life_domains.all()),
        province=_province_of(organisation.municipalities.all()),
        organisation=organisation.name,
        context=organisation.get_kind_display(),
    )


def offer_searchable(offer: Offer) -> bool:
    """A valid offer: an expired one drops out of search as it drops out of the lists."""
    return offers_valid(Offer.objects.filter(pk=offer.pk)).exists()


def offer_document(offer: Offer) -> SearchDocument:
    """An offer of a supra-local organisation (exchange): public or for members, as its audience."""
    return _document(
        key=f"offer:{offer.pk}",
        type="offer",
        title=offer.title,
        text=plain(offer.description, offer.get_format_display(), offer.cost),
        url=offer.get_absolute_url(),
        date=offer.created_at,
        scope=PUBLIC if offer.audience == Audience.PUBLIC else MEMBERS,
        life_domains=tuple(domain.slug for domain in offer.life_domains.all()),
        province=_province_of(offer.municipalities.all()[:50]),
        organisation=offer.organisation.name,
        context=offer.organisation.name,
    )


def need_document(need: Need) -> SearchDocument:
    """A need of a Huis (exchange): read by members only, whatever its status."""
    return _document(
        key=f"need:{need.pk}",
        type="need",
        title=need.title,
        text=plain(need.description, need.get_status_display()),
        url=need.get_absolute_url(),
        date=need.created_at,
        scope=MEMBERS,
        life_domains=tuple(domain.slug for domain in need.life_domains.all()),
        province=_province_of(need.municipalities.all()[:50]),
        organisation=need.house.name,
        context=need.house.name,
    )


def message_scope(room: Room) -> str:
    return f"group:{room.group_id}" if room.kind == Room.Kind.GROUP else MEMBERS


def message_searchable(message: Message) -> bool:
    return message.deleted_at is None and message.hidden_at is None


# A mention of a person as `community.markup.message_render` writes it.
MENTION_HTML = re.compile(r'<span data-person="[0-9]{1,10}">@[^<]*</span>')


def message_text(message: Message) -> str:
    """What a message says, without the names of the people it mentions. The index is shared
    by every reader of the room, and a name may be seen only by those who may see that person's
    profile (docs/privacy.md, "Where people are named"), which can also change after indexing:
    so no search finds a message by a mentioned name and no snippet shows one. Authors are not
    indexed either."""
    return plain(MENTION_HTML.sub("@…", message.body_html))


def message_document(message: Message) -> SearchDocument:
    room = message.room
    return _document(
        key=f"message:{message.pk}",
        type="message",
        title=room.name,
        text=message_text(message),
        url=message.get_absolute_url(),
        date=message.created_at,
        scope=message_scope(room),
        life_domains=(room.life_domain.slug,) if room.life_domain_id else (),
        context=room.group.name if room.group_id else room.name,
    )


# Lookup by key and the whole set --------------------------------------------------------------


def document_for(key: str) -> SearchDocument | None:
    kind, _, ident = key.partition(":")
    try:
        if kind == "material":
            event_id, _, material_id = ident.partition(":")
            event = _pages(EventPage).filter(pk=int(event_id)).first()
            material = materials_for_everyone().filter(pk=int(material_id), page_id=int(event_id)).first()
            if event is None or material is None:
                return None
            return material_document(material, event)
        number = int(ident)
    except ValueError:
        return None
    if kind in PAGE_BUILDERS:
        model, builder = PAGE_BUILDERS[kind]
        page = _pages(model).filter(pk=number).first()
        return builder(page) if page else None
    if kind == "organisation":
        organisation = Organisation.objects.filter(pk=number).first()
        return organisation_document(organisation) if organisation else None
    if kind == "offer":
        offer = Offer.objects.select_related("organisation").filter(pk=number).first()
        return offer_document(offer) if offer and offer_searchable(offer) else None
    if kind == "need":
        need = Need.objects.select_related("house").filter(pk=number).first()
        return need_document(need) if need else None
    if kind == "message":
        message = Message.objects.select_related("room", "room__group", "room__life_domain").filter(pk=number).first()
        return message_document(message) if message and message_searchable(message) else None
    return None


def keys_for_page(page: Page) -> list[str]:
    """The keys a page stands for: itself, and for an event its materials."""
    specific = page.specific_class
    for kind, (model, _builder) in PAGE_BUILDERS.items():
        if specific is not None and issubclass(specific, model):
            keys = [f"{kind}:{page.pk}"]
            if kind == "event":
                ids = EventMaterial.objects.filter(page_id=page.pk).values_list("pk", flat=True)
                keys += [f"material:{page.pk}:{pk}" for pk in ids]
            return keys
    return []


PAGE_BUILDERS = {
    "practice": (PracticePage, practice_document),
    "article": (MagazineArticlePage, article_document),
    "life_domain": (LifeDomainPage, life_domain_document),
    "event": (EventPage, event_document),
}


def all_documents() -> Iterator[SearchDocument]:
    """Every searchable thing, in batches (for `search_rebuild`)."""
    for model, builder in PAGE_BUILDERS.values():
        for page in _pages(model).iterator(chunk_size=BATCH):
            yield builder(page)
    for event in _pages(EventPage).select_related("organiser", "region"):
        for material in materials_for_everyone().filter(page=event).select_related("document"):
            yield material_document(material, event)
    for organisation in Organisation.objects.iterator(chunk_size=BATCH):
        yield organisation_document(organisation)
    for offer in offers_valid(Offer.objects.select_related("organisation")).iterator(chunk_size=BATCH):
        yield offer_document(offer)
    for need in Need.objects.select_related("house").iterator(chunk_size=BATCH):
        yield need_document(need)
    messages = Message.objects.filter(deleted_at__isnull=True, hidden_at__isnull=True).select_related(
        "room", "room__group", "room__life_domain"
    )
    for message in messages.iterator(chunk_size=BATCH):
        yield message_document(message)
