"""seed_scale adds its pages in bulk: what it leaves is what Wagtail leaves adding and
publishing them one by one, and the site serves, lists and edits them as its own."""

import json
from io import StringIO

from django.core.management import call_command
from django.urls import reverse

from wagtail.blocks import StreamValue
from wagtail.models import Page, PageLogEntry, ReferenceIndex, Revision
from wagtail.rich_text import RichText
from wagtail.signal_handlers import disable_reference_index_auto_update

import pytest

from cms.scale import ScalePlan, pages_publish
from evidence.models import (
    EvidenceSummaryPage,
    FrameworkSectionPage,
    LayFindingEvidence,
    LayFindingsPage,
    Theme,
)
from tests.factories import (
    EvidenceIndexPageFactory,
    EvidenceSummaryPageFactory,
    FrameworkIndexPageFactory,
    LayFindingsIndexPageFactory,
)

# What differs between two pages made alike: their place, names, ids and times.
VARYING = {
    "id",
    "pk",
    "page",
    "page_ptr",
    "page_ptr_id",
    "path",
    "slug",
    "url_path",
    "translation_key",
    "latest_revision",
    "latest_revision_id",
    "live_revision",
    "live_revision_id",
    "latest_revision_created_at",
    "first_published_at",
    "last_published_at",
    "evidencesummarypage",
}


def _normal(value: object, way: str) -> object:
    if isinstance(value, StreamValue):
        return _normal(value.get_prep_value(), way)
    if isinstance(value, str) and value[:1] in "[{":
        try:
            return _normal(json.loads(value), way)
        except ValueError:
            pass
    if isinstance(value, str):
        return value.replace(way, "<way>")
    if isinstance(value, dict):
        return {
            key: _evidence(item) if key == "evidence" else _normal(item, way)
            for key, item in value.items()
            if key not in VARYING
        }
    if isinstance(value, list | tuple):
        return [_normal(item, way) for item in value]
    return value


def _evidence(value: object) -> object:
    """The evidence a page links to, by its source rather than its id."""
    if isinstance(value, list):
        return [_evidence(item) for item in value]
    if isinstance(value, dict):  # A list block's item.
        return _evidence(value["value"])
    summary = EvidenceSummaryPage.objects.get(pk=value)
    return summary.source_id.split("-")[-1]


def _differences(left: object, right: object, where: str = "") -> list[str]:
    """Where two snapshots differ, as readable paths (pytest's diff hides them)."""
    if isinstance(left, dict) and isinstance(right, dict):
        return [
            difference
            for key in sorted(left.keys() | right.keys(), key=str)
            for difference in _differences(left.get(key), right.get(key), f"{where}.{key}")
        ]
    if isinstance(left, list) and isinstance(right, list) and len(left) == len(right):
        return [
            difference
            for index, (one, other) in enumerate(zip(left, right, strict=True))
            for difference in _differences(one, other, f"{where}[{index}]")
        ]
    return [] if left == right else [f"{where}: {left!r} != {right!r}"]


def _left(page: Page, way: str) -> dict:
    """Everything a page's adding and publishing left in the database; ``way`` in its
    names and texts is the only difference expected."""
    page = Page.objects.get(pk=page.pk)
    specific = page.specific_class.objects.filter(pk=page.pk)
    revisions = Revision.page_revisions.filter(object_id=str(page.pk))
    assert revisions.count() == 1
    revision = revisions.get()
    assert page.latest_revision_id == page.live_revision_id == revision.pk
    assert page.latest_revision_created_at == revision.created_at
    assert page.first_published_at == page.last_published_at >= revision.created_at
    entries = PageLogEntry.objects.filter(page=page).order_by("pk")
    assert set(entries.exclude(revision=None).values_list("revision", flat=True)) <= {revision.pk}
    return {
        "page": _normal(Page.objects.filter(pk=page.pk).values().get(), way),
        "specific": _normal(specific.values().get(), way),
        "revision": _normal(
            revisions.values(
                "content_type",
                "base_content_type",
                "user",
                "approved_go_live_at",
                "object_str",
                "content",
            ).get(),
            way,
        ),
        "log": [
            {**entry, "revision": entry["revision"] is not None}
            for entry in entries.values(
                "action",
                "label",
                "content_type",
                "data",
                "uuid",
                "user",
                "revision",
                "content_changed",
                "deleted",
            )
        ],
        "evidence links": [
            (_evidence(evidence), sort_order)
            for evidence, sort_order in LayFindingEvidence.objects.filter(
                page=page.pk
            ).values_list("evidence", "sort_order")
        ],
        "themes": sorted(
            Theme.objects.filter(summaries=page.pk).values_list("pk", flat=True)
            if page.specific_class is EvidenceSummaryPage
            else []
        ),
    }


def _summaries(themes: list[Theme], prefix: str) -> list[EvidenceSummaryPage]:
    return [
        EvidenceSummaryPage(
            title=f"Summary {number}",
            slug=f"{prefix}-summary-{number}",
            source_id=f"{prefix}-{number}",
            kind="guideline",
            nation="scotland",
            year=2020,
            authors="Authors",
            source_title="A source",
            publisher="A publisher",
            source_url="https://example.org/source",
            lay_summary="Kind staff made a big difference.",
            technical_summary="<p>Technical.</p>",
            key_findings=[("finding", {"finding": "A finding", "detail": RichText("")})],
            implications_for_care="<p>Care.</p>",
            # The same theme twice, as seed_scale sometimes asks: kept once.
            themes=[themes[0], themes[number % len(themes)], themes[0]],
        )
        for number in range(1, 4)
    ]


def _findings(summaries: list[EvidenceSummaryPage], prefix: str) -> list[LayFindingsPage]:
    return [
        LayFindingsPage(
            title=f"Findings {number}",
            slug=f"{prefix}-findings-{number}",
            summary="What we heard.",
            body=[("heading", "A heading"), ("paragraph", RichText("<p>Words.</p>"))],
            evidence_links=[LayFindingEvidence(evidence=summary) for summary in summaries],
        )
        for number in range(1, 3)
    ]


def _sections(summaries: list[EvidenceSummaryPage], prefix: str) -> list[FrameworkSectionPage]:
    return [
        FrameworkSectionPage(
            title=f"Section {number}",
            slug=f"{prefix}-section-{number}",
            section_number=number,
            introduction="<p>Introduction.</p>",
            requirements=[
                (
                    "requirement",
                    {
                        "statement": f"Requirement {number}.{item}",
                        "content_note": "",
                        "rationale": RichText("<p>Why.</p>"),
                        "domain": None,
                        "evidence": summaries,
                    },
                )
                for item in range(1, 3)
            ],
        )
        for number in range(1, 3)
    ]


def _one_by_one(parent: Page, pages: list[Page]) -> list[Page]:
    """What seed_scale did before: Wagtail's add_child, save_revision and publish."""
    for page in pages:
        with disable_reference_index_auto_update():
            parent.add_child(instance=page)
            page.save_revision(clean=False).publish()
    return pages


@pytest.fixture
def parents(home_page):
    return {
        "evidence": EvidenceIndexPageFactory(parent=home_page),
        "framework": FrameworkIndexPageFactory(parent=home_page),
        "findings": LayFindingsIndexPageFactory(parent=home_page),
    }


def test_bulk_pages_leave_what_adding_and_publishing_one_by_one_leaves(parents):
    themes = list(Theme.objects.all()[:3])
    assert len(themes) == 3
    EvidenceSummaryPageFactory(parent=parents["evidence"])  # One there already.
    plan = ScalePlan(factor=1)
    made = {}
    for way, add in (("one", _one_by_one), ("bulk", None)):

        def added(parent: Page, pages: list[Page], add=add) -> list[Page]:
            if add is not None:
                return add(parent, pages)
            return pages_publish(parent=parent, pages=pages, plan=plan)

        summaries = added(parents["evidence"], _summaries(themes, way))
        findings = added(parents["findings"], _findings(summaries, way))
        sections = added(parents["framework"], _sections(summaries, way))
        made[way] = [*summaries, *findings, *sections]

    for one, bulk in zip(made["one"], made["bulk"], strict=True):
        assert _differences(_left(bulk, "bulk"), _left(one, "one")) == []
    assert Page.find_problems() == ([], [], [], [], [])
    summaries = parents["evidence"].get_children()
    assert summaries.count() == Page.objects.get(pk=parents["evidence"].pk).numchild == 7
    # The bulk pages come after those added one by one, in the order given.
    assert [page.slug for page in summaries.order_by("path")][-3:] == [
        "bulk-summary-1",
        "bulk-summary-2",
        "bulk-summary-3",
    ]


def test_bulk_pages_refuse_a_slug_their_parent_has(parents):
    existing = EvidenceSummaryPageFactory(parent=parents["evidence"])
    page = _summaries(list(Theme.objects.all()[:1]), "again")[0]
    page.slug = existing.slug

    with pytest.raises(ValueError, match="Slugs already in use"):
        pages_publish(parent=parents["evidence"], pages=[page], plan=ScalePlan(factor=1))


def _seed_scale(factor: str = "0.01") -> None:
    call_command("seed_scale", "--factor", factor, stdout=StringIO())


def _made_by_seed_scale() -> list[Page]:
    return list(Page.objects.filter(slug__startswith="scale-").specific().order_by("path"))


def test_seed_scale_pages_are_served_in_english_and_polish(db, client):
    _seed_scale()

    pages = _made_by_seed_scale()
    polish = [page for page in pages if page.locale.language_code == "pl"]
    assert polish and len(pages) > len(polish)
    for page in pages:
        response = client.get(page.url)
        assert response.status_code == 200, page.url
        assert page.title in response.content.decode()
    for page in polish:
        assert page.url.startswith("/pl/")
        english = page.get_translation(page.get_default_locale().get_default())
        assert english.translation_key == page.translation_key
        assert page.get_parent().locale == page.locale


def test_seed_scale_pages_are_listed_and_edited_in_the_admin(db, client, editor):
    _seed_scale()
    client.force_login(editor)

    pages = _made_by_seed_scale()
    for parent in {page.get_parent() for page in pages}:
        children = parent.get_children()
        assert parent.numchild == children.count()
        response = client.get(reverse("wagtailadmin_explore", args=[parent.pk]))
        assert response.status_code == 200
        listed = response.content.decode()
        for child in children:
            assert child.get_admin_display_title() in listed
    response = client.get(reverse("wagtailadmin_pages:edit", args=[pages[0].pk]))
    assert response.status_code == 200


def test_seed_scale_twice_leaves_a_sound_tree(db):
    _seed_scale()
    first = {page.pk for page in _made_by_seed_scale()}
    _seed_scale()

    pages = _made_by_seed_scale()
    assert len(pages) == 2 * len(first)
    assert Page.find_problems() == ([], [], [], [], [])
    assert len({page.path for page in pages}) == len(pages)
    assert len({page.url_path for page in pages}) == len(pages)


def test_seed_scale_leaves_the_reference_index_up_to_date(db):
    _seed_scale()

    pages = _made_by_seed_scale()
    pages += [ancestor.specific for page in pages for ancestor in page.get_ancestors()]

    def indexed() -> set:
        rows = ReferenceIndex.objects.filter(object_id__in=[str(page.pk) for page in pages])
        return set(
            rows.values_list(
                "content_type", "object_id", "to_content_type", "to_object_id", "content_path"
            )
        )

    before = indexed()
    assert before  # The lay findings name their evidence, the sections theirs.
    for page in pages:
        ReferenceIndex.create_or_update_for_object(page)
    assert indexed() == before
