"""The magazine: an index, numbered issues, and the articles in them.

Editors publish through the two-step workflow (redactie, then eindredactie) set up by
`knowledge.workflows`; go-live and expiry dates are honoured by the scheduler that runs in
the server process (docs/knowledge.md).
"""

import math

from django.db import models
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, FieldRowPanel
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from ..blocks import StoryBlock
from ..restrictions import RememberedViewRestrictionsMixin

WORDS_PER_MINUTE = 200


class MagazineIndexPage(RememberedViewRestrictionsMixin, Page):
    intro = models.TextField(_("introduction"), blank=True, max_length=600)

    content_panels = [*Page.content_panels, FieldPanel("intro")]

    parent_page_types = ["knowledge.StandardPage", "knowledge.KnowledgeHubPage"]
    subpage_types = ["knowledge.MagazineIssuePage"]
    max_count = 1

    class Meta:
        verbose_name = _("magazine")


class MagazineIssuePage(RememberedViewRestrictionsMixin, Page):
    number = models.PositiveSmallIntegerField(_("number"), unique=True)
    publication_date = models.DateField(_("publication date"))
    theme = models.CharField(_("theme"), max_length=120, blank=True)
    intro = models.TextField(_("introduction"), blank=True, max_length=800)
    cover_image = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("cover image"),
    )
    cover_alt = models.CharField(
        _("alternative text of the cover"),
        max_length=250,
        blank=True,
        help_text=_("What the cover shows, for people who cannot see it. Required with a cover."),
    )
    pdf = models.ForeignKey(
        "wagtaildocs.Document",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("full issue (PDF)"),
    )

    content_panels = [
        *Page.content_panels,
        FieldRowPanel([FieldPanel("number"), FieldPanel("publication_date")]),
        FieldPanel("theme"),
        FieldPanel("intro"),
        FieldRowPanel([FieldPanel("cover_image"), FieldPanel("cover_alt")]),
        FieldPanel("pdf"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("theme"), index.SearchField("intro")]

    parent_page_types = ["knowledge.MagazineIndexPage"]
    subpage_types = ["knowledge.MagazineArticlePage"]

    class Meta:
        verbose_name = _("magazine issue")
        verbose_name_plural = _("magazine issues")
        ordering = ["-number"]

    def clean(self):
        from django.core.exceptions import ValidationError

        super().clean()
        if self.cover_image_id and not self.cover_alt.strip():
            raise ValidationError({"cover_alt": _("Describe the cover for people who cannot see it.")})


class MagazineArticlePage(RememberedViewRestrictionsMixin, Page):
    authors = models.CharField(_("authors"), max_length=200, help_text=_("Names, separated by commas."))
    lead = models.TextField(_("lead"), max_length=600)
    body = StreamField(StoryBlock(), verbose_name=_("body"))
    life_domains = ParentalManyToManyField(
        "knowledge.LifeDomain", blank=True, related_name="articles", verbose_name=_("life domains")
    )
    related_practices = ParentalManyToManyField(
        "knowledge.PracticePage", blank=True, related_name="articles", verbose_name=_("related practices")
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("authors"),
        FieldPanel("lead"),
        FieldPanel("body"),
        FieldPanel("life_domains"),
        FieldPanel("related_practices"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("authors"),
        index.SearchField("lead"),
        index.SearchField("body"),
    ]

    parent_page_types = ["knowledge.MagazineIssuePage"]
    subpage_types = []

    class Meta:
        verbose_name = _("magazine article")
        verbose_name_plural = _("magazine articles")

    @property
    def reading_minutes(self) -> int:
        """Minutes to read lead and body at 200 words a minute; at least one."""
        words = len(self.lead.split()) + len(strip_tags(str(self.body)).split())
        return max(1, math.ceil(words / WORDS_PER_MINUTE))
