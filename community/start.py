"""What the community shows on a member's start page (registered in community/wagtail_hooks.py
under the hook names of samenhuis/start.py; the page itself is knowledge's home page).

Prompts while the profile is incomplete or the person belongs to no organisation, and their
unread notifications. Each panel asks the database once, however many there are. The person's
groups (with their rooms' unread messages) and mentions are the rooms' panels (rooms/start.py).
"""

from django.db.models import Count, Exists, OuterRef, Window
from django.urls import reverse
from django.utils.translation import gettext as _

from samenhuis.start import MemberStart, Section

from .models import Membership, MembershipRequest, Notification, Profile

NOTIFICATIONS_SHOWN = 5


def prompts(start: MemberStart) -> Section | None:
    """What the person still has to do to be found and to share: fill in their profile, get
    linked to their Huis or other organisation (or wait for the answer to their request: see
    docs/community.md). One query; nothing when all is done."""
    profile = (
        Profile.objects.filter(user_id=start.user.pk)
        .annotate(
            has_expertise=Exists(Profile.expertise.through.objects.filter(profile_id=OuterRef("pk"))),
            in_organisation=Exists(Membership.objects.filter(person_id=OuterRef("user_id"))),
            asked_to_be_linked=Exists(
                MembershipRequest.objects.filter(person_id=OuterRef("user_id"), status=MembershipRequest.Status.PENDING)
            ),
        )
        .first()
    )
    if profile is not None:
        start.user.profile = profile  # the header's display name reads it: one query for both
    missing = []
    if profile is None or not profile.function:
        missing.append(_("your function"))
    if profile is None or not profile.has_expertise:
        missing.append(_("your expertise (life domains)"))
    if profile is None or not profile.bio:
        missing.append(_("a few words about yourself"))
    linked = profile is not None and profile.in_organisation
    if not missing and linked:
        return None
    return Section(
        key="prompts",
        title=_("To do"),
        template="community/start/prompts.html",
        order=0,
        context={
            "missing": missing,
            "linked": linked,
            "asked_to_be_linked": profile is not None and profile.asked_to_be_linked,
            "profile_url": reverse("community:profile"),
        },
    )


def notifications(start: MemberStart) -> Section:
    """The newest unread notifications with how many are unread in all: one query."""
    unread = list(
        Notification.objects.filter(recipient_id=start.user.pk, read_at__isnull=True)
        .annotate(unread_total=Window(Count("pk")))
        .order_by("-id")[:NOTIFICATIONS_SHOWN]
    )
    return Section(
        key="notifications",
        title=_("Unread notifications"),
        template="community/start/notifications.html",
        order=20,
        context={"notifications": unread, "total": unread[0].unread_total if unread else 0},
        more_url=reverse("community:notifications"),
        more_text=_("All notifications"),
    )
