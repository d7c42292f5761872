"""Traceability: the research team links a later round's change to the earlier comments it
answers, in the admin's "what changed" view; editors and members see "changed in response
to" beside the change, members only the comments they could read."""

from django.contrib.auth.models import Group, Permission
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from wagtail.models import ModelLogEntry

import pytest
from bs4 import BeautifulSoup

from consultations.enums import AnswerStatus, Audience
from consultations.models import ChangeResponse, Comment, Round, RoundPage
from consultations.services import change_responses_set, comment_withdraw
from evidence.models import FrameworkSectionPage
from tests.consultations.conftest import STATEMENTS
from tests.consultations.test_changes import (
    NEW,
    REWORDED,
    answer,
    draft_save,
    hide,
    post_late,
    reopened,
    round_close,
)
from tests.consultations.urls import page_url
from tests.factories import MemberFactory, RoundFactory, RoundPageFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def first_round(open_round) -> Round:
    """Round 1 on the first draft (items 3.1, 3.2, 3.3), closed, sharing comments."""
    open_round.comments_visible_to_members = True
    open_round.save(update_fields=["comments_visible_to_members"])
    return round_close(open_round)


@pytest.fixture
def second_round(first_round, section, item_ids) -> Round:
    """Round 2 on a second draft: 3.1 reworded, 3.2 unchanged, 3.3 removed, a new 3.3."""
    draft_save(section, [(item_ids[0], REWORDED), (item_ids[1], STATEMENTS[1]), (None, NEW)])
    round = RoundFactory(title="Round 2: working together", follows=first_round)
    RoundPageFactory(round=round, page=FrameworkSectionPage.objects.get(pk=section.pk))
    return round


@pytest.fixture
def second_round_page(second_round) -> RoundPage:
    return second_round.round_pages.get()


@pytest.fixture
def comments(first_round, second_round, service_user, professional, item_ids) -> dict:
    """Round 1's comments: Willow's on 3.1 (answered), Rowan's on 3.1 (not answered),
    Rowan's on the whole page (answered), one hidden and one withdrawn by Rowan."""
    made = {
        "willow": post_late(first_round, service_user, item_ids[0], "One plan, please."),
        "rowan": post_late(first_round, professional, item_ids[0], "Plans need an owner."),
        "page": post_late(first_round, professional, "", "The section reads well overall."),
        "hidden": post_late(first_round, professional, item_ids[0], "Rude words here."),
        "withdrawn": post_late(first_round, professional, item_ids[0], "Second thoughts."),
    }
    answer(made["willow"], AnswerStatus.ACCEPTED, "We now say so.")
    answer(made["page"], AnswerStatus.NOTED, "Thank you.")
    hide(made["hidden"], "Unkind to another member.")
    with reopened(first_round):
        comment_withdraw(comment=made["withdrawn"], member=professional)
    return {name: Comment.objects.get(pk=comment.pk) for name, comment in made.items()}


def changes_url(round: Round) -> str:
    return reverse("rounds:changes", args=[round.pk])


def link(client, round: Round, block_id: str, *comments: Comment):
    return client.post(
        changes_url(round),
        {
            "page": round.round_pages.get().page_id,
            "block_id": block_id,
            "comments": [comment.pk for comment in comments],
        },
    )


def linked(round: Round, block_id: str) -> set[int]:
    return set(
        ChangeResponse.objects.filter(round=round, block_id=block_id).values_list(
            "comment_id", flat=True
        )
    )


def messages_of(response) -> list[str]:
    return [str(message).strip() for message in get_messages(response.wsgi_request)]


# Linking ----------------------------------------------------------------------------------


def test_a_moderator_links_a_changed_item_to_the_comments_it_answers(
    editor_client, editor, second_round, comments, item_ids
):
    response = link(editor_client, second_round, item_ids[0], comments["willow"], comments["page"])

    assert response.status_code == 302
    page_id = second_round.round_pages.get().page_id
    assert response.url == f"{changes_url(second_round)}#links-{page_id}-{item_ids[0]}"
    assert linked(second_round, item_ids[0]) == {comments["willow"].pk, comments["page"].pk}
    assert set(ChangeResponse.objects.values_list("linked_by", flat=True)) == {editor.pk}
    assert messages_of(response) == ["Linked to 2 earlier comments."]
    (entry,) = ModelLogEntry.objects.filter(action="consultations.change_link")
    assert entry.object_id == str(second_round.pk)
    assert entry.user_id == editor.pk
    assert entry.data["comments"] == sorted([comments["willow"].pk, comments["page"].pk])
    # The log names comments by number, never their words.
    assert "One plan" not in str(entry.data)


def test_unticking_a_comment_unlinks_it_and_is_logged(
    editor_client, second_round, comments, item_ids
):
    link(editor_client, second_round, item_ids[0], comments["willow"], comments["page"])

    response = link(editor_client, second_round, item_ids[0], comments["willow"])

    assert linked(second_round, item_ids[0]) == {comments["willow"].pk}
    assert messages_of(response)[-1] == "Unlinked from 1 earlier comment."
    (entry,) = ModelLogEntry.objects.filter(action="consultations.change_unlink")
    assert entry.data["comments"] == [comments["page"].pk]
    assert "no longer linked to earlier comments: " in entry.message


def test_saving_the_same_links_again_changes_nothing(
    editor_client, second_round, comments, item_ids
):
    link(editor_client, second_round, item_ids[0], comments["willow"])

    response = link(editor_client, second_round, item_ids[0], comments["willow"])

    assert messages_of(response)[-1] == "The links were already as you left them."
    assert ChangeResponse.objects.count() == 1
    assert ModelLogEntry.objects.filter(action__startswith="consultations.change_").count() == 1


def test_a_removed_and_a_new_item_can_answer_comments_too(
    editor_client, second_round, second_round_page, comments, item_ids
):
    new_id = second_round_page.items[2].block_id

    link(editor_client, second_round, item_ids[2], comments["rowan"])
    link(editor_client, second_round, new_id, comments["page"])

    assert linked(second_round, item_ids[2]) == {comments["rowan"].pk}
    assert linked(second_round, new_id) == {comments["page"].pk}


@pytest.fixture
def viewer_client(client):
    """Someone in the admin who may view rounds but not moderate."""
    group = Group.objects.create(name="Round readers")
    group.permissions.add(
        Permission.objects.get(codename="access_admin"),
        Permission.objects.get(codename="view_round"),
    )
    user = UserFactory()
    user.groups.add(group)
    client.force_login(user)
    return client


def test_linking_is_refused_without_the_moderation_permission(
    viewer_client, second_round, comments, item_ids
):
    page = viewer_client.get(changes_url(second_round))

    response = link(viewer_client, second_round, item_ids[0], comments["willow"])

    assert page.status_code == 200
    assert BeautifulSoup(page.content, "html.parser").find("input", {"name": "comments"}) is None
    # Wagtail's admin refuses a permission by sending her to its home page, with a message.
    assert response.status_code == 302
    assert response.url == reverse("wagtailadmin_home")
    assert not ChangeResponse.objects.exists()
    assert not ModelLogEntry.objects.filter(action="consultations.change_link").exists()


def test_members_cannot_link(client, second_round, comments, item_ids, service_user):
    client.force_login(service_user.user)

    response = link(client, second_round, item_ids[0], comments["willow"])

    assert response.status_code == 302
    assert response.url.startswith(reverse("wagtailadmin_login"))
    assert not ChangeResponse.objects.exists()


def form_of(soup: BeautifulSoup, block_id: str):
    return soup.find("input", {"name": "block_id", "value": block_id}).find_parent("form")


def test_the_form_offers_answered_comments_first_and_never_hidden_or_withdrawn_ones(
    editor_client, second_round, comments, item_ids
):
    soup = BeautifulSoup(editor_client.get(changes_url(second_round)).content, "html.parser")

    form = form_of(soup, item_ids[0])
    offered = [int(box["value"]) for box in form.find_all("input", {"name": "comments"})]
    # Willow's and the page's comment are answered; Rowan's on 3.1 is not.
    assert offered == [comments["willow"].pk, comments["page"].pk, comments["rowan"].pk]
    assert "Rowan" in form.get_text() and "not answered yet" in form.get_text()
    assert form.find("input", {"name": "csrfmiddlewaretoken"}) is not None
    # An unchanged item has nothing to link: 3.2 kept its words.
    assert soup.find("input", {"name": "block_id", "value": item_ids[1]}) is None


@pytest.mark.parametrize("name", ["hidden", "withdrawn"])
def test_a_hidden_or_withdrawn_comment_cannot_be_linked(
    editor_client, second_round, comments, item_ids, name
):
    response = link(editor_client, second_round, item_ids[0], comments["willow"], comments[name])

    assert response.status_code == 302
    assert "Nothing was changed." in messages_of(response)[0]
    assert not ChangeResponse.objects.exists()


def test_a_comment_of_another_page_or_an_unknown_item_is_refused(
    editor, second_round, comments, item_ids
):
    with pytest.raises(Exception, match="neither this draft nor an earlier one"):
        change_responses_set(
            round=second_round,
            page_id=second_round.round_pages.get().page_id,
            block_id="no-such-item",
            comment_ids=[comments["willow"].pk],
            by=editor,
        )
    assert not ChangeResponse.objects.exists()


def test_a_round_that_follows_none_links_nothing(editor, first_round, comments, item_ids):
    with pytest.raises(Exception, match="not in any earlier round"):
        change_responses_set(
            round=first_round,
            page_id=first_round.round_pages.get().page_id,
            block_id=item_ids[0],
            comment_ids=[comments["willow"].pk],
            by=editor,
        )


# Changed in response to: the admin ----------------------------------------------------------


def test_the_changes_view_shows_what_each_change_answers(
    editor_client, editor, second_round, comments, item_ids
):
    change_responses_set(
        round=second_round,
        page_id=second_round.round_pages.get().page_id,
        block_id=item_ids[0],
        comment_ids=[comments["willow"].pk],
        by=editor,
    )

    soup = BeautifulSoup(editor_client.get(changes_url(second_round)).content, "html.parser")

    cell = soup.find(id=f"links-{second_round.round_pages.get().page_id}-{item_ids[0]}")
    shown = cell.find("ul").get_text(" ", strip=True)
    assert "Willow" in shown and "One plan, please." in shown
    assert "Round 1: working together" in shown
    assert "Rowan" not in shown


# Changed in response to: members -----------------------------------------------------------


@pytest.fixture
def links_made(editor, second_round, comments, item_ids) -> None:
    """3.1's change answers Willow's and Rowan's comments and the one on the whole page; the
    removed 3.3 answers the comment later hidden."""
    page_id = second_round.round_pages.get().page_id
    change_responses_set(
        round=second_round,
        page_id=page_id,
        block_id=item_ids[0],
        comment_ids=[comments[name].pk for name in ("willow", "rowan", "page")],
        by=editor,
    )


def shown_beside(client, round_page: RoundPage, block_id: str) -> str:
    soup = BeautifulSoup(client.get(page_url(round_page)).content, "html.parser")
    found = soup.find(id=f"item-{block_id}").find(class_="app-changed-in-response")
    return " ".join(found.get_text(" ").split()) if found else ""


def test_members_see_the_comments_a_change_answers_where_the_round_shared_them(
    client, links_made, second_round_page, service_user, item_ids
):
    client.force_login(service_user.user)

    shown = shown_beside(client, second_round_page, item_ids[0])

    assert shown.startswith("Changed in response to")
    assert "Your comment in Round 1: working together: “One plan, please.”" in shown
    assert "Rowan's comment in Round 1: working together: “Plans need an owner.”" in shown
    assert "The section reads well overall." in shown
    assert "comments by other members" not in shown


def test_where_the_earlier_round_kept_comments_private_others_are_only_counted(
    client, links_made, first_round, second_round_page, service_user, professional, item_ids
):
    Round.objects.filter(pk=first_round.pk).update(comments_visible_to_members=False)
    client.force_login(professional.user)

    shown = shown_beside(client, second_round_page, item_ids[0])

    assert "One plan, please." not in shown and "Willow" not in shown
    assert "Your comment in Round 1: working together: “Plans need an owner.”" in shown
    assert "a comment by another member" in shown

    client.force_login(service_user.user)
    shown = shown_beside(client, second_round_page, item_ids[0])
    assert "Your comment in" in shown and "One plan, please." in shown
    assert "2 comments by other members" in shown


def test_a_linked_comment_hidden_or_withdrawn_later_is_neither_shown_nor_counted(
    client,
    links_made,
    first_round,
    second_round_page,
    service_user,
    professional,
    item_ids,
    comments,
):
    hide(comments["rowan"], "Names a member of staff.")
    with reopened(first_round):
        comment_withdraw(comment=comments["page"], member=professional)
    client.force_login(service_user.user)

    shown = shown_beside(client, second_round_page, item_ids[0])

    assert "One plan, please." in shown
    assert "Plans need an owner." not in shown
    assert "reads well" not in shown
    assert "other member" not in shown


def test_a_member_outside_the_earlier_rounds_audience_sees_a_count(
    client, links_made, first_round, second_round_page, item_ids
):
    Round.objects.filter(pk=first_round.pk).update(audience=Audience.SERVICE_USERS)
    newcomer = MemberFactory(pseudonym="Aspen", professional=True)
    client.force_login(newcomer.user)

    response = client.get(page_url(second_round_page))

    # Round 1 was not hers: her page compares with nothing, and quotes no one.
    assert response.status_code == 200
    assert "Plans need an owner." not in response.text
    assert "One plan, please." not in response.text


def test_a_removed_item_shows_the_comments_its_removal_answers(
    client, editor, second_round, second_round_page, comments, service_user, item_ids
):
    change_responses_set(
        round=second_round,
        page_id=second_round_page.page_id,
        block_id=item_ids[2],
        comment_ids=[comments["willow"].pk],
        by=editor,
    )
    client.force_login(service_user.user)

    soup = BeautifulSoup(client.get(page_url(second_round_page)).content, "html.parser")

    removed = soup.find(id=f"removed-{item_ids[2]}")
    assert "Changed in response to" in removed.get_text()
    assert "One plan, please." in removed.find(class_="app-changed-in-response").get_text()


def test_her_page_costs_the_same_queries_for_one_or_three_links(
    client, editor, second_round, second_round_page, comments, service_user, item_ids
):
    client.force_login(service_user.user)

    def links_then_queries(*names: str) -> int:
        change_responses_set(
            round=second_round,
            page_id=second_round_page.page_id,
            block_id=item_ids[0],
            comment_ids=[comments[name].pk for name in names],
            by=editor,
        )
        client.get(page_url(second_round_page))
        with CaptureQueriesContext(connection) as captured:
            assert client.get(page_url(second_round_page)).status_code == 200
        return len(captured)

    assert links_then_queries("willow") == links_then_queries("willow", "rowan", "page")
