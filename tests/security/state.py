"""Everything members have said, as one comparable value: a refused request leaves it as
it was."""

from consultations.models import Comment, CommentVersion, Rating, RatingVersion


def contributions_state() -> dict[str, list[tuple]]:
    return {
        "comments": list(
            Comment.objects.order_by("pk").values_list(
                "pk", "round_id", "author_id", "parent_id", "body", "quote", "withdrawn_at"
            )
        ),
        "comment_versions": list(
            CommentVersion.objects.order_by("pk").values_list("pk", "comment_id", "kind", "body")
        ),
        "ratings": list(
            Rating.objects.order_by("pk").values_list(
                "pk", "round_id", "member_id", "block_id", "score", "abstention", "reason"
            )
        ),
        "rating_versions": list(
            RatingVersion.objects.order_by("pk").values_list("pk", "rating_id", "score", "reason")
        ),
    }
