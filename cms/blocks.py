"""StreamField blocks that every page type may use.

Each block sets its template, icon and label in ``Meta`` so that changing how it looks
never churns a migration.
"""

from django.utils.translation import gettext_lazy as _

from wagtail import blocks

RICH_TEXT_FEATURES = ["bold", "italic", "link", "document-link", "ol", "ul"]


class HeadingBlock(blocks.CharBlock):
    # CharBlock reads max_length from its arguments only, not from Meta.
    def __init__(self, max_length: int = 120, **kwargs) -> None:
        super().__init__(max_length=max_length, **kwargs)

    class Meta:
        template = "blocks/heading_block.html"
        icon = "title"
        label = _("Heading")
        help_text = _("A section heading. The page title is the only top-level heading.")
        preview_value = _("How the study works")


class ParagraphBlock(blocks.RichTextBlock):
    class Meta:
        template = "blocks/paragraph_block.html"
        icon = "pilcrow"
        label = _("Paragraph")
        features = RICH_TEXT_FEATURES
        # Translators: sample text in the admin's preview of a block; keep the HTML tags.
        preview_value = _("<p>Plain words, short sentences, one idea at a time.</p>")


class InsetTextBlock(blocks.RichTextBlock):
    class Meta:
        template = "blocks/inset_text_block.html"
        icon = "openquote"
        label = _("Inset text")
        features = RICH_TEXT_FEATURES
        help_text = _("Sets a short passage apart from the text around it.")
        preview_value = _("<p>This page is demo content.</p>")


class WarningCalloutBlock(blocks.StructBlock):
    heading = blocks.CharBlock(max_length=80, default="Important")
    text = blocks.RichTextBlock(features=RICH_TEXT_FEATURES)

    class Meta:
        template = "blocks/warning_callout_block.html"
        icon = "warning"
        label = _("Warning callout")
        preview_value = {
            "heading": _("Important"),
            "text": _("<p>Please read this first.</p>"),
        }


class DetailsBlock(blocks.StructBlock):
    summary = blocks.CharBlock(max_length=120, help_text=_("What the reader clicks to open it."))
    text = blocks.RichTextBlock(features=RICH_TEXT_FEATURES)

    class Meta:
        template = "blocks/details_block.html"
        icon = "arrow-down"
        label = _("Expandable details")
        preview_value = {
            "summary": _("What does consent mean here?"),
            "text": _("<p>You can stop taking part at any time.</p>"),
        }


class BodyStreamBlock(blocks.StreamBlock):
    heading = HeadingBlock()
    paragraph = ParagraphBlock()
    inset_text = InsetTextBlock()
    warning_callout = WarningCalloutBlock()
    details = DetailsBlock()
