"""Entering a comment or ratings a member gave by phone, at a meeting or in writing: the
two-step admin form, the audit entry, and how it shows to her and to the research team."""

from django.contrib.auth.models import Group, Permission
from django.template.loader import render_to_string
from django.urls import reverse

from wagtail.models import ModelLogEntry

import pytest

from consultations.enums import Audience, EnteredVia
from consultations.models import Comment, Rating
from consultations.services import rating_set
from tests.consultations.conftest import comment_form_data, rating_form_data
from tests.consultations.urls import page_url
from tests.factories import MemberFactory, UserFactory


def enter_url(round, **query) -> str:
    url = reverse("rounds:enter", args=[round.pk])
    if query:
        url += "?" + "&".join(f"{name}={value}" for name, value in query.items())
    return url


def comment_step(round, member, page):
    return enter_url(round, member=member.pk, page=page.pk, kind="comment")


def ratings_step(round, member, page):
    return enter_url(round, member=member.pk, page=page.pk, kind="ratings")


def test_the_first_step_offers_members_of_the_audience_by_pseudonym(
    editor_client, open_round, service_user, professional
):
    open_round.audience = Audience.SERVICE_USERS
    open_round.save(update_fields=["audience"])
    withdrawn = MemberFactory(pseudonym="Hazel")
    withdrawn.withdrawn_at = withdrawn.consent_given_at
    withdrawn.save(update_fields=["withdrawn_at"])

    html = editor_client.get(enter_url(open_round)).content.decode()

    assert "Willow" in html
    assert "Rowan" not in html
    assert "Hazel" not in html
    assert service_user.user.last_name not in html
    assert service_user.user.email not in html


def test_the_second_step_shows_the_items_of_the_chosen_page(
    editor_client, open_round, section, service_user
):
    html = editor_client.get(ratings_step(open_round, service_user, section)).content.decode()

    assert "3.1 Services share one care plan." in html
    assert "3.3 Care continues for 18 months after birth." in html
    assert "Leave as it is" in html
    assert "The member agreed to what I am entering" in html


def test_a_member_outside_the_audience_is_refused_at_the_first_step(
    editor_client, open_round, section, professional
):
    open_round.audience = Audience.SERVICE_USERS
    open_round.save(update_fields=["audience"])

    response = editor_client.get(comment_step(open_round, professional, section))

    html = response.content.decode()
    assert "Select a valid choice" in html
    assert "Enter the comment" not in html


def test_entering_a_comment_for_her(
    client, editor_client, editor, open_round, round_page, section, service_user, item_ids
):
    response = editor_client.post(
        comment_step(open_round, service_user, section),
        comment_form_data(
            service_user,
            block_id=item_ids[1],
            quote="named lead",
            body="She said a named lead matters most.",
            via=EnteredVia.PHONE,
            agreed="on",
        ),
        follow=True,
    )

    comment = Comment.objects.get()
    assert (comment.author, comment.block_id, comment.quote) == (
        service_user,
        item_ids[1],
        "named lead",
    )
    assert (comment.entered_by, comment.entered_via) == (editor, EnteredVia.PHONE)
    assert comment.versions.get().entered_via == EnteredVia.PHONE
    assert "entered for Willow" in response.content.decode()
    entry = ModelLogEntry.objects.get(action="consultations.comment_enter")
    assert entry.user == editor
    assert entry.object_id == str(comment.pk)
    assert entry.data == {"comment": comment.pk, "member": service_user.pk, "via": "phone"}
    # The research team sees it marked in the queue and the answer view.
    queue = editor_client.get(reverse("rounds:moderation", args=[open_round.pk]))
    assert "Entered for her" in queue.content.decode()
    answer = editor_client.get(reverse("rounds:answer", args=[comment.pk]))
    assert "Entered for her" in answer.content.decode()
    # She sees it marked too.
    client.force_login(service_user.user)
    html = client.get(page_url(round_page)).content.decode()
    assert "She said a named lead matters most." in html
    assert "Entered for you by the research team after a phone call." in html


def test_her_agreement_and_how_she_gave_it_are_required_and_nothing_is_lost(
    editor_client, open_round, section, service_user
):
    response = editor_client.post(
        comment_step(open_round, service_user, section),
        comment_form_data(service_user, block_id="", quote="", body="Words she gave.", via=""),
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "Tick the box to confirm the member agreed" in html
    assert "Say how the member gave you this." in html
    assert "Words she gave." in html
    assert not Comment.objects.exists()
    assert not ModelLogEntry.objects.filter(action="consultations.comment_enter").exists()


def test_an_empty_comment_is_refused_with_the_other_problems(
    editor_client, open_round, section, service_user
):
    response = editor_client.post(
        comment_step(open_round, service_user, section),
        comment_form_data(service_user, body=" ", via="meeting"),
    )

    html = response.content.decode()
    assert "Enter your comment." in html
    assert "Tick the box to confirm the member agreed" in html


def test_entering_ratings_for_her_leaves_blank_items_as_they_are(
    client, editor_client, editor, open_round, round_page, section, service_user, item_ids
):
    rating_set(
        round=open_round,
        member=service_user,
        page_id=section.pk,
        block_id=item_ids[2],
        score=5,
        reason="Her own reason.",
    )

    editor_client.post(
        ratings_step(open_round, service_user, section),
        rating_form_data(service_user)
        | {
            f"rating-{item_ids[0]}": "8",
            f"rating-{item_ids[1]}": "declined",
            f"rating-{item_ids[2]}": "",
            "via": EnteredVia.MEETING,
            "agreed": "on",
        },
    )

    ratings = {r.block_id: r for r in Rating.objects.filter(member=service_user)}
    assert ratings[item_ids[0]].score == 8
    assert ratings[item_ids[1]].abstention == "declined"
    assert (ratings[item_ids[2]].score, ratings[item_ids[2]].entered_via) == (5, "")
    assert ratings[item_ids[0]].entered_via == EnteredVia.MEETING
    assert ratings[item_ids[0]].entered_by == editor
    assert ratings[item_ids[0]].versions.get().entered_via == EnteredVia.MEETING
    (entry,) = ModelLogEntry.objects.filter(action="consultations.ratings_enter")
    assert entry.object_id == str(open_round.pk)
    assert entry.user == editor
    assert entry.data == {
        "member": service_user.pk,
        "page": section.pk,
        "ratings": 2,
        "via": "meeting",
    }
    history = editor_client.get(reverse("rounds:history", args=[open_round.pk]))
    assert "2 ratings entered for Willow, who gave them by: meeting" in history.content.decode()


def test_her_own_later_rating_clears_the_entered_mark(
    editor_client, open_round, section, service_user, item_ids
):
    editor_client.post(
        ratings_step(open_round, service_user, section),
        rating_form_data(service_user)
        | {f"rating-{item_ids[0]}": "8", "via": "phone", "agreed": "on"},
    )

    rating_set(
        round=open_round, member=service_user, page_id=section.pk, block_id=item_ids[0], score=9
    )

    assert Rating.objects.get().entered_via == ""


def test_ratings_need_at_least_one_choice(editor_client, open_round, section, service_user):
    response = editor_client.post(
        ratings_step(open_round, service_user, section),
        rating_form_data(service_user) | {"via": "phone", "agreed": "on"},
    )

    assert "Choose a rating for at least one item." in response.content.decode()
    assert not Rating.objects.exists()


def test_a_choice_off_the_scale_is_refused_beside_its_item(
    editor_client, open_round, section, service_user, item_ids
):
    response = editor_client.post(
        ratings_step(open_round, service_user, section),
        rating_form_data(service_user)
        | {
            f"rating-{item_ids[0]}": "12",
            f"rating-{item_ids[1]}": "3",
            "via": "phone",
            "agreed": "on",
        },
    )

    assert "Select a valid choice" in response.content.decode()
    assert not Rating.objects.exists()


@pytest.fixture
def moderator_without_entry(db):
    """An editor who may moderate but not enter for members."""
    user = UserFactory()
    group = Group.objects.create(name="Moderate only")
    group.permissions.add(
        *Permission.objects.filter(
            codename__in=["access_admin", "view_round", "change_comment", "view_comment"]
        )
    )
    user.groups.add(group)
    return user


def test_entering_needs_the_permission(
    client, moderator_without_entry, open_round, section, service_user
):
    client.force_login(moderator_without_entry)

    response = client.post(
        comment_step(open_round, service_user, section),
        comment_form_data(service_user, body="Words.", via="phone", agreed="on"),
    )

    assert response.status_code == 302
    assert response.url == "/admin/"
    assert not Comment.objects.exists()
    queue = client.get(reverse("rounds:moderation", args=[open_round.pk])).content.decode()
    assert "Enter for a member" not in queue


def test_the_same_comment_form_sent_twice_is_entered_once(
    editor_client, open_round, section, service_user
):
    data = comment_form_data(service_user, body="Once only.", via="writing", agreed="on")

    url = comment_step(open_round, service_user, section)

    editor_client.post(url, data)
    response = editor_client.post(url, data, follow=True)

    assert Comment.objects.count() == 1
    assert ModelLogEntry.objects.filter(action="consultations.comment_enter").count() == 1
    assert "This comment was already entered." in response.content.decode()


def test_the_ratings_step_tells_her_ratings_now(
    editor_client, open_round, section, service_user, item_ids
):
    rating_set(
        round=open_round, member=service_user, page_id=section.pk, block_id=item_ids[0], score=2
    )

    html = editor_client.get(ratings_step(open_round, service_user, section)).content.decode()

    assert "Her rating now:" in html
    assert "She has not rated this item." in html


@pytest.mark.parametrize(
    ("via", "words"),
    [
        ("phone", "Entered for you by the research team after a phone call."),
        ("meeting", "Entered for you by the research team after a meeting."),
        ("writing", "Entered for you by the research team from your letter or message."),
        ("", ""),
    ],
)
def test_what_she_is_told_of_a_rating_entered_for_her(via, words):
    html = render_to_string("consultations/includes/entered_for_her.html", {"via": via})

    expected = f'<p class="nhsuk-body-s app-entered-for-her">{words}</p>' if via else ""
    assert html.strip() == expected


def test_her_round_page_says_which_rating_was_entered_for_her(
    client, editor_client, open_round, round_page, section, service_user, item_ids
):
    editor_client.post(
        ratings_step(open_round, service_user, section),
        rating_form_data(service_user)
        | {f"rating-{item_ids[0]}": "8", "via": "phone", "agreed": "on"},
    )
    client.force_login(service_user.user)

    page = client.get(page_url(round_page)).content.decode()

    assert page.count("Entered for you by the research team after a phone call.") == 1
    item = page.index(f'id="item-{item_ids[0]}"')
    assert item < page.index("Entered for you") < page.index(f'id="item-{item_ids[1]}"')


def test_a_rating_entered_for_her_keeps_the_reason_she_gave(
    editor_client, open_round, section, service_user, item_ids
):
    rating_set(
        round=open_round,
        member=service_user,
        page_id=section.pk,
        block_id=item_ids[0],
        score=5,
        reason="Her own reason.",
    )

    editor_client.post(
        ratings_step(open_round, service_user, section),
        rating_form_data(service_user)
        | {f"rating-{item_ids[0]}": "8", "via": "phone", "agreed": "on"},
    )

    rating = Rating.objects.get(block_id=item_ids[0])
    assert (rating.score, rating.reason, rating.entered_via) == (8, "Her own reason.", "phone")


def test_the_same_ratings_form_sent_again_later_leaves_her_own_change(
    editor_client, open_round, section, service_user, item_ids
):
    form = rating_form_data(service_user) | {
        f"rating-{item_ids[0]}": "8",
        "via": "phone",
        "agreed": "on",
    }
    editor_client.post(ratings_step(open_round, service_user, section), form)
    rating_set(
        round=open_round, member=service_user, page_id=section.pk, block_id=item_ids[0], score=2
    )

    response = editor_client.post(ratings_step(open_round, service_user, section), form)

    told = [str(m.message).strip() for m in response.wsgi_request._messages]
    assert "These ratings were already entered." in told
    assert Rating.objects.get().score == 2
    assert ModelLogEntry.objects.filter(action="consultations.ratings_enter").count() == 1
