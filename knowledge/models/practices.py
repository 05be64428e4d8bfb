"""Life-domain pages and good practices (praktijkvoorbeelden).

A practice is structured: the fields below are what the listing filters on and what a reader
scans for; the `body` stream is for everything else. Coordinators submit practices through
the front-end form (drafts in the moderation workflow); editors publish them.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from ..blocks import RICH_TEXT_FEATURES, BodyBlock, StoryBlock
from ..restrictions import RememberedViewRestrictionsMixin
from .taxonomy import OfferLevel

SUMMARY_MAX_LENGTH = 300


class LifeDomainPage(RememberedViewRestrictionsMixin, Page):
    """The page of one life domain: an introduction by the editors, its themes, and live lists
    of what is tagged with it (practices, articles, events, rooms)."""

    life_domain = models.OneToOneField(
        "knowledge.LifeDomain", on_delete=models.PROTECT, related_name="page", verbose_name=_("life domain")
    )
    intro = models.TextField(_("introduction"), max_length=600)
    body = StreamField(BodyBlock(), blank=True, verbose_name=_("body"))

    content_panels = [*Page.content_panels, FieldPanel("life_domain"), FieldPanel("intro"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]

    parent_page_types = ["knowledge.StandardPage", "knowledge.KnowledgeHubPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("life-domain page")
        verbose_name_plural = _("life-domain pages")

    def get_context(self, request, *args, **kwargs):
        from .. import selectors

        context = super().get_context(request, *args, **kwargs)
        context["themes"] = self.life_domain.themes.all()
        context["practices"] = selectors.life_domain_practices(self.life_domain)
        context["articles"] = selectors.life_domain_articles(self.life_domain)
        context["practice_index"] = selectors.practice_index()
        return context


class PracticeIndexPage(RememberedViewRestrictionsMixin, Page):
    """The listing of good practices, with filters (one per site)."""

    intro = models.TextField(_("introduction"), blank=True, max_length=600)

    content_panels = [*Page.content_panels, FieldPanel("intro")]

    parent_page_types = ["knowledge.StandardPage", "knowledge.KnowledgeHubPage"]
    subpage_types = ["knowledge.PracticePage"]
    max_count = 1

    class Meta:
        verbose_name = _("practice listing")

    def get_context(self, request, *args, **kwargs):
        from .. import review, selectors
        from ..forms.filters import PracticeFilterForm

        context = super().get_context(request, *args, **kwargs)
        form = PracticeFilterForm(request.GET)
        context["form"] = form
        context["page_obj"] = selectors.practice_page(form.filters(), request.GET.get("pagina"))
        context["can_share"] = review.can_submit_practice(request.user)
        return context


class PracticePage(RememberedViewRestrictionsMixin, Page):
    summary = models.TextField(
        _("summary"),
        max_length=SUMMARY_MAX_LENGTH,
        help_text=_("What the practice is and for whom, in at most 300 characters. Shown in lists and search."),
    )
    context = RichTextField(_("context and need"), features=RICH_TEXT_FEATURES, blank=True)
    approach = RichTextField(_("approach"), features=RICH_TEXT_FEATURES, blank=True)
    results = RichTextField(_("results and impact"), features=RICH_TEXT_FEATURES, blank=True)
    lessons = RichTextField(_("lessons and pitfalls"), features=RICH_TEXT_FEATURES, blank=True)

    house = models.ForeignKey(
        "community.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="practices",
        limit_choices_to={"kind": "house"},
        verbose_name=_("Huis van het Kind"),
    )
    municipalities = ParentalManyToManyField(
        "community.Municipality", blank=True, related_name="practices", verbose_name=_("municipalities")
    )
    partners = ParentalManyToManyField(
        "community.Organisation", blank=True, related_name="partner_in_practices", verbose_name=_("partners involved")
    )
    contact_name = models.CharField(_("contact person"), max_length=120, blank=True)
    contact_email = models.EmailField(
        _("contact e-mail address"), blank=True, help_text=_("Shown to logged-in members only.")
    )

    life_domains = ParentalManyToManyField(
        "knowledge.LifeDomain", blank=True, related_name="practices", verbose_name=_("life domains")
    )
    pillars = ParentalManyToManyField(
        "knowledge.Pillar", blank=True, related_name="practices", verbose_name=_("pillars")
    )
    themes = ParentalManyToManyField("knowledge.Theme", blank=True, related_name="practices", verbose_name=_("themes"))
    target_groups = ParentalManyToManyField(
        "knowledge.TargetGroup", blank=True, related_name="practices", verbose_name=_("target groups")
    )
    offer_level = models.CharField(_("offer level"), max_length=16, choices=OfferLevel.choices, blank=True)
    started_on = models.DateField(_("running since"), null=True, blank=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True, help_text=_("Empty while it still runs."))

    body = StreamField(StoryBlock(), blank=True, verbose_name=_("more about this practice"))

    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="submitted_practices",
        verbose_name=_("submitted by"),
        editable=False,
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("context"),
        FieldPanel("approach"),
        FieldPanel("results"),
        FieldPanel("lessons"),
        FieldPanel("body"),
        InlinePanel("attachments", label=_("Attachments")),
        MultiFieldPanel(
            [
                FieldPanel("house"),
                FieldPanel("municipalities"),
                FieldPanel("partners"),
                FieldRowPanel([FieldPanel("contact_name"), FieldPanel("contact_email")]),
            ],
            heading=_("Who and where"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("life_domains"),
                FieldPanel("pillars"),
                FieldPanel("themes"),
                FieldPanel("target_groups"),
                FieldPanel("offer_level"),
                FieldRowPanel([FieldPanel("started_on"), FieldPanel("ended_on")]),
            ],
            heading=_("Classification"),
        ),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("context"),
        index.SearchField("approach"),
        index.SearchField("results"),
        index.SearchField("lessons"),
        index.SearchField("body"),
        index.FilterField("offer_level"),
    ]

    parent_page_types = ["knowledge.PracticeIndexPage"]
    subpage_types = []
    route_select_related = ("house",)  # knowledge/routing.py: the fact box shows the Huis

    class Meta:
        verbose_name = _("good practice")
        verbose_name_plural = _("good practices")

    def clean(self):
        # A TextField's max_length binds forms only; the rule also holds for services and imports.
        super().clean()
        if len(self.summary) > SUMMARY_MAX_LENGTH:
            raise ValidationError(
                {"summary": _("Keep the summary to at most %(limit)d characters.") % {"limit": SUMMARY_MAX_LENGTH}}
            )

    def get_context(self, request, *args, **kwargs):
        from .. import selectors

        context = super().get_context(request, *args, **kwargs)
        terms = selectors.practice_terms(self, preview=getattr(request, "is_preview", False))
        context["terms"] = terms
        context["life_domains"] = selectors.life_domains_with_pages(terms.life_domains)
        context["attachments"] = self.attachments.select_related("document")
        context["related_practices"] = selectors.practices_related(self, [domain.pk for domain in terms.life_domains])
        return context


class PracticeAttachment(Orderable):
    page = ParentalKey(PracticePage, on_delete=models.CASCADE, related_name="attachments")
    document = models.ForeignKey(
        "wagtaildocs.Document", on_delete=models.CASCADE, related_name="+", verbose_name=_("document")
    )
    title = models.CharField(
        _("link text"), max_length=120, blank=True, help_text=_("Empty: the document's own title.")
    )

    panels = [FieldPanel("document"), FieldPanel("title")]

    class Meta(Orderable.Meta):
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    @property
    def link_text(self) -> str:
        return self.title or self.document.title
