"""Rounds that follow a draft across revisions: what changed since the earlier round, item
by item, and what became of her earlier comments, on her round page."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

import pytest
from bs4 import BeautifulSoup

from consultations.changes import earlier_comments, page_comparison, text_changes
from consultations.enums import AnswerStatus, Audience, ItemChange
from consultations.models import Comment, Round, RoundPage
from consultations.services import comment_post, comment_withdraw
from evidence.models import Domain, FrameworkSectionPage
from tests.consultations.conftest import STATEMENTS
from tests.consultations.urls import page_url
from tests.factories import (
    FrameworkSectionPageFactory,
    MemberFactory,
    RoundFactory,
    RoundPageFactory,
    UserFactory,
)

REWORDED = "Services always share one care plan."
NEW = "Each woman can bring someone she trusts to meetings."


def soup_of(response) -> BeautifulSoup:
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def draft_save(
    page: FrameworkSectionPage, statements: list[tuple[str | None, str]], content_note: str = ""
) -> None:
    """Save a new revision of the section's items: (block id or None for a new item, text)."""
    domain = Domain.objects.get(name="How organisations work together")
    value = {"rationale": "", "domain": domain.pk, "evidence": [], "content_note": content_note}
    page.requirements = [
        {
            "type": "requirement",
            **({"id": block_id} if block_id else {}),
            "value": {"statement": text, **value},
        }
        for block_id, text in statements
    ]
    page.save_revision()


def answer(comment: Comment, status: str, response: str) -> None:
    # As the team's answer leaves it (``services.comment_answer``, whose audit entry the
    # moderation queue registers), without the audit entry this module does not test.
    Comment.objects.filter(pk=comment.pk).update(
        answer_status=status, answer=response, answered_at=timezone.now()
    )


def hide(comment: Comment, reason: str) -> None:
    # As ``services.comment_hide`` leaves it, without its audit entry.
    Comment.objects.filter(pk=comment.pk).update(hidden_at=timezone.now(), hidden_reason=reason)


def round_close(round: Round, days_ago: int = 1) -> Round:
    round.opens_at = timezone.now() - timedelta(days=days_ago + 7)
    round.closes_at = timezone.now() - timedelta(days=days_ago)
    round.save(update_fields=["opens_at", "closes_at"])
    return round


@pytest.fixture
def first_round(open_round) -> Round:
    """Round 1 on the first draft: three items, closed."""
    return round_close(open_round)


@pytest.fixture
def second_draft(first_round, section, item_ids) -> FrameworkSectionPage:
    """Item 1 reworded, item 2 unchanged, item 3 removed, a new item added at the end."""
    draft_save(
        section,
        [(item_ids[0], REWORDED), (item_ids[1], STATEMENTS[1]), (None, NEW)],
    )
    return FrameworkSectionPage.objects.get(pk=section.pk)


@pytest.fixture
def second_round(first_round, second_draft) -> Round:
    round = RoundFactory(title="Round 2: working together", follows=first_round)
    RoundPageFactory(round=round, page=second_draft)
    return round


@pytest.fixture
def second_round_page(second_round) -> RoundPage:
    return second_round.round_pages.get()


def post(round: Round, member, block_id: str, body: str) -> Comment:
    page_id = round.round_pages.get().page_id
    return comment_post(
        round=round, member=member, page_id=page_id, block_id=block_id, body=body
    ).comment


@contextmanager
def reopened(round: Round) -> Iterator[Round]:
    """The round as it was while open, for what members did then; closed again after."""
    closes_at = round.closes_at
    Round.objects.filter(pk=round.pk).update(closes_at=timezone.now() + timedelta(days=1))
    round.refresh_from_db()
    yield round
    Round.objects.filter(pk=round.pk).update(closes_at=closes_at)
    round.refresh_from_db()


def post_late(round: Round, member, block_id: str, body: str) -> Comment:
    """A comment made while the round was open, though the round has closed since."""
    with reopened(round):
        return post(round, member, block_id, body)


# The comparison ---------------------------------------------------------------------------


def test_words_removed_and_added_are_found_word_by_word():
    changes = text_changes(STATEMENTS[0], REWORDED)

    assert [(c.kind, c.text) for c in changes if c.kind != "equal"] == [
        ("addition", "always "),
    ]
    assert "".join(c.text for c in changes if not c.is_removed) == REWORDED


@pytest.mark.parametrize(
    ("earlier", "later", "changed"),
    [
        ("a care plan", "a care plan today", [("addition", "today")]),
        ("care plan", "one care plan", [("addition", "one ")]),
        ("one two three", "one two  three", []),
    ],
)
def test_words_added_at_either_end_leave_the_others_as_they_were(earlier, later, changed):
    changes = text_changes(earlier, later)

    assert [(c.kind, c.text) for c in changes if c.kind != "equal"] == changed
    assert "".join(c.text for c in changes if not c.is_removed) == later


def test_short_words_that_stayed_are_not_marked_as_changed():
    earlier = "Services agree a care plan for each woman during pregnancy."
    later = "Services agree one shared care plan with each woman early in pregnancy, and see it."

    changes = text_changes(earlier, later)

    assert [(c.kind, c.text) for c in changes if c.kind != "equal"] == [
        ("deletion", "a "),
        ("addition", "one shared "),
        ("deletion", "for "),
        ("addition", "with "),
        ("deletion", "during "),
        ("addition", "early in "),
        ("addition", ", and see it"),
    ]
    assert "".join(c.text for c in changes if not c.is_removed) == later
    assert "".join(c.text for c in changes if not c.is_added) == earlier


def test_items_are_compared_by_block_id(second_round, second_round_page, item_ids):
    comparison = page_comparison(round=second_round, round_page=second_round_page)

    assert comparison.earlier_round.title == "Round 1: working together"
    assert [(c.block_id, c.change) for c in comparison.items] == [
        (item_ids[0], ItemChange.CHANGED),
        (item_ids[1], ItemChange.UNCHANGED),
        (comparison.items[2].block_id, ItemChange.ADDED),
    ]
    assert comparison.items[2].block_id not in item_ids
    assert [(c.block_id, c.earlier_item.text) for c in comparison.removed] == [
        (item_ids[2], STATEMENTS[2])
    ]
    changed = comparison.items[0]
    assert changed.earlier_item.text == STATEMENTS[0]
    assert changed.item.text == REWORDED
    assert [c.text for c in changed.differences if c.is_added] == ["always "]


def test_a_round_following_a_round_following_a_round_compares_with_the_nearest(
    second_round, section, item_ids
):
    round_close(second_round)
    draft_save(section, [(item_ids[0], "Services share one care plan, written with her.")])
    third = RoundFactory(title="Round 3", follows=second_round)
    third_page = RoundPageFactory(round=third, page=section)

    comparison = page_comparison(round=third, round_page=third_page)

    assert comparison.earlier_round == second_round
    assert [c.round.title for c in comparison.earlier_round_pages] == [
        "Round 2: working together",
        "Round 1: working together",
    ]
    assert comparison.items[0].earlier_item.text == REWORDED
    assert {c.earlier_item.text for c in comparison.removed} == {STATEMENTS[1], NEW}


def test_a_round_that_skips_the_page_is_passed_over(first_round, second_draft, section, item_ids):
    between = round_close(RoundFactory(title="Round on another page", follows=first_round))
    RoundPageFactory(round=between)
    later = RoundFactory(title="Round 3", follows=between)
    later_page = RoundPageFactory(round=later, page=section)

    comparison = page_comparison(round=later, round_page=later_page)

    assert comparison.earlier_round == first_round
    assert comparison.items[0].is_changed


def test_a_page_in_no_earlier_round_has_no_comparison(
    second_round, framework, service_user, client
):

    other = FrameworkSectionPageFactory(parent=framework, title="Care after birth")
    other.save_revision()
    other_page = RoundPageFactory(round=second_round, page=other)
    client.force_login(service_user.user)

    comparison = page_comparison(round=second_round, round_page=other_page)
    html = client.get(page_url(other_page)).content.decode()

    assert not comparison.is_compared
    assert "Changed since" not in html
    assert "This draft follows" not in html
    assert "Unchanged since" not in html


def test_a_round_she_was_not_in_is_not_compared_with(
    section, item_ids, open_round, second_draft, professional
):
    round_close(open_round)
    Round.objects.filter(pk=open_round.pk).update(audience=Audience.SERVICE_USERS)
    later = RoundFactory(title="Round 2", follows=open_round)
    later_page = RoundPageFactory(round=later, page=section)

    for_her = page_comparison(round=later, round_page=later_page, member=professional)
    for_editors = page_comparison(round=later, round_page=later_page)

    assert not for_her.is_compared
    assert for_editors.is_compared


# Her round page ---------------------------------------------------------------------------


def test_her_page_marks_the_words_changed_with_text_for_screen_readers(
    second_round_page, service_user, item_ids, client
):
    client.force_login(service_user.user)

    soup = soup_of(client.get(page_url(second_round_page)))

    item = soup.find(id=f"item-{item_ids[0]}")
    change = item.find(class_="app-item-change--changed")
    assert change.find("h4").get_text() == "Changed since Round 1: working together"
    added = change.find_all("ins")
    assert [a.get_text() for a in added] == ["added: always  (end of added words) "]
    hidden = added[0].find_all(class_="nhsuk-u-visually-hidden")
    assert [h.get_text() for h in hidden] == ["added: ", " (end of added words) "]
    assert change.find("del") is None
    visible = change.find(class_="app-text-changes")
    for span in visible.find_all(class_="nhsuk-u-visually-hidden"):
        span.decompose()
    assert visible.get_text() == REWORDED


def test_removed_words_are_in_del_with_text_for_screen_readers(
    first_round, section, item_ids, service_user, client
):
    reworded = "Each woman has a trusted lead professional."
    draft_save(section, [(item_ids[0], STATEMENTS[0]), (item_ids[1], reworded)])
    later = RoundFactory(title="Round 2", follows=first_round)
    later_page = RoundPageFactory(round=later, page=section)
    client.force_login(service_user.user)

    soup = soup_of(client.get(page_url(later_page)))

    change = soup.find(id=f"item-{item_ids[1]}").find(class_="app-text-changes")
    assert [d.get_text() for d in change.find_all("del")] == [
        "removed: named  (end of removed words) "
    ]
    assert [i.get_text() for i in change.find_all("ins")] == [
        "added: trusted  (end of added words) "
    ]


def test_the_difference_of_an_item_with_a_content_note_waits_behind_the_note(
    first_round, section, item_ids, service_user, client
):
    draft_save(section, [(item_ids[0], REWORDED)], content_note="Mentions care proceedings")
    later = RoundFactory(title="Round 2", follows=first_round)
    later_page = RoundPageFactory(round=later, page=section)
    client.force_login(service_user.user)

    soup = soup_of(client.get(page_url(later_page)))

    change = soup.find(id=f"item-{item_ids[0]}").find(class_="app-item-change")
    details = change.find("details")
    assert "Content note: Mentions care proceedings" in details.find("summary").get_text()
    assert details.find("ins") is not None
    assert details.get("open") is None


def test_a_note_added_in_a_later_draft_also_covers_her_earlier_comments_item_text(
    open_round, section, item_ids, service_user, client
):
    post(open_round, service_user, item_ids[0], "About the plan.")
    first_round = round_close(open_round)
    draft_save(section, [(item_ids[0], REWORDED)], content_note="Mentions care proceedings")
    later_page = RoundPageFactory(
        round=RoundFactory(title="Round 2", follows=first_round), page=section
    )
    client.force_login(service_user.user)

    soup = soup_of(client.get(page_url(later_page)))

    earlier = soup.find(id=f"item-{item_ids[0]}").find(class_="app-earlier-comments")
    details = earlier.find("details")
    assert "Content note: Mentions care proceedings" in details.find("summary").get_text()
    assert STATEMENTS[0] in details.get_text()
    assert details.get("open") is None


def test_her_page_says_which_items_are_new_unchanged_and_removed(
    second_round_page, service_user, item_ids, client
):
    client.force_login(service_user.user)

    soup = soup_of(client.get(page_url(second_round_page)))

    unchanged = soup.find(id=f"item-{item_ids[1]}")
    assert "Unchanged since Round 1: working together" in unchanged.get_text()
    assert unchanged.find("ins") is None and unchanged.find("del") is None
    new_item = soup.find("li", attrs={"data-block-id": lambda v: v and v not in item_ids})
    assert "New in this draft" in new_item.get_text()
    removed = soup.find(id="removed-items")
    assert removed.find("h2").get_text() == "Removed since Round 1: working together"
    assert removed.find(id=f"removed-{item_ids[2]}") is not None
    assert STATEMENTS[2] in removed.get_text()
    summary = soup.find(class_="app-changes-summary").get_text(" ", strip=True)
    assert "1 requirement changed" in summary
    assert "1 new requirement" in summary
    assert "1 requirement removed" in summary


def test_her_earlier_comments_are_labelled_by_what_became_of_their_item(
    first_round, second_round, second_round_page, service_user, item_ids, client
):
    on_changed = post_late(first_round, service_user, item_ids[0], "One plan, please.")
    on_unchanged = post_late(first_round, service_user, item_ids[1], "Yes, a lead.")
    on_removed = post_late(first_round, service_user, item_ids[2], "18 months is too short.")
    on_page = post_late(first_round, service_user, "", "The whole section is good.")
    client.force_login(service_user.user)

    soup = soup_of(client.get(page_url(second_round_page)))

    def entry(comment):
        return soup.find(id=f"earlier-comment-{comment.pk}")

    assert entry(on_changed).find_parent(id=f"item-{item_ids[0]}") is not None
    assert "Text changed" in entry(on_changed).get_text()
    assert STATEMENTS[0] in entry(on_changed).get_text()
    assert entry(on_unchanged).find_parent(id=f"item-{item_ids[1]}") is not None
    assert "Text unchanged" in entry(on_unchanged).get_text()
    assert entry(on_removed).find_parent(id="removed-items") is not None
    assert "Item removed" in entry(on_removed).get_text()
    assert entry(on_page).find_parent(id="earlier-page-comments") is not None
    assert "On the whole page" in entry(on_page).get_text()
    heading = entry(on_changed).find_parent(class_="app-earlier-comments").find("h4")
    assert heading.get_text() == "Your comments in Round 1: working together"


def test_her_earlier_comments_show_the_teams_answer_or_that_none_came_yet(
    first_round, second_round_page, service_user, item_ids, client
):
    answered = post_late(first_round, service_user, item_ids[0], "One plan, please.")
    waiting = post_late(first_round, service_user, item_ids[1], "Yes, a lead.")
    answer(answered, AnswerStatus.PARTLY_ACCEPTED, "We now say the plan is written.")
    client.force_login(service_user.user)

    soup = soup_of(client.get(page_url(second_round_page)))

    answered_text = soup.find(id=f"earlier-comment-{answered.pk}").get_text(" ", strip=True)
    assert "The research team's answer: Partly accepted" in answered_text
    assert "We now say the plan is written." in answered_text
    assert "Not answered yet." in soup.find(id=f"earlier-comment-{waiting.pk}").get_text()


def test_a_hidden_earlier_comment_is_still_hers_with_a_note(
    first_round, second_round_page, service_user, item_ids, client
):
    hidden = post_late(first_round, service_user, item_ids[0], "Names a midwife.")
    hide(hidden, "It names a member of staff.")
    client.force_login(service_user.user)

    entry = soup_of(client.get(page_url(second_round_page))).find(
        id=f"earlier-comment-{hidden.pk}"
    )

    assert "Names a midwife." in entry.get_text()
    assert "The research team hid this comment from other members." in entry.get_text()
    assert "It names a member of staff." in entry.get_text()


def test_other_members_and_withdrawn_earlier_comments_are_not_shown_to_her(
    first_round, second_round_page, service_user, professional, item_ids, client
):
    Round.objects.filter(pk=first_round.pk).update(comments_visible_to_members=True)
    first_round.refresh_from_db()
    post_late(first_round, professional, item_ids[0], "Rowan's view on the plan.")
    with reopened(first_round):
        withdrawn = post(first_round, service_user, item_ids[0], "I take this back.")
        comment_withdraw(comment=withdrawn, member=service_user)
    client.force_login(service_user.user)

    html = client.get(page_url(second_round_page)).content.decode()

    assert "Rowan&#x27;s view on the plan." not in html
    assert "Rowan's view on the plan." not in html
    assert "I take this back." not in html
    assert "Your comments in" not in html


def test_comments_on_an_item_removed_two_rounds_back_stay_in_view(
    first_round, second_round, section, item_ids, service_user, client
):
    on_removed = post_late(first_round, service_user, item_ids[2], "18 months is too short.")
    round_close(second_round)
    draft_save(section, [(item_ids[0], REWORDED), (item_ids[1], STATEMENTS[1])])
    third = RoundFactory(title="Round 3", follows=second_round)
    third_page = RoundPageFactory(round=third, page=section)
    client.force_login(service_user.user)

    soup = soup_of(client.get(page_url(third_page)))

    entry = soup.find(id=f"earlier-comment-{on_removed.pk}")
    assert entry.find_parent(id="removed-items") is not None
    assert "Item removed" in entry.get_text()
    assert STATEMENTS[2] in entry.get_text()
    heading = entry.find_parent(class_="app-requirement--removed").find("h3")
    assert heading.get_text() == "Requirement 3.3 in Round 1: working together"


def test_her_comments_across_the_chain_are_grouped_by_round(
    first_round, second_round, second_round_page, section, item_ids, service_user
):
    post_late(first_round, service_user, item_ids[0], "In round 1.")
    post_late(second_round, service_user, item_ids[0], "In round 2.")
    round_close(second_round)
    third = RoundFactory(title="Round 3", follows=second_round)
    third_page = RoundPageFactory(round=third, page=section)

    comparison = page_comparison(round=third, round_page=third_page, member=service_user)
    groups = earlier_comments(comparison=comparison, member=service_user).on_item(item_ids[0])

    assert [(g.round.title, [e.comment.body for e in g.comments]) for g in groups] == [
        ("Round 2: working together", ["In round 2."]),
        ("Round 1: working together", ["In round 1."]),
    ]
    # Round 2 read the reworded text, which round 3 keeps; round 1 read the first text.
    assert [g.comments[0].fate for g in groups] == [ItemChange.UNCHANGED, ItemChange.CHANGED]


def test_her_page_costs_the_same_queries_for_two_or_six_earlier_comments(
    first_round, second_round_page, service_user, item_ids, client
):
    client.force_login(service_user.user)
    for index in range(2):
        post_late(first_round, service_user, item_ids[index % 3], f"Comment {index}.")
    client.get(page_url(second_round_page))  # the revisions' items are cached from here

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(page_url(second_round_page)).status_code == 200
        return len(captured)

    with_two = queries()
    for index in range(2, 6):
        post_late(first_round, service_user, item_ids[index % 3], f"Comment {index}.")
    answer(Comment.objects.filter(author=service_user).first(), AnswerStatus.NOTED, "Thanks.")

    assert queries() == with_two
    assert Comment.objects.filter(author=service_user).count() == 6


def test_her_page_works_for_a_member_who_joined_after_the_earlier_round(second_round_page, client):
    newcomer = MemberFactory(pseudonym="Aspen")
    client.force_login(newcomer.user)

    soup = soup_of(client.get(page_url(second_round_page)))

    assert soup.find(class_="app-changes-summary") is not None
    assert soup.find(class_="app-earlier-comments") is None


# The research team's admin ----------------------------------------------------------------


def changes_url(round: Round) -> str:
    return reverse("rounds:changes", args=[round.pk])


def test_the_round_inspect_page_shows_each_items_change(editor_client, second_round, item_ids):
    soup = soup_of(editor_client.get(reverse("rounds:inspect", args=[second_round.pk])))

    main = soup.find("main")
    assert "Changes since Round 1: working together" in main.get_text()
    added = [i.get_text() for i in main.find_all("ins")]
    assert "added: always  (end of added words) " in added
    assert f"added: {NEW}" in added
    assert [d.get_text() for d in main.find_all("del")] == [f"removed: {STATEMENTS[2]}"]
    assert main.find("a", href=changes_url(second_round)) is not None


def test_the_inspect_page_of_a_round_that_follows_none_shows_no_changes(editor_client, open_round):
    response = editor_client.get(reverse("rounds:inspect", args=[open_round.pk]))

    assert "Changes since" not in response.text
    assert changes_url(open_round) not in response.text


def test_the_changes_view_lists_earlier_comments_by_item_with_their_answers(
    editor_client, first_round, second_round, service_user, professional, item_ids
):
    answered = post_late(first_round, service_user, item_ids[0], "One plan, please.")
    answer(answered, AnswerStatus.ACCEPTED, "We now say so.")
    waiting = post_late(first_round, professional, item_ids[2], "Eighteen months is right.")
    on_page = post_late(first_round, professional, "", "A clear section.")
    with reopened(first_round):
        gone = post(first_round, professional, item_ids[1], "Withdrawn words.")
        comment_withdraw(comment=gone, member=professional)

    soup = soup_of(editor_client.get(changes_url(second_round)))

    main = soup.find("main")
    first = main.find(id=f"earlier-comment-{answered.pk}")
    assert first.find_parent("tr").find("td").get_text() == "3.1"
    assert "Willow" in first.get_text()
    assert "Accepted" in first.get_text()
    removed = main.find(id=f"earlier-comment-{waiting.pk}")
    assert "Item removed" in removed.find_parent("tr").get_text()
    assert "Rowan" in removed.get_text()
    assert "Not answered yet" in removed.get_text()
    whole_page = main.find(id=f"earlier-comment-{on_page.pk}").find_parent("tr")
    assert "The whole page" in whole_page.get_text()
    assert "Withdrawn words." not in main.get_text()
    assert "1 of 3 earlier comments answered." in " ".join(main.get_text().split())
    # Pseudonyms only: no real name or email of a member reaches this page.
    for member in (service_user, professional):
        assert member.user.email not in soup.decode()
        assert member.study_site.name not in main.get_text()


def test_a_following_round_offers_what_changed_in_its_menus(
    editor_client, open_round, second_round
):
    changes = reverse("rounds:changes", args=[second_round.pk])
    listing = editor_client.get(reverse("rounds:index")).content.decode()
    inspect = editor_client.get(reverse("rounds:inspect", args=[second_round.pk]))

    assert changes in listing
    assert changes in inspect.content.decode()
    # A round that follows none has nothing to compare with.
    assert reverse("rounds:changes", args=[open_round.pk]) not in listing


def test_the_changes_view_of_a_round_that_follows_none_says_so(editor_client, open_round):
    soup = soup_of(editor_client.get(changes_url(open_round)))

    assert "This round follows no earlier round" in soup.find("main").get_text()


def test_the_changes_view_needs_the_permission_to_view_rounds(client, second_round):
    group = Group.objects.create(name="Only the admin")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    user = UserFactory()
    user.groups.add(group)
    client.force_login(user)

    response = client.get(changes_url(second_round))

    assert response.status_code == 302
    assert response.url == reverse("wagtailadmin_home")


def test_members_cannot_reach_the_changes_view(client, second_round, service_user):
    client.force_login(service_user.user)

    response = client.get(changes_url(second_round))

    assert response.status_code == 302
    assert response.url.startswith(reverse("wagtailadmin_login"))


def test_the_changes_view_costs_the_same_queries_for_two_or_six_comments(
    editor_client, first_round, second_round, service_user, professional, item_ids
):
    for index in range(2):
        post_late(first_round, service_user, item_ids[index % 3], f"Comment {index}.")
    editor_client.get(changes_url(second_round))

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert editor_client.get(changes_url(second_round)).status_code == 200
        return len(captured)

    with_two = queries()
    for index in range(2, 6):
        author = professional if index % 2 else service_user
        post_late(first_round, author, item_ids[index % 3], f"Comment {index}.")

    assert queries() == with_two


def test_an_item_renumbered_since_the_earlier_round_says_its_old_number(
    first_round, section, item_ids, service_user, client
):
    # The first item is dropped, so the second and third move up one place.
    draft_save(section, [(item_ids[1], STATEMENTS[1]), (item_ids[2], STATEMENTS[2])])
    round = RoundFactory(title="Round 2: working together", follows=first_round)
    page = FrameworkSectionPage.objects.get(pk=section.pk)
    round_page = RoundPageFactory(round=round, page=page)
    client.force_login(service_user.user)

    soup = soup_of(client.get(page_url(round_page)))

    moved = soup.find(id=f"item-{item_ids[1]}").find(class_="app-item-change")
    assert "Numbered 3.2 in Round 1: working together." in moved.get_text()
    assert "Unchanged since Round 1: working together" in moved.get_text()
