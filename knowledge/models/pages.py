"""The general pages of the site: home, standard pages, and the footer links setting."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from ..blocks import BodyBlock
from ..restrictions import RememberedViewRestrictionsMixin
from ..routing import ShortcutRouteMixin


class HomePage(RememberedViewRestrictionsMixin, ShortcutRouteMixin, Page):
    """The site root: who Samenhuis is for and where to start. It routes every address below it
    in two queries (knowledge/routing.py)."""

    intro = models.TextField(_("introduction"), max_length=500)
    body = StreamField(BodyBlock(), blank=True, verbose_name=_("body"))

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["knowledge.StandardPage", "events.AgendaPage"]
    max_count = 1

    class Meta:
        verbose_name = _("home page")


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
