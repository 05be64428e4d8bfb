"""Small project-wide middleware."""

from csp.constants import SELF
from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers

from .refusals import is_login_redirect, is_overload, overload_response, session_expired_response

# Wagtail's admin, with its previews (samenhuis/urls.py).
CMS_PREFIX = "/cms/"


class PreferredLanguageMiddleware:
    """Dutch first: English only when the person chose it with the language switch.

    Replaces Django's LocaleMiddleware, which would follow the browser's Accept-Language
    and show English to every Fleming whose browser happens to be set to English.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        return response


class CmsPreviewFramingMiddleware:
    """Let the Wagtail admin frame its own previews while every other page stays `DENY`.

    It sits after Django's XFrameOptionsMiddleware in MIDDLEWARE, so it sees the response
    first and sets SAMEORIGIN for /cms/; Django's middleware leaves an existing header alone.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith(CMS_PREFIX) and "X-Frame-Options" not in response:
            response["X-Frame-Options"] = "SAMEORIGIN"
        return response


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, with the looser policy SAMENHUIS_CMS_CSP_DIRECTIVES for /cms/.

    Wagtail's admin still writes inline scripts and styles (wagtail/wagtail#1288); the rest of
    the site, the log-in the CMS sends people to included, gets the strict CONTENT_SECURITY_POLICY.
    The CMS policy replaces the site's in whichever header the settings send (enforced or
    report-only), so /cms/ is never left without one.

    A preview is the page itself, rendered by Wagtail through this middleware with a dummy request
    for the page's address: it keeps the strict policy, but the admin may frame it.
    See docs/operations.md "Security headers".
    """

    def get_policy_parts(self, request, response, report_only: bool = False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        setting = "CONTENT_SECURITY_POLICY_REPORT_ONLY" if report_only else "CONTENT_SECURITY_POLICY"
        if parts.config is not None or not getattr(settings, setting, None):
            return parts
        if getattr(request, "is_dummy", False):
            parts.replace = {**(parts.replace or {}), "frame-ancestors": [SELF]}
        elif request.path_info.startswith(CMS_PREFIX):
            parts.config = settings.SAMENHUIS_CMS_CSP_DIRECTIVES
        return parts


class PermissionsPolicyMiddleware:
    """Send Permissions-Policy switching off the features in SAMENHUIS_PERMISSIONS_POLICY_DENY.

    A deny-list of a few features is one constant header; a view that needs one sets its own.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.header = ", ".join(f"{feature}=()" for feature in settings.SAMENHUIS_PERMISSIONS_POLICY_DENY)

    def __call__(self, request):
        response = self.get_response(request)
        if self.header:
            response.headers.setdefault("Permissions-Policy", self.header)
        return response


class RefusalMiddleware:
    """Refusals that keep what the person typed (samenhuis/refusals.py).

    - A view that cannot get the database in time (a lock wait past the lock timeout, see
      samenhuis/settings/environment.py) answers 503 with Retry-After and the text, logged as one
      line; overload in another middleware is caught by samenhuis.errors.server_error instead.
    - A POST whose session has expired is answered with its text and a log-in link, instead of
      the bare redirect to the log-in page that `login_required` and its kin give.

    It sits after AuthenticationMiddleware, which it needs for the second.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.method == "POST" and is_login_redirect(response) and not request.user.is_authenticated:
            return session_expired_response(request, login_url=response["Location"]) or response
        return response

    def process_exception(self, request, exception):
        if is_overload(exception):
            return overload_response(request, exception)
        return None
