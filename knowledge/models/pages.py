"""The general pages of the site: home, standard pages, the knowledge hub, and the footer links
setting."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from ..blocks import BodyBlock
from ..restrictions import RememberedViewRestrictionsMixin
from ..routing import ShortcutRouteMixin

FEATURED_MAX = 3


class HomePage(RememberedViewRestrictionsMixin, ShortcutRouteMixin, Page):
    """The site root: who Samenhuis is for and where to start. It routes every address below it
    in two queries (knowledge/routing.py).

    Visitors get the public home page: the editors' introduction and featured pages, the "find a
    Huis" box and the lists the apps contribute (knowledge/start.py, samenhuis/start.py). A
    logged-in member gets their start page at the same address; the CMS preview always shows the
    public page."""

    intro = models.TextField(_("introduction"), max_length=500)
    body = StreamField(BodyBlock(), blank=True, verbose_name=_("body"))

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        InlinePanel(
            "featured_items",
            label=_("Featured pages"),
            heading=_("Featured pages"),
            max_num=FEATURED_MAX,
            help_text=_("Up to three pages shown at the top of the home page, for example a practice or an event."),
        ),
        FieldPanel("body"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["knowledge.StandardPage", "knowledge.KnowledgeHubPage", "events.AgendaPage"]
    max_count = 1

    class Meta:
        verbose_name = _("home page")

    @staticmethod
    def serves_start_page(request) -> bool:
        return request.user.is_authenticated and not getattr(request, "is_preview", False)

    def get_template(self, request, *args, **kwargs):
        if self.serves_start_page(request):
            return "knowledge/start_page.html"
        return super().get_template(request, *args, **kwargs)

    def get_context(self, request, *args, **kwargs):
        from .. import start

        context = super().get_context(request, *args, **kwargs)
        if self.serves_start_page(request):
            context.update(start.start_page_context(request))
        else:
            context.update(start.home_page_context(self, request))
        return context


class HomePageFeature(Orderable):
    """A page the editors put forward on the home page; the text defaults to the page's own
    search description."""

    page = ParentalKey(HomePage, on_delete=models.CASCADE, related_name="featured_items")
    link_page = models.ForeignKey(
        "wagtailcore.Page", on_delete=models.CASCADE, related_name="+", verbose_name=_("page")
    )
    text = models.CharField(
        _("text"), max_length=200, blank=True, help_text=_("Empty: the page's search description, if it has one.")
    )

    panels = [FieldPanel("link_page"), FieldPanel("text")]

    class Meta(Orderable.Meta):
        verbose_name = _("featured page")
        verbose_name_plural = _("featured pages")


class StandardPage(RememberedViewRestrictionsMixin, Page):
    """A plain editorial page: statements (privacy, accessibility), section introductions."""

    intro = models.TextField(_("introduction"), blank=True, max_length=500)
    body = StreamField(BodyBlock(), blank=True, verbose_name=_("body"))

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]

    parent_page_types = ["knowledge.HomePage", "knowledge.StandardPage"]
    # The knowledge section ("kennis") is a standard page holding the life domains, the
    # practices and the magazine.
    subpage_types = [
        "knowledge.StandardPage",
        "knowledge.LifeDomainPage",
        "knowledge.PracticeIndexPage",
        "knowledge.MagazineIndexPage",
    ]

    class Meta:
        verbose_name = _("standard page")


class KnowledgeHubPage(StandardPage):
    """The knowledge section ("Kennis", /kennis/): the editors' introduction and body above what
    the apps contribute: life domains with their number of practices, the latest practices, the
    magazine and the material of network afternoons (knowledge/start.py, samenhuis/start.py).

    A kind of standard page, so code that looks for the section as the standard page "kennis"
    keeps finding it; migration 0005 turned the existing one into a hub."""

    parent_page_types = ["knowledge.HomePage"]
    subpage_types = [
        "knowledge.StandardPage",
        "knowledge.LifeDomainPage",
        "knowledge.PracticeIndexPage",
        "knowledge.MagazineIndexPage",
    ]
    max_count = 1

    class Meta:
        verbose_name = _("knowledge hub")

    def get_context(self, request, *args, **kwargs):
        from .. import start

        context = super().get_context(request, *args, **kwargs)
        context["sections"] = start.hub_sections(request)
        return context


@register_setting(icon="list-ul")
class FooterLinks(BaseSiteSetting):
    """The statements every page links to from its footer; editors choose the pages."""

    select_related = ["privacy_page", "accessibility_page"]  # every page renders both links

    privacy_page = models.ForeignKey(
        "wagtailcore.Page",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("privacy statement"),
    )
    accessibility_page = models.ForeignKey(
        "wagtailcore.Page",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("accessibility statement"),
    )

    panels = [FieldPanel("privacy_page"), FieldPanel("accessibility_page")]

    class Meta:
        verbose_name = _("footer links")
