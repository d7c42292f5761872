"""What the fuzz tests found, each pinned down by the smallest example."""

from django.urls import reverse

from consultations.models import Comment

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
