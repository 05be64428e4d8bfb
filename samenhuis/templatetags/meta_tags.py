"""What base.html puts in <head> for search engines and link previews.

One place decides, per page type, the description (summary, lead or introduction), the
canonical address, the Open Graph type and image, and the feeds to advertise; templates only
print the result. Wagtail pages take their address from page.full_url (the Site, whose
address comes from BASE_URL); other views from BASE_URL when set, else the request.
"""

from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django import template
from django.conf import settings
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

register = template.Library()

DESCRIPTION_LENGTH = 200
OG_IMAGE_FILTER = "fill-1200x630"
DESCRIPTION_FIELDS = ("search_description", "summary", "lead", "intro")
ARTICLE_TYPES = {"MagazineArticlePage", "PracticePage"}
MAGAZINE_TYPES = {"MagazineIndexPage", "MagazineIssuePage", "MagazineArticlePage"}


@dataclass
class PageMeta:
    description: str = ""
    canonical: str = ""
    og_type: str = "website"
    image_url: str = ""
    image_alt: str = ""
    feeds: list = field(default_factory=list)


def absolute(request, path: str) -> str:
    base = getattr(settings, "BASE_URL", "")
    if base:
        return base.rstrip("/") + path
    return request.build_absolute_uri(path) if request is not None else path


def page_description(page) -> str:
    for name in DESCRIPTION_FIELDS:
        value = getattr(page, name, "")
        if value and str(value).strip():
            return Truncator(" ".join(str(value).split())).chars(DESCRIPTION_LENGTH)
    return ""


def page_image(page):
    """(image, alt) for link previews: an issue's cover, else the first image of the body."""
    cover = getattr(page, "cover_image", None)
    if cover is not None:
        return cover, getattr(page, "cover_alt", "")
    for block in getattr(page, "body", None) or ():
        if block.block_type == "image" and block.value.get("image") is not None:
            return block.value["image"], block.value.get("alt", "")
    return None, ""


def page_feeds(page) -> list[tuple[str, str, str]]:
    kind = type(page).__name__
    if kind in MAGAZINE_TYPES:
        return [
            ("application/atom+xml", _("Magazine (Atom)"), reverse("feeds:magazine_atom")),
            ("application/rss+xml", _("Magazine (RSS)"), reverse("feeds:magazine_rss")),
        ]
    if kind == "PracticeIndexPage":
        return [
            ("application/atom+xml", _("New good practices (Atom)"), reverse("feeds:practices_atom")),
            ("application/rss+xml", _("New good practices (RSS)"), reverse("feeds:practices_rss")),
        ]
    return []


@register.simple_tag(takes_context=True)
def page_meta(context) -> PageMeta:
    request = context.get("request")
    page = context.get("page")
    if page is None or not hasattr(page, "get_full_url"):
        path = request.path if request is not None else "/"
        return PageMeta(canonical=absolute(request, path))
    page = page.specific if hasattr(page, "specific") else page
    meta = PageMeta(
        description=page_description(page),
        canonical=page.get_full_url(request=request) or absolute(request, request.path),
        og_type="article" if type(page).__name__ in ARTICLE_TYPES else "website",
        feeds=page_feeds(page),
    )
    image, alt = page_image(page)
    if image is not None:
        rendition = image.get_rendition(OG_IMAGE_FILTER)
        origin = "{0.scheme}://{0.netloc}".format(urlsplit(meta.canonical))
        meta.image_url = rendition.url if rendition.url.startswith("http") else origin + rendition.url
        meta.image_alt = alt
    return meta


class CaptureNode(template.Node):
    def __init__(self, nodelist, name):
        self.nodelist = nodelist
        self.name = name

    def render(self, context):
        # The rendered nodelist is already escaped; stripping must not make it plain text again.
        context[self.name] = mark_safe(self.nodelist.render(context).strip())  # noqa: S308
        return ""


@register.tag
def capture(parser, token):
    """`{% capture as name %}…{% endcapture %}`: render once, print in several places
    (the description goes into both the meta description and og:description)."""
    bits = token.split_contents()
    if len(bits) != 3 or bits[1] != "as":
        raise template.TemplateSyntaxError("Usage: {% capture as name %}…{% endcapture %}")
    nodelist = parser.parse(("endcapture",))
    parser.delete_first_token()
    return CaptureNode(nodelist, bits[2])
