"""Hostile input to a member's round: rating, commenting, replying, changing and
withdrawing comments, with malformed ids in the address and in the form."""

from django.urls import reverse
from django.utils.html import escape

import pytest
from hypothesis import given
from hypothesis import strategies as st

from consultations.enums import Abstention
from consultations.models import (
    COMMENT_MAX_LENGTH,
    QUOTE_MAX_LENGTH,
    REASON_MAX_LENGTH,
    Comment,
    CommentVersion,
    Rating,
    RatingVersion,
)
from consultations.services import comment_post
from evidence.models import Domain
from tests.factories import (
    FrameworkIndexPageFactory,
    FrameworkSectionPageFactory,
    MemberFactory,
    RoundFactory,
    RoundPageFactory,
)

from .fuzz_support import (
    as_received,
    assert_inert,
    assert_no_server_error,
    fuzz,
    get_query,
    hidden_inputs,
    hostile_text,
    malformed_ids,
    path_ints,
    post_form,
    rolled_back,
)


class Cast:
    """An open round sharing comments, on a section of two items; she has a comment, and
    another member has one she may reply to but not change."""

    def __init__(self, home_page) -> None:
        domain = Domain.objects.get(name="How organisations work together")
        section = FrameworkSectionPageFactory(
            parent=FrameworkIndexPageFactory(parent=home_page),
            requirements=[
                (
                    "requirement",
                    {"statement": s, "rationale": "", "domain": domain, "evidence": []},
                )
                for s in ("Services share one care plan.", "Each woman has a named lead.")
            ],
        )
        section.save_revision()
        self.round = RoundFactory(comments_visible_to_members=True)
        RoundPageFactory(round=self.round, page=section)
        self.page = section
        self.item_ids = [block.id for block in section.requirements]
        self.member = MemberFactory(pseudonym="Willow")
        self.other = MemberFactory(pseudonym="Rowan", professional=True)
        kwargs = {"round": self.round, "page_id": section.pk, "quote": ""}
        self.own_comment = comment_post(
            member=self.member, block_id=self.item_ids[0], body="Mine.", **kwargs
        ).comment
        self.other_comment = comment_post(
            member=self.other, block_id=self.item_ids[1], body="Theirs.", **kwargs
        ).comment

    def url(self, name: str, **kwargs: object) -> str:
        return reverse(f"consultations:{name}", kwargs={"round_pk": self.round.pk, **kwargs})

    @property
    def page_url(self) -> str:
        return self.url("round_page", page_pk=self.page.pk)


@pytest.fixture
def cast(home_page) -> Cast:
    return Cast(home_page)


@pytest.fixture
def member_client(client, cast):
    client.force_login(cast.member.user)
    return client


def stored_text(sent: str) -> str:
    return as_received(sent).strip().replace("\r\n", "\n")


def comment_rows() -> tuple[int, int]:
    return Comment.objects.count(), CommentVersion.objects.count()


# Mostly the form as the page gave it; sometimes with an id changed by hand.
optional_ids = st.one_of(st.none(), st.none(), st.none(), malformed_ids)


@fuzz
@given(
    body=hostile_text,
    quote=hostile_text,
    form_index=st.integers(min_value=0, max_value=10),
    block_id=optional_ids,
    parent=optional_ids,
)
def test_any_comment_or_reply_is_stored_as_sent_or_refused_and_never_runs(
    member_client, cast, body, quote, form_index, block_id, parent
):
    action = cast.url("comment", page_pk=cast.page.pk)
    page = member_client.get(cast.page_url)
    forms = hidden_inputs(page.content, action=action)
    data = forms[form_index % len(forms)]
    if block_id is not None:
        data["block_id"] = block_id
    if parent is not None:
        data["parent"] = parent
    before = comment_rows()
    with rolled_back():
        response = post_form(member_client, action, {**data, "body": body, "quote": quote})
        assert_no_server_error(response)
        if block_id is None and parent is None:
            # The form as the page gave it is never "not found", whatever she typed (a body
            # of megabytes is refused as too big for any form, 400).
            assert response.status_code in (200, 302, 400)
        if response.status_code != 302:
            assert comment_rows() == before
            if response.status_code == 200 and len(body) < 5000:
                # Refused with a message, and what she typed is still in the box.
                kept = escape(as_received(body)).strip().replace("\r\n", "\n")
                assert kept in response.content.decode().replace("\r\n", "\n")
            return
        assert comment_rows() == (before[0] + 1, before[1] + 1)
        comment = Comment.objects.latest("pk")
        assert comment.author == cast.member
        assert (comment.body, comment.quote) == (stored_text(body), stored_text(quote))
        assert comment.body and "\x00" not in comment.body + comment.quote
        assert len(comment.body) <= COMMENT_MAX_LENGTH
        assert len(comment.quote) <= QUOTE_MAX_LENGTH
        assert comment.block_id in ["", *cast.item_ids]
        assert comment.parent_id in (None, cast.own_comment.pk, cast.other_comment.pk)
        shown = member_client.get(cast.page_url)
        assert escape(comment.body.splitlines()[0]) in shown.content.decode()
        assert_inert(shown.content, body)
        assert_inert(shown.content, quote)
        editing = member_client.get(cast.url("comment_edit", comment_pk=comment.pk))
        assert_inert(editing.content, body)


scores = st.sampled_from([str(n) for n in range(11)] + list(Abstention.values) + [" 7 "])


@fuzz
@given(
    choice=st.one_of(scores, scores, malformed_ids),
    reason=hostile_text,
    form_index=st.integers(min_value=0, max_value=10),
    block_id=optional_ids,
)
def test_any_rating_is_stored_as_sent_or_refused_and_never_runs(
    member_client, cast, choice, reason, form_index, block_id
):
    action = cast.url("rate", page_pk=cast.page.pk)
    page = member_client.get(cast.page_url)
    forms = hidden_inputs(page.content, action=action)
    data = forms[form_index % len(forms)]
    if block_id is not None:
        data["block_id"] = block_id
    with rolled_back():
        before = RatingVersion.objects.count()
        response = post_form(member_client, action, {**data, "choice": choice, "reason": reason})
        assert_no_server_error(response)
        if block_id is None:
            assert response.status_code in (200, 302, 400)
        if response.status_code != 302:
            assert RatingVersion.objects.count() == before
            assert not Rating.objects.exists()
            return
        rating = Rating.objects.get()
        assert RatingVersion.objects.count() == before + 1
        assert rating.member == cast.member
        assert rating.block_id in cast.item_ids
        assert (rating.score in range(1, 10)) != (rating.abstention in Abstention.values)
        assert rating.reason == stored_text(reason)
        assert len(rating.reason) <= REASON_MAX_LENGTH and "\x00" not in rating.reason
        assert_inert(member_client.get(cast.page_url).content, reason)


comment_ids = st.one_of(st.just("own"), st.just("own"), st.just("other"), path_ints)


def comment_pk(cast: Cast, which: object) -> object:
    return {"own": cast.own_comment.pk, "other": cast.other_comment.pk}.get(which, which)


@fuzz
@given(which=comment_ids, body=hostile_text, quote=hostile_text)
def test_changing_a_comment_changes_only_her_own_and_only_to_valid_text(
    member_client, cast, which, body, quote
):
    url = cast.url("comment_edit", comment_pk=comment_pk(cast, which))
    with rolled_back():
        before = comment_rows()
        shown = member_client.get(url)
        assert_no_server_error(shown)
        data = (
            hidden_inputs(shown.content, with_field="body")[0] if shown.status_code == 200 else {}
        )
        response = post_form(member_client, url, {**data, "body": body, "quote": quote})
        assert_no_server_error(response)
        other = Comment.objects.get(pk=cast.other_comment.pk)
        assert (other.body, other.edited_at) == ("Theirs.", None)
        own = Comment.objects.get(pk=cast.own_comment.pk)
        if response.status_code != 302:
            assert comment_rows() == before
            assert own.body == "Mine."
            return
        assert which == "own"
        assert comment_rows() == (before[0], before[1] + 1)
        assert (own.body, own.quote) == (stored_text(body), stored_text(quote))
        assert own.body and len(own.body) <= COMMENT_MAX_LENGTH
        assert "\x00" not in own.body + own.quote and len(own.quote) <= QUOTE_MAX_LENGTH
        assert_inert(member_client.get(cast.page_url).content, body)


@fuzz
@given(which=comment_ids, junk=st.dictionaries(hostile_text, hostile_text, max_size=3))
def test_only_her_own_comment_can_be_withdrawn_whatever_is_sent(member_client, cast, which, junk):
    url = cast.url("comment_withdraw", comment_pk=comment_pk(cast, which))
    with rolled_back():
        shown = member_client.get(url)
        assert_no_server_error(shown)
        data = hidden_inputs(shown.content, action="")[0] if shown.status_code == 200 else {}
        response = post_form(member_client, url, {**junk, **data})
        assert_no_server_error(response)
        assert Comment.objects.get(pk=cast.other_comment.pk).withdrawn_at is None
        withdrawn = Comment.objects.get(pk=cast.own_comment.pk).withdrawn_at is not None
        assert withdrawn == (response.status_code == 302)


@fuzz
@given(round_pk=path_ints, page_pk=path_ints, name=st.sampled_from(["rate", "comment"]))
def test_malformed_round_and_page_ids_are_not_found(member_client, cast, round_pk, page_pk, name):
    ids = {"round_pk": round_pk, "page_pk": page_pk}
    her_round = round_pk == cast.round.pk
    her_page = her_round and page_pk == cast.page.pk
    with rolled_back():
        before = (comment_rows(), RatingVersion.objects.count())
        for response, hers in (
            (
                member_client.get(reverse("consultations:round", kwargs={"round_pk": round_pk})),
                her_round,
            ),
            (member_client.get(reverse("consultations:round_page", kwargs=ids)), her_page),
            (
                post_form(
                    member_client,
                    reverse(f"consultations:{name}", kwargs=ids),
                    {"body": "A comment.", "choice": "5", "block_id": cast.item_ids[0]},
                ),
                her_page,
            ),
        ):
            assert_no_server_error(response)
            if not hers:
                assert response.status_code == 404
        if not her_page:
            assert (comment_rows(), RatingVersion.objects.count()) == before


@fuzz
@given(query=st.lists(st.tuples(hostile_text, hostile_text), max_size=4))
def test_query_strings_on_her_pages_change_nothing(member_client, cast, query):
    with rolled_back():
        for url in (
            reverse("consultations:dashboard"),
            cast.url("round"),
            cast.page_url,
            cast.url("comment_edit", comment_pk=cast.own_comment.pk),
        ):
            response = get_query(member_client, url, query)
            assert_no_server_error(response)
            assert response.status_code == 200
