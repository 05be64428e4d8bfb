"""Refusals that keep what the person typed (docs/operations.md, "Refusals and overload").

A form refused for a reason that arose after its page was loaded (muted, removed from the
group, the room archived, posting too fast, registration closed, the session expired, a page
left open past its CSRF token, the database too busy) answers with the status that says why,
a sentence saying what happened and what to do, and the person's text in read-only fields they
can copy. Every such answer is made by `refusal_response`; views that hold the form pass
`kept_from_form(form)`, the generic paths (the error handlers and the CSRF failure view in
`samenhuis.errors`, `samenhuis.middleware.RefusalMiddleware`) pass `kept_from_post(request)`,
which keeps only the free-text fields named in `KEPT_FIELDS`: never a password or a token.

Overload: a write that cannot get the database within the lock timeout of
`samenhuis.settings.environment` ("database is locked" on SQLite, SQLSTATE 55P03
lock_not_available on PostgreSQL) answers 503 with Retry-After through `overload_response`,
logged as one line, never as a 500 with a traceback.
"""

import logging
from contextlib import contextmanager
from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.db import DatabaseError, OperationalError, connections, transaction
from django.http import HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render, resolve_url
from django.template.loader import render_to_string
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

logger = logging.getLogger("samenhuis.overload")

# Seconds a person (or a client) is asked to wait after a 503 for overload.
OVERLOAD_RETRY_AFTER = 5
# What is echoed back at most: enough for every form's longest field, not a posted megabyte.
KEPT_MAX_FIELDS = 20
KEPT_MAX_LENGTH = 20_000

# The free-text fields of the site's forms, by the name they are posted under, with the label
# shown above the kept copy. Registration answers are posted under the question's id (digits).
KEPT_FIELDS = {
    "body": gettext_lazy("Your text"),
    "note": gettext_lazy("Your note"),
    "motivation": gettext_lazy("Message to the facilitators (optional)"),
    "name": gettext_lazy("Name"),
    "description": gettext_lazy("Description"),
    "facilitator_email": gettext_lazy("E-mail address of the facilitator"),
    "email": gettext_lazy("E-mail address"),
    "subject": gettext_lazy("Subject"),
    "title": gettext_lazy("Title"),
    "agenda": gettext_lazy("Agenda"),
    "location": gettext_lazy("Location"),
    "online_url": gettext_lazy("Link"),
    "summary": gettext_lazy("Summary"),
    "context": gettext_lazy("Context and need"),
    "approach": gettext_lazy("Approach"),
    "results": gettext_lazy("Results and impact"),
    "lessons": gettext_lazy("Lessons and pitfalls"),
    "contact_name": gettext_lazy("Contact person"),
    "contact_email": gettext_lazy("Contact e-mail address (optional)"),
    "display_name": gettext_lazy("Display name"),
    "function": gettext_lazy("Function"),
    "bio": gettext_lazy("About me"),
}
ANSWER_LABEL = gettext_lazy("Your answer")

# The page of each status; a status without one of its own (409, 410) uses refused.html.
STATUS_TEMPLATES = {400: "400.html", 403: "403.html", 404: "404.html", 429: "429.html", 503: "503.html"}


def _kept_value(value) -> str:
    # NUL cannot be shown (nor stored); the rest comes back exactly as typed, escaped by the template.
    return str(value).replace("\x00", "")[:KEPT_MAX_LENGTH]


def kept_from_form(form: forms.Form) -> list[tuple[str, str]]:
    """(label, text) of every visible text field of a bound form that the person filled in."""
    kept = []
    for field in form.visible_fields():
        if not isinstance(field.field, forms.CharField) or isinstance(field.field.widget, forms.PasswordInput):
            continue
        value = _kept_value(form.data.get(field.html_name, ""))
        if value.strip():
            kept.append((str(field.label), value))
    return kept[:KEPT_MAX_FIELDS]


def kept_from_post(request) -> list[tuple[str, str]]:
    """(label, text) of the free-text fields of a POST, for paths that do not know the form."""
    if request.method != "POST":
        return []
    try:
        items = list(request.POST.lists())
    except (SuspiciousOperation, MultiPartParserError, OSError):  # a body that cannot be read
        return []
    kept = []
    for name, values in items:
        label = KEPT_FIELDS.get(name) or (ANSWER_LABEL if name.isdigit() else None)
        if label is None:
            continue
        kept.extend((str(label), _kept_value(value)) for value in values if value.strip())
    return kept[:KEPT_MAX_FIELDS]


def back_url(request) -> str:
    """The page the form was sent from, when it is a page of this site."""
    referer = request.META.get("HTTP_REFERER", "")
    try:
        host = request.get_host()
    except SuspiciousOperation:  # a Host header this site does not answer to: the 400 itself
        return ""
    if referer and url_has_allowed_host_and_scheme(referer, allowed_hosts={host}, require_https=request.is_secure()):
        return referer
    return ""


def refusal_response(
    request,
    *,
    status: int,
    title: str = "",
    reason: str = "",
    advice: str = "",
    kept=(),
    back: str = "",
    login_url: str = "",
    retry_after: int | None = None,
    action: tuple[str, str] | None = None,
) -> HttpResponse:
    """The page of a refusal, with the person's text to copy. Without `title` or `reason` the
    status's page says its own (templates/403.html, ...). `action` (url, label) is the one thing
    to do next, shown as a button."""
    context = {
        "action": action,
        "title": title,
        "reason": reason,
        "advice": advice,
        "kept": list(kept),
        "back_url": back,
        "login_url": login_url,
        "retry_after": retry_after,
    }
    template = STATUS_TEMPLATES.get(status, "refused.html")
    try:
        response = render(request, template, context, status=status)
    except (DatabaseError, SuspiciousOperation):
        # The layout reads the database (unread count, footer links) and the request's host (the
        # canonical address); when that is what fails, the page is shown without them.
        page = render_to_string(template, {**context, "layout": "layout_plain.html"})
        response = HttpResponse(page, status=status)
    if retry_after:
        response["Retry-After"] = str(int(retry_after))
    if context["kept"]:
        response["Cache-Control"] = "private, no-store"  # it holds what the person wrote
    return response


# The session expired -----------------------------------------------------------------------------


def is_login_redirect(response) -> bool:
    if response.status_code != 302:
        return False
    return urlsplit(response.get("Location", "")).path == resolve_url(settings.LOGIN_URL)


def session_expired_response(request, *, login_url: str) -> HttpResponse | None:
    """A POST sent after the session ended: its text and a way to log in, instead of a redirect
    to the log-in page that loses it. None when the POST carried no text (the redirect is fine)."""
    kept = kept_from_post(request)
    if not kept:
        return None
    return refusal_response(
        request,
        status=403,
        title=_("You are no longer logged in"),
        reason=_("Your session has expired or you logged out in another window, so what you sent was not saved."),
        advice=_("Log in again, then paste your text back in."),
        kept=kept,
        login_url=login_url,
    )


# Overload -------------------------------------------------------------------------------------------


def is_overload(error: BaseException | None) -> bool:
    """The database could not be had in time: a lock wait ran out, or no pooled connection."""
    if not isinstance(error, OperationalError):
        return False
    cause = error.__cause__
    if getattr(cause, "sqlstate", None) == "55P03":  # lock_not_available: PostgreSQL's lock_timeout
        return True
    if type(cause).__name__ == "PoolTimeout":  # psycopg_pool: every connection busy
        return True
    return getattr(cause, "sqlite_errorname", "") == "SQLITE_BUSY" or "database is locked" in str(error)


@contextmanager
def lock_wait_at_most(seconds: float, *, using: str = "default"):
    """Within the block, a write waits at most `seconds` for a lock another transaction holds,
    instead of the connection's usual DATABASE_LOCK_TIMEOUT_SECONDS, then fails with the error
    `is_overload` recognises; the block's work is then rolled back. For work that must answer
    within a second (a post on a room socket: docs/realtime.md, "Back-pressure").

    PostgreSQL: the block is one transaction with a local `lock_timeout`. SQLite: the busy
    timeout of the connection, which its transactions (BEGIN IMMEDIATE) wait for the write lock
    with, is lowered for the block; open no transaction around the block, or it has its lock
    already."""
    connection = connections[using]
    milliseconds = max(1, int(seconds * 1000))
    if connection.vendor == "postgresql":
        with transaction.atomic(using=using):
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config('lock_timeout', %s, true)", [f"{milliseconds}ms"])
            yield
        return
    if connection.vendor != "sqlite":
        yield
        return
    usual = int(connection.settings_dict.get("OPTIONS", {}).get("timeout", 5) * 1000)
    with connection.cursor() as cursor:
        cursor.execute(f"PRAGMA busy_timeout = {milliseconds}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA busy_timeout = {usual}")


def overload_response(request, error: BaseException) -> HttpResponse:
    """503 with Retry-After and the text kept; one line in the log instead of a traceback."""
    first_line = (str(error).splitlines() or [""])[0]
    logger.warning(
        "Overloaded: %s %s answered 503, the database was not available in time (%s)",
        request.method,
        request.path,
        first_line,
    )
    response = refusal_response(
        request,
        status=503,
        kept=kept_from_post(request),
        back=back_url(request),
        retry_after=OVERLOAD_RETRY_AFTER,
    )
    response._has_been_logged = True  # Django's own "Service Unavailable" line would be a second one
    return response
