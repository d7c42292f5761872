"""The addresses of a member's round, as the tests ask for them."""

from django.urls import reverse


def round_url(round) -> str:
    return reverse("consultations:round", kwargs={"round_pk": round.pk})


def page_url(round_page) -> str:
    return reverse(
        "consultations:round_page",
        kwargs={"round_pk": round_page.round_id, "page_pk": round_page.page_id},
    )


def rate_url(round_page) -> str:
    return reverse(
        "consultations:rate",
        kwargs={"round_pk": round_page.round_id, "page_pk": round_page.page_id},
    )


def comment_url(round_page) -> str:
    return reverse(
        "consultations:comment",
        kwargs={"round_pk": round_page.round_id, "page_pk": round_page.page_id},
    )


def edit_url(comment) -> str:
    return reverse(
        "consultations:comment_edit",
        kwargs={"round_pk": comment.round_id, "comment_pk": comment.pk},
    )


def withdraw_url(comment) -> str:
    return reverse(
        "consultations:comment_withdraw",
        kwargs={"round_pk": comment.round_id, "comment_pk": comment.pk},
    )
