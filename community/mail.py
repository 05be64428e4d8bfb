"""E-mail to people about what happened in the community, sent after the change is committed.

Mails are written in the platform's default language (Dutch): we keep no language preference
per person (docs/privacy.md). Links are absolute, built from BASE_URL.
"""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation

logger = logging.getLogger(__name__)


def absolute_url(path: str) -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def mail_send_on_commit(*, to: list[str], template: str, context: dict) -> None:
    """Render `<template>_subject.txt` and `_body.txt` and send one mail per address. A bare name
    is looked up in `community/email/`; other apps pass a path such as `knowledge/email/x`."""
    if "/" not in template:
        template = f"community/email/{template}"
    recipients = sorted({address for address in to if address})
    if not recipients:
        return

    def send():
        with translation.override(settings.LANGUAGE_CODE):
            subject = render_to_string(f"{template}_subject.txt", context).strip()
            body = render_to_string(f"{template}_body.txt", context)
        for address in recipients:
            try:
                send_mail(settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject, body, None, [address])
            except Exception:
                # The change stands; a mail server that is down must not turn it into an error page.
                logger.exception("Could not send %s mail to a recipient", template)

    transaction.on_commit(send)
