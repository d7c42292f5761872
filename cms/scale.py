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
Pages are added in bulk below their parent by ``pages_publish``, which leaves what Wagtail's
``add_child``, ``save_revision`` and ``publish`` leave one by one; everything below them is
bulk-inserted too.
"""

import math
import secrets
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib import import_module
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, models, transaction
from django.db.models import F, OuterRef, Subquery, prefetch_related_objects
from django.db.models.functions import Cast
from django.db.models.signals import post_save
from django.utils import timezone
from django.utils.module_loading import module_has_submodule

from wagtail.log_actions import get_active_log_context
from wagtail.models import Page, PageLogEntry, Revision
from wagtail.search import index
from wagtail.search.backends import get_search_backends
from wagtail.search.signal_handlers import post_save_signal_handler
from wagtail.signals import page_published

from modelcluster.fields import ParentalManyToManyField
from modelcluster.models import get_all_child_relations

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
    # What saves outside Django's ``save`` (bulk inserts) give the search index to do at
    # the end; ``search_index_deferred`` sets it.
    index_later: Callable[[models.Model], None] = lambda instance: None

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
    with transaction.atomic(), search_index_deferred() as plan.index_later:
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
def search_index_deferred() -> Iterator[Callable[[models.Model], None]]:
    """Index what is saved inside once, in bulk, at the end; what is inserted without
    ``save`` is given to the function it yields.

    A page is saved three times as it is added, revised and published, and each save
    would update the search index; for thousands of pages that is most of the time taken.
    """
    saved: dict[type[models.Model], set] = defaultdict(set)

    def remember(sender: type[models.Model], instance: models.Model, **kwargs) -> None:
        if not kwargs.get("raw", False):
            saved[sender].add(instance.pk)

    def index_later(instance: models.Model) -> None:
        if type(instance) in indexed:
            saved[type(instance)].add(instance.pk)

    indexed = [
        model for model in index.get_indexed_models() if getattr(model, "search_auto_update", True)
    ]
    for model in indexed:
        post_save.disconnect(post_save_signal_handler, sender=model)
        post_save.connect(remember, sender=model, weak=False)
    try:
        yield index_later
    finally:
        for model in indexed:
            post_save.disconnect(remember, sender=model)
            post_save.connect(post_save_signal_handler, sender=model)
    for model, pks in saved.items():
        objects = list(_with_related_for_search(model.get_indexed_objects().filter(pk__in=pks)))
        for backend in get_search_backends(with_auto_update=True):
            backend.add_bulk(model, objects)


_ADAPTED_AS_THEY_ARE = {
    "AutoField",
    "BigAutoField",
    "BigIntegerField",
    "BooleanField",
    "CharField",
    "DateTimeField",
    "ForeignKey",
    "IntegerField",
    "OneToOneField",
    "PositiveIntegerField",
    "PositiveSmallIntegerField",
    "SmallIntegerField",
    "TextField",
}


def rows_insert(rows: Sequence[models.Model], *, as_given: Sequence[str] = ()) -> None:
    """Insert new rows of one model, as ``bulk_create`` does, and give them their primary
    keys; on PostgreSQL with COPY, several times faster for the hundreds of thousands of
    ratings and comments a large factor makes. No signal is sent, as with bulk_create.

    The fields named ``as_given`` (dates set on saving, ``auto_now``) keep the values the
    rows have: content dated in the past is inserted so, not dated now and updated after.
    """
    if not rows:
        return
    model = type(rows[0])
    opts = model._meta
    given = {name: [getattr(row, name) for row in rows] for name in as_given}
    if connection.vendor != "postgresql":
        model.objects.bulk_create(rows, batch_size=2_000)
        for name, values in given.items():
            for row, value in zip(rows, values, strict=True):
                setattr(row, name, value)
        if given:
            model.objects.bulk_update(rows, list(given), batch_size=2_000)
        return
    for row in rows:
        # As bulk_create does: a related row saved after it was assigned gives its key.
        row._prepare_related_fields_for_save(operation_name="rows_insert")
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [opts.db_table, opts.pk.column, len(rows)],
        )
        for row, (key,) in zip(rows, cursor.fetchall(), strict=True):
            setattr(row, opts.pk.attname, key)
        fields = opts.concrete_fields
        # Django's preparing each value costs more than the copy; psycopg adapts these as
        # they are. Dates set on saving (auto_now) and other types go through Django.
        prepared = [
            field_.get_internal_type() not in _ADAPTED_AS_THEY_ARE
            or (
                (getattr(field_, "auto_now", False) or getattr(field_, "auto_now_add", False))
                and field_.name not in given
            )
            for field_ in fields
        ]
        columns = ", ".join(quote(field_.column) for field_ in fields)
        with cursor.cursor.copy(f"COPY {quote(opts.db_table)} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(
                    [
                        field_.get_db_prep_save(field_.pre_save(row, add=True), connection)
                        if prepare
                        else getattr(row, field_.attname)
                        for field_, prepare in zip(fields, prepared, strict=True)
                    ]
                )
    for row in rows:
        row._state.adding = False
        row._state.db = connection.alias


def _with_related_for_search(queryset: models.QuerySet) -> models.QuerySet:
    """The queryset with the parental many-to-many relations the search index reads
    prefetched: ``get_indexed_objects`` leaves them out, and the index reads each of
    them several times for each object."""
    for search_field in queryset.model.get_search_fields():
        if isinstance(search_field, index.RelatedFields):
            model_field = search_field.get_field(queryset.model)
            if isinstance(model_field, ParentalManyToManyField):
                queryset = queryset.prefetch_related(search_field.field_name)
    return queryset


def pages_publish(*, parent: Page, pages: Sequence[Page], plan: ScalePlan) -> list[Page]:
    """Add new ``pages`` (specific, unsaved, with their slugs) below ``parent`` as its last
    children and publish them, in bulk: a few queries for all, not some fifty for each.

    What is left is what ``parent.add_child(instance=page)``, ``page.save_revision()`` and
    ``revision.publish()`` leave for each page: the tree's paths and the parent's
    ``numchild`` as treebeard sets them, the page's row in each table of its model with its
    child objects and parental many-to-many links, one revision that is both the latest and
    the live one, the "create" and "publish" entries of the audit log, and the
    ``page_published`` signal sent. Like those, it does not validate the pages (the
    callers make them valid) beyond refusing slugs the parent's children already have.
    The search index is left to ``plan.index_later``, and the reference index, as there,
    to the caller.
    """
    if not pages:
        return []
    model = type(pages[0])
    if any(type(page) is not model for page in pages):
        raise ValueError("The pages added together are of one model.")
    # Locked, as treebeard's add_child locks it, and fresh: its last child may be new.
    parent = Page.objects.select_for_update().get(pk=parent.pk)
    slugs = [page.slug for page in pages]
    taken = set(parent.get_children().filter(slug__in=slugs).values_list("slug", flat=True))
    if taken or len(set(slugs)) < len(slugs):
        raise ValueError(f"Slugs already in use below {parent.url_path}: {sorted(taken)}")
    last_child = parent.get_last_child()
    last_position = last_child._get_lastpos_in_path() if last_child else 0
    depth = parent.depth + 1
    now = timezone.now()
    for position, page in enumerate(pages, start=last_position + 1):
        if not page._state.adding or page.pk is not None:
            raise ValueError(f"{page!r} is already in the tree.")
        page.depth = depth
        page.path = Page._get_path(parent.path, depth, position)
        page.numchild = 0
        page._cached_parent_obj = parent
        page.draft_title = page.draft_title or page.title
        if page.locale_id is None:
            page.locale_id = parent.locale_id
        page.set_url_path(parent)
        page.live = True
        page.has_unpublished_changes = False
    if len(pages[-1].path) > Page._meta.get_field("path").max_length:
        raise ValueError(f"The tree is too deep below {parent.url_path}.")
    _rows_insert(model, pages)
    # As modelcluster's commit leaves them, child objects and links are read from the
    # database from now on, as the first revision records them.
    relations = _cluster_relations(model)
    for page in pages:
        getattr(page, "_cluster_related_objects", {}).clear()
    prefetch_related_objects(pages, *relations)
    revisions = [
        Revision(
            content_object=page,
            base_content_type=page.get_base_content_type(),
            content=page.serializable_data(),
            object_str=str(page),
            created_at=now,
        )
        for page in pages
    ]
    Revision.objects.bulk_create(revisions)
    for page, revision in zip(pages, revisions, strict=True):
        page.latest_revision = page.live_revision = revision
        page.latest_revision_created_at = revision.created_at
        page.first_published_at = page.last_published_at = now
    # Each page's one revision, found by an index; bulk_update's CASE of thousands of ids
    # would test each row against each id.
    own_revision = Revision.objects.filter(
        base_content_type=ContentType.objects.get_for_model(Page),
        object_id=Cast(OuterRef("pk"), output_field=models.CharField()),
    ).values("pk")[:1]
    Page.objects.filter(pk__in=[page.pk for page in pages]).update(
        latest_revision=Subquery(own_revision),
        live_revision=Subquery(own_revision),
        latest_revision_created_at=now,
        first_published_at=now,
        last_published_at=now,
    )
    Page.objects.filter(pk=parent.pk).update(numchild=F("numchild") + len(pages))
    uuid = get_active_log_context().uuid
    PageLogEntry.objects.bulk_create(
        PageLogEntry(
            page=page,
            content_type=ContentType.objects.get_for_model(page, for_concrete_model=False),
            label=PageLogEntry.objects.get_instance_title(page),
            action=action,
            timestamp=now,
            data={},
            uuid=uuid,
            revision=revision if action == "wagtail.publish" else None,
            content_changed=True,
        )
        for page, revision in zip(pages, revisions, strict=True)
        for action in ("wagtail.create", "wagtail.publish")
    )
    for page, revision in zip(pages, revisions, strict=True):
        plan.index_later(page)
        page_published.send(sender=type(page), instance=page, revision=revision)
    return list(pages)


def _rows_insert(model: type[Page], pages: Sequence[Page]) -> None:
    """Insert the pages' rows, table by table of their model (``bulk_create`` refuses
    models with more than one table), then their child objects and many-to-many links."""
    Page.objects.bulk_create(pages)
    for page in pages:
        page._state.adding = False
    for table in [*reversed(model._meta.get_parent_list()), model]:
        if table is Page or table._meta.proxy:
            continue
        for page in pages:
            setattr(page, table._meta.pk.attname, page.id)
        fields = table._meta.local_concrete_fields
        batch = connection.ops.bulk_batch_size(fields, pages)
        for start in range(0, len(pages), batch):
            table._base_manager._insert(pages[start : start + batch], fields=fields)
    _cluster_insert(model, pages)


def _cluster_relations(model: type[Page]) -> list[str]:
    return [relation.get_accessor_name() for relation in get_all_child_relations(model)] + [
        field_.name
        for field_ in model._meta.many_to_many
        if isinstance(field_, ParentalManyToManyField)
    ]


def _cluster_insert(model: type[Page], pages: Sequence[Page]) -> None:
    for relation in get_all_child_relations(model):
        name = relation.get_accessor_name()
        children = []
        for page in pages:
            for child in getattr(page, name).all():
                setattr(child, relation.field.attname, page.pk)
                children.append(child)
        relation.related_model.objects.bulk_create(children)
    for field_ in model._meta.many_to_many:
        if not isinstance(field_, ParentalManyToManyField):
            continue
        through = field_.remote_field.through
        source, target = field_.m2m_field_name(), field_.m2m_reverse_field_name()
        # Each item once, as the related manager's ``add`` leaves them.
        links = [
            through(**{f"{source}_id": page.pk, f"{target}_id": item_pk})
            for page in pages
            for item_pk in dict.fromkeys(item.pk for item in getattr(page, field_.name).all())
        ]
        through.objects.bulk_create(links)
