import ast
from collections import Counter
from io import StringIO
from pathlib import Path

from django.core.management import call_command

from wagtail.models import ReferenceIndex
from wagtail.search.backends import get_search_backend

import pytest
from bs4 import BeautifulSoup

from cms.demo import DEMO_PASSWORD
from evidence import demo
from evidence.enums import EvidenceKind, Nation
from evidence.models import (
    Domain,
    EvidenceIndexPage,
    EvidenceSummaryPage,
    FrameworkIndexPage,
    FrameworkSectionPage,
    GlossaryTerm,
    LayFindingsIndexPage,
    LayFindingsPage,
    Theme,
)


@pytest.fixture
def demo_site(demo_seeded_once, db):
    """The demo, loaded once for this module (see ``demo_seeded_once``)."""
    return demo_seeded_once


DEMO_NOTICE_START = "<p><strong>Demo content.</strong>"


SOURCE_ID_PREFIX = {
    EvidenceKind.GUIDELINE: "G",
    EvidenceKind.RESEARCH: "S",
    EvidenceKind.POLICY: "P",
    EvidenceKind.OTHER: "O",
}


def test_demo_summaries_are_spread_across_kinds_and_years():
    kinds = Counter(spec.kind for spec in demo.SUMMARIES)
    source_ids = [spec.source_id for spec in demo.SUMMARIES]

    assert len(source_ids) == len(set(source_ids))
    assert min(kinds[EvidenceKind.GUIDELINE], kinds[EvidenceKind.RESEARCH]) > max(
        kinds[EvidenceKind.POLICY], kinds[EvidenceKind.OTHER]
    )
    assert {spec.year for spec in demo.SUMMARIES} >= {2003, 2024}
    for spec in demo.SUMMARIES:
        assert spec.source_id.startswith(SOURCE_ID_PREFIX[spec.kind])
        assert 1 <= len(spec.themes) <= 3, spec.source_id
        assert 2 <= len(spec.key_findings) <= 4, spec.source_id


def test_made_up_studies_cite_no_real_source():
    made_up = [spec for spec in demo.SUMMARIES if spec.authors == demo.DEMO_AUTHORS]

    assert {spec.kind for spec in made_up} >= {EvidenceKind.RESEARCH}
    for spec in made_up:
        assert spec.url == "", f"{spec.source_id} is made up, so it links to example.org"
        assert spec.publisher == demo.DEMO_PUBLISHER


def test_requirements_and_lay_findings_cite_demo_summaries():
    source_ids = {spec.source_id for spec in demo.SUMMARIES}
    cited = [
        *(
            i
            for section in demo.FRAMEWORK_SECTIONS
            for r in section["requirements"]
            for i in r.evidence
        ),
        *(i for page in demo.LAY_FINDINGS_PAGES for i in page["evidence"]),
    ]

    assert set(cited) <= source_ids


def test_evidence_demo_imports_nothing_from_home():
    tree = ast.parse(Path(demo.__file__).read_text())
    modules = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    modules |= {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    }

    assert not [module for module in modules if module.split(".")[0] == "home"]


def test_seed_demo_publishes_summaries_of_every_kind_nation_and_theme(demo_site, home_page):
    index = EvidenceIndexPage.objects.child_of(home_page).get(slug="evidence")
    summaries = EvidenceSummaryPage.objects.child_of(index).live()

    assert index.live
    assert summaries.count() >= 24
    assert set(summaries.values_list("kind", flat=True)) == set(EvidenceKind.values)
    assert set(summaries.values_list("nation", flat=True)) == set(Nation.values)
    assert set(
        Theme.objects.filter(summaries__in=summaries).values_list("slug", flat=True)
    ) == set(Theme.objects.values_list("slug", flat=True))
    for summary in summaries.prefetch_related("themes"):
        assert 1 <= len(summary.theme_names) <= 3
        assert 2 <= len(summary.key_findings) <= 4
        summary.full_clean()


def test_every_demo_summary_says_it_is_demo_content(demo_site):
    for summary in EvidenceSummaryPage.objects.all():
        assert summary.technical_summary.startswith(DEMO_NOTICE_START), summary.source_id
        if summary.authors == demo.DEMO_AUTHORS:
            assert "illustrative" in summary.technical_summary
            assert summary.doi == ""
            assert summary.link == f"https://example.org/demo/{summary.source_id}"


def test_seed_demo_drafts_two_sections_of_requirements_with_their_evidence(demo_site, home_page):
    index = FrameworkIndexPage.objects.child_of(home_page).get(slug="framework")
    sections = FrameworkSectionPage.objects.child_of(index).live().order_by("section_number")

    assert [section.section_number for section in sections] == [1, 2]
    block_ids, domains = [], set()
    for section in sections:
        items = section.requirement_items
        assert len(items) >= 5
        for item in items:
            assert isinstance(item.value["domain"], Domain)
            assert 1 <= len(item.value["evidence"]) <= 3
            assert all(summary.live for summary in item.value["evidence"])
            domains.add(item.value["domain"])
            block_ids.append(item.block_id)
        # Comments anchor on block ids: the published revision must carry the same ones.
        revision_ids = [b.id for b in section.live_revision.as_object().requirements]
        assert revision_ids == [item.block_id for item in items]
    assert all(block_ids)
    assert len(block_ids) == len(set(block_ids))
    assert domains == set(Domain.objects.all())


def test_seed_demo_publishes_lay_findings_linked_to_evidence(demo_site, home_page):
    index = LayFindingsIndexPage.objects.child_of(home_page).get(slug="findings")
    pages = LayFindingsPage.objects.child_of(index).live()

    assert pages.count() == 2
    for page in pages:
        assert page.summary
        assert page.body[0].block_type == "inset_text"
        assert "Demo content." in page.body[0].value.source
        assert 2 <= page.evidence_links.count() <= 4
        assert all(link.evidence.live for link in page.evidence_links.all())


def test_the_admin_sees_where_each_demo_summary_is_used(demo_site):
    summary = EvidenceSummaryPage.objects.get(source_id="S010")
    section = FrameworkSectionPage.objects.get(section_number=1)
    findings = LayFindingsPage.objects.get(slug="what-makes-services-work-together")

    used_by = set(ReferenceIndex.get_references_to(summary).values_list("object_id", flat=True))

    assert {str(section.pk), str(findings.pk)} <= used_by


def test_seed_demo_fills_the_glossary(demo_site):
    terms = set(GlossaryTerm.objects.values_list("term", flat=True))

    assert {
        "OST",
        "NAS",
        "Child protection conference",
        "Care plan",
        "Pre-birth assessment",
    } <= terms
    ost = GlossaryTerm.objects.get(term="OST")
    assert ost.pattern.search("She has been on opioid substitution therapy for a year.")
    assert list(get_search_backend().search("substitution", GlossaryTerm)) == [ost]


def test_seed_demo_leaves_evidence_that_editors_changed(demo_site):
    summary = EvidenceSummaryPage.objects.get(source_id="G001")
    summary.title = "NICE CG110"
    summary.slug = "nice-cg110"
    summary.save_revision().publish()
    section = FrameworkSectionPage.objects.get(section_number=2)
    section.slug = "without-judgement"
    section.save_revision().publish()
    GlossaryTerm.objects.filter(term="OST").update(term="ost", explanation="Our own words.")

    call_command("seed_demo", stdout=StringIO())

    assert EvidenceSummaryPage.objects.get(source_id="G001").title == "NICE CG110"
    assert FrameworkSectionPage.objects.get(section_number=2).slug == "without-judgement"
    assert GlossaryTerm.objects.get(term__iexact="ost").explanation == "Our own words."


def test_demo_framework_is_private_to_the_research_team(demo_site, client, home_page):
    section_url = "/framework/working-together-across-services/"

    response = client.get(section_url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/framework/")
    search = BeautifulSoup(client.get("/search/?q=working together").content, "html.parser")
    result_links = [a["href"] for a in search.select(".app-results__item a")]
    assert result_links, "the search should find the demo's other pages about working together"
    assert not [href for href in result_links if href.startswith("/framework/")]
    client.login(username="editor", password=DEMO_PASSWORD)
    assert client.get(section_url).status_code == 200


def test_demo_evidence_and_findings_are_in_the_main_menu(demo_site, client):
    soup = BeautifulSoup(client.get("/").content, "html.parser")

    menu = [a.get_text(strip=True) for a in soup.find("nav", attrs={"aria-label": "Menu"})("a")]
    assert menu == ["About the study", "Get involved", "Evidence", "What we found"]
