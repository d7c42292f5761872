from datetime import timedelta
from io import StringIO
from unittest import mock

from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.template.loader import render_to_string
from django.test import Client
from django.utils import timezone

from wagtail.blocks import StreamValue
from wagtail.models import PageLogEntry
from wagtail.rich_text import RichText
from wagtail.test.utils.form_data import (
    inline_formset,
    nested_form_data,
    rich_text,
    streamfield,
)

import pytest
from bs4 import BeautifulSoup

from cms.blocks import BodyStreamBlock
from evidence.admin_forms import BELOW_TARGET_REASON_FIELD
from evidence.models import EvidenceSummaryPage, LayFindingsPage
from evidence.readability import (
    ReadabilityResult,
    ReadabilityTarget,
    glossary_terms_in,
    plain_text,
    readability_of,
    reading_ease,
    reading_grade,
)
from evidence.services import LAY_TEXT_BELOW_TARGET, LAY_TEXT_BELOW_TARGET_SCHEDULE
from tests.factories import (
    PASSWORD,
    EvidenceIndexPageFactory,
    EvidenceSummaryPageFactory,
    GlossaryTermFactory,
    LayFindingsIndexPageFactory,
    LayFindingsPageFactory,
    UserFactory,
)

EASY = (
    "You can take methadone while you are pregnant. It helps you stay well. "
    "Your midwife will talk to you about it."
)
HARD = (
    "Pharmacological management of opioid dependence during gestation necessitates "
    "multidisciplinary coordination, incorporating individualised maintenance regimens "
    "and comprehensive neonatal surveillance protocols."
)
TARGET = ReadabilityTarget(reading_ease=60, grade=8)
REASON = "The guideline's own wording, quoted exactly."


@pytest.fixture
def glossary(db) -> dict:
    return {
        "OST": GlossaryTermFactory(
            term="OST",
            explanation="Opioid substitution therapy: a medicine such as methadone instead "
            "of heroin.",
            other_forms="opioid substitution therapy, opioid substitution treatment",
        ),
        "NAS": GlossaryTermFactory(
            term="NAS",
            explanation="Neonatal abstinence syndrome: withdrawal signs in a newborn baby.",
            other_forms="neonatal abstinence syndrome",
        ),
    }


@pytest.fixture
def editor_client(client, editor) -> Client:
    client.login(username=editor.username, password=PASSWORD)
    return client


@pytest.fixture
def evidence_index(home_page):
    return EvidenceIndexPageFactory(parent=home_page)


@pytest.fixture
def findings_index(home_page):
    return LayFindingsIndexPageFactory(parent=home_page)


@pytest.fixture
def draft_summary(evidence_index) -> EvidenceSummaryPage:
    page = EvidenceSummaryPageFactory(parent=evidence_index, live=False, lay_summary=EASY)
    page.save_revision()
    return page


def summary_form(page: EvidenceSummaryPage, **changes: str) -> dict:
    """The editor form's data for a summary page, as saved, with some fields changed."""
    return nested_form_data(
        {
            "title": page.title,
            "slug": page.slug,
            "source_id": page.source_id,
            "kind": page.kind,
            "nation": page.nation,
            "year": str(page.year),
            "authors": page.authors,
            "source_title": page.source_title,
            "publisher": page.publisher,
            "doi": page.doi,
            "source_url": page.source_url,
            "lay_summary": page.lay_summary,
            "technical_summary": rich_text(page.technical_summary),
            "key_findings": streamfield([]),
            "implications_for_care": rich_text(page.implications_for_care),
            **changes,
        }
    )


def lay_findings_form(*, slug: str, summary: str, paragraph: str, **changes: str) -> dict:
    return nested_form_data(
        {
            "title": "What women told us",
            "slug": slug,
            "summary": summary,
            "body": streamfield(
                [("heading", "What helped"), ("paragraph", rich_text(f"<p>{paragraph}</p>"))]
            ),
            "evidence_links": inline_formset([]),
            **changes,
        }
    )


def panel_text(response) -> str:
    soup = BeautifulSoup(response.content, "html.parser")
    panel = soup.find(attrs={"data-lay-text-readability-url": True})
    assert panel is not None, "the readability panel is missing"
    return " ".join(panel.get_text(" ").split())


def below_target_entries(page) -> list[PageLogEntry]:
    return list(PageLogEntry.objects.filter(page=page, action=LAY_TEXT_BELOW_TARGET))


# Scores


def test_easy_text_reads_more_easily_than_hard_text():
    assert reading_ease(EASY) > 80 > 0 > reading_ease(HARD)
    assert reading_grade(EASY) < 4 < 16 < reading_grade(HARD)


def test_easy_text_meets_the_target_and_hard_text_is_below_it():
    easy, hard = readability_of(EASY, target=TARGET), readability_of(HARD, target=TARGET)

    assert easy.meets_target
    assert not hard.meets_target
    assert not hard.meets_reading_ease_target
    assert not hard.meets_grade_target


@pytest.mark.parametrize("text", ["", "   \n ", "...", "— ! ?"])
def test_text_without_words_has_no_score_and_is_never_below_target(text):
    result = readability_of(text, target=TARGET)

    assert reading_ease(text) is None
    assert reading_grade(text) is None
    assert not result.has_score
    assert result.meets_target
    assert result.verdicts == []


def test_each_line_ends_a_sentence_as_it_does_for_a_reader():
    assert reading_ease("What helped women most\nA midwife they knew.") == reading_ease(
        "What helped women most. A midwife they knew."
    )


@pytest.mark.parametrize(
    ("reading_ease", "grade", "meets_target"),
    [
        (60, 8.0, True),
        (59, 8.0, False),
        (60, 8.1, False),
        (85, 3.2, True),
    ],
)
def test_the_target_is_judged_on_the_scores_the_editor_sees(reading_ease, grade, meets_target):
    result = ReadabilityResult(reading_ease=reading_ease, grade=grade, target=TARGET)

    assert result.meets_target is meets_target


def test_verdicts_say_each_score_against_its_target_in_words():
    result = ReadabilityResult(reading_ease=52, grade=11.2, target=TARGET)

    assert result.verdicts == [
        "Reading ease 52 — target 60 or more: below target",
        "Grade 11.2 — target 8 or less: above target",
    ]
    assert result.describe() == (
        "reading ease 52 — target 60 or more: below target; "
        "grade 11.2 — target 8 or less: above target"
    )


def test_the_target_comes_from_the_settings_and_none_turns_a_check_off(settings):
    settings.LAY_TEXT_TARGET_READING_EASE = 90
    settings.LAY_TEXT_TARGET_GRADE = None
    result = readability_of("Your midwife will talk to you about what helps you.")

    assert result.target == ReadabilityTarget(reading_ease=90, grade=None)
    assert result.meets_grade_target
    assert result.verdicts[1] == f"Grade {result.grade:.1f}"


def test_plain_text_drops_html_and_keeps_each_block_on_its_own_line():
    body = StreamValue(
        BodyStreamBlock(),
        [
            ("heading", "What helped"),
            (
                "paragraph",
                RichText("<p>A <b>named</b> midwife.</p><ul><li>Kind</li><li>On time</li></ul>"),
            ),
            ("warning_callout", {"heading": "Important", "text": RichText("<p>Ask us.</p>")}),
        ],
    )

    assert plain_text(body) == "What helped\nA named midwife.\nKind\nOn time\nImportant\nAsk us."
    assert plain_text("A plain <b> text\n\n  field ") == "A plain <b> text\nfield"
    assert plain_text("A sentence with a hard\nwrap.\n \nNext.") == (
        "A sentence with a hard wrap.\nNext."
    )
    assert plain_text(None) == ""


# Glossary


@pytest.mark.parametrize(
    ("text", "terms"),
    [
        ("Women on OST did well.", ["OST"]),
        ("women on ost did well", ["OST"]),
        ("She started Opioid Substitution Therapy early.", ["OST"]),
        ("Signs of NAS, or neonatal abstinence syndrome.", ["NAS"]),
        ("(OST) and NAS.", ["NAS", "OST"]),
        ("Costs rose, and so did the NASAL spray budget; a nasty post.", []),
        ("OSTs", []),
    ],
)
def test_glossary_terms_are_found_as_whole_words_in_any_case_or_form(glossary, text, terms):
    assert [term.term for term in glossary_terms_in(text)] == terms


def test_finding_glossary_terms_reads_the_glossary_in_one_query(
    glossary, django_assert_num_queries
):
    with django_assert_num_queries(1):
        glossary_terms_in("OST, NAS and opioid substitution therapy " * 50)


def test_empty_text_needs_no_glossary_query(glossary, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert glossary_terms_in("  ") == []


def test_page_glossary_terms_come_from_all_its_lay_text(glossary, findings_index):
    page = LayFindingsPageFactory(
        parent=findings_index,
        summary="Most babies were well.",
        body=[("paragraph", RichText("<p>Some had <i>NAS</i> for a few days.</p>"))],
    )

    assert page.glossary_terms == [glossary["NAS"]]


def test_glossary_include_explains_the_terms_a_page_uses(glossary, evidence_index):
    page = EvidenceSummaryPageFactory(parent=evidence_index, lay_summary="Women on OST.")

    soup = BeautifulSoup(
        render_to_string("evidence/includes/glossary.html", {"page": page}), "html.parser"
    )

    assert soup.find("h2").get_text() == "Words used on this page"
    rows = soup.select(".nhsuk-summary-list__row")
    assert [row.dt.get_text() for row in rows] == ["OST"]
    assert rows[0].dd.get_text() == glossary["OST"].explanation


def test_glossary_include_shows_nothing_when_no_term_is_used(glossary, evidence_index):
    page = EvidenceSummaryPageFactory(parent=evidence_index, lay_summary=EASY)

    assert render_to_string("evidence/includes/glossary.html", {"page": page}).strip() == ""


# The editor's panel


def test_edit_view_shows_the_lay_summary_scores_and_glossary_terms(
    editor_client, glossary, evidence_index
):
    lay_summary = f"{HARD} Women on OST were followed up."
    page = EvidenceSummaryPageFactory(parent=evidence_index, lay_summary=lay_summary)
    expected = readability_of(lay_summary)

    response = editor_client.get(f"/admin/pages/{page.pk}/edit/")

    assert response.status_code == 200
    text = panel_text(response)
    assert "The lay text is below the reading target." in text
    assert f"Reading ease {expected.reading_ease} — target 60 or more: below target" in text
    assert f"Grade {expected.grade:.1f} — target 8 or less: above target" in text
    assert "OST" in text
    assert glossary["OST"].explanation in text
    assert "NAS" not in text
    assert "Why publish below the reading target?" in response.text


def test_edit_view_scores_the_lay_findings_summary_and_body(
    editor_client, glossary, findings_index
):
    page = LayFindingsPageFactory(
        parent=findings_index,
        summary="Most babies were well.",
        body=[("paragraph", RichText("<p>Some babies had NAS for a few days.</p>"))],
    )
    expected = readability_of("Most babies were well.\nSome babies had NAS for a few days.")

    text = panel_text(editor_client.get(f"/admin/pages/{page.pk}/edit/"))

    assert "The lay text meets the reading target." in text
    assert f"Reading ease {expected.reading_ease} — target 60 or more: meets target" in text
    assert glossary["NAS"].explanation in text


def test_panel_says_there_is_no_score_without_lay_text(editor_client, findings_index):
    response = editor_client.get(f"/admin/pages/add/evidence/layfindingspage/{findings_index.pk}/")

    assert "No score yet: there is no lay text to read." in panel_text(response)


# Saving and publishing


def test_saving_a_draft_with_hard_text_is_never_blocked(editor_client, draft_summary):
    response = editor_client.post(
        f"/admin/pages/{draft_summary.pk}/edit/", summary_form(draft_summary, lay_summary=HARD)
    )

    assert response.status_code == 302
    draft_summary.refresh_from_db()
    assert draft_summary.get_latest_revision_as_object().lay_summary == HARD
    assert not draft_summary.live
    assert below_target_entries(draft_summary) == []


def test_publishing_hard_text_without_a_reason_asks_for_one_and_keeps_the_typed_text(
    editor_client, draft_summary
):
    response = editor_client.post(
        f"/admin/pages/{draft_summary.pk}/edit/",
        summary_form(draft_summary, lay_summary=HARD, **{"action-publish": "action-publish"}),
    )

    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    reason = soup.find("textarea", attrs={"name": BELOW_TARGET_REASON_FIELD})
    error = reason.find_parent(attrs={"data-field": True}).find(class_="error-message")
    assert error.get_text().strip() == (
        f"The lay text is below the reading target ({readability_of(HARD).describe()}). "
        "Make it easier to read, or say here why it should be published as it is."
    )
    assert soup.find("textarea", attrs={"name": "lay_summary"}).get_text().strip() == HARD
    # The panel scores what the editor typed, not what was saved.
    assert f"Reading ease {readability_of(HARD).reading_ease}" in panel_text(response)
    draft_summary.refresh_from_db()
    assert not draft_summary.live
    assert draft_summary.lay_summary == EASY
    assert below_target_entries(draft_summary) == []


def test_publishing_hard_text_with_a_reason_publishes_it_and_logs_the_reason(
    editor, editor_client, draft_summary
):
    response = editor_client.post(
        f"/admin/pages/{draft_summary.pk}/edit/",
        summary_form(
            draft_summary,
            lay_summary=HARD,
            **{BELOW_TARGET_REASON_FIELD: f"  {REASON} ", "action-publish": "action-publish"},
        ),
    )

    assert response.status_code == 302
    draft_summary.refresh_from_db()
    assert draft_summary.live
    assert draft_summary.lay_summary == HARD
    [entry] = below_target_entries(draft_summary)
    scores = readability_of(HARD)
    assert entry.user == editor
    assert entry.revision_id == draft_summary.live_revision_id
    assert entry.data == {
        "reading_ease": scores.reading_ease,
        "grade": scores.grade,
        "target_reading_ease": 60,
        "target_grade": 8,
        "reason": REASON,
    }
    assert entry.message == (
        f"Published lay text below the reading target ({scores.describe()}). Reason: {REASON}"
    )
    assert (
        "Publish lay text below the reading target"
        in editor_client.get(f"/admin/pages/{draft_summary.pk}/history/").text
    )


def test_publishing_easy_text_needs_no_reason_and_logs_none(editor_client, draft_summary):
    response = editor_client.post(
        f"/admin/pages/{draft_summary.pk}/edit/",
        summary_form(
            draft_summary,
            lay_summary=EASY,
            **{BELOW_TARGET_REASON_FIELD: REASON, "action-publish": "action-publish"},
        ),
    )

    assert response.status_code == 302
    draft_summary.refresh_from_db()
    assert draft_summary.live
    assert below_target_entries(draft_summary) == []


@pytest.mark.parametrize("live", [False, True])
def test_a_reason_given_when_scheduling_is_logged_as_published_when_the_page_goes_live(
    editor, editor_client, evidence_index, live
):
    page = EvidenceSummaryPageFactory(parent=evidence_index, live=False, lay_summary=EASY)
    revision = page.save_revision()
    if live:
        revision.publish()
    go_live_at = timezone.localtime() + timedelta(days=2)

    response = editor_client.post(
        f"/admin/pages/{page.pk}/edit/",
        summary_form(
            page,
            lay_summary=HARD,
            go_live_at=go_live_at.strftime("%Y-%m-%d %H:%M"),
            **{BELOW_TARGET_REASON_FIELD: REASON, "action-publish": "action-publish"},
        ),
    )

    assert response.status_code == 302
    page.refresh_from_db()
    scheduled_revision = page.scheduled_revision
    assert scheduled_revision is not None
    assert below_target_entries(page) == []
    [scheduled] = PageLogEntry.objects.filter(page=page, action=LAY_TEXT_BELOW_TARGET_SCHEDULE)
    assert scheduled.revision_id == scheduled_revision.pk
    assert scheduled.data["reading_ease"] == readability_of(HARD).reading_ease
    assert scheduled.message.startswith(
        "Scheduled lay text below the reading target to publish later (reading ease"
    )

    with mock.patch("django.utils.timezone.now", return_value=go_live_at + timedelta(hours=1)):
        call_command("publish_scheduled", stdout=StringIO())

    page.refresh_from_db()
    assert page.live
    assert page.live_revision_id == scheduled_revision.pk
    [entry] = below_target_entries(page)
    assert entry.user == editor
    assert entry.revision_id == scheduled_revision.pk
    assert entry.data == scheduled.data
    assert entry.message.startswith("Published lay text below the reading target (")
    assert entry.message.endswith(f"Reason: {REASON}")


def test_creating_lay_findings_asks_for_a_reason_to_publish_hard_text(
    editor_client, findings_index
):
    url = f"/admin/pages/add/evidence/layfindingspage/{findings_index.pk}/"
    form = lay_findings_form(
        slug="what-women-told-us",
        summary="Most women felt safe.",
        paragraph=HARD,
        **{"action-publish": "action-publish"},
    )

    refused = editor_client.post(url, form)

    assert refused.status_code == 200
    assert "The lay text is below the reading target" in refused.text
    assert not LayFindingsPage.objects.exists()

    published = editor_client.post(url, {**form, BELOW_TARGET_REASON_FIELD: REASON})

    assert published.status_code == 302
    page = LayFindingsPage.objects.get(slug="what-women-told-us")
    assert page.live
    [entry] = below_target_entries(page)
    assert entry.data["reason"] == REASON


# The refresh endpoint


def readability_url(model_name: str = "layfindingspage") -> str:
    return f"/admin/evidence/lay-text-readability/{model_name}/"


def test_refresh_scores_the_posted_lay_text(editor_client, glossary):
    form = lay_findings_form(slug="draft", summary="Most babies were well.", paragraph=HARD)

    response = editor_client.post(readability_url(), form)

    assert response.status_code == 200
    data = response.json()
    expected = readability_of(f"Most babies were well.\nWhat helped\n{HARD}")
    assert data["reading_ease"] == expected.reading_ease
    assert data["grade"] == expected.grade
    assert data["meets_target"] is False
    assert data["glossary_terms"] == []
    assert "The lay text is below the reading target." in data["html"]


def test_refresh_lists_the_glossary_terms_typed(editor_client, glossary):
    form = summary_form(EvidenceSummaryPageFactory.build(), lay_summary="Babies with NAS.")

    data = editor_client.post(readability_url("evidencesummarypage"), form).json()

    assert data["glossary_terms"] == [{"term": "NAS", "explanation": glossary["NAS"].explanation}]


def test_refresh_only_answers_posts(editor_client):
    assert editor_client.get(readability_url()).status_code == 405


@pytest.mark.parametrize("model_name", ["evidenceindexpage", "nosuchpage"])
def test_refresh_only_scores_pages_with_lay_text(editor_client, model_name):
    assert editor_client.post(readability_url(model_name), {}).status_code == 404


def test_refresh_needs_a_signed_in_editor(client, db):
    response = client.post(readability_url(), {})

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_refresh_refuses_admin_users_who_cannot_edit_pages(client, db):
    group = Group.objects.create(name="Admin access only")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    user = UserFactory()
    user.groups.add(group)
    client.login(username=user.username, password=PASSWORD)

    response = client.post(readability_url(), {}, headers={"X-Requested-With": "XMLHttpRequest"})

    assert response.status_code == 403


def test_refresh_needs_the_csrf_token(editor):
    client = Client(enforce_csrf_checks=True)
    client.login(username=editor.username, password=PASSWORD)

    assert client.post(readability_url(), {}).status_code == 403
