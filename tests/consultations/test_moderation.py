"""The research team's moderation of a round: the queue and its filters, hiding, showing
again, answering, the audit log, and what members see of it all."""

from datetime import timedelta

from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from wagtail.models import ModelLogEntry

import pytest

from consultations.enums import AnswerStatus, ModerationState, Withdrawal
from consultations.models import Comment, CommentVersion
from consultations.services import (
    comment_answer,
    comment_edit,
    comment_hide,
    comment_post,
    comment_withdraw,
    member_withdraw,
    moderation_visit_record,
)
from tests.consultations.urls import page_url
from tests.factories import EditorFactory, MemberFactory, UserFactory


def queue_url(round) -> str:
    return reverse("rounds:moderation", args=[round.pk])


def post(round, member, body, *, block_id="", parent=None, quote=""):
    page_id = round.round_pages.get().page_id
    return comment_post(
        round=round,
        member=member,
        page_id=page_id,
        block_id=block_id,
        body=body,
        quote=quote,
        parent=parent,
    ).comment


def queue_rows(client, round, **filters) -> str:
    response = client.get(queue_url(round), filters)
    assert response.status_code == 200
    return response.content.decode()


# The queue ------------------------------------------------------------------------------


def test_queue_lists_the_rounds_comments_by_pseudonym_never_by_name(
    editor_client, shared_round, service_user, item_ids
):
    post(shared_round, service_user, "One plan would help me.", block_id=item_ids[1], quote="one")

    html = queue_rows(editor_client, shared_round)

    assert "One plan would help me." in html
    assert "“one”" in html
    assert "Willow (Service user)" in html
    assert "3.2 Each woman has a named lead" in html
    assert service_user.user.last_name not in html
    assert service_user.user.email not in html
    assert service_user.study_site.name not in html


def test_queue_shows_a_reply_as_a_reply_to_its_comment(
    editor_client, shared_round, service_user, professional
):
    first = post(shared_round, service_user, "A first comment.")
    post(shared_round, professional, "A reply to it.", parent=first)

    html = queue_rows(editor_client, shared_round)

    assert f"Reply to comment {first.pk}" in html


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"page": "section"}, {"on item 1", "on the page", "hidden", "withdrawn", "answered"}),
        ({"item": "item 1"}, {"on item 1", "hidden", "withdrawn", "answered"}),
        ({"item": "page"}, {"on the page"}),
        ({"constituency": "professional"}, {"on the page"}),
        ({"state": "visible"}, {"on item 1", "on the page", "answered"}),
        ({"state": "hidden"}, {"hidden"}),
        ({"state": "withdrawn"}, {"withdrawn"}),
        ({"state": "late"}, set()),
        ({"answer": "answered"}, {"answered"}),
        ({"answer": "noted"}, {"answered"}),
        ({"answer": "accepted"}, set()),
        ({"answer": "unanswered"}, {"on item 1", "on the page", "hidden", "withdrawn"}),
    ],
)
def test_queue_filters(
    filters,
    expected,
    editor_client,
    editor,
    shared_round,
    section,
    service_user,
    professional,
    item_ids,
):
    post(shared_round, service_user, "Comment on item 1.", block_id=item_ids[0])
    post(shared_round, professional, "Comment on the page.")
    hidden = post(shared_round, service_user, "Comment hidden.", block_id=item_ids[0])
    comment_hide(comment=hidden, by=editor, reason="It names a person.")
    withdrawn = post(shared_round, service_user, "Comment withdrawn.", block_id=item_ids[0])
    comment_withdraw(comment=withdrawn, member=service_user)
    answered = post(shared_round, service_user, "Comment answered.", block_id=item_ids[0])
    comment_answer(comment=answered, by=editor, status=AnswerStatus.NOTED, response="Thanks.")
    values = {"section": str(section.pk), "item 1": item_ids[0]}
    query = {name: values.get(value, value) for name, value in filters.items()}

    html = queue_rows(editor_client, shared_round, **query)

    shown = {
        label
        for label in ("on item 1", "on the page", "hidden", "withdrawn", "answered")
        if f"Comment {label}." in html
    }
    assert shown == expected


def test_queue_filter_for_late_comments(editor_client, shared_round, service_user, close_round):
    post(shared_round, service_user, "On time.")
    close_round(shared_round)
    post(shared_round, service_user, "After closing.")

    html = queue_rows(editor_client, shared_round, state=ModerationState.LATE)

    assert "After closing." in html
    assert "On time." not in html


def test_new_since_i_last_looked_counts_from_her_previous_visit(
    editor_client, editor, shared_round, service_user
):
    seen = post(shared_round, service_user, "Seen on the first visit.")
    edited = post(shared_round, service_user, "Seen, then edited.")
    # Her first visit: everything is new.
    html = queue_rows(editor_client, shared_round, new="new")
    assert "Seen on the first visit." in html
    an_hour_on = timezone.now() + timedelta(hours=1, minutes=5)
    Comment.objects.filter(pk__in=[seen.pk, edited.pk]).update(
        created_at=timezone.now() - timedelta(minutes=5)
    )
    CommentVersion.objects.filter(comment__in=[seen, edited]).update(
        created_at=timezone.now() - timedelta(minutes=5)
    )
    moderation_visit_record(round=shared_round, user=editor, now=timezone.now())
    post(shared_round, service_user, "Arrived since.")
    comment_edit(comment=edited, member=service_user, body="Changed since.")
    # A second visit, more than an hour after the first: new means since the first.
    moderation_visit_record(round=shared_round, user=editor, now=an_hour_on)

    html = queue_rows(editor_client, shared_round, new="new")

    assert "Arrived since." in html
    assert "Changed since." in html
    assert "Seen on the first visit." not in html
    html = queue_rows(editor_client, shared_round)
    assert html.count("New since you last looked") == 2


def test_a_look_within_the_hour_is_the_same_visit(editor, shared_round):
    start = timezone.now()
    half_an_hour_on = start + timedelta(minutes=30)
    later = half_an_hour_on + timedelta(hours=2)

    def look(now):
        return moderation_visit_record(round=shared_round, user=editor, now=now)

    assert look(start) is None
    assert look(half_an_hour_on) is None
    assert look(later) == half_an_hour_on
    assert look(later + timedelta(minutes=10)) == half_an_hour_on


def test_queue_keeps_its_filters_in_the_links_it_gives(editor_client, shared_round, service_user):
    comment = post(shared_round, service_user, "Keep my place.")

    html = queue_rows(editor_client, shared_round, state="visible")

    answer = reverse("rounds:answer", args=[comment.pk])
    assert (
        f"{answer}?next=%2Fadmin%2Frounds%2Fmoderation%2F{shared_round.pk}%2F%3Fstate%3Dvisible"
        in html
    )


def test_queue_results_fragment_answers_the_filters(editor_client, shared_round, service_user):
    post(shared_round, service_user, "In the fragment.")

    response = editor_client.get(
        reverse("rounds:moderation_results", args=[shared_round.pk]), {"state": "hidden"}
    )

    assert response.status_code == 200
    assert "In the fragment." not in response.content.decode()


def test_round_listing_and_inspect_page_lead_to_the_queue(editor_client, shared_round):
    url = queue_url(shared_round)
    enter = reverse("rounds:enter", args=[shared_round.pk])

    assert url in editor_client.get(reverse("rounds:index")).content.decode()
    inspect = editor_client.get(reverse("rounds:inspect", args=[shared_round.pk])).content.decode()
    assert url in inspect
    assert enter in inspect


# Hiding and showing ---------------------------------------------------------------------


def test_hiding_needs_a_reason_beside_the_field(editor_client, shared_round, service_user):
    comment = post(shared_round, service_user, "Hide me?")

    response = editor_client.post(reverse("rounds:hide", args=[comment.pk]), {"reason": "  "})

    assert response.status_code == 200
    assert "Say why the comment is hidden" in response.content.decode()
    comment.refresh_from_db()
    assert not comment.is_hidden


def test_hiding_goes_back_to_the_queue_with_its_filters(
    editor_client, editor, shared_round, service_user
):
    comment = post(shared_round, service_user, "Names someone.")
    back = f"{queue_url(shared_round)}?state=visible"

    response = editor_client.post(
        f"{reverse('rounds:hide', args=[comment.pk])}?next={back}",
        {"reason": "It names a midwife."},
        follow=True,
    )

    assert response.redirect_chain[0][0] == back
    assert "is hidden from other members" in response.content.decode()
    comment.refresh_from_db()
    assert comment.hidden_reason == "It names a midwife."
    assert comment.hidden_by == editor
    entry = ModelLogEntry.objects.get(action="consultations.comment_hide")
    assert entry.user == editor
    assert entry.data == {"comment": comment.pk, "reason": "It names a midwife."}


def test_a_hidden_comment_is_told_to_her_and_gone_for_others(
    client, editor, shared_round, round_page, service_user, professional
):
    comment = post(shared_round, service_user, "Words others must not read.")
    comment_hide(comment=comment, by=editor, reason="It names a midwife.")

    client.force_login(service_user.user)
    hers = client.get(page_url(round_page)).content.decode()
    client.force_login(professional.user)
    theirs = client.get(page_url(round_page)).content.decode()

    assert "Words others must not read." in hers
    assert "The research team has hidden this comment from other members:" in hers
    assert "It names a midwife." in hers
    assert "Words others must not read." not in theirs
    assert "hidden by the research team" not in theirs
    assert "It names a midwife." not in theirs


def test_a_hidden_comment_with_replies_is_a_placeholder_without_its_words(
    client, editor, shared_round, round_page, service_user, professional
):
    comment = post(shared_round, service_user, "Words others must not read.")
    post(shared_round, professional, "My reply stays.", parent=comment)
    comment_hide(comment=comment, by=editor, reason="It names a midwife.")

    client.force_login(professional.user)
    html = client.get(page_url(round_page)).content.decode()

    assert "This comment was hidden by the research team." in html
    assert "My reply stays." in html
    assert "Words others must not read." not in html
    assert "Willow" not in html
    assert "It names a midwife." not in html


def test_a_hidden_comment_takes_no_replies(editor, shared_round, service_user, professional):
    comment = post(shared_round, service_user, "Hidden.")
    comment = comment_hide(comment=comment, by=editor, reason="A reason.")

    with pytest.raises(ValidationError, match="hidden this comment"):
        post(shared_round, professional, "A reply.", parent=comment)


def test_showing_again_asks_then_shows_it_to_others(
    client, editor_client, editor, shared_round, round_page, service_user, professional
):
    comment = post(shared_round, service_user, "Shown again later.")
    comment_hide(comment=comment, by=editor, reason="A reason.")
    url = reverse("rounds:show", args=[comment.pk])

    assert editor_client.get(url).status_code == 200
    response = editor_client.post(url)

    assert response.status_code == 302
    comment.refresh_from_db()
    assert not comment.is_hidden
    entry = ModelLogEntry.objects.get(action="consultations.comment_show")
    assert (entry.user, entry.data) == (editor, {"comment": comment.pk})
    client.force_login(professional.user)
    assert "Shown again later." in client.get(page_url(round_page)).content.decode()


def test_a_withdrawn_comment_is_not_hidden(editor_client, editor, shared_round, service_user):
    comment = post(shared_round, service_user, "Withdrawn.")
    comment_withdraw(comment=comment, member=service_user)

    response = editor_client.post(reverse("rounds:hide", args=[comment.pk]), {"reason": "Why"})

    assert response.status_code == 302
    comment.refresh_from_db()
    assert not comment.is_hidden


# Answering ------------------------------------------------------------------------------


def test_answer_view_shows_the_comment_in_full_with_its_item_and_replies(
    editor_client, shared_round, service_user, professional, item_ids
):
    comment = post(shared_round, service_user, "First words.", block_id=item_ids[0])
    comment_edit(comment=comment, member=service_user, body="Second words.")
    post(shared_round, professional, "A reply.", parent=comment)

    html = editor_client.get(reverse("rounds:answer", args=[comment.pk])).content.decode()

    assert html.index("Second words.") < html.index("First words.")
    assert "Services share one care plan." in html
    assert "A reply." in html
    assert "Willow (Service user)" in html


def test_answer_errors_are_shown_beside_the_fields_and_nothing_is_lost(
    editor_client, shared_round, service_user
):
    comment = post(shared_round, service_user, "Answer me.")

    response = editor_client.post(
        reverse("rounds:answer", args=[comment.pk]), {"response": "We will think about it."}
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "Choose what the research team did with the comment." in html
    assert "We will think about it." in html
    comment.refresh_from_db()
    assert not comment.is_answered


def test_answering_and_changing_the_answer_are_logged_and_shown_to_members(
    client, editor_client, editor, shared_round, round_page, service_user, professional
):
    comment = post(shared_round, service_user, "Please add a named lead.")
    url = reverse("rounds:answer", args=[comment.pk])

    editor_client.post(url, {"status": "partly_accepted", "response": "We added it in part."})
    editor_client.post(url, {"status": "accepted", "response": "We added it."})

    comment.refresh_from_db()
    assert (comment.answer_status, comment.answer) == ("accepted", "We added it.")
    entries = ModelLogEntry.objects.filter(action__startswith="consultations.comment_answer")
    assert [(e.action, e.user, e.data) for e in entries.order_by("pk")] == [
        (
            "consultations.comment_answer",
            editor,
            {
                "comment": comment.pk,
                "status": "partly_accepted",
                "response": "We added it in part.",
            },
        ),
        (
            "consultations.comment_answer_change",
            editor,
            {"comment": comment.pk, "status": "accepted", "response": "We added it."},
        ),
    ]
    for member in (service_user, professional):
        client.force_login(member.user)
        html = client.get(page_url(round_page)).content.decode()
        assert "The research team&#x27;s answer" in html or "The research team's answer" in html
        assert "Accepted" in html
        assert "We added it." in html


def test_the_answer_in_a_private_round_is_for_her_alone(
    client, editor, open_round, round_page, service_user, professional
):
    comment = post(open_round, service_user, "Private words.")
    comment_answer(comment=comment, by=editor, status="noted", response="Noted, thank you.")

    client.force_login(professional.user)

    assert "Noted, thank you." not in client.get(page_url(round_page)).content.decode()


def test_audit_entries_hold_no_member_words_or_identity(
    editor_client, editor, shared_round, service_user
):
    comment = post(shared_round, service_user, "Secret member words.")
    editor_client.post(reverse("rounds:hide", args=[comment.pk]), {"reason": "A reason."})
    editor_client.post(reverse("rounds:show", args=[comment.pk]))
    editor_client.post(
        reverse("rounds:answer", args=[comment.pk]), {"status": "noted", "response": "Noted."}
    )

    entries = ModelLogEntry.objects.filter(action__startswith="consultations.comment_")
    assert entries.count() == 3
    for entry in entries:
        text = f"{entry.label} {entry.data}"
        for private in ("Secret member words", "Willow", service_user.user.email):
            assert private not in text
    history = editor_client.get(reverse("wagtailadmin_reports:site_history")).content.decode()
    assert "Comment hidden from other members: A reason." in history
    assert "Comment answered: Noted" in history


# Permissions ----------------------------------------------------------------------------


@pytest.fixture
def bare_editor(db):
    """An admin user without the comment permissions."""
    user = UserFactory()
    group = Group.objects.create(name="Admin only")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    group.permissions.add(Permission.objects.get(codename="view_round"))
    user.groups.add(group)
    return user


@pytest.mark.parametrize("view", ["moderation", "moderation_results", "enter"])
def test_round_views_need_the_comment_permissions(client, bare_editor, shared_round, view):
    client.force_login(bare_editor)

    response = client.get(reverse(f"rounds:{view}", args=[shared_round.pk]))

    assert response.status_code == 302
    assert response.url == "/admin/"


@pytest.mark.parametrize("view", ["answer", "hide", "show"])
def test_comment_views_need_the_moderation_permission(
    client, bare_editor, shared_round, service_user, view
):
    comment = post(shared_round, service_user, "Words.")
    client.force_login(bare_editor)

    response = client.post(reverse(f"rounds:{view}", args=[comment.pk]), {"reason": "x"})

    assert response.status_code == 302
    assert response.url == "/admin/"
    comment.refresh_from_db()
    assert not comment.is_hidden


def test_a_member_never_reaches_the_queue(client, shared_round, service_user):
    client.force_login(service_user.user)

    response = client.get(queue_url(shared_round))

    assert response.status_code == 302
    assert response.url.startswith("/admin/login/")


def test_an_unknown_comment_is_not_found(editor_client):
    assert editor_client.get(reverse("rounds:answer", args=[999999])).status_code == 404


def test_editors_may_moderate_from_the_migration(editor):
    assert editor.has_perm("consultations.change_comment")
    assert editor.has_perm("consultations.add_comment")
    assert not MemberFactory().user.has_perm("consultations.change_comment")
    assert not EditorFactory().has_perm("consultations.view_member_identity")


def test_a_deleted_members_placeholder_keeps_no_answer_or_reason_and_the_log_forgets_them(
    editor, shared_round, service_user, professional
):
    comment = post(shared_round, service_user, "Her words, to be deleted.")
    post(shared_round, professional, "A reply that stays.", parent=comment)
    comment_answer(comment=comment, by=editor, status="noted", response="About her words.")
    comment_hide(comment=comment, by=editor, reason="Also about her words.")

    member_withdraw(member=service_user, choice=Withdrawal.DELETED)

    comment.refresh_from_db()
    assert (comment.answer, comment.answer_status, comment.hidden_reason) == ("", "", "")
    assert not comment.is_hidden
    entries = ModelLogEntry.objects.filter(
        object_id=str(comment.pk), action__startswith="consultations.comment_"
    )
    assert entries.count() == 2
    assert all(entry.data == {} for entry in entries)


def test_a_withdrawn_comment_cannot_be_answered_or_shown_again(
    open_round, service_user, editor, editor_client
):
    comment = post(open_round, service_user, "Words she took back.")
    comment_hide(comment=comment, by=editor, reason="Names a member of staff.")
    comment_withdraw(comment=comment, member=service_user)

    with pytest.raises(ValidationError):
        comment_answer(comment=comment, by=editor, status="noted", response="Thank you.")
    answer_page = editor_client.get(reverse("rounds:answer", args=[comment.pk]))
    editor_client.post(reverse("rounds:show", args=[comment.pk]))

    assert answer_page.status_code == 302
    comment.refresh_from_db()
    assert (comment.answer_status, comment.is_hidden) == ("", True)
    assert not ModelLogEntry.objects.filter(
        action__in=["consultations.comment_answer", "consultations.comment_show"]
    ).exists()
