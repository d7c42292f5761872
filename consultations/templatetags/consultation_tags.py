"""Where a consultable page's template puts the members' controls.

A page type's consultation template calls ``{% consultation_item item %}`` beside each of
its items and ``{% consultation_page %}`` once. On the round page the view puts the round's
context in the template context under ``CONTEXT_KEY``; anywhere else, such as the public
page that shares the template, there is none and the tags render nothing.
"""

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from consultations.formatting import round_timing_sentence
from consultations.models import Round

register = template.Library()

CONTEXT_KEY = "consultation"

ITEM_TEMPLATE = "consultations/includes/item_controls.html"
PAGE_TEMPLATE = "consultations/includes/page_comments.html"


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
