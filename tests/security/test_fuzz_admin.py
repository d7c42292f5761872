"""Hostile input to the research team's admin forms: invitations, members, rounds and the
evidence import, sent by an editor who may see members' identities."""

import csv
import io
import json
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import Group
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.validators import validate_email
from django.test import Client
from django.urls import reverse
from django.utils import timezone

import pytest
from hypothesis import event, example, given
from hypothesis import strategies as st

from consultations.enums import Audience, Constituency, RatingScale, YouSaidWeDid
from consultations.models import ChangeResponse, Invitation, Member, Round
from evidence.enums import EvidenceKind, Nation
from evidence.forms import EVIDENCE_IMPORT_COLUMNS
from evidence.models import EvidenceSummaryPage
from tests.factories import (
    EditorFactory,
    EvidenceIndexPageFactory,
    RoundFactory,
    RoundPageFactory,
)

from .fuzz_support import (
    as_received,
    assert_inert,
    assert_no_server_error,
    form_values,
    fuzz_slow,
    hostile_text,
    malformed_ids,
    post_form,
    rolled_back,
)
from .test_fuzz_rounds import Cast


@pytest.fixture
def cast(home_page) -> Cast:
    return Cast(home_page)


@pytest.fixture
def coordinator_client(client, db):
    user = EditorFactory()
    user.groups.add(Group.objects.get(name="Member coordinators"))
    client.force_login(user)
    return client


def sometimes(*values: str) -> st.SearchStrategy[str]:
    """Mostly a value the form offers or would take, so that some examples get saved."""
    valid = st.sampled_from(values)
    return st.one_of(valid, valid, valid, valid, valid, hostile_text, malformed_ids)


@st.composite
def mutated(
    draw: st.DrawFn, valid: dict[str, str], choices: dict[str, st.SearchStrategy], least: int = 1
) -> dict:
    """A valid form with one or two fields changed: to another value the form would take,
    or to anything at all."""
    names = draw(
        st.lists(st.sampled_from(sorted(choices)), min_size=least, max_size=2, unique=True)
    )
    return {**valid, **{name: draw(choices[name]) for name in names}}


def admin_post(client, url: str, field: str, changes: dict[str, object]):
    page = client.get(url)
    assert page.status_code == 200
    return post_form(client, url, {**form_values(page.content, with_field=field), **changes})


def as_stored(sent: str) -> str:
    return as_received(sent).strip()


VALID_INVITATION = {
    "full_name": "Jane Doe",
    "email": "jane@example.org",
    "constituency": Constituency.PROFESSIONAL,
    "study_site": "",
    "professional_role": "Midwife",
}
invitation_fields = mutated(
    VALID_INVITATION,
    {
        "full_name": sometimes("Jane Doe", "Ann O'Neill"),
        "email": sometimes("jane@example.org", "ann.o@example.org", "JANE@EXAMPLE.ORG"),
        "constituency": sometimes(*Constituency.values),
        # A site is chosen from the list: anything but an id on it is refused.
        "study_site": sometimes("", "999999", "Site B"),
        "professional_role": sometimes("Midwife", ""),
    },
)


@fuzz_slow
@given(fields=invitation_fields, editing=st.booleans())
@example(fields=VALID_INVITATION, editing=False)
@example(fields=VALID_INVITATION, editing=True)
def test_an_invitation_is_saved_only_with_valid_details_and_shown_inert(
    coordinator_client, cast, fields, editing
):
    with rolled_back():
        mail.outbox.clear()
        before = Invitation.objects.count()
        if editing:
            from consultations.services import invitation_create

            invitation, _token = invitation_create(
                full_name="Kim Lee",
                email="kim@example.org",
                constituency=Constituency.PROFESSIONAL,
                professional_role="Midwife",
                invited_by=None,
            )
            mail.outbox.clear()  # its own invitation email
            before += 1
            url = reverse("invitations:edit", args=[invitation.pk])
        else:
            url = reverse("invitations:add")
        response = admin_post(coordinator_client, url, "email", fields)
        assert_no_server_error(response)
        assert Invitation.objects.count() == before + (response.status_code == 302 and not editing)
        if response.status_code != 302:
            assert not mail.outbox
            if editing:
                assert Invitation.objects.get(pk=invitation.pk).full_name == "Kim Lee"
            return
        saved = Invitation.objects.latest("pk") if not editing else invitation
        saved.refresh_from_db()
        assert saved.full_name == as_stored(fields["full_name"]) and saved.full_name
        validate_email(saved.email)
        assert saved.constituency in Constituency.values
        assert saved.study_site is None
        for value in (saved.full_name, saved.professional_role):
            assert "\x00" not in value
        listing = coordinator_client.get(reverse("invitations:index"))
        assert listing.status_code == 200
        for value in fields.values():
            assert_inert(listing.content, value)


@fuzz_slow
@given(
    fields=mutated(
        {
            "pseudonym": "Hazel",
            "constituency": Constituency.SERVICE_USER,
            "study_site": "",
            "professional_role": "",
        },
        {
            "pseudonym": sometimes("Hazel", "Rowan", "Willow"),
            "constituency": sometimes(*Constituency.values),
            "study_site": sometimes("", "999999", "Site C"),
            "professional_role": sometimes("Health visitor", ""),
        },
    )
)
@example(
    fields={
        "pseudonym": "Hazel",
        "constituency": Constituency.SERVICE_USER,
        "study_site": "",
        "professional_role": "",
    }
)
def test_a_member_is_changed_only_to_valid_details_and_shown_inert(
    coordinator_client, cast, fields
):
    member = cast.member
    url = reverse("members:edit", args=[member.pk])
    with rolled_back():
        response = admin_post(coordinator_client, url, "pseudonym", fields)
        assert_no_server_error(response)
        member.refresh_from_db()
        if response.status_code != 302:
            assert (member.pseudonym, member.study_site.name) == ("Willow", "Site A")
            return
        assert member.pseudonym == " ".join(as_received(fields["pseudonym"]).split())
        assert (
            not Member.objects.exclude(pk=member.pk)
            .filter(pseudonym__iexact=member.pseudonym)
            .exists()
        )
        assert member.constituency in Constituency.values
        assert member.study_site is None
        assert "\x00" not in member.pseudonym + member.professional_role
        listing = coordinator_client.get(reverse("members:index"))
        for value in fields.values():
            assert_inert(listing.content, value)


def admin_time(delta: timedelta) -> str:
    return (timezone.localtime() + delta).strftime("%Y-%m-%d %H:%M")


def contentstate(text: str) -> str:
    """Draftail's value for a paragraph of text, as the admin's rich text box posts it."""
    block = {"key": "a1b2c", "type": "unstyled", "depth": 0, "text": text}
    block |= {"inlineStyleRanges": [], "entityRanges": []}
    return json.dumps({"blocks": [block], "entityMap": {}})


round_changes = mutated(
    {},
    {
        "title": sometimes("Round 2: after birth"),
        "instructions": st.one_of(hostile_text.map(contentstate), hostile_text, malformed_ids),
        "opens_at": sometimes(
            admin_time(timedelta(days=1)), "2026-02-30 10:00", "0000-01-01 00:00"
        ),
        "closes_at": sometimes(admin_time(timedelta(days=20)), admin_time(-timedelta(days=3))),
        "rating_scale": sometimes(*RatingScale.values),
        "consensus_threshold": sometimes("0", "50", "70", "100", "101", "-1", "1e9"),
        "consensus_bottom_limit": sometimes("0", "15", "50", "51", "-1", "1e9"),
        "audience": sometimes(*Audience.values),
        "you_said_we_did": sometimes(*YouSaidWeDid.values),
        "follows": malformed_ids,
        "round_pages-0-page": malformed_ids,
        "round_pages-0-revision": malformed_ids,
        "round_pages-TOTAL_FORMS": sometimes("0", "1", "2", "1001"),
    },
    least=0,
)


@fuzz_slow
@given(fields=round_changes, editing=st.booleans())
def test_a_round_is_saved_only_with_valid_settings_and_shown_inert(
    coordinator_client, cast, fields, editing
):
    url = reverse("rounds:edit", args=[cast.round.pk]) if editing else reverse("rounds:add")
    if not editing:
        fields = {
            "title": "Round 2: after birth",
            "opens_at": admin_time(timedelta(days=1)),
            "closes_at": admin_time(timedelta(days=20)),
            "round_pages-0-page": str(cast.page.pk),
            **fields,
        }
    with rolled_back():
        before = list(Round.objects.values_list("pk", "title", "opens_at", "closes_at"))
        response = admin_post(coordinator_client, url, "title", fields)
        assert_no_server_error(response)
        if response.status_code != 302:
            assert (
                list(Round.objects.values_list("pk", "title", "opens_at", "closes_at")) == before
            )
            return
        saved = Round.objects.get(pk=cast.round.pk) if editing else Round.objects.latest("pk")
        assert saved.title and "\x00" not in saved.title
        assert saved.opens_at < saved.closes_at
        assert 0 <= saved.consensus_threshold <= 100
        assert 0 <= saved.consensus_bottom_limit <= 50
        assert saved.rating_scale in RatingScale.values
        assert saved.audience in Audience.values
        assert saved.you_said_we_did in YouSaidWeDid.values
        assert saved.round_pages.exists()
        assert "\x00" not in saved.instructions
        listing = coordinator_client.get(reverse("rounds:index"))
        assert_inert(listing.content, fields.get("title", ""))
        # Members read the title on their dashboard and the round's own page.
        member_client = Client()
        member_client.force_login(cast.member.user)
        for url in (reverse("consultations:dashboard"), cast.url("round")):
            shown = member_client.get(url).content
            assert_inert(shown, fields.get("title", ""))
            assert_inert(shown, fields.get("instructions", ""))


csv_cells = {
    "source_id": sometimes("G001", "S104"),
    "title": sometimes("A guideline on care"),
    "kind": sometimes(*EvidenceKind.labels, "clinical guideline"),
    "nation": sometimes(*Nation.labels),
    "year": sometimes("2015", "1899", "2101"),
    "doi": sometimes("10.1136/bmj.k1234", ""),
    "source_url": sometimes("https://example.org/g1", "javascript:alert(1)", ""),
    "lay_summary": sometimes("Plain words."),
}


@st.composite
def evidence_csv(draw: st.DrawFn) -> bytes:
    columns = list(EVIDENCE_IMPORT_COLUMNS)
    rarely = st.integers(0, 4).map(lambda n: n == 0)
    if draw(rarely):
        columns = draw(st.permutations(columns))[: draw(st.integers(1, len(columns)))]
    valid = {
        "source_id": "G001",
        "title": "A guideline on care",
        "kind": "Clinical guideline",
        "nation": "England",
        "year": "2015",
        "doi": "10.1136/bmj.k1234",
        "source_url": "https://example.org/g1",
        "lay_summary": "Plain words.",
        "authors": "Smith J",
        "source_title": "A guideline on care",
        "publisher": "NICE",
        "technical_summary": "A review.",
        "implications_for_care": "Plan care together.",
    }
    choices = {column: csv_cells.get(column, hostile_text) for column in columns}
    rows = [
        draw(mutated(valid, choices, least=0)) | {"source_id": f"G{row:03d}"}
        if draw(st.booleans())
        else draw(mutated(valid, choices, least=0))
        for row in range(draw(st.integers(0, 4)))
    ]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    writer.writerows([[row.get(column, "") for column in columns] for row in rows])
    text = out.getvalue()
    if draw(rarely):
        # Not every upload is a clean CSV: cut it anywhere, or add stray bytes.
        text = text[: draw(st.integers(0, len(text)))] + draw(hostile_text)
    encoding = draw(st.sampled_from(["utf-8"] * 4 + ["utf-8-sig", "utf-16", "latin-1"]))
    return text.encode(encoding, "surrogatepass" if encoding.startswith("utf-8") else "replace")


EXAMPLE_CSV = Path(settings.BASE_DIR) / "docs" / "evidence-import-example.csv"


@pytest.fixture
def evidence_index(home_page):
    return EvidenceIndexPageFactory(parent=home_page)


@fuzz_slow
@given(
    upload=evidence_csv(),
    dry_run=st.integers(0, 3).map(lambda n: n == 0),
    name=st.sampled_from(["a.csv", "a.csv", "a.csv", "a.txt"]),
)
@example(upload=EXAMPLE_CSV.read_bytes(), dry_run=False, name="a.csv")
def test_an_evidence_import_saves_only_valid_rows_as_drafts(
    coordinator_client, evidence_index, upload, dry_run, name
):
    url = reverse("evidence_import")
    with rolled_back():
        before = EvidenceSummaryPage.objects.count()
        page = coordinator_client.get(url)
        data = form_values(page.content, with_field="csv_file")
        if dry_run:
            data["dry_run"] = "on"
        data["csv_file"] = SimpleUploadedFile(name, upload, content_type="text/csv")
        response = coordinator_client.post(url, data)
        assert_no_server_error(response)
        created = EvidenceSummaryPage.objects.count() - before
        event(f"created {created}")
        if dry_run or name != "a.csv":
            assert created == 0
        elif upload == EXAMPLE_CSV.read_bytes():
            # The documented example is valid: every row of it becomes a draft.
            assert created == len(list(csv.DictReader(io.StringIO(upload.decode("utf-8-sig")))))
        for summary in EvidenceSummaryPage.objects.order_by("-pk")[: max(created, 0)]:
            assert not summary.live
            assert 1900 <= summary.year <= 2100
            assert summary.doi or summary.source_url
            assert not summary.source_url.lower().startswith("javascript:")
            assert "\x00" not in summary.title + summary.lay_summary
        if created:
            explorer = coordinator_client.get(
                reverse("wagtailadmin_explore", args=[evidence_index.pk])
            )
            for summary in EvidenceSummaryPage.objects.order_by("-pk")[:created]:
                assert_inert(explorer.content, summary.title)


@pytest.fixture
def following(cast) -> Round:
    """A round following the cast's round, on a draft whose first item was reworded."""
    section = cast.page
    section.requirements[0].value["statement"] = "Services always share one care plan."
    section.save_revision()
    round = RoundFactory(title="Round 2", follows=cast.round)
    RoundPageFactory(round=round, page=section)
    return round


@fuzz_slow
@given(
    page=st.one_of(st.just("page"), malformed_ids),
    block_id=st.one_of(st.sampled_from(["first", "second"]), hostile_text, malformed_ids),
    comments=st.lists(st.one_of(st.sampled_from(["own", "other"]), malformed_ids), max_size=3),
)
# More digits than Python turns into a number.
@example(page="page", block_id="first", comments=["own", "9" * 5000])
def test_a_change_is_linked_only_to_comments_it_may_answer(
    coordinator_client, cast, following, page, block_id, comments
):
    names = {"own": cast.own_comment.pk, "other": cast.other_comment.pk}
    items = {"first": cast.item_ids[0], "second": cast.item_ids[1]}
    fields = {
        "page": cast.page.pk if page == "page" else page,
        "block_id": items.get(block_id, block_id),
        "comments": [names.get(name, name) for name in comments],
    }
    with rolled_back():
        response = post_form(
            coordinator_client, reverse("rounds:changes", args=[following.pk]), fields
        )
        assert_no_server_error(response)
        for link in ChangeResponse.objects.all():
            assert link.round_id == following.pk and link.page_id == cast.page.pk
            assert link.block_id in cast.item_ids
            assert link.comment_id in names.values()
