"""The site's error pages (handler400/403/404/500 in samenhuis/urls.py) and the CSRF failure
page (CSRF_FAILURE_VIEW): in the site's layout, in Dutch, and for a POST with the person's text
to copy (samenhuis/refusals.py). See docs/operations.md, "Refusals and overload"."""

import sys

from django.http import HttpResponseServerError
from django.middleware.csrf import REASON_NO_CSRF_COOKIE
from django.template import loader
from django.utils.translation import gettext as _
from django.views.decorators.csrf import requires_csrf_token

from .refusals import back_url, is_overload, kept_from_post, overload_response, refusal_response


@requires_csrf_token
def bad_request(request, exception):
    return refusal_response(request, status=400, kept=kept_from_post(request), back=back_url(request))


@requires_csrf_token
def permission_denied(request, exception):
    return refusal_response(request, status=403, kept=kept_from_post(request), back=back_url(request))


@requires_csrf_token
def page_not_found(request, exception):
    return refusal_response(request, status=404, kept=kept_from_post(request))


@requires_csrf_token
def server_error(request):
    """500, or 503 when the error is overload that a middleware's write ran into (a view's is
    answered by RefusalMiddleware before it gets here). 500.html needs no request context: the
    context processors read the database, which may be what failed."""
    error = sys.exc_info()[1]
    if is_overload(error):
        return overload_response(request, error)
    return HttpResponseServerError(loader.get_template("500.html").render())


def csrf_failure(request, reason=""):
    """A form whose CSRF token no longer matches: usually a page left open across a log-in, a
    log-out or an expired session. Rendering the layout sets a fresh token, so the reloaded form works."""
    if reason == REASON_NO_CSRF_COOKIE:
        advice = _(
            "Check that your browser accepts cookies from this site, reload the page and paste your text back in."
        )
    else:
        advice = _("Copy your text, reload the page and paste it back in.")
    return refusal_response(
        request,
        status=403,
        title=_("This form has expired"),
        reason=_(
            "The page was open for a long time, or you logged in or out in another window, so Samenhuis "
            "could not check that the form came from you. Nothing was saved."
        ),
        advice=advice,
        kept=kept_from_post(request),
        back=back_url(request),
    )
