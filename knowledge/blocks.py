"""StreamField blocks shared by the knowledge pages."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks


class HighlightBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Title"), max_length=80)
    text = blocks.TextBlock(label=_("Text"), max_length=300)
    link = blocks.PageChooserBlock(label=_("Link"), required=False)
    link_url = blocks.CharBlock(label=_("Link (path or URL)"), required=False, max_length=200)

    class Meta:
        icon = "pick"
        label = _("Highlight")
        template = "knowledge/blocks/highlight.html"


class BodyBlock(blocks.StreamBlock):
    heading = blocks.CharBlock(
        label=_("Heading"), max_length=120, form_classname="title", template="knowledge/blocks/heading.html"
    )
    paragraph = blocks.RichTextBlock(label=_("Paragraph"), features=["bold", "italic", "link", "ol", "ul"])
    highlights = blocks.ListBlock(HighlightBlock(), label=_("Highlights"), template="knowledge/blocks/highlights.html")
