"""The evidence app's share of the study's volume (see ``cms.scale``): evidence summaries
(111 guidelines and 197 studies at factor 1), framework sections of 15 items each, and lay
findings pages translated into Polish through wagtail-localize, as the demo's are.

The words are made up from a few sentences, so that searches find them; the Polish
catalogue below translates those sentences, as a translator's PO file would.
"""

import itertools
from collections import Counter
from collections.abc import Callable, Iterator

from django.conf import settings

from wagtail.models import Locale, Page, ReferenceIndex, Site
from wagtail.rich_text import RichText
from wagtail.signal_handlers import disable_reference_index_auto_update

import polib

from cms.demo import demo_page_translate
from cms.scale import Log, ScalePlan, pages_publish
from evidence.enums import EvidenceKind, Nation
from evidence.models import (
    Domain,
    EvidenceIndexPage,
    EvidenceSummaryPage,
    FrameworkIndexPage,
    FrameworkSectionPage,
    LayFindingEvidence,
    LayFindingsIndexPage,
    LayFindingsPage,
    Theme,
)

GUIDELINES = 111
STUDIES = 197
SECTIONS = 20
ITEMS_PER_SECTION = 15
LAY_FINDINGS = 12
TRANSLATED_INTO = "pl"

# (English, Polish): the sentences the made-up pages are written in.
SENTENCES = (
    (
        "Women wanted to be treated as mothers first.",
        "Kobiety chciały być traktowane przede wszystkim jak matki.",
    ),
    (
        "Kind staff who did not judge them made a big difference.",
        "Życzliwy personel, który ich nie oceniał, bardzo pomagał.",
    ),
    (
        "Many were afraid their baby would be taken into care.",
        "Wiele z nich bało się, że dziecko zostanie im odebrane.",
    ),
    (
        "Seeing the same midwife each time helped women trust their care.",
        "Spotykanie tej samej położnej za każdym razem pomagało kobietom zaufać opiece.",
    ),
    (
        "Maternity and drug treatment services worked best with one shared plan.",
        "Opieka położnicza i leczenie uzależnień działały najlepiej z jednym wspólnym planem.",
    ),
    (
        "Women said pregnancy was a time when they wanted to make changes.",
        "Kobiety mówiły, że ciąża była czasem, gdy chciały coś zmienić.",
    ),
    (
        "Staff asked for training on talking about drug use without blame.",
        "Personel prosił o szkolenia z rozmawiania o narkotykach bez obwiniania.",
    ),
    (
        "Support after the birth mattered as much as care in pregnancy.",
        "Wsparcie po porodzie było tak samo ważne jak opieka w ciąży.",
    ),
)
FINDINGS_TITLE = (
    "What we heard, part {number} ({tag})",
    "Co usłyszeliśmy, część {number} ({tag})",
)


def _text(start: int, sentences: int) -> str:
    pool = itertools.islice(itertools.cycle(SENTENCES), start, start + sentences)
    return " ".join(english for english, _polish in pool)


def seed(*, plan: ScalePlan, log: Log) -> Counter:
    if not plan.factor:
        return Counter()  # Only what is made beside the study (see ``cms.scale``).
    home = Site.objects.get(is_default_site=True).root_page.specific
    made: Counter = Counter()
    summaries = _summaries_seed(home=home, plan=plan, made=made)
    log(f"Made {len(summaries)} evidence summaries.")
    sections = _sections_seed(home=home, plan=plan, summaries=summaries, made=made)
    log(f"Made {len(sections)} framework sections of {ITEMS_PER_SECTION} items.")
    findings = _findings_seed(home=home, plan=plan, summaries=summaries, made=made)
    log(f"Made {len(findings)} lay findings pages.")
    with disable_reference_index_auto_update():
        translated = _translations_seed(findings=findings, plan=plan, made=made)
    if translated:
        log(f"Translated them into {TRANSLATED_INTO}.")
    plan.pages.extend([*summaries, *sections, *findings])
    # Once for each page, in its final state, rather than at each of the saves above; the
    # pages above the translations too, which wagtail-localize makes if they are missing.
    above = {
        ancestor.pk: ancestor.specific
        for page in translated
        for ancestor in page.get_ancestors().filter(depth__gt=1)
    }
    for page in itertools.chain(summaries, sections, findings, translated, above.values()):
        ReferenceIndex.create_or_update_for_object(page)
    return made


def _published(*, parent: Page, pages: list[Page], plan: ScalePlan, made: Counter) -> list[Page]:
    """Add the pages below parent and publish them, together."""
    pages_publish(parent=parent, pages=pages, plan=plan)
    made["pages"] += len(pages)
    made["page revisions"] += len(pages)
    return pages


def _index(
    *, home: Page, model: type[Page], make: Callable[[], Page], plan: ScalePlan, made: Counter
) -> Page:
    existing = model.objects.child_of(home).first()
    return existing or _published(parent=home, pages=[make()], plan=plan, made=made)[0]


def _summaries_seed(*, home: Page, plan: ScalePlan, made: Counter) -> list[EvidenceSummaryPage]:
    index = _index(
        home=home,
        model=EvidenceIndexPage,
        make=lambda: EvidenceIndexPage(title="Evidence", slug="evidence", show_in_menus=True),
        plan=plan,
        made=made,
    )
    themes = list(Theme.objects.all())
    nations = list(Nation)
    kinds = [EvidenceKind.GUIDELINE] * plan.count(GUIDELINES) + [
        EvidenceKind.RESEARCH
    ] * plan.count(STUDIES)
    summaries = []
    for number, kind in enumerate(kinds, start=1):
        prefix = "G" if kind == EvidenceKind.GUIDELINE else "S"
        source_id = f"{prefix}-{plan.tag}-{number}"
        page = EvidenceSummaryPage(
            title=f"Scale {kind} {source_id}",
            slug=plan.name("summary", number),
            source_id=source_id,
            kind=kind,
            nation=nations[number % len(nations)],
            year=1990 + number % 35,
            authors="Scale test authors",
            source_title=f"A made-up source for load testing, {source_id}",
            publisher="Not a published source",
            source_url=f"https://example.org/scale/{source_id}",
            lay_summary=_text(number, 3),
            technical_summary=f"<p>{_text(number + 3, 4)}</p>",
            key_findings=[
                ("finding", {"finding": _text(number + n, 1), "detail": RichText("")})
                for n in range(3)
            ],
            implications_for_care=f"<p>{_text(number + 5, 2)}</p>",
        )
        if themes:
            page.themes = [themes[number % len(themes)], themes[(number * 7) % len(themes)]]
        summaries.append(page)
    _published(parent=index, pages=summaries, plan=plan, made=made)
    made["evidence summaries"] += len(summaries)
    return summaries


def _sections_seed(
    *, home: Page, plan: ScalePlan, summaries: list[EvidenceSummaryPage], made: Counter
) -> list[FrameworkSectionPage]:
    # Private to the research team in the demo; a new index here is public, as an index
    # made in the admin is, and the demo's privacy stays where the demo set it.
    index = _index(
        home=home,
        model=FrameworkIndexPage,
        make=lambda: FrameworkIndexPage(title="Draft framework", slug="framework"),
        plan=plan,
        made=made,
    )
    domains = list(Domain.objects.all()) or [Domain.objects.create(name="Scale domain")]
    evidence = itertools.cycle(summaries)
    sections = []
    for number in range(1, plan.count(SECTIONS) + 1):
        requirements = [
            (
                "requirement",
                {
                    "statement": f"Requirement {number}.{item}: {_text(number + item, 1)}",
                    "content_note": "",
                    "rationale": RichText(f"<p>{_text(number + item + 1, 2)}</p>"),
                    "domain": domains[item % len(domains)],
                    "evidence": [next(evidence), next(evidence)],
                },
            )
            for item in range(1, ITEMS_PER_SECTION + 1)
        ]
        page = FrameworkSectionPage(
            title=f"Scale section {plan.tag} {number}",
            slug=plan.name("section", number),
            section_number=number,
            introduction=f"<p>{_text(number, 2)}</p>",
            requirements=requirements,
        )
        sections.append(page)
    _published(parent=index, pages=sections, plan=plan, made=made)
    made["framework sections"] += len(sections)
    made["framework items"] += len(sections) * ITEMS_PER_SECTION
    return sections


def _catalogue(*, numbers: range, tag: str) -> polib.POFile:
    catalogue = polib.POFile()
    for english, polish in SENTENCES:
        catalogue.append(polib.POEntry(msgid=english, msgstr=polish))
    for number in numbers:
        english, polish = (text.format(number=number, tag=tag) for text in FINDINGS_TITLE)
        catalogue.append(polib.POEntry(msgid=english, msgstr=polish))
    return catalogue


def _findings_seed(
    *, home: Page, plan: ScalePlan, summaries: list[EvidenceSummaryPage], made: Counter
) -> list[LayFindingsPage]:
    index = _index(
        home=home,
        model=LayFindingsIndexPage,
        make=lambda: LayFindingsIndexPage(title="What we found", slug="findings"),
        plan=plan,
        made=made,
    )
    numbers = range(1, plan.count(LAY_FINDINGS) + 1)
    evidence = _cycle_pairs(summaries)
    findings = []
    for number in numbers:
        page = LayFindingsPage(
            title=FINDINGS_TITLE[0].format(number=number, tag=plan.tag),
            slug=plan.name("findings", number),
            summary=_text(number, 2),
            body=[
                ("heading", _text(number + 2, 1)),
                ("paragraph", RichText(f"<p>{_text(number + 3, 1)}</p>")),
                ("paragraph", RichText(f"<p>{_text(number + 4, 1)}</p>")),
            ],
            evidence_links=[LayFindingEvidence(evidence=summary) for summary in next(evidence)],
        )
        findings.append(page)
    _published(parent=index, pages=findings, plan=plan, made=made)
    made["lay findings pages"] += len(findings)
    return findings


def _translations_seed(
    *, findings: list[LayFindingsPage], plan: ScalePlan, made: Counter
) -> list[LayFindingsPage]:
    """The lay findings in Polish, through wagtail-localize one by one, as a translator's
    would be (its source strings, translations and log kept)."""
    languages = {code for code, _name in settings.LANGUAGES}
    if TRANSLATED_INTO not in languages or not findings:
        return []
    locale, _created = Locale.objects.get_or_create(language_code=TRANSLATED_INTO)
    numbers = range(1, len(findings) + 1)
    catalogue = _catalogue(numbers=numbers, tag=plan.tag)
    translated = []
    for page in findings:
        translated.append(demo_page_translate(page=page, locale=locale, catalogue=catalogue))
        made["pages"] += 1
        made[f"lay findings pages in {TRANSLATED_INTO}"] += 1
    return translated


def _cycle_pairs(summaries: list[EvidenceSummaryPage]) -> Iterator[list[EvidenceSummaryPage]]:
    cycle = itertools.cycle(summaries)
    while True:
        first, second = next(cycle), next(cycle)
        yield [first] if first == second else [first, second]
