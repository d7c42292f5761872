"""Hostile input to what anyone can reach: site search, the evidence listing's filters and
its CSV, and the API's query parameters."""

import csv
import io
import json

from django.urls import reverse

import pytest
from hypothesis import given
from hypothesis import strategies as st

from evidence.enums import EvidenceKind, EvidenceSort, Nation
from evidence.models import Theme
from tests.factories import (
    EvidenceIndexPageFactory,
    EvidenceSummaryPageFactory,
    LayFindingsIndexPageFactory,
    LayFindingsPageFactory,
)

from .fuzz_support import (
    assert_inert,
    assert_no_server_error,
    body_of,
    fuzz,
    get_query,
    hostile_text,
    malformed_ids,
    rolled_back,
)


@pytest.fixture
def evidence(home_page):
    index = EvidenceIndexPageFactory(parent=home_page)
    theme = Theme.objects.first()
    for year in (2015, 2020):
        EvidenceSummaryPageFactory(parent=index, year=year, themes=[theme] if theme else [])
    findings = LayFindingsIndexPageFactory(parent=home_page)
    LayFindingsPageFactory(parent=findings)
    return index


def sometimes(values: list[str]) -> st.SearchStrategy[str]:
    """A value a real link could carry, or anything at all."""
    return st.one_of(st.sampled_from(values), st.sampled_from(values), hostile_text, malformed_ids)


page_numbers = st.one_of(st.sampled_from(["1", "2", "last", "0", "-1", "999999"]), malformed_ids)
years = st.one_of(st.sampled_from(["2015", "2020", "1899", "2101"]), malformed_ids)


@st.composite
def evidence_queries(draw: st.DrawFn) -> list[tuple[str, str]]:
    strategies = {
        "q": st.one_of(st.sampled_from(["care", "midwife"]), hostile_text),
        "kind": sometimes(list(EvidenceKind.values)),
        "theme": sometimes(list(Theme.objects.values_list("slug", flat=True)) or ["none"]),
        "nation": sometimes(list(Nation.values)),
        "year_from": years,
        "year_to": years,
        "sort": sometimes(list(EvidenceSort.values)),
        "page": page_numbers,
    }
    names = draw(st.lists(st.sampled_from([*strategies, "junk"]), max_size=8))
    return [(name, draw(strategies.get(name, hostile_text))) for name in names]


@fuzz
@given(query=evidence_queries())
def test_any_evidence_filter_shows_the_listing_and_never_runs_what_was_typed(
    client, evidence, query
):
    with rolled_back():
        response = get_query(client, evidence.url, query)
        assert_no_server_error(response)
        assert response.status_code in (200, 400)
        for _name, value in query:
            assert_inert(response.content, value)


@fuzz
@given(query=evidence_queries())
def test_any_evidence_filter_gives_a_readable_csv(client, evidence, query):
    with rolled_back():
        response = get_query(client, evidence.url + evidence.reverse_subpage("csv"), query)
        assert_no_server_error(response)
        if response.status_code == 200:
            rows = list(csv.reader(io.StringIO(body_of(response).decode("utf-8"))))
            assert rows[0][0] == "source_id"
            assert len(rows) <= 3


@fuzz
@given(q=hostile_text, page=page_numbers, junk=st.lists(st.tuples(hostile_text, hostile_text)))
def test_any_site_search_shows_results_and_never_runs_what_was_typed(
    client, evidence, q, page, junk
):
    with rolled_back():
        response = get_query(client, reverse("search"), [("q", q), ("page", page), *junk])
        assert_no_server_error(response)
        assert response.status_code in (200, 400)
        assert_inert(response.content, q)


API_PARAMETERS = [
    "type",
    "fields",
    "limit",
    "offset",
    "order",
    "child_of",
    "descendant_of",
    "ancestor_of",
    "locale",
    "translation_of",
    "search",
    "search_operator",
    "format",
    "id",
    "slug",
    "title",
    "year",
    "nation",
    "kind",
    "show_in_menus",
    "html_path",
]
API_VALUES = [
    "evidence.EvidenceSummaryPage",
    "evidence.LayFindingsPage",
    "wagtailcore.Page",
    "home.StandardPage",
    "consultations.Round",
    "*",
    "-title",
    "_,title",
    "title,-id",
    "random",
    "-random",
    "id",
    "year",
    "en",
    "true",
    "json",
    "/",
    "/evidence/",
    "lay_summary,themes(name)",
    "owner",
    "password",
]


@st.composite
def api_queries(draw: st.DrawFn) -> list[tuple[str, str]]:
    names = st.one_of(st.sampled_from(API_PARAMETERS), hostile_text)
    values = st.one_of(st.sampled_from(API_VALUES), malformed_ids, hostile_text)
    return draw(st.lists(st.tuples(names, values), max_size=5))


@fuzz
@given(
    endpoint=st.sampled_from(["", "find/", "{id}/", "{junk}/"]),
    junk=malformed_ids,
    query=api_queries(),
)
def test_any_api_query_is_answered_in_json_or_refused(client, evidence, endpoint, junk, query):
    summary = evidence.get_children().first()
    path = endpoint.format(id=summary.pk, junk=junk.replace("/", ""))
    with rolled_back():
        response = get_query(client, f"/api/v2/pages/{path}", query)
        assert_no_server_error(response)
        if response.status_code in (200, 400):
            assert isinstance(json.loads(body_of(response)), dict)
