"""How many comments and ratings a member may send in ten minutes: never a limit for a
person, always one for a script; met, she is told when to try again and keeps her words."""

import time
from itertools import cycle, islice

from django.conf import settings

import django_ratelimit.core
import pytest
from bs4 import BeautifulSoup

from consultations.models import Comment, Member, Rating
from tests.consultations.conftest import comment_form_data, rating_form_data, started_from
from tests.consultations.urls import comment_url, edit_url, rate_url
from tests.factories import MemberFactory


def limit_of(kind: str) -> int:
    return int(settings.CONSULTATIONS_RATE_LIMITS[kind].split("/")[0])


def text_of(response) -> str:
    return " ".join(BeautifulSoup(response.content, "html.parser").get_text(" ").split())


def signed_in(client) -> Member:
    return Member.objects.get(user_id=client.session["_auth_user_id"])


def rate(client, round_page, block_id: str, choice: str = "7", reason: str = ""):
    data = rating_form_data(signed_in(client), block_id=block_id, choice=choice, reason=reason)
    return client.post(rate_url(round_page), data)


def comment(client, round_page, block_id: str, body: str):
    data = comment_form_data(signed_in(client), block_id=block_id, body=body)
    return client.post(comment_url(round_page), data)


@pytest.fixture
def willow(client, service_user):
    client.force_login(service_user.user)
    return client


class Clock:
    """django-ratelimit's clock, held still so a ten-minute window cannot end mid-test."""

    def __init__(self) -> None:
        self.now = time.time()

    def time(self) -> float:
        return self.now


@pytest.fixture(autouse=True)
def clock(monkeypatch) -> Clock:
    clock = Clock()
    monkeypatch.setattr(django_ratelimit.core, "time", clock)
    return clock


def test_rating_fifteen_items_quickly_and_changing_them_is_never_limited(
    willow, round_page, item_ids
):
    for number, block_id in enumerate(islice(cycle(item_ids), 15)):
        response = rate(willow, round_page, block_id, choice=str(1 + number % 9))
        assert response.status_code == 302

    assert Rating.objects.count() == len(item_ids)


def test_a_dozen_comments_in_a_row_are_never_limited(willow, round_page, item_ids):
    for number in range(12):
        response = comment(willow, round_page, item_ids[0], f"Point {number} about sharing.")
        assert response.status_code == 302

    assert Comment.objects.count() == 12


def test_a_script_posting_ratings_is_stopped_and_told_when_to_try_again(
    willow, round_page, item_ids
):
    limit = limit_of("rating")
    for number, block_id in enumerate(islice(cycle(item_ids), limit)):
        assert rate(willow, round_page, block_id, choice=str(1 + number % 9)).status_code == 302
    before = list(Rating.objects.values_list("block_id", "score", "reason"))

    response = rate(willow, round_page, item_ids[0], choice="2", reason="My reason stays.")

    assert response.status_code == 429
    text = text_of(response)
    assert "You have sent a lot of ratings in a short time, so this one is not saved yet." in text
    assert "Send it again after" in text
    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.find(id=f"rate-{item_ids[0]}-reason").get_text() == "My reason stays."
    assert list(Rating.objects.values_list("block_id", "score", "reason")) == before


def test_a_script_posting_comments_is_stopped_and_her_words_stay_in_the_box(
    willow, round_page, item_ids
):
    for number in range(limit_of("comment")):
        assert comment(willow, round_page, item_ids[1], f"Comment {number}.").status_code == 302

    response = comment(willow, round_page, item_ids[1], "Words she must not lose.")

    assert response.status_code == 429
    text = text_of(response)
    assert "You have sent a lot of comments in a short time" in text
    assert "Your words are still below: send them again after" in text
    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.find(id=f"comment-{item_ids[1]}-body").get_text() == "Words she must not lose."
    assert not Comment.objects.filter(body="Words she must not lose.").exists()


def test_the_limit_is_hers_alone_and_ends_when_the_ten_minutes_are_up(
    willow, client, round_page, item_ids, open_round, clock
):
    for number in range(limit_of("comment")):
        comment(willow, round_page, item_ids[1], f"Comment {number}.")
    assert comment(willow, round_page, item_ids[1], "One too many.").status_code == 429

    other = MemberFactory(pseudonym="Hazel")
    client.force_login(other.user)
    assert comment(client, round_page, item_ids[1], "Hazel's first.").status_code == 302

    client.force_login(Comment.objects.first().author.user)
    clock.now += 10 * 60 + 1  # as if she had waited ten minutes
    assert comment(client, round_page, item_ids[1], "After the wait.").status_code == 302
    assert Comment.objects.filter(body="After the wait.").exists()


def test_a_script_changing_a_comment_over_and_over_is_stopped_and_keeps_her_words(
    willow, round_page, item_ids
):
    """Each change keeps a version, so changes count with new comments."""
    assert comment(willow, round_page, item_ids[1], "First words.").status_code == 302
    mine = Comment.objects.get()
    url = edit_url(mine)

    def change(body: str):
        return willow.post(url, {"body": body, "quote": "", **started_from(mine)})

    for number in range(limit_of("comment") - 1):
        assert change(f"Change {number}.").status_code == 302
    versions = mine.versions.count()

    response = change("Words she must not lose.")

    assert response.status_code == 429
    assert "You have sent a lot of comments in a short time" in text_of(response)
    soup = BeautifulSoup(response.content, "html.parser")
    assert "Words she must not lose." in soup.find("textarea", attrs={"name": "body"}).get_text()
    assert mine.versions.count() == versions
