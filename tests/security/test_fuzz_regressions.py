"""What the fuzz tests found, each pinned down by the smallest example."""

from django.urls import reverse

import pytest

from consultations.models import Comment
from tests.factories import EditorFactory

from .fuzz_support import form_values, hidden_inputs, post_form
from .test_fuzz_rounds import Cast


def test_a_comment_with_a_nul_character_is_refused_with_her_words_kept(client, home_page):
    cast = Cast(home_page)
    client.force_login(cast.member.user)
    before = Comment.objects.count()

    response = client.post(
        reverse("consultations:comment", args=[cast.round.pk, cast.page.pk]),
        {"block_id": cast.item_ids[0], "body": "Care plans\x00 help.", "quote": "one plan"},
    )

    assert response.status_code == 200
    assert Comment.objects.count() == before
    content = response.content.decode()
    assert "Null characters are not allowed." in content
    assert "one plan" in content


@pytest.mark.parametrize("page_id", [":", "0", "1\x00", "²", "9" * 400])
def test_a_round_with_a_malformed_or_missing_page_is_refused_beside_the_field(
    client, home_page, page_id
):
    cast = Cast(home_page)
    client.force_login(EditorFactory())
    url = reverse("rounds:edit", args=[cast.round.pk])
    data = form_values(client.get(url).content, with_field="title")
    assert data["round_pages-0-revision"]  # a revision is chosen: it must not outlive the page

    response = post_form(client, url, {**data, "round_pages-0-page": page_id})

    assert response.status_code == 200
    assert "page" in response.context["form"].formsets["round_pages"].forms[0].errors
    assert cast.round.round_pages.get().page_id == cast.page.pk


@pytest.mark.parametrize("instructions", ["", "not json", "[1, 2]", '{"blocks": 5}'])
def test_round_instructions_that_are_not_the_editors_json_are_refused_beside_the_field(
    client, home_page, instructions
):
    cast = Cast(home_page)
    client.force_login(EditorFactory())
    url = reverse("rounds:edit", args=[cast.round.pk])
    data = form_values(client.get(url).content, with_field="title")

    response = post_form(client, url, {**data, "instructions": instructions, "title": "Changed"})

    assert response.status_code == 200
    assert "could not be read" in str(response.context["form"].errors["instructions"])
    cast.round.refresh_from_db()
    assert cast.round.title != "Changed"


def test_a_sign_in_with_an_overlong_username_is_refused_clearly(client, db):
    response = client.post(reverse("login"), {"username": "a" * 300, "password": "whatever"})

    assert response.status_code == 200
    assert "at most 254 characters" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("form_index", [0, 1, 2])
@pytest.mark.parametrize("body", ["", "Hello."])
def test_a_comment_with_a_malformed_item_id_is_not_found(client, home_page, form_index, body):
    cast = Cast(home_page)
    client.force_login(cast.member.user)
    url = reverse("consultations:round_page", args=[cast.round.pk, cast.page.pk])
    action = reverse("consultations:comment", args=[cast.round.pk, cast.page.pk])
    data = hidden_inputs(client.get(url).content, action=action)[form_index]
    before = Comment.objects.count()

    response = post_form(client, action, {**data, "block_id": "1\x00", "body": body})

    assert response.status_code == 404
    assert Comment.objects.count() == before


def test_a_round_form_counting_more_pages_than_it_sends_is_shown_again(client, home_page):
    """Found by the fuzz tests: the extra row had no order, and showing the form failed."""
    cast = Cast(home_page)
    client.force_login(EditorFactory())
    url = reverse("rounds:edit", args=[cast.round.pk])
    data = form_values(client.get(url).content, with_field="title")

    # With another error on the form (the audience of an open round is fixed), it is
    # shown again, extra row and all.
    sent = {**data, "audience": "service_users", "round_pages-TOTAL_FORMS": "2"}
    response = post_form(client, url, sent)

    assert response.status_code == 200
    assert cast.round.round_pages.get().page_id == cast.page.pk
