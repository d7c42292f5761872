"""The content of a framework section's requirement items, kept between requests.

Making an item's block is most of what a section costs to show: its domain, the summaries
behind it and their addresses are looked up, and its templates rendered. What it shows
depends only on the item's stored data, the section's language, the templates, the
reader's language and site, and the pages, snippets and documents it links to; so it is
kept under a digest of the first three, in ``cms.fragments`` (which adds the rest: the
language, the site, and the page cache's generation, which moves whenever a page, snippet
or document that pages show changes). The same item in a new revision, or edited, has
other stored data and so another key; a preview is always rendered afresh.
"""

import hashlib
import json
from functools import cache

from django import template
from django.template.loader import get_template

from cms.templatetags.kept_tags import KeptNode
from evidence.models.framework import RequirementEntry

register = template.Library()

# The templates an item's content comes from, the section's own included: its tag's
# contents are part of it.
CONTENT_TEMPLATES = (
    "evidence/includes/framework_section_body.html",
    "blocks/requirement_block.html",
    "consultations/includes/content_note.html",
)


@cache
def _templates_digest() -> str:
    sources = "\x00".join(get_template(name).template.source for name in CONTENT_TEMPLATES)
    return hashlib.sha256(sources.encode()).hexdigest()[:16]


def requirement_content_key(entry: RequirementEntry) -> str:
    stored = json.dumps(entry.raw, sort_keys=True, default=str)
    parts = (_templates_digest(), entry.page.locale_id, stored)
    return hashlib.sha256(repr(parts).encode()).hexdigest()


class RequirementContentNode(KeptNode):
    name = "requirement"

    def key_parts(self, entry: object) -> tuple[str] | None:
        if not isinstance(entry, RequirementEntry):
            return None
        return (requirement_content_key(entry),)


@register.tag
def requirement_content(parser: template.base.Parser, token: template.base.Token) -> KeptNode:
    """``{% requirement_content item %}...{% endrequirement_content %}``: what is inside,
    for this item, kept while nothing it shows changes."""
    return RequirementContentNode.parse(parser, token)
