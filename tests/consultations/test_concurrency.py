"""Forms sent twice and one comment changed in two tabs, one request after the other.

The same, sent at once from many threads, is in ``test_concurrency_threads``.
"""

from django.db import IntegrityError, transaction
from django.test import Client

import pytest
from bs4 import BeautifulSoup

from consultations.enums import VersionKind
from consultations.form_tokens import COMMENT, RATING, form_token_issue, form_token_read
from consultations.forms import FORM_OUT_OF_DATE
from consultations.models import Comment, CommentVersion, Rating, RatingVersion
from consultations.selectors import comment_newest_version_pk
from consultations.services import AlreadySaved, comment_edit, comment_post
from tests.consultations.conftest import started_from
from tests.consultations.urls import comment_url, edit_url, page_url, rate_url, withdraw_url


def soup_of(response) -> BeautifulSoup:
    return BeautifulSoup(response.content, "html.parser")


def form_fields(form) -> dict[str, str]:
    """What a rendered form sends of itself: its hidden inputs."""
    return {
        field["name"]: field.get("value", "")
        for field in form.find_all("input", attrs={"type": "hidden"})
        if field["name"] != "csrfmiddlewaretoken"
    }


def item_form(client, round_page, block_id: str, form_class: str) -> dict[str, str]:
    soup = soup_of(client.get(page_url(round_page)))
    return form_fields(soup.find(id=f"item-{block_id}").find("form", class_=form_class))


def banner(response) -> str:
    found = soup_of(response).find(class_="nhsuk-notification-banner__heading")
    return found.get_text(" ", strip=True) if found else ""


def form_errors(response) -> str:
    found = soup_of(response).find(class_="app-form-errors")
    return found.get_text(" ", strip=True) if found else ""


def signed_in(member) -> Client:
    client = Client()
    client.force_login(member.user)
    return client


# The token -------------------------------------------------------------------------------


def test_a_token_is_only_good_for_the_member_and_the_form_it_was_issued_for(
    service_user, professional
):
    token = form_token_issue(member_pk=service_user.pk, purpose=COMMENT)

    assert form_token_read(member_pk=service_user.pk, purpose=COMMENT, token=token)
    assert form_token_read(member_pk=professional.pk, purpose=COMMENT, token=token) is None
    assert form_token_read(member_pk=service_user.pk, purpose=RATING, token=token) is None
    assert form_token_read(member_pk=service_user.pk, purpose=COMMENT, token=token[:-1]) is None
    assert form_token_read(member_pk=service_user.pk, purpose=COMMENT, token="") is None


def test_every_form_on_the_round_page_carries_its_own_token(
    round_page, service_user, item_ids, client
):
    client.force_login(service_user.user)
    soup = soup_of(client.get(page_url(round_page)))

    tokens = [field["value"] for field in soup.find_all("input", attrs={"name": "form_token"})]

    # A rating and a comment form per item, and a comment form for the whole page.
    assert len(tokens) == 2 * len(item_ids) + 1
    assert len(set(tokens)) == len(tokens)


# A form sent twice, one after the other ---------------------------------------------------


def test_comment_form_sent_twice_stores_one_comment_and_says_it_was_already_saved(
    round_page, service_user, item_ids, client
):
    client.force_login(service_user.user)
    form = item_form(client, round_page, item_ids[0], "app-comment-form")
    data = {**form, "body": "One care plan, please.", "quote": ""}

    first = client.post(comment_url(round_page), data, follow=True)
    again = client.post(comment_url(round_page), data, follow=True)

    comment = Comment.objects.get()
    assert banner(first) == "Your comment is saved."
    assert first.redirect_chain[0][0].endswith(f"#comment-{comment.pk}")
    assert again.redirect_chain[0][0].endswith(f"#comment-{comment.pk}")
    assert banner(again) == "Your comment was already saved."
    assert soup_of(again).get_text().count("One care plan, please.") == 1
    assert comment.versions.count() == 1


def test_rating_form_resent_after_a_later_change_does_not_undo_it(
    round_page, service_user, item_ids, client
):
    client.force_login(service_user.user)
    first_form = item_form(client, round_page, item_ids[0], "app-rating-form")
    client.post(rate_url(round_page), {**first_form, "choice": "5"}, follow=True)
    second_form = item_form(client, round_page, item_ids[0], "app-rating-form")
    client.post(rate_url(round_page), {**second_form, "choice": "8"}, follow=True)

    # She goes back twice in the browser and sends the first form again.
    response = client.post(rate_url(round_page), {**first_form, "choice": "5"}, follow=True)

    assert banner(response) == "Your rating was already saved."
    rating = Rating.objects.get()
    assert rating.score == 8
    assert [v.score for v in rating.versions.all()] == [5, 8]


@pytest.mark.parametrize(
    "token",
    [
        pytest.param(None, id="missing"),
        pytest.param("made-up", id="made-up"),
        pytest.param("someone-elses", id="another-members"),
    ],
)
def test_comment_without_a_good_token_is_refused_keeping_her_words_and_saved_when_resent(
    round_page, service_user, professional, item_ids, client, token
):
    data = {"block_id": item_ids[0], "body": "Keep my words.", "quote": "one care plan"}
    if token == "someone-elses":
        data["form_token"] = form_token_issue(member_pk=professional.pk, purpose=COMMENT)
    elif token:
        data["form_token"] = token
    client.force_login(service_user.user)

    response = client.post(comment_url(round_page), data)

    assert response.status_code == 200
    assert "This form was out of date, so nothing has been saved yet." in form_errors(response)
    box = soup_of(response).find(id=f"item-{item_ids[0]}").find("form", class_="app-comment-form")
    assert box.find("textarea", attrs={"name": "body"}).get_text() == "Keep my words."
    assert Comment.objects.count() == 0

    # The form shown again has a fresh token: sending it as it is saves her comment.
    resent = client.post(comment_url(round_page), {**data, **form_fields(box)})
    assert resent.status_code == 302
    assert Comment.objects.get().body == "Keep my words."


def test_rating_without_a_good_token_is_refused_keeping_her_reason(
    round_page, service_user, item_ids, client
):
    client.force_login(service_user.user)
    data = {"block_id": item_ids[0], "choice": "7", "reason": "Joined-up care.", "form_token": "x"}

    response = client.post(rate_url(round_page), data)

    assert response.status_code == 200
    assert "This form was out of date" in form_errors(response)
    box = soup_of(response).find(id=f"item-{item_ids[0]}").find("form", class_="app-rating-form")
    assert box.find("textarea", attrs={"name": "reason"}).get_text() == "Joined-up care."
    assert not Rating.objects.exists() and not RatingVersion.objects.exists()


def test_the_database_refuses_a_second_version_with_the_same_token(
    open_round, round_page, service_user, item_ids
):
    token = form_token_read(
        member_pk=service_user.pk,
        purpose=COMMENT,
        token=form_token_issue(member_pk=service_user.pk, purpose=COMMENT),
    )
    first = comment_post(
        round=open_round,
        member=service_user,
        page_id=round_page.page_id,
        body="Once.",
        form_token=token,
    )

    with pytest.raises(AlreadySaved) as saved:
        comment_post(
            round=open_round,
            member=service_user,
            page_id=round_page.page_id,
            body="Once.",
            form_token=token,
        )

    assert saved.value.version == first
    with pytest.raises(IntegrityError), transaction.atomic():
        CommentVersion.objects.create(
            comment=first.comment, kind=VersionKind.EDITED, body="Twice.", form_token=token
        )


# One comment changed in two tabs, one after the other --------------------------------------


def test_second_tab_saving_an_older_version_is_told_keeps_her_words_and_sees_the_current(
    open_round, round_page, service_user, client
):
    comment = comment_post(
        round=open_round, member=service_user, page_id=round_page.page_id, body="First."
    ).comment
    client.force_login(service_user.user)
    tab_a = form_fields(
        soup_of(client.get(edit_url(comment))).find("main").find("form", method="post")
    )
    tab_b = form_fields(
        soup_of(client.get(edit_url(comment))).find("main").find("form", method="post")
    )

    assert client.post(edit_url(comment), {**tab_a, "body": "From tab A."}).status_code == 302
    response = client.post(edit_url(comment), {**tab_b, "body": "From tab B."})

    assert response.status_code == 200
    soup = soup_of(response)
    assert "changed in another window or tab" in form_errors(response)
    assert soup.find("textarea", attrs={"name": "body"}).get_text() == "From tab B."
    assert "From tab A." in soup.find(class_="app-comment-current").get_text()
    comment.refresh_from_db()
    assert comment.body == "From tab A."

    # Having seen the current words, she saves hers again: now it is her choice.
    merged = {
        **form_fields(soup.find("main").find("form", method="post")),
        "body": "From A and B.",
    }
    assert client.post(edit_url(comment), merged).status_code == 302
    comment.refresh_from_db()
    assert comment.body == "From A and B."
    assert [v.body for v in comment.versions.all()] == [
        "First.",
        "From tab A.",
        "From A and B.",
    ]


def test_change_form_sent_twice_is_saved_once(open_round, round_page, service_user, client):
    comment = comment_post(
        round=open_round, member=service_user, page_id=round_page.page_id, body="First."
    ).comment
    client.force_login(service_user.user)
    form = form_fields(
        soup_of(client.get(edit_url(comment))).find("main").find("form", method="post")
    )

    client.post(edit_url(comment), {**form, "body": "Second."}, follow=True)
    again = client.post(edit_url(comment), {**form, "body": "Second."}, follow=True)

    assert banner(again) == "Your change was already saved."
    assert [v.kind for v in comment.versions.all()] == [VersionKind.CREATED, VersionKind.EDITED]


def test_change_form_that_lost_its_version_is_refused_and_shows_the_current_words(
    open_round, round_page, service_user, client
):
    comment = comment_post(
        round=open_round, member=service_user, page_id=round_page.page_id, body="First."
    ).comment
    client.force_login(service_user.user)

    response = client.post(edit_url(comment), {"body": "Without a version.", "quote": ""})

    assert response.status_code == 200
    assert "changed in another window or tab" in form_errors(response)
    soup = soup_of(response)
    assert soup.find("textarea", attrs={"name": "body"}).get_text() == "Without a version."
    comment.refresh_from_db()
    assert comment.body == "First."


def test_withdrawing_a_comment_changed_in_another_tab_asks_her_to_look_again(
    open_round, round_page, service_user, client
):
    comment = comment_post(
        round=open_round, member=service_user, page_id=round_page.page_id, body="First."
    ).comment
    client.force_login(service_user.user)
    withdraw_form = form_fields(
        soup_of(client.get(withdraw_url(comment))).find("main").find("form", method="post")
    )
    comment_edit(
        comment=comment,
        member=service_user,
        body="Changed in tab A.",
        started_from=comment_newest_version_pk(comment),
    )

    response = client.post(withdraw_url(comment), withdraw_form)

    assert response.status_code == 200
    assert "it has not been withdrawn" in form_errors(response)
    soup = soup_of(response)
    assert "Changed in tab A." in soup.find(class_="app-comment-to-withdraw").get_text()
    comment.refresh_from_db()
    assert not comment.is_withdrawn

    confirmed = client.post(
        withdraw_url(comment), form_fields(soup.find("main").find("form", method="post"))
    )
    assert confirmed.status_code == 302
    comment.refresh_from_db()
    assert comment.is_withdrawn


def test_change_sent_after_another_tab_withdrew_the_comment_shows_her_words_to_copy(
    open_round, round_page, service_user, client
):
    comment = comment_post(
        round=open_round, member=service_user, page_id=round_page.page_id, body="First."
    ).comment
    client.force_login(service_user.user)
    edit_form = form_fields(
        soup_of(client.get(edit_url(comment))).find("main").find("form", method="post")
    )
    client.post(withdraw_url(comment), started_from(comment))

    response = client.post(edit_url(comment), {**edit_form, "body": "Words worth keeping."})

    assert response.status_code == 200
    soup = soup_of(response)
    assert "You withdrew this comment" in soup.find(class_="nhsuk-error-summary").get_text()
    assert "Words worth keeping." in soup.find(class_="app-comment-text-kept").get_text()


def test_token_with_a_null_character_is_refused_as_out_of_date_only(
    round_page, service_user, item_ids, client
):
    client.force_login(service_user.user)
    data = {"block_id": item_ids[0], "body": "Still mine.", "form_token": "abc\x00def"}

    response = client.post(comment_url(round_page), data)

    assert response.status_code == 200
    summary = soup_of(response).find(class_="nhsuk-error-summary")
    assert [li.get_text(strip=True) for li in summary.find_all("li")] == [str(FORM_OUT_OF_DATE)]
    assert not Comment.objects.exists()


def test_change_form_sent_twice_after_closing_is_kept_once_for_the_research_team(
    open_round, round_page, service_user, client, close_round
):
    comment = comment_post(
        round=open_round, member=service_user, page_id=round_page.page_id, body="First."
    ).comment
    client.force_login(service_user.user)
    form = form_fields(
        soup_of(client.get(edit_url(comment))).find("main").find("form", method="post")
    )
    close_round(open_round)

    client.post(edit_url(comment), {**form, "body": "Too late."}, follow=True)
    again = client.post(edit_url(comment), {**form, "body": "Too late."}, follow=True)

    assert banner(again) == "Your change was already saved."
    assert [(v.body, v.late) for v in comment.versions.all()] == [
        ("First.", False),
        ("Too late.", True),
    ]
    comment.refresh_from_db()
    assert comment.body == "First."
