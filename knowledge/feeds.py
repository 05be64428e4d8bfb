"""Atom and RSS feeds of the magazine articles and of new good practices.

Only live, public pages; newest first by first publication. Links are absolute, built from
the Wagtail Site (whose address comes from BASE_URL), so feed readers get the public address
whatever host the request came in on. URLs under /feeds/ (samenhuis/urls.py).

Every Atom entry names an author, as RFC 4287 (4.1.2) requires: the article's authors, the
practice's Huis, or Samenhuis; the feed itself names Samenhuis.
"""

import copy
import re

from django.contrib.syndication.views import Feed
from django.urls import path, reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _
from wagtail.models import Site

from .models import MagazineArticlePage, MagazineIndexPage, PracticeIndexPage, PracticePage

FEED_LENGTH = 30
PUBLISHER = "Samenhuis"
# Characters XML 1.0 cannot hold (text pasted from a word processor can bring \x0b or \x0c):
# one of them in one practice would otherwise take the whole feed down.
NOT_IN_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

app_name = "feeds"


class PageFeed(Feed):
    """A feed of live public pages of one type, read from the request's Wagtail site."""

    model = None
    index_model = None
    language = "nl-BE"
    url_name = ""
    author_name = PUBLISHER

    def __call__(self, request, *args, **kwargs):
        # One instance serves every request: give each request its own copy to hold it.
        feed = copy.copy(self)
        feed.request = request
        feed.site = Site.find_for_request(request) or Site.objects.filter(is_default_site=True).first()
        return Feed.__call__(feed, request, *args, **kwargs)

    def get_feed(self, obj, request):
        feed = super().get_feed(obj, request)
        for values in (feed.feed, *feed.items):
            for name, value in values.items():
                if isinstance(value, str):
                    values[name] = NOT_IN_XML.sub(" ", value)
        return feed

    def root_url(self) -> str:
        return self.site.root_url if self.site else self.request.build_absolute_uri("/").rstrip("/")

    def link(self):
        index = self.index_model.objects.live().public().first()
        return index.get_full_url(request=self.request) if index else self.root_url() + "/"

    def feed_url(self):
        return self.root_url() + reverse(f"feeds:{self.url_name}")

    def items(self):
        return (
            self.model.objects.live()
            .public()
            .filter(first_published_at__isnull=False)
            .order_by("-first_published_at", "-pk")[:FEED_LENGTH]
        )

    def item_title(self, item):
        return item.title

    def item_link(self, item):
        return item.get_full_url(request=self.request)

    def item_pubdate(self, item):
        return item.first_published_at

    def item_updateddate(self, item):
        return item.last_published_at or item.first_published_at

    def item_author_name(self, item):
        return PUBLISHER


class MagazineRssFeed(PageFeed):
    model = MagazineArticlePage
    index_model = MagazineIndexPage
    url_name = "magazine_rss"
    title = _("Samenhuis magazine")
    description = _("New articles of the Samenhuis magazine.")

    def item_description(self, item):
        return item.lead

    def item_author_name(self, item):
        return item.authors.strip() or PUBLISHER


class MagazineAtomFeed(MagazineRssFeed):
    feed_type = Atom1Feed
    url_name = "magazine_atom"
    subtitle = MagazineRssFeed.description


class PracticeRssFeed(PageFeed):
    model = PracticePage
    index_model = PracticeIndexPage
    url_name = "practices_rss"
    title = _("Samenhuis: new good practices")
    description = _("Good practices that Huizen van het Kind have shared on Samenhuis.")

    def items(self):
        return super().items().select_related("house")

    def item_description(self, item):
        return item.summary

    def item_author_name(self, item):
        return item.house.name if item.house else PUBLISHER


class PracticeAtomFeed(PracticeRssFeed):
    feed_type = Atom1Feed
    url_name = "practices_atom"
    subtitle = PracticeRssFeed.description


urlpatterns = [
    path("magazine/rss/", MagazineRssFeed(), name="magazine_rss"),
    path("magazine/atom/", MagazineAtomFeed(), name="magazine_atom"),
    path("praktijken/rss/", PracticeRssFeed(), name="practices_rss"),
    path("praktijken/atom/", PracticeAtomFeed(), name="practices_atom"),
]
