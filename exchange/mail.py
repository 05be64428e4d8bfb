"""E-mail about new matches, for the people who asked for it (docs/exchange.md, "Matching").

The in-app notification of a new match goes to everyone on the other side; those whose
`ExchangePreference` says "by e-mail too" also get one mail. It is sent after the publish commits,
off the publisher's path (`samenhuis.afterwork`), and a mail server that is down is logged, never
turned into an error: the match stands. Like community's mails (community/mail.py) it is plain text
in the platform's language (Dutch) with an absolute link. It names organisations and titles only,
never a person, so the rule of who may see whom named (docs/privacy.md) has nothing to hide.
"""

import logging
from collections.abc import Sequence

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from community.mail import absolute_url
from samenhuis.afterwork import after_commit

from .models import ExchangePreference, MatchNotice, Need, Offer

logger = logging.getLogger(__name__)

# What was published, and so which page the mail links to: a new need (mailed to the staff of the
# organisations whose offers it matches) or a new offer (mailed to the coordinators of the Huizen
# whose needs it matches).
NEED, OFFER = "need", "offer"


def match_mails_on_commit(*, published: str, pk: int, person_ids: Sequence[int]) -> None:
    """After commit, mail those of `person_ids` who chose e-mail for new matches about the new
    matches of need or offer `pk` (`published` is NEED or OFFER)."""
    if person_ids:
        after_commit(match_mails_send, (published, pk, tuple(sorted(set(person_ids)))))


def match_mails_send(jobs: Sequence[tuple[str, int, tuple[int, ...]]]) -> None:
    """The mails of a batch of jobs: three queries for the whole batch (who wants mail, the needs,
    the offers), none when nobody chose e-mail. A need or offer deleted since is mailed about to
    nobody."""
    wanting = dict(
        ExchangePreference.objects.filter(
            person_id__in={person for _p, _pk, people in jobs for person in people},
            new_matches=MatchNotice.EMAIL,
            person__is_active=True,
        )
        .exclude(person__email="")
        .values_list("person_id", "person__email")
    )
    if not wanting:
        return
    needs = Need.objects.select_related("house").in_bulk([pk for kind, pk, _people in jobs if kind == NEED])
    offers = Offer.objects.select_related("organisation").in_bulk([pk for kind, pk, _people in jobs if kind == OFFER])
    settings_url = absolute_url(reverse("exchange:preferences"))
    for kind, pk, people in jobs:
        item = (needs if kind == NEED else offers).get(pk)
        recipients = sorted({wanting[person] for person in people if person in wanting})
        if item is None or not recipients:
            continue
        context = {"item": item, "url": absolute_url(item.get_absolute_url()), "settings_url": settings_url}
        with translation.override(settings.LANGUAGE_CODE):
            subject = render_to_string(f"exchange/email/match_new_{kind}_subject.txt", context)
            body = render_to_string(f"exchange/email/match_new_{kind}_body.txt", context)
        subject = settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + " ".join(subject.split())
        for address in recipients:  # one mail each: nobody sees who else was told
            try:
                send_mail(subject, body, None, [address])
            except Exception:
                logger.exception("Could not send the new-match mail about %s %s", kind, pk)


def recipients_of(people) -> list[int]:
    """The ids of a queryset of people (each once), for `match_mails_on_commit`."""
    return list(people.order_by().values_list("pk", flat=True).distinct())
