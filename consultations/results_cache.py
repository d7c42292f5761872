"""The editors' results table of a closed round, kept rendered in the default cache.

A closed round's results change only when something they are computed from is written:

- a rating: entered or changed, its lateness cleared, deleted with a withdrawn member's
  contributions or by the retention purge (its round's table, and a later round's, which
  compares with it);
- a member: withdrawn (her ratings stop counting), her constituency corrected, deleted;
- a round: its rule or scale, the round it follows, its title (a later round's table
  names it);
- a round page (the pages and revisions a round covers);
- a page: its title heads its table.

Each such write moves one generation number, and every kept table is keyed by it, so
after any change every table is rendered afresh: nothing is deleted, and tables kept
under an earlier generation expire on their own. The number moves once the write commits:
a request reads the number before the figures, so one that read the figures from before
the commit kept them under the number the commit leaves behind. The view reads it before
it reads even the round (``results_generation()``), whose rule and status count too.
Writes that send no signals (``QuerySet.update``, ``bulk_create``, raw SQL) must call
``results_changed()`` themselves. A deletion of many rows moves the number once for
each (the retention purge of a round: one cache increment per rating, once).

A kept table is also keyed by the code and words that render it (``rendering_version``):
after a deploy that changes the table's template, the figures' code or a translation, no
table rendered by the code before it is shown.

Kept: only the table, rendered without the request, so nothing of the editor who asked
for it (her name, her session's token) is in it; editors all see every group. Keyed by
round, language and order. The permission check runs before the cache is read.

An open round's table is not kept: each new rating changes it, so a kept copy would seldom
be read again, and every rating would move the generation anyway.
"""

import functools
import hashlib
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.apps import apps
from django.core.cache import cache
from django.db import transaction
from django.db.models import Model
from django.db.models.signals import post_delete, post_save
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from wagtail.models import Page

from cms.cache import Generation
from consultations.enums import RoundStatus
from consultations.models import Member, Rating, Round, RoundPage

GENERATION_KEY = "consultations:results:generation"
_GENERATION = Generation(GENERATION_KEY)
# Long enough for a results meeting; tables of earlier generations go after this.
KEPT_SECONDS = 24 * 60 * 60
SIGNAL_UID = "consultations.results_cache"
APP_DIR = Path(__file__).resolve().parent
# What renders a table: its template, the code that computes and formats what it shows,
# and the translations of its words.
RENDERED_BY = [
    "templates/consultations/admin/includes/round_results_table.html",
    "admin_results.py",
    "charts.py",
    "results.py",
    "results_cache.py",
    "templatetags/results_tags.py",
    "locale/*/LC_MESSAGES/django.mo",
]


@functools.cache
def rendering_version() -> str:
    digest = hashlib.sha256()
    for pattern in RENDERED_BY:
        for path in sorted(APP_DIR.glob(pattern)):
            digest.update(str(path.relative_to(APP_DIR)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def results_generation() -> int:
    return _GENERATION.current()


def results_changed() -> None:
    """Every kept results table is rendered afresh once the change commits."""
    transaction.on_commit(_GENERATION.bump, robust=True)


def results_table_kept(
    *, round: Round, sort: str, generation: int, render: Callable[[], str]
) -> str:
    """The round's results table in the active language and the given order: kept from an
    earlier request if the round has closed and nothing has changed since ``generation``
    (read before anything the table shows, the round included), else ``render()``'s, kept
    for the next request if the round has closed."""
    if round.status != RoundStatus.CLOSED:
        return render()
    key = (
        f"consultations:results:{rendering_version()}:{generation}:{round.pk}"
        f":{get_language()}:{sort}"
    )
    kept = cache.get(key)
    if kept is not None:
        # Markup the template engine escaped when it rendered the table.
        return mark_safe(zlib.decompress(kept).decode())  # noqa: S308
    table = render()
    # Compressed, and fast rather than small: the table of a large round runs to megabytes
    # of markup that repeats (2.6 MB of the study's busiest round keep in 0.2 MB).
    cache.set(key, zlib.compress(table.encode(), level=1), timeout=KEPT_SECONDS)
    return table


def _written(sender: type[Model], **kwargs: Any) -> None:
    results_changed()


def register_signal_handlers() -> None:
    pages = [model for model in apps.get_models() if issubclass(model, Page)]
    for model in (Rating, Member, Round, RoundPage, *pages):
        post_save.connect(_written, sender=model, dispatch_uid=SIGNAL_UID)
        post_delete.connect(_written, sender=model, dispatch_uid=SIGNAL_UID)
