"""Small project-wide middleware."""


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
