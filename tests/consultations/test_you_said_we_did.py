"""A round's "you said, we did" page: its answered comments by page and item, with the
answers and the later changes made in response, as the research team published it."""

from datetime import timedelta

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

import pytest
from bs4 import BeautifulSoup

from consultations.enums import AnswerStatus, Audience, YouSaidWeDid
from consultations.models import Comment, Member, Round
from consultations.services import change_responses_set, comment_withdraw
from evidence.models import FrameworkSectionPage
from tests.consultations.conftest import STATEMENTS
from tests.consultations.test_admin import round_edit_data
from tests.consultations.test_changes import (
    NEW,
    REWORDED,
    answer,
    draft_save,
    hide,
    post,
    post_late,
    reopened,
    round_close,
)
from tests.consultations.urls import round_url
from tests.factories import MemberFactory, RoundFactory, RoundPageFactory, study_site

pytestmark = pytest.mark.django_db


@pytest.fixture
def round(open_round) -> Round:
    """Round 1 on items 3.1 to 3.3, closed, for service users only, who were told other
    members would read their comments."""
    open_round.audience = Audience.SERVICE_USERS
    open_round.comments_visible_to_members = True
    open_round.save(update_fields=["audience", "comments_visible_to_members"])
    return round_close(open_round)


@pytest.fixture
def comments(round, service_user, item_ids) -> dict[str, Comment]:
    """Willow's comments: answered ones on 3.2, 3.1 and the whole page; one not answered;
    answered ones later hidden, withdrawn, and one that arrived late."""
    made = {
        "on_second": post_late(round, service_user, item_ids[1], "A named lead helps."),
        "on_first": post_late(round, service_user, item_ids[0], "One plan, please."),
        "on_page": post_late(round, service_user, "", "Clear section overall."),
        "unanswered": post_late(round, service_user, item_ids[0], "Nobody answered me."),
        "hidden": post_late(round, service_user, item_ids[0], "Hidden words."),
        "withdrawn": post_late(round, service_user, item_ids[0], "Withdrawn words."),
        "late": post(round, service_user, item_ids[0], "Late words."),
    }
    Comment.objects.filter(pk=made["on_first"].pk).update(quote="one care plan")
    answer(made["on_second"], AnswerStatus.NOTED, "We kept it as it is.")
    answer(made["on_first"], AnswerStatus.ACCEPTED, "The plan is now shared.")
    answer(made["on_page"], AnswerStatus.PARTLY_ACCEPTED, "Partly, see 3.1.")
    for name in ("hidden", "withdrawn", "late"):
        answer(made[name], AnswerStatus.NOTED, f"Answer to {name}.")
    hide(made["hidden"], "Names a member of staff.")
    with reopened(round):
        comment_withdraw(comment=made["withdrawn"], member=service_user)
    return {name: Comment.objects.get(pk=comment.pk) for name, comment in made.items()}


def publish(round: Round, state: str, *, pseudonyms: bool = True) -> Round:
    Round.objects.filter(pk=round.pk).update(
        you_said_we_did=state, you_said_we_did_pseudonyms=pseudonyms
    )
    round.refresh_from_db()
    return round


def page_url(round: Round) -> str:
    return reverse("consultations:you_said_we_did", args=[round.pk])


def admin_url(round: Round) -> str:
    return reverse("rounds:you_said_we_did", args=[round.pk])


def main_of(response) -> BeautifulSoup:
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser").find("main")


def text_of(element) -> str:
    return " ".join(element.get_text(" ").split())


# What the page says ----------------------------------------------------------------------


def test_the_page_lists_answered_comments_by_item_in_draft_order_then_the_whole_page(
    client, round, comments, item_ids, section
):
    publish(round, YouSaidWeDid.EVERYONE)

    main = main_of(client.get(page_url(round)))

    items = main.find_all(class_="app-ysd-item")
    assert [text_of(item.find("h3")) for item in items] == [
        "Requirement 3.1",
        "Requirement 3.2",
        "The whole page",
    ]
    first = text_of(items[0])
    assert STATEMENTS[0] in first
    assert "Willow said" in first
    assert "one care plan" in first and "One plan, please." in first
    assert "We did Accepted" in first and "The plan is now shared." in first
    assert "We did Noted" in text_of(items[1]) and STATEMENTS[1] in text_of(items[1])
    assert "Partly accepted" in text_of(items[2])
    assert text_of(main.find("h2")) == section.title


@pytest.mark.parametrize("name", ["unanswered", "hidden", "withdrawn", "late"])
def test_unanswered_hidden_withdrawn_and_late_comments_are_left_out(client, round, comments, name):
    publish(round, YouSaidWeDid.EVERYONE)

    main = main_of(client.get(page_url(round)))

    assert comments[name].body not in text_of(main)
    assert main.find(id=f"ysd-comment-{comments[name].pk}") is None
    assert len(main.find_all(class_="app-ysd-answer")) == 3


def test_the_item_shown_is_as_it_read_when_the_comment_was_made(
    client, round, comments, section, item_ids
):
    draft_save(section, [(item_ids[0], REWORDED), (item_ids[1], STATEMENTS[1])])
    publish(round, YouSaidWeDid.EVERYONE)

    text = text_of(main_of(client.get(page_url(round))))

    assert STATEMENTS[0] in text
    assert REWORDED not in text


def test_pseudonyms_can_be_hidden(client, round, comments):
    publish(round, YouSaidWeDid.EVERYONE, pseudonyms=False)

    text = text_of(main_of(client.get(page_url(round))))

    assert "Willow" not in text
    assert text.count("A member said") == 3
    assert "Members are not named on this page." in text


def test_a_later_change_linked_to_a_comment_is_shown(
    client, editor, round, comments, section, item_ids
):
    draft_save(section, [(item_ids[0], REWORDED), (item_ids[1], STATEMENTS[1]), (None, NEW)])
    later = RoundFactory(title="Round 2: working together", follows=round)
    RoundPageFactory(round=later, page=FrameworkSectionPage.objects.get(pk=section.pk))
    for block_id, comment in ((item_ids[0], "on_first"), (item_ids[2], "on_page")):
        change_responses_set(
            round=later,
            page_id=section.pk,
            block_id=block_id,
            comment_ids=[comments[comment].pk],
            by=editor,
        )
    publish(round, YouSaidWeDid.MEMBERS)
    client.force_login(Member.objects.get(pseudonym="Willow").user)

    main = main_of(client.get(page_url(round)))

    first = text_of(main.find(id=f"ysd-comment-{comments['on_first'].pk}"))
    assert "Changed in response: requirement 3.1 in Round 2: working together." in first
    on_page = text_of(main.find(id=f"ysd-comment-{comments['on_page'].pk}"))
    assert "Changed in response: a requirement removed in Round 2: working together." in on_page
    second = text_of(main.find(id=f"ysd-comment-{comments['on_second'].pk}"))
    assert "Changed in response" not in second

    # Until the later round opens, its draft is not for readers.
    Round.objects.filter(pk=later.pk).update(
        opens_at=timezone.now() + timedelta(days=1), closes_at=timezone.now() + timedelta(days=8)
    )
    main = main_of(client.get(page_url(round)))
    assert "Changed in response" not in text_of(main)


def test_a_round_without_answers_says_so(client, round):
    publish(round, YouSaidWeDid.EVERYONE)

    text = text_of(main_of(client.get(page_url(round))))

    assert "The research team has not answered any comments from this round yet." in text


def test_no_real_name_email_or_site_reaches_the_public_page(client, round, comments):
    publish(round, YouSaidWeDid.EVERYONE)
    member = Member.objects.select_related("user").get(pseudonym="Willow")
    Member.objects.filter(pk=member.pk).update(study_site=study_site("Site Qzmarker"))

    response = client.get(page_url(round))

    content = response.content.decode()
    user = member.user
    for secret in (user.email, user.first_name + " " + user.last_name, user.last_name, "Qzmarker"):
        assert secret not in content
    assert "Willow" in content


# Who may read it ----------------------------------------------------------------------------


@pytest.fixture
def people(round, service_user, editor) -> dict:
    withdrawn = MemberFactory(pseudonym="Hazel")
    Member.objects.filter(pk=withdrawn.pk).update(withdrawn_at=round.closes_at)
    return {
        "anonymous": None,
        "service user": service_user.user,
        "professional outside the audience": MemberFactory(
            pseudonym="Rowan", professional=True
        ).user,
        "withdrawn member": withdrawn.user,
        "editor": editor,
    }


SIGN_IN = "sign in"
ACCESS = {
    YouSaidWeDid.NOT_PUBLISHED: {
        "anonymous": 404,
        "service user": 404,
        "professional outside the audience": 404,
        "withdrawn member": 404,
        "editor": 404,
    },
    YouSaidWeDid.MEMBERS: {
        "anonymous": SIGN_IN,
        "service user": 200,
        "professional outside the audience": 404,
        "withdrawn member": 404,
        "editor": 403,
    },
    YouSaidWeDid.EVERYONE: {
        "anonymous": 200,
        "service user": 200,
        "professional outside the audience": 200,
        "withdrawn member": 200,
        "editor": 200,
    },
}


@pytest.mark.parametrize(
    ("state", "role"),
    [(state, role) for state, roles in ACCESS.items() for role in roles],
)
def test_who_may_read_it_in_each_publication_state(client, round, comments, people, state, role):
    publish(round, state)
    if people[role] is not None:
        client.force_login(people[role])

    response = client.get(page_url(round))

    expected = ACCESS[state][role]
    if expected == SIGN_IN:
        assert response.status_code == 302
        assert response.url == f"{reverse('login')}?next={page_url(round)}"
    else:
        assert response.status_code == expected
    if expected == 200:
        assert "One plan, please." in response.text
        assert "no-store" in response["Cache-Control"]
    else:
        assert "One plan, please." not in response.text


def test_a_round_not_yet_open_is_not_shown_to_members(client, section, service_user):
    now = timezone.now()
    round = RoundFactory(opens_at=now + timedelta(days=1), closes_at=now + timedelta(days=8))
    RoundPageFactory(round=round, page=section)
    publish(round, YouSaidWeDid.MEMBERS)
    client.force_login(service_user.user)

    assert client.get(page_url(round)).status_code == 404


def test_the_round_overview_and_dashboard_link_it_only_when_published(client, round, service_user):
    client.force_login(service_user.user)
    dashboard = reverse("consultations:dashboard")

    assert page_url(round) not in client.get(round_url(round)).text
    assert page_url(round) not in client.get(dashboard).text

    publish(round, YouSaidWeDid.MEMBERS)

    assert page_url(round) in client.get(round_url(round)).text
    assert page_url(round) in client.get(dashboard).text


# The research team's admin --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("state", "note"),
    [
        (YouSaidWeDid.NOT_PUBLISHED, "Not published: only the research team sees this preview."),
        (YouSaidWeDid.MEMBERS, "Published to the round's members"),
        (YouSaidWeDid.EVERYONE, "Published to everyone: this is a public page"),
    ],
)
def test_editors_preview_it_in_every_state_with_a_note_of_who_may_read_it(
    editor_client, round, comments, state, note
):
    publish(round, state)

    main = main_of(editor_client.get(admin_url(round)))

    assert note in text_of(main)
    assert "One plan, please." in text_of(main)
    assert "Hidden words." not in text_of(main)
    published = main.find("a", href=page_url(round))
    assert (published is not None) == (state != YouSaidWeDid.NOT_PUBLISHED)


def test_members_cannot_reach_the_admin_preview(client, round, service_user):
    client.force_login(service_user.user)

    response = client.get(admin_url(round))

    assert response.status_code == 302
    assert response.url.startswith(reverse("wagtailadmin_login"))


def test_the_rounds_menu_and_inspect_page_lead_to_the_preview(editor_client, round):
    listing = editor_client.get(reverse("rounds:index"))
    inspect = editor_client.get(reverse("rounds:inspect", args=[round.pk]))

    assert admin_url(round) in listing.text
    assert admin_url(round) in inspect.text


def test_the_round_form_publishes_it_and_warns_that_everyone_means_public(
    editor_client, round, section
):
    edit_url = reverse("rounds:edit", args=[round.pk])
    form = editor_client.get(edit_url)

    help_text = text_of(BeautifulSoup(form.content, "html.parser"))
    assert "Published to everyone, it is a public page: anyone can read members' words" in (
        help_text
    )
    response = editor_client.post(
        edit_url,
        {
            **round_edit_data(round),
            "you_said_we_did": YouSaidWeDid.EVERYONE,
            "you_said_we_did_pseudonyms": "",
        },
    )

    assert response.status_code == 302
    round.refresh_from_db()
    assert round.you_said_we_did == YouSaidWeDid.EVERYONE
    assert round.you_said_we_did_pseudonyms is False


def test_a_round_whose_comments_only_the_team_reads_is_never_published(
    editor_client, round, comments
):
    Round.objects.filter(pk=round.pk).update(comments_visible_to_members=False)
    round.refresh_from_db()
    edit_url = reverse("rounds:edit", args=[round.pk])

    response = editor_client.post(
        edit_url, {**round_edit_data(round), "you_said_we_did": YouSaidWeDid.EVERYONE}
    )

    assert response.status_code == 200
    assert "were told only the research team reads their comments" in text_of(
        BeautifulSoup(response.content, "html.parser")
    )
    assert Round.objects.get(pk=round.pk).you_said_we_did == YouSaidWeDid.NOT_PUBLISHED
    # Set by other means, it still shows to no one: not the public, not her fellow members.
    public, fellow = Client(), Client()
    fellow.force_login(MemberFactory(pseudonym="Hazel").user)
    for state in (YouSaidWeDid.EVERYONE, YouSaidWeDid.MEMBERS):
        publish(round, state)
        assert public.get(page_url(round)).status_code == 404
        assert fellow.get(page_url(round)).status_code == 404
    preview = editor_client.get(admin_url(round))
    assert "it cannot be: members of this round were told" in text_of(
        BeautifulSoup(preview.content, "html.parser")
    )


def test_a_new_round_is_not_published(section):
    assert RoundFactory().you_said_we_did == YouSaidWeDid.NOT_PUBLISHED
    assert RoundFactory().you_said_we_did_pseudonyms is True


def test_the_page_costs_the_same_queries_for_three_or_six_answers(
    client, round, comments, service_user, item_ids
):
    publish(round, YouSaidWeDid.EVERYONE)
    url = page_url(round)
    client.get(url)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    with_three = queries()
    for index in range(3):
        extra = post_late(round, service_user, item_ids[index], f"More words {index}.")
        answer(extra, AnswerStatus.NOTED, "Thank you.")

    assert queries() == with_three
    assert "More words 2." in client.get(url).text
