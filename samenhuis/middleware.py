"""Small project-wide middleware."""

from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers


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
        if request.path.startswith("/cms/") and "X-Frame-Options" not in response:
            response["X-Frame-Options"] = "SAMEORIGIN"
        return response
