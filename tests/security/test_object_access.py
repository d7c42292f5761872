"""A member reaches only her own comments and ratings, in rounds she is in, whatever ids
she puts in the address or the form."""

import pytest

from consultations.models import Comment, Rating
from tests.consultations.conftest import comment_form_data, rating_form_data, started_from
from tests.security.conftest import Cast
from tests.security.state import contributions_state

pytestmark = pytest.mark.django_db

OTHERS = ["professional", "outsider", "withdrawn"]


def comment_url(cast: Cast, comment: str, action: str, round: str = "shared_round") -> str:
    return f"/consultations/{cast.ids[round]}/comments/{cast.ids[comment]}/{action}/"


@pytest.mark.parametrize("role", OTHERS)
@pytest.mark.parametrize("action", ["edit", "withdraw"])
def test_member_cannot_read_edit_or_withdraw_another_members_comment(
    cast: Cast, role: str, action: str
) -> None:
    client = cast.client(role)
    url = comment_url(cast, "su_comment", action)
    before = contributions_state()

    read = client.get(url)
    comment = Comment.objects.get(pk=cast.ids["su_comment"])
    sent = client.post(
        url, {"body": "Changed by someone else.", "quote": "", **started_from(comment)}
    )

    assert read.status_code == 404
    assert "Willow says one plan." not in read.content.decode()
    assert sent.status_code == 404
    assert contributions_state() == before


@pytest.mark.parametrize("action", ["edit", "withdraw"])
def test_her_own_comment_through_another_rounds_address_is_not_found(
    cast: Cast, action: str
) -> None:
    # Her comment in the shared round, asked for under the round for service users.
    client = cast.client("service_user")
    url = comment_url(cast, "su_comment", action, round="su_round")
    before = contributions_state()

    assert client.get(url).status_code == 404
    comment = Comment.objects.get(pk=cast.ids["su_comment"])
    sent = {"body": "Moved rounds.", "quote": "", **started_from(comment)}
    assert client.post(url, sent).status_code == 404
    assert contributions_state() == before


def test_her_own_comment_she_can_edit(cast: Cast) -> None:
    """The refusals above are about whose comment it is: her own opens and changes."""
    client = cast.client("service_user")
    url = comment_url(cast, "su_comment", "edit")

    assert client.get(url).status_code == 200
    comment = Comment.objects.get(pk=cast.ids["su_comment"])
    response = client.post(
        url, {"body": "Willow's second thoughts.", "quote": "", **started_from(comment)}
    )

    assert response.status_code == 302
    assert Comment.objects.get(pk=cast.ids["su_comment"]).body == "Willow's second thoughts."


@pytest.mark.parametrize("role", ["professional", "outsider"])
def test_member_cannot_see_comments_of_a_round_she_is_not_in(cast: Cast, role: str) -> None:
    client = cast.client(role)
    su_round, shared_round, section = (
        cast.ids["su_round"],
        cast.ids["shared_round"],
        cast.ids["section"],
    )
    pages = [
        client.get(f"/consultations/{su_round}/"),
        client.get(f"/consultations/{su_round}/pages/{section}/"),
        client.get(comment_url(cast, "su_round_comment", "edit", round="su_round")),
    ]
    her_round_page = client.get(f"/consultations/{shared_round}/pages/{section}/")
    dashboard = client.get("/consultations/")

    assert [page.status_code for page in pages] == [404, 404, 404]
    assert her_round_page.status_code == 200
    # The shared round shows members' comments, so the other rounds' would show if leaked.
    assert "Willow says one plan." in her_round_page.content.decode()
    for response in [*pages, her_round_page, dashboard]:
        assert "Willow, among service users." not in response.content.decode()
        assert "Service users&#x27; round" not in response.content.decode()


@pytest.mark.parametrize("role", ["professional", "outsider"])
def test_member_cannot_post_to_or_reply_in_a_round_she_is_not_in(cast: Cast, role: str) -> None:
    client = cast.client(role)
    member = cast.members[role]
    section = cast.ids["section"]
    before = contributions_state()

    comment = client.post(
        f"/consultations/{cast.ids['su_round']}/pages/{section}/comment/",
        comment_form_data(member, block_id=cast.item_ids[0], body="Not my round.", quote=""),
    )
    rating = client.post(
        f"/consultations/{cast.ids['su_round']}/pages/{section}/rate/",
        rating_form_data(member, block_id=cast.item_ids[0], choice="5", reason=""),
    )
    # A reply in her own round to a comment of the round she is not in.
    reply = client.post(
        f"/consultations/{cast.ids['shared_round']}/pages/{section}/comment/",
        comment_form_data(
            member, parent=cast.ids["su_round_comment"], body="Replying across.", quote=""
        ),
    )

    assert [comment.status_code, rating.status_code, reply.status_code] == [404, 404, 404]
    assert contributions_state() == before


def rating_of(cast: Cast, role: str) -> Rating:
    return Rating.objects.get(
        round=cast.shared_round, member=cast.members[role], block_id=cast.item_ids[0]
    )


def test_rating_changes_only_her_own_rating(cast: Cast) -> None:
    """The rate endpoint keys on the signed-in member: ids of another member's rating in
    the form are ignored."""
    client = cast.client("professional")
    su_before = rating_of(cast, "service_user")
    su_versions = list(su_before.versions.values_list("pk", "score"))

    response = client.post(
        f"/consultations/{cast.ids['shared_round']}/pages/{cast.ids['section']}/rate/",
        {
            **rating_form_data(cast.members["professional"]),
            "block_id": cast.item_ids[0],
            "choice": "5",
            "reason": "My own view.",
            # What a curious member might add by hand: none of it is read.
            "member": cast.ids["service_user"],
            "rating": su_before.pk,
            "pk": su_before.pk,
        },
    )

    assert response.status_code == 302
    assert (rating_of(cast, "professional").score, rating_of(cast, "professional").reason) == (
        5,
        "My own view.",
    )
    su_after = rating_of(cast, "service_user")
    assert (su_after.score, su_after.reason) == (su_before.score, su_before.reason)
    assert list(su_after.versions.values_list("pk", "score")) == su_versions


def test_withdrawn_member_can_do_none_of_it(cast: Cast) -> None:
    client = cast.client("withdrawn")
    member = cast.members["withdrawn"]
    own = Comment.objects.get(pk=cast.ids["withdrawn_comment"])
    shared_round, section = cast.ids["shared_round"], cast.ids["section"]
    before = contributions_state()

    responses = [
        client.get(f"/consultations/{shared_round}/pages/{section}/"),
        client.post(
            f"/consultations/{shared_round}/pages/{section}/rate/",
            rating_form_data(member, block_id=cast.item_ids[0], choice="5", reason=""),
        ),
        client.post(
            f"/consultations/{shared_round}/pages/{section}/comment/",
            comment_form_data(member, block_id=cast.item_ids[0], body="After leaving.", quote=""),
        ),
        client.post(
            f"/consultations/{shared_round}/pages/{section}/comment/",
            comment_form_data(
                member, parent=cast.ids["su_comment"], body="A reply after leaving.", quote=""
            ),
        ),
        # Her own comment, from before she withdrew.
        client.get(comment_url(cast, "withdrawn_comment", "edit")),
        client.post(
            comment_url(cast, "withdrawn_comment", "edit"),
            {"body": "Changed.", **started_from(own)},
        ),
        client.post(comment_url(cast, "withdrawn_comment", "withdraw"), started_from(own)),
        # And another's.
        client.post(comment_url(cast, "su_comment", "withdraw")),
    ]

    assert [response.status_code for response in responses] == [404] * len(responses)
    assert contributions_state() == before
