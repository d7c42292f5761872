"""Forms sent at once: the same member's rating and comment forms from many threads, and
one comment changed in many tabs.

Each thread has its own database connection and works on committed data, and all start
together at a barrier: what the tests prove is what PostgreSQL does with simultaneous
requests, not what Python does with one request at a time.
"""

import threading
from collections import Counter
from collections.abc import Callable

from django.db import connection, connections
from django.test import Client

import pytest

from consultations.enums import VersionKind
from consultations.form_tokens import RATING, form_token_issue, form_token_read
from consultations.models import Comment, Rating, RatingVersion
from consultations.services import AlreadySaved, comment_post, rating_set
from tests.consultations.conftest import rating_form_data
from tests.consultations.test_concurrency import (
    comment_url,
    edit_url,
    form_errors,
    form_fields,
    item_form,
    rate_url,
    signed_in,
    soup_of,
    withdraw_url,
)
from tests.factories import MemberFactory

THREADS = 20

# Committed data that every thread's own connection can see. The data the migrations made
# (the site, its pages, the vocabularies) is put back before each test.
pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="writers at once need PostgreSQL's row locks; SQLite locks the whole file",
    ),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("migrated_data_put_back"),
]


@pytest.fixture
def no_rate_limits(settings) -> None:
    """Many requests at once from one member test the database here, not the rate limits
    on the same views, which have tests of their own."""
    settings.RATELIMIT_ENABLE = False


def at_once(count: int, work: Callable[[int], object]) -> list[object]:
    """Run ``work(0)`` to ``work(count - 1)`` in threads that start together; each result,
    or the exception it raised."""
    barrier = threading.Barrier(count)
    results: list[object] = [None] * count

    def run(index: int) -> None:
        try:
            barrier.wait(timeout=30)
            results[index] = work(index)
        except Exception as error:  # noqa: BLE001 (the test inspects every outcome)
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a submission never finished"
    return results


def same_browser(browser: Client, count: int) -> list[Client]:
    """Clients sharing one browser's session, one per thread: the same button pressed again
    and again. Each has its own copy of the cookies, as threads must not share one."""
    clients = [Client() for _ in range(count)]
    for client in clients:
        client.cookies.update(browser.cookies)
    return clients


def assert_history_consistent(rating: Rating, submitted: list[int]) -> list[RatingVersion]:
    """One history, oldest first: made once, then only real changes, each a score she sent,
    in the order they were stored, ending at the current rating."""
    versions = list(rating.versions.order_by("pk"))
    assert [v.kind for v in versions] == [VersionKind.CREATED] + [VersionKind.EDITED] * (
        len(versions) - 1
    )
    times = [v.created_at for v in versions]
    assert times == sorted(times)
    scores = [v.score for v in versions]
    assert all(before != after for before, after in zip(scores, scores[1:], strict=False))
    sent = Counter(submitted)
    assert all(count <= sent[score] for score, count in Counter(scores).items())
    assert (rating.score, rating.abstention, rating.reason) == (
        versions[-1].score,
        versions[-1].abstention,
        versions[-1].reason,
    )
    return versions


def test_same_rating_from_20_threads_through_the_service_leaves_one_rating_made_once(
    open_round, round_page, service_user, item_ids
):
    def submit(index: int) -> RatingVersion:
        return rating_set(
            round=open_round,
            member=service_user,
            page_id=round_page.page_id,
            block_id=item_ids[0],
            score=7,
            reason="Joined-up care.",
        )

    results = at_once(THREADS, submit)

    assert not [r for r in results if isinstance(r, BaseException)], results
    rating = Rating.objects.get()
    versions = assert_history_consistent(rating, [7] * THREADS)
    assert len(versions) == 1
    assert {r.pk for r in results} == {versions[0].pk}


def test_different_ratings_from_20_threads_through_the_service_leave_one_consistent_history(
    open_round, round_page, service_user, item_ids
):
    scores = [1 + index % 9 for index in range(THREADS)]

    def submit(index: int) -> RatingVersion:
        return rating_set(
            round=open_round,
            member=service_user,
            page_id=round_page.page_id,
            block_id=item_ids[0],
            score=scores[index],
        )

    results = at_once(THREADS, submit)

    assert not [r for r in results if isinstance(r, BaseException)], results
    rating = Rating.objects.get()
    versions = assert_history_consistent(rating, scores)
    # Every stored version is what one submission was told was stored, and the reverse.
    assert {r.pk for r in results} == {v.pk for v in versions}


def test_one_rating_form_sent_from_20_threads_stores_one_version(
    open_round, round_page, service_user, item_ids
):
    token = form_token_read(
        member_pk=service_user.pk,
        purpose=RATING,
        token=form_token_issue(member_pk=service_user.pk, purpose=RATING),
    )

    def submit(index: int) -> object:
        try:
            return rating_set(
                round=open_round,
                member=service_user,
                page_id=round_page.page_id,
                block_id=item_ids[0],
                score=3,
                form_token=token,
            )
        except AlreadySaved as saved:
            return saved

    results = at_once(THREADS, submit)

    stored = [r for r in results if isinstance(r, RatingVersion)]
    told = [r for r in results if isinstance(r, AlreadySaved)]
    assert len(stored) == 1 and len(told) == THREADS - 1
    assert {saved.version.pk for saved in told} == {stored[0].pk}
    assert RatingVersion.objects.get().form_token == token


@pytest.mark.usefixtures("no_rate_limits")
def test_one_rating_form_posted_from_20_threads_stores_one_rating(
    round_page, service_user, item_ids
):
    browser = signed_in(service_user)
    form = item_form(browser, round_page, item_ids[0], "app-rating-form")
    data = {**form, "choice": "6", "reason": "Sent many times."}
    clicks = same_browser(browser, THREADS)

    def send(index: int) -> object:
        return clicks[index].post(rate_url(round_page), data)

    responses = at_once(THREADS, send)

    assert not [r for r in responses if isinstance(r, BaseException)], responses
    assert [r.status_code for r in responses] == [302] * THREADS
    rating = Rating.objects.get()
    assert (rating.score, rating.reason) == (6, "Sent many times.")
    assert rating.versions.count() == 1


@pytest.mark.usefixtures("no_rate_limits")
def test_different_ratings_posted_from_20_threads_leave_one_consistent_history(
    round_page, service_user, item_ids
):
    scores = [1 + index % 9 for index in range(THREADS)]
    clients = [signed_in(service_user) for _ in range(THREADS)]

    def send(index: int) -> object:
        data = rating_form_data(service_user, block_id=item_ids[1], choice=str(scores[index]))
        return clients[index].post(rate_url(round_page), data)

    responses = at_once(THREADS, send)

    assert not [r for r in responses if isinstance(r, BaseException)], responses
    assert [r.status_code for r in responses] == [302] * THREADS
    assert_history_consistent(Rating.objects.get(), scores)


@pytest.mark.usefixtures("no_rate_limits")
@pytest.mark.parametrize("clicks", [2, THREADS])
def test_double_clicked_comment_form_stores_one_comment(
    round_page, service_user, item_ids, clicks
):
    browser = signed_in(service_user)
    form = item_form(browser, round_page, item_ids[2], "app-comment-form")
    data = {**form, "body": "Care should not stop at six weeks.", "quote": ""}
    senders = same_browser(browser, clicks)

    def send(index: int) -> object:
        return senders[index].post(comment_url(round_page), data)

    responses = at_once(clicks, send)

    assert not [r for r in responses if isinstance(r, BaseException)], responses
    comment = Comment.objects.get()
    assert comment.versions.count() == 1
    # Every click lands on the one comment.
    assert {r.status_code for r in responses} == {302}
    assert {r["Location"].rsplit("#", 1)[1] for r in responses} == {f"comment-{comment.pk}"}


@pytest.mark.usefixtures("no_rate_limits")
def test_comment_changed_in_many_tabs_at_once_takes_one_change_and_tells_the_others(
    open_round, round_page, service_user
):
    comment = comment_post(
        round=open_round, member=service_user, page_id=round_page.page_id, body="First."
    ).comment
    tabs = [signed_in(service_user) for _ in range(THREADS)]
    forms = [
        form_fields(soup_of(tab.get(edit_url(comment))).find("main").find("form", method="post"))
        for tab in tabs
    ]

    def send(index: int) -> object:
        return tabs[index].post(edit_url(comment), {**forms[index], "body": f"Tab {index}."})

    responses = at_once(THREADS, send)

    assert not [r for r in responses if isinstance(r, BaseException)], responses
    saved = [i for i, r in enumerate(responses) if r.status_code == 302]
    assert len(saved) == 1
    comment.refresh_from_db()
    assert comment.body == f"Tab {saved[0]}."
    assert [v.body for v in comment.versions.all()] == ["First.", f"Tab {saved[0]}."]
    for index, response in enumerate(responses):
        if index in saved:
            continue
        assert response.status_code == 200
        assert "changed in another window or tab" in form_errors(response)
        soup = soup_of(response)
        assert soup.find("textarea", attrs={"name": "body"}).get_text() == f"Tab {index}."
        assert f"Tab {saved[0]}." in soup.find(class_="app-comment-current").get_text()


@pytest.mark.usefixtures("no_rate_limits")
def test_change_and_withdrawal_from_two_tabs_at_once_never_both_happen(
    open_round, round_page, service_user
):
    comment = comment_post(
        round=open_round, member=service_user, page_id=round_page.page_id, body="First."
    ).comment
    editing, withdrawing = signed_in(service_user), signed_in(service_user)
    edit_form = form_fields(
        soup_of(editing.get(edit_url(comment))).find("main").find("form", method="post")
    )
    withdraw_form = form_fields(
        soup_of(withdrawing.get(withdraw_url(comment))).find("main").find("form", method="post")
    )

    def send(index: int) -> object:
        if index == 0:
            return editing.post(edit_url(comment), {**edit_form, "body": "Changed."})
        return withdrawing.post(withdraw_url(comment), withdraw_form)

    responses = at_once(2, send)

    assert not [r for r in responses if isinstance(r, BaseException)], responses
    assert sorted(r.status_code for r in responses) == [200, 302]
    comment.refresh_from_db()
    kinds = [v.kind for v in comment.versions.all()]
    if comment.is_withdrawn:
        assert kinds == [VersionKind.CREATED, VersionKind.WITHDRAWN]
        assert comment.body == "First."
    else:
        assert kinds == [VersionKind.CREATED, VersionKind.EDITED]
        assert comment.body == "Changed."


def test_members_rating_the_same_item_at_once_each_keep_their_own_rating(
    open_round, round_page, item_ids
):
    members = [MemberFactory() for _ in range(THREADS)]

    def submit(index: int) -> RatingVersion:
        return rating_set(
            round=open_round,
            member=members[index],
            page_id=round_page.page_id,
            block_id=item_ids[0],
            score=1 + index % 9,
        )

    results = at_once(THREADS, submit)

    assert not [r for r in results if isinstance(r, BaseException)], results
    assert Rating.objects.count() == THREADS
    assert sorted(Rating.objects.values_list("score", flat=True)) == sorted(
        1 + index % 9 for index in range(THREADS)
    )
