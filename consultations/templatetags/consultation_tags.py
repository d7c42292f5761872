"""Where a consultable page's template puts the members' controls.

A page type's consultation template calls ``{% consultation_item item %}`` beside each of
its items and ``{% consultation_page %}`` once. On the round page the view puts the round's
context in the template context under ``CONTEXT_KEY``; anywhere else, such as the public
page that shares the template, there is none and the tags render nothing.

``{% content_note note %}...{% endcontent_note %}`` wraps text that may be painful to read:
with a note, the text is inside an NHS.UK details component whose summary gives the note,
so the reader chooses whether to open it; without one, the text is shown as it is.
"""

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from consultations.formatting import draft_kept_sentence, round_timing_sentence
from consultations.models import Draft, Round

register = template.Library()

CONTEXT_KEY = "consultation"

ITEM_TEMPLATE = "consultations/includes/item_controls.html"
PAGE_TEMPLATE = "consultations/includes/page_comments.html"
CONTENT_NOTE_TEMPLATE = "consultations/includes/content_note.html"


@register.simple_tag(takes_context=True)
def consultation_item(context: template.Context, item: object) -> SafeString | str:
    """Her rating and comments for one item; ``item`` needs only a ``block_id``."""
    consultation = context.get(CONTEXT_KEY)
    block_id = getattr(item, "block_id", "")
    if consultation is None or not block_id:
        return ""
    item_context = consultation.item_context(block_id)
    if not item_context:
        return ""
    return render_to_string(ITEM_TEMPLATE, item_context, request=consultation.request)


@register.simple_tag(takes_context=True)
def consultation_page(context: template.Context) -> SafeString | str:
    """The comments on the whole page, and her form to add one."""
    consultation = context.get(CONTEXT_KEY)
    if consultation is None:
        return ""
    page_context = consultation.page_context()
    return render_to_string(PAGE_TEMPLATE, page_context, request=consultation.request)


@register.simple_tag
def round_timing(round: Round) -> str:
    """When the round opens, closes or closed, in the same words as on her dashboard."""
    return round_timing_sentence(round.opens_at, round.closes_at)


@register.simple_tag
def draft_kept(draft: Draft) -> str:
    """When her kept draft was last saved, in the words of the note above its box."""
    return draft_kept_sentence(draft.updated_at)


class ContentNoteNode(template.Node):
    def __init__(
        self,
        note: template.base.FilterExpression,
        opened: template.base.FilterExpression | None,
        nodelist: template.NodeList,
    ) -> None:
        self.note = note
        self.opened = opened
        self.nodelist = nodelist

    def render(self, context: template.Context) -> str:
        content = self.nodelist.render(context)
        note = str(self.note.resolve(context) or "").strip()
        if not note:
            return content
        return render_to_string(
            CONTENT_NOTE_TEMPLATE,
            {
                "note": note,
                "content": mark_safe(content),  # noqa: S308 (rendered by the template engine)
                "opened": bool(self.opened.resolve(context)) if self.opened else False,
            },
        )


@register.tag
def content_note(parser: template.base.Parser, token: template.base.Token) -> ContentNoteNode:
    """``{% content_note note %}text{% endcontent_note %}``, or with ``open=<condition>``
    to show the text open, as when the round page shows again a form she must fix inside.
    """
    bits = token.split_contents()
    if len(bits) not in (2, 3) or (len(bits) == 3 and not bits[2].startswith("open=")):
        raise template.TemplateSyntaxError(
            f"{bits[0]} takes a note, and optionally open=<condition>"
        )
    note = parser.compile_filter(bits[1])
    opened = parser.compile_filter(bits[2].removeprefix("open=")) if len(bits) == 3 else None
    nodelist = parser.parse(("endcontent_note",))
    parser.delete_first_token()
    return ContentNoteNode(note, opened, nodelist)
