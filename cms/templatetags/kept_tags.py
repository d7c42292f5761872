"""A public page's content, kept between requests.

``{% kept_content page %}...{% endkept_content %}`` around what a page shows every reader
alike (its title, text, blocks, glossary and links, never a form or anything about the
reader) keeps it in ``cms.fragments``, under the page and its live revision there, and the
language, site and page cache's generation there: publishing, unpublishing, moving a page
or changing what pages show reads it afresh. It helps where the page cache cannot: a
signed-in member reading the evidence, and an address with a query string nobody asked
for before.

Kept only when routing this request found the page open to everyone
(``cms.routing.known_public``): a private page's content is never put in a shared cache,
and a preview is always rendered afresh.
"""

from collections.abc import Hashable

from django import template

from cms.fragments import shared
from cms.routing import known_public

register = template.Library()


class KeptNode(template.Node):
    """A block tag with one argument whose contents are kept in ``cms.fragments`` under
    ``name`` and what ``key_parts`` gives for the argument; rendered afresh, and not kept,
    when ``key_parts`` gives None. ``parse`` makes the tag."""

    name = ""

    def __init__(self, subject: template.base.FilterExpression, nodelist: template.NodeList):
        self.subject = subject
        self.nodelist = nodelist

    def key_parts(self, subject: object) -> tuple[Hashable, ...] | None:
        raise NotImplementedError

    def render(self, context: template.Context) -> str:
        parts = self.key_parts(self.subject.resolve(context))
        if parts is None:
            return self.nodelist.render(context)
        return shared(
            context.get("request"),
            self.name,
            *parts,
            read=lambda: self.nodelist.render(context),
        )

    @classmethod
    def parse(cls, parser: template.base.Parser, token: template.base.Token) -> "KeptNode":
        bits = token.split_contents()
        if len(bits) != 2:
            raise template.TemplateSyntaxError(f"{bits[0]} takes one argument")
        subject = parser.compile_filter(bits[1])
        nodelist = parser.parse((f"end{bits[0]}",))
        parser.delete_first_token()
        return cls(subject, nodelist)


class KeptContentNode(KeptNode):
    name = "content"

    def key_parts(self, page: object) -> tuple[Hashable, ...] | None:
        if not known_public(page):
            return None
        return (self.origin.template_name, page.pk, page.live_revision_id)


@register.tag
def kept_content(parser: template.base.Parser, token: template.base.Token) -> KeptNode:
    """``{% kept_content page %}...{% endkept_content %}``: what is inside, for this page as
    published, kept until pages are read afresh."""
    return KeptContentNode.parse(parser, token)
