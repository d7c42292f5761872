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

from django import template

from cms.fragments import shared
from cms.routing import known_public

register = template.Library()


class KeptContentNode(template.Node):
    def __init__(self, page: template.base.FilterExpression, nodelist: template.NodeList):
        self.page = page
        self.nodelist = nodelist

    def render(self, context: template.Context) -> str:
        page = self.page.resolve(context)
        if not known_public(page):
            return self.nodelist.render(context)
        return shared(
            context.get("request"),
            "content",
            self.origin.template_name,
            page.pk,
            page.live_revision_id,
            read=lambda: self.nodelist.render(context),
        )


@register.tag
def kept_content(parser: template.base.Parser, token: template.base.Token) -> KeptContentNode:
    """``{% kept_content page %}...{% endkept_content %}``: what is inside, for this page as
    published, kept until pages are read afresh."""
    bits = token.split_contents()
    if len(bits) != 2:
        raise template.TemplateSyntaxError(f"{bits[0]} takes one page")
    page = parser.compile_filter(bits[1])
    nodelist = parser.parse(("endkept_content",))
    parser.delete_first_token()
    return KeptContentNode(page, nodelist)
