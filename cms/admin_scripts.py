"""The Wagtail admin's start-up calls as data, so its pages run under ``script-src 'self'``.

Wagtail 8 starts its choosers, date fields and inline panels with inline ``<script>``
elements, which a policy without ``'unsafe-inline'`` blocks. The templates in
``cms/templates/wagtailadmin/`` (in the app, as Django renders form widgets from apps'
templates only) and :func:`chooser_scripts_as_data_install` write the same call as a JSON
data block (``<script type="application/json" data-admin-init>``), which a browser
never runs, and ``cms/static/cms/js/admin_init.js`` makes the call: once the page is parsed,
and for every block inserted later (an inline panel's new child, a modal's form).

The script calls only the functions and constructors it names itself, so markup injected
into an admin page cannot use it to call anything else.

:func:`chooser_scripts_as_data_install` wraps ``BaseChooser.render``, a Wagtail internal:
check it still works when upgrading Wagtail (``tests/cms/test_admin_scripts.py`` fails if
a chooser writes an inline script again).
"""

import json
from functools import wraps
from typing import Any

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from wagtail.admin.widgets import BaseChooser
from wagtail.admin.widgets.workflows import AdminTaskChooser

# json_script's escapes: the data cannot close its <script> element or start a comment.
_JSON_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def admin_init_script(function: str, *args: Any, construct: bool = False) -> SafeString:
    """A data block asking admin_init.js for ``function(*args)`` (or ``new function(*args)``)."""
    data = json.dumps({"function": function, "new": construct, "args": args})
    return format_html(
        '<script type="application/json" data-admin-init>{}</script>',
        mark_safe(data.translate(_JSON_ESCAPES)),  # noqa: S308 - JSON escaped as json_script does
    )


def _chooser_init_script(
    chooser: BaseChooser, id_: str, name: str, value_data: Any
) -> SafeString | None:
    """The data block for Wagtail's own two ways of starting a chooser, or None for another."""
    render_js_init = type(chooser).render_js_init
    if render_js_init is BaseChooser.render_js_init:
        options = chooser.get_js_init_options(id_, name, value_data)
        return admin_init_script(chooser.js_constructor, id_, options, construct=True)
    if render_js_init is AdminTaskChooser.render_js_init:
        return admin_init_script("createTaskChooser", id_)
    return None


def chooser_scripts_as_data_install() -> None:
    """Every chooser widget of the admin (page, image, document, snippet, task) writes its
    start-up call as data instead of an inline script."""
    render = BaseChooser.render
    if getattr(render, "writes_data", False):
        return

    @wraps(render)
    def render_as_data(self, name, value, attrs=None, renderer=None):
        id_ = (attrs or {}).get("id")
        if not id_:
            return render(self, name, value, attrs, renderer)
        value_data = self.get_value_data(value)
        script = _chooser_init_script(self, id_, name, value_data)
        if script is None:
            # A chooser with its own start-up code: left as Wagtail writes it, and the
            # admin's policy blocks it, which the tests of the admin's pages notice.
            return render(self, name, value, attrs, renderer)
        return mark_safe(f"{self.render_html(name, value_data, attrs)}{script}")  # noqa: S308

    render_as_data.writes_data = True
    BaseChooser.render = render_as_data
