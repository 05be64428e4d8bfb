"""StreamField blocks shared by the knowledge pages."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageChooserBlock


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


# Blocks of practices and magazine articles ---------------------------------------------------------

RICH_TEXT_FEATURES = ["h3", "bold", "italic", "link", "ol", "ul", "document-link"]


class ImageBlock(blocks.StructBlock):
    """An image always with a text alternative: a screen reader user gets what the image says."""

    image = ImageChooserBlock(label=_("Image"))
    alt = blocks.CharBlock(
        label=_("Alternative text"),
        max_length=250,
        help_text=_("What the image shows, for people who cannot see it. Required."),
    )
    caption = blocks.CharBlock(label=_("Caption"), max_length=250, required=False)

    class Meta:
        icon = "image"
        label = _("Image")
        template = "knowledge/blocks/image.html"


class QuoteBlock(blocks.StructBlock):
    text = blocks.TextBlock(label=_("Quote"), max_length=600)
    attribution = blocks.CharBlock(label=_("Who said it"), max_length=120, required=False)

    class Meta:
        icon = "openquote"
        label = _("Quote")
        template = "knowledge/blocks/quote.html"


class DocumentBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("Document"))
    title = blocks.CharBlock(label=_("Link text"), max_length=120, required=False)

    class Meta:
        icon = "doc-full"
        label = _("Document")
        template = "knowledge/blocks/document.html"


class VideoBlock(blocks.StructBlock):
    video = EmbedBlock(label=_("Video address"), help_text=_("A YouTube or Vimeo address."))
    title = blocks.CharBlock(label=_("Title"), max_length=120, help_text=_("Describes the video for screen readers."))

    class Meta:
        icon = "media"
        label = _("Video")
        template = "knowledge/blocks/video.html"


class KeyFigureBlock(blocks.StructBlock):
    figure = blocks.CharBlock(label=_("Figure"), max_length=20, help_text=_("For example 120 or 85%."))
    label = blocks.CharBlock(label=_("What it counts"), max_length=120)
    source = blocks.CharBlock(label=_("Source"), max_length=160, required=False)

    class Meta:
        icon = "order"
        label = _("Key figure")
        template = "knowledge/blocks/key_figure.html"


class TipBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Title"), max_length=80, default=_("Tip"))
    text = blocks.RichTextBlock(label=_("Text"), features=["bold", "italic", "link"])

    class Meta:
        icon = "help"
        label = _("Tip")
        template = "knowledge/blocks/tip.html"


class StoryBlock(blocks.StreamBlock):
    """The free part of a practice or an article, after its structured fields."""

    heading = blocks.CharBlock(
        label=_("Heading"), max_length=120, form_classname="title", template="knowledge/blocks/heading.html"
    )
    rich_text = blocks.RichTextBlock(label=_("Text"), features=RICH_TEXT_FEATURES)
    quote = QuoteBlock()
    image = ImageBlock()
    document = DocumentBlock()
    video = VideoBlock()
    key_figure = KeyFigureBlock()
    tip = TipBlock()
