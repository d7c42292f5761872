"""Content at the study's volume, or a multiple of it, for measuring how the site scales.

The study's volume (factor 1) is about 300 evidence summaries, 20 framework sections of 15
items, 80 members, 5 rounds, 20,000 comments and 100,000 ratings. Each installed app of the
project may have a ``scale`` module with a function ``seed(*, plan, log)`` that adds its
share and returns what it made, by kind; they run in ``INSTALLED_APPS`` order, and an app
finds the pages made before it in ``plan.pages``, so this module knows none of them.

A factor of 0 makes none of the study again, only what is asked for beside it: with
``export_rows``, the consultations app adds one closed round whose ratings export has at
least that many rows, on sections an earlier run made (the benchmark's "100,000-row
export", added to a database already seeded without seeding it again).

Everything made here is new: names, slugs and addresses carry the run's tag, so a second
run adds a second copy beside the first (and beside the demo content) instead of failing.
Pages go through Wagtail (a tree cannot be bulk-inserted), everything below them in bulk.
"""

import math
import secrets
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib import import_module
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models, transaction
from django.db.models.signals import post_save
from django.utils.module_loading import module_has_submodule

from wagtail.models import Page
from wagtail.search import index
from wagtail.search.backends import get_search_backends
from wagtail.search.signal_handlers import post_save_signal_handler

Log = Callable[[str], None]

# Comments on the one round page members open most: the page the round-page query budget
# and the benchmark are measured on.
HOT_PAGE_COMMENTS = 500


@dataclass
class ScalePlan:
    """How much to make, and what the apps made so far in this run."""

    factor: float
    tag: str = field(default_factory=lambda: secrets.token_hex(3))
    hot_page_comments: int | None = None
    # Rows wanted in the ratings export of one more closed round; 0 for no such round.
    export_rows: int = 0
    pages: list[Page] = field(default_factory=list)

    def count(self, at_study_volume: int) -> int:
        """The number of a kind to make: its study volume times the factor, at least one."""
        return max(1, round(at_study_volume * self.factor))

    @property
    def copies(self) -> int:
        """How many study-sized groups to make (members, sections and rounds that belong
        together); a fraction of the study is one small group."""
        return max(1, math.floor(self.factor))

    @property
    def hot_comments(self) -> int:
        if self.hot_page_comments is not None:
            return self.hot_page_comments
        return max(1, round(HOT_PAGE_COMMENTS * min(self.factor, 1)))

    def name(self, kind: str, number: int) -> str:
        """A slug-safe name no other run uses: ``scale-<tag>-<kind>-<number>``."""
        return f"scale-{self.tag}-{kind}-{number}"


@dataclass(frozen=True)
class ScaleReport:
    tag: str
    made: Counter
    seconds: dict[str, float]


def scale_content_seed(
    *, factor: float, log: Log, hot_page_comments: int | None = None, export_rows: int = 0
) -> ScaleReport:
    """Build the study's volume times ``factor``; refuses unless the settings allow demo
    content (the members it makes sign in with the demo password)."""
    if not settings.DEMO_CONTENT_ALLOWED:
        raise ImproperlyConfigured(
            "seed_scale creates accounts whose password is published, so it only runs with "
            "the dev or test settings, never with production settings."
        )
    if factor < 0 or export_rows < 0:
        raise ValueError("The factor and the export rows cannot be less than 0.")
    if factor == 0 and not export_rows:
        raise ValueError("The factor must be more than 0, or 0 with export rows to make.")
    plan = ScalePlan(factor=factor, hot_page_comments=hot_page_comments, export_rows=export_rows)
    made: Counter = Counter()
    seconds: dict[str, float] = {}
    with transaction.atomic(), search_index_deferred():
        for app_config in apps.get_app_configs():
            is_project_app = Path(app_config.path).parent == settings.BASE_DIR
            if app_config.name == "cms" or not is_project_app:
                continue
            if module_has_submodule(app_config.module, "scale"):
                started = time.monotonic()
                made.update(import_module(f"{app_config.name}.scale").seed(plan=plan, log=log))
                seconds[app_config.label] = time.monotonic() - started
    return ScaleReport(tag=plan.tag, made=made, seconds=seconds)


@contextmanager
def search_index_deferred() -> Iterator[None]:
    """Index what is saved inside once, in bulk, at the end.

    A page is saved three times as it is added, revised and published, and each save
    would update the search index; for thousands of pages that is most of the time taken.
    """
    saved: dict[type[models.Model], set] = defaultdict(set)

    def remember(sender: type[models.Model], instance: models.Model, **kwargs) -> None:
        if not kwargs.get("raw", False):
            saved[sender].add(instance.pk)

    indexed = [
        model for model in index.get_indexed_models() if getattr(model, "search_auto_update", True)
    ]
    for model in indexed:
        post_save.disconnect(post_save_signal_handler, sender=model)
        post_save.connect(remember, sender=model, weak=False)
    try:
        yield
    finally:
        for model in indexed:
            post_save.disconnect(remember, sender=model)
            post_save.connect(post_save_signal_handler, sender=model)
    for model, pks in saved.items():
        objects = list(model.get_indexed_objects().filter(pk__in=pks))
        for backend in get_search_backends(with_auto_update=True):
            backend.add_bulk(model, objects)
