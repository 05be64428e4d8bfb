"""Who may see and do what with offers, needs, matches and roadmaps: the one place views, services,
selectors, the start page and search ask (docs/exchange.md, "Who sees what").

- An offer is published and changed by its organisation's staff (coordinators and staff members,
  not partner contacts) and by administrators. A public offer is readable by everyone, a
  members-only offer by logged-in members; an outsider asking for a members-only offer is sent to
  log in, as for any members' page.
- A need is published, changed and closed by its Huis's coordinators and by administrators; it is
  readable by logged-in members.
- On a match, the Huis's coordinators speak for the need and the organisation's staff for the
  offer. Once one of them said "interested", both sides (and administrators) see each other's
  contact.
- A roadmap is read and edited by its Huis's coordinators and administrators; other members read
  it only when the Huis shared it (404 otherwise: a roadmap that is not shared does not exist for
  them). Regions see aggregates only (`selectors.region_roadmap_coverage`).
"""

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from community.models import Membership, Organisation
from community.permissions import is_platform_admin

from .models import Audience, Match, Need, Offer, Roadmap

OFFER_ROLES = (Membership.Role.COORDINATOR, Membership.Role.STAFF)


def is_member(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def is_admin(user) -> bool:
    return is_member(user) and is_platform_admin(user)


# Organisations a person speaks for ------------------------------------------------------------


def offer_organisations_of(user) -> QuerySet[Organisation]:
    """The organisations whose offers `user` publishes: where they are a coordinator or staff
    member; every organisation for an administrator."""
    if not is_member(user):
        return Organisation.objects.none()
    if is_platform_admin(user):
        return Organisation.objects.all()
    return Organisation.objects.filter(memberships__person=user, memberships__role__in=OFFER_ROLES).distinct()


def houses_coordinated_by(user) -> QuerySet[Organisation]:
    """The Huizen whose needs and roadmap `user` keeps: those they coordinate; every Huis for an
    administrator."""
    houses = Organisation.objects.filter(kind=Organisation.Kind.HOUSE)
    if not is_member(user):
        return houses.none()
    if is_platform_admin(user):
        return houses
    return houses.filter(memberships__person=user, memberships__role=Membership.Role.COORDINATOR).distinct()


def is_offer_staff(user, organisation_id: int) -> bool:
    return (
        is_member(user)
        and Membership.objects.filter(person=user, organisation_id=organisation_id, role__in=OFFER_ROLES).exists()
    )


def is_house_coordinator(user, house_id: int) -> bool:
    return (
        is_member(user)
        and Membership.objects.filter(
            person=user,
            organisation_id=house_id,
            organisation__kind=Organisation.Kind.HOUSE,
            role=Membership.Role.COORDINATOR,
        ).exists()
    )


# Offers ---------------------------------------------------------------------------------------


def can_publish_offer_for(user, organisation: Organisation) -> bool:
    return is_admin(user) or is_offer_staff(user, organisation.pk)


def can_edit_offer(user, offer: Offer) -> bool:
    return is_admin(user) or is_offer_staff(user, offer.organisation_id)


def can_see_offer(user, offer: Offer) -> bool:
    return offer.audience == Audience.PUBLIC or is_member(user)


def offers_visible_to(user) -> QuerySet[Offer]:
    """Every offer `user` may read (expired ones included: lists leave those out themselves)."""
    if is_member(user):
        return Offer.objects.all()
    return Offer.objects.filter(audience=Audience.PUBLIC)


# Needs ----------------------------------------------------------------------------------------


def can_see_needs(user) -> bool:
    return is_member(user)


def can_publish_need_for(user, house: Organisation) -> bool:
    return house.kind == Organisation.Kind.HOUSE and (is_admin(user) or is_house_coordinator(user, house.pk))


def can_edit_need(user, need: Need) -> bool:
    """Change, close and reopen the need."""
    return is_admin(user) or is_house_coordinator(user, need.house_id)


def needs_visible_to(user) -> QuerySet[Need]:
    return Need.objects.all() if is_member(user) else Need.objects.none()


# Matches --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MatchViewer:
    """Which sides of matches a person speaks for, read once per page (two queries): the Huizen
    they coordinate and the organisations whose offers they publish."""

    houses: frozenset
    organisations: frozenset
    admin: bool

    def side(self, match: Match) -> str | None:
        """ "house" or "organisation": the side this person speaks for on the match (the Huis first
        when they speak for both; an administrator for the Huis), or None."""
        if match.need.house_id in self.houses:
            return "house"
        if match.offer.organisation_id in self.organisations:
            return "organisation"
        return "house" if self.admin else None

    def sees_contacts(self, match: Match) -> bool:
        """Both sides see each other's contact once one of them said "interested"."""
        return match.has_interest and self.side(match) is not None


def match_viewer(user) -> MatchViewer:
    if not is_member(user):
        return MatchViewer(frozenset(), frozenset(), False)
    mine = Membership.objects.filter(person=user, person__is_active=True)
    houses = mine.filter(role=Membership.Role.COORDINATOR, organisation__kind=Organisation.Kind.HOUSE)
    return MatchViewer(
        frozenset(houses.values_list("organisation_id", flat=True)),
        frozenset(mine.filter(role__in=OFFER_ROLES).values_list("organisation_id", flat=True)),
        is_platform_admin(user),
    )


def match_side_of(user, match: Match) -> str | None:
    return match_viewer(user).side(match)


def can_see_match_contacts(user, match: Match) -> bool:
    return match_viewer(user).sees_contacts(match)


# Roadmaps -------------------------------------------------------------------------------------


def can_edit_roadmap(user, house: Organisation) -> bool:
    return house.kind == Organisation.Kind.HOUSE and (is_admin(user) or is_house_coordinator(user, house.pk))


def can_see_roadmap(user, roadmap: Roadmap) -> bool:
    return can_edit_roadmap(user, roadmap.house) or (roadmap.shared and is_member(user))


def roadmaps_visible_to(user) -> QuerySet[Roadmap]:
    if not is_member(user):
        return Roadmap.objects.none()
    if is_platform_admin(user):
        return Roadmap.objects.all()
    own = Q(house__in=houses_coordinated_by(user).values("pk"))
    return Roadmap.objects.filter(own | Q(shared=True))
