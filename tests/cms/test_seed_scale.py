"""seed_scale: what it builds is content the site accepts as its own, and it runs twice."""

import csv
import io
import re
from io import StringIO

from django.core.management import CommandError, call_command
from django.db.models import Count, F, Max
from django.urls import reverse
from django.utils import timezone

import pytest

from consultations.enums import Constituency, VersionKind
from consultations.models import Comment, CommentVersion, Member, Rating, Round, RoundPage
from evidence.models import EvidenceSummaryPage, LayFindingsPage


def seed_scale(factor: str = "0.01", *options: str) -> str:
    out = StringIO()
    call_command("seed_scale", "--factor", factor, *options, stdout=out)
    return out.getvalue()


def test_seed_scale_refuses_production_settings(db, settings):
    settings.DEMO_CONTENT_ALLOWED = False

    with pytest.raises(CommandError, match="never with production settings"):
        seed_scale()


def test_seed_scale_says_what_it_made(db):
    output = seed_scale()

    assert "200 comments" in output
    assert "3 evidence summaries" in output
    assert "1 lay findings pages in pl" in output
    assert Round.objects.count() == 1
    assert Member.objects.count() == 1


def test_seed_scale_runs_twice_beside_its_first_copy(db):
    seed_scale()
    seed_scale()

    assert Round.objects.count() == 2
    assert EvidenceSummaryPage.objects.count() == 6
    assert Comment.objects.count() == 400


def test_comments_and_ratings_are_on_the_pinned_items_inside_the_round(db):
    seed_scale("0.05")
    now = timezone.now()

    for round_page in RoundPage.objects.select_related("round", "revision"):
        items = {item.block_id for item in round_page.items}
        round = round_page.round
        comments = Comment.objects.filter(round=round, page_id=round_page.page_id)
        ratings = Rating.objects.filter(round=round, page_id=round_page.page_id)
        assert comments.exists() and ratings.exists()
        assert not comments.exclude(revision_id=round_page.revision_id).exists()
        assert not ratings.exclude(revision_id=round_page.revision_id).exists()
        assert set(comments.values_list("block_id", flat=True)) <= items | {""}
        assert set(ratings.values_list("block_id", flat=True)) <= items
        for made in (comments, ratings):
            assert not made.filter(created_at__lt=round.opens_at).exists()
            assert not made.filter(created_at__gt=min(round.closes_at, now)).exists()
        assert not comments.filter(parent__isnull=False, created_at__lt=F("parent__created_at"))
        assert not comments.filter(parent__parent__isnull=False).exists()


def test_each_comment_and_rating_has_its_current_version_last(db):
    seed_scale()

    comments = Comment.objects.annotate(versions_count=Count("versions"))
    assert not comments.filter(versions_count=0).exists()
    for comment in Comment.objects.filter(edited_at__isnull=False)[:20]:
        versions = list(comment.versions.all())
        assert [v.kind for v in versions] == [VersionKind.CREATED, VersionKind.EDITED]
        assert versions[-1].body == comment.body
    newest = CommentVersion.objects.aggregate(newest=Max("created_at"))["newest"]
    assert newest <= timezone.now()
    ratings = Rating.objects.annotate(versions_count=Count("versions"))
    assert not ratings.filter(versions_count=0).exists()
    for rating in Rating.objects.all()[:20]:
        assert rating.versions.last().score == rating.score


def test_lay_findings_are_translated_and_found_by_search(db, client):
    seed_scale()

    translated = LayFindingsPage.objects.exclude(locale__language_code="en-gb").get()
    assert translated.live
    assert translated.title.startswith("Co usłyszeliśmy")
    response = client.get("/search/", {"q": "load testing"})
    summary = EvidenceSummaryPage.objects.first()
    assert summary.title in response.content.decode()


def test_export_rows_add_a_closed_round_whose_ratings_export_is_that_long(db, client, editor):
    seed_scale()
    study_round = Round.objects.get()
    summaries = EvidenceSummaryPage.objects.count()

    output = seed_scale("0", "--export-rows", "500")

    export_round = Round.objects.exclude(pk=study_round.pk).get()
    assert f"The export round: {export_round.title} (round {export_round.pk})" in output
    assert export_round.closes_at < timezone.now()
    # Beside the study already there, on its sections, and nothing of the study again.
    assert EvidenceSummaryPage.objects.count() == summaries
    assert Comment.objects.filter(round=export_round).count() == 0
    pinned = RoundPage.objects.filter(round=study_round).values_list("page_id", "revision_id")
    assert set(
        RoundPage.objects.filter(round=export_round).values_list("page_id", "revision_id")
    ) == set(pinned)
    raters = Member.objects.filter(ratings__round=export_round).distinct()
    assert set(raters.values_list("constituency", flat=True)) == {
        Constituency.SERVICE_USER,
        Constituency.PROFESSIONAL,
    }
    client.force_login(editor)
    response = client.get(
        reverse("rounds:export", args=[export_round.pk]),
        {"dataset": "ratings", "format": "csv", "identity": "pseudonym"},
    )
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode()
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) >= 500
    said = re.search(r"([\d,]+) rows in its ratings export", output).group(1)
    assert len(rows) == int(said.replace(",", ""))
    # Every rater rated every item, and some changed their minds.
    items = sum(
        len(round_page.items) for round_page in RoundPage.objects.filter(round=export_round)
    )
    assert Rating.objects.filter(round=export_round).count() == raters.count() * items
    assert Rating.objects.filter(round=export_round, versions__kind=VersionKind.EDITED).exists()


def test_export_rows_alone_need_an_earlier_run_to_take_sections_from(db):
    with pytest.raises(CommandError, match="run seed_scale with a factor above 0 first"):
        seed_scale("0", "--export-rows", "500")
    with pytest.raises(CommandError, match="or 0 with export rows"):
        seed_scale("0")
    assert not Round.objects.exists()
