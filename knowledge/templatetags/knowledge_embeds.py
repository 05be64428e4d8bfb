"""The embed HTML of a video block, with a title on every iframe for screen-reader users.

Providers' oEmbed HTML usually carries a title; when it does not, the block's own title is added
(WCAG 4.1.2: a frame needs an accessible name).
"""

import re

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe

register = template.Library()

IFRAME_TAG = re.compile(r"<iframe\b[^>]*>", re.IGNORECASE)
TITLE_ATTRIBUTE = re.compile(r"\stitle\s*=", re.IGNORECASE)


@register.filter
def embed_titled(embed, title: str) -> str:
    """The embed's HTML, or "" when the provider cannot be reached (the template links instead)."""
    html = embed.html if embed else ""
    if not html:
        return ""

    def with_title(match: re.Match) -> str:
        tag = match.group(0)
        if TITLE_ATTRIBUTE.search(tag):
            return tag
        return f'{tag[:7]} title="{escape(title)}"{tag[7:]}'

    return mark_safe(IFRAME_TAG.sub(with_title, html))  # noqa: S308 - the provider's embed HTML, as Wagtail renders it
