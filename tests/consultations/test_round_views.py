"""A round as a member takes part in it, through the pages she uses."""

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst

import pytest
from bs4 import BeautifulSoup

from consultations.enums import Abstention, Audience, VersionKind
from consultations.formatting import closed_phrase, deadline_phrase, opens_phrase
from consultations.models import COMMENT_MAX_LENGTH, QUOTE_MAX_LENGTH, Comment, Rating
from consultations.services import comment_post, comment_withdraw, member_withdraw, rating_set
from tests.consultations.conftest import (
    STATEMENTS,
    comment_form_data,
    rating_form_data,
    requirements,
    started_from,
)
from tests.consultations.urls import (
    comment_url,
    edit_url,
    page_url,
    rate_url,
    round_url,
    withdraw_url,
)
from tests.factories import (
    EvidenceSummaryPageFactory,
    FrameworkSectionPageFactory,
    MemberFactory,
    RoundFactory,
    RoundPageFactory,
)


def soup_of(response) -> BeautifulSoup:
    return BeautifulSoup(response.content, "html.parser")


def item_card(soup: BeautifulSoup, block_id: str):
    return soup.find(id=f"item-{block_id}")


def error_beside(soup: BeautifulSoup, field_id: str) -> str:
    """The error message shown in the field's own form group."""
    message = soup.find(id=f"{field_id}-error")
    return message.get_text(" ", strip=True) if message else ""


def post(round_page, member, client, data: dict, *, action=comment_url, follow=False):
    client.force_login(member.user)
    with_token = rating_form_data if action is rate_url else comment_form_data
    return client.post(action(round_page), with_token(member, **data), follow=follow)


@pytest.fixture
def as_willow(client, service_user):
    client.force_login(service_user.user)
    return client


# Seeing the round -----------------------------------------------------------------------


def test_round_page_shows_the_pinned_revision_of_a_never_published_page(
    framework, service_user, client
):
    draft = FrameworkSectionPageFactory(
        parent=framework,
        title="Support after birth",
        section_number=4,
        live=False,
        requirements=requirements("Pinned words about support."),
    )
    draft.save_revision()
    round_page = RoundPageFactory(page=draft)
    # The newer words are both in the latest revision and on the page's own row.
    draft.requirements = requirements("Newer words nobody was asked about.")
    draft.save_revision()
    draft.save()
    client.force_login(service_user.user)

    response = client.get(page_url(round_page))

    assert response.status_code == 200
    text = soup_of(response).get_text()
    assert "Pinned words about support." in text
    assert "Newer words nobody was asked about." not in text
    assert client.get(draft.url or "/framework/support-after-birth/").status_code == 404


def test_round_overview_lists_its_pages_with_her_progress(
    open_round, round_page, service_user, item_ids, as_willow
):
    rating_set(
        round=open_round,
        member=service_user,
        page_id=round_page.page_id,
        block_id=item_ids[0],
        score=8,
    )
    comment_post(round=open_round, member=service_user, page_id=round_page.page_id, body="Hi.")

    response = as_willow.get(round_url(open_round))

    soup = soup_of(response)
    assert soup.h1.get_text(strip=True) == "Round 1: working together"
    assert "Rate each requirement and tell us why." in soup.get_text()
    assert (
        soup.find(class_="app-deadline").get_text(strip=True).startswith("Closes in 7 days, on ")
    )
    page = soup.select_one(".app-round-pages__page")
    assert page.a["href"] == page_url(round_page)
    assert page.a.get_text(strip=True) == "Working together"
    progress = page.find(class_="app-progress").get_text(" ", strip=True)
    assert "You rated 1 of 3 requirements" in progress
    assert "You made 1 comment" in progress
    assert "1 comment on the whole page" in progress


def test_deadline_reads_the_same_on_the_dashboard_overview_and_round_page(
    open_round, round_page, as_willow
):
    expected = f"{capfirst(deadline_phrase(open_round.closes_at))}."

    dashboard = soup_of(as_willow.get(reverse("consultations:dashboard")))
    overview = soup_of(as_willow.get(round_url(open_round)))
    page = soup_of(as_willow.get(page_url(round_page)))

    assert expected in dashboard.select_one(".app-round-card").get_text(" ", strip=True)
    assert overview.find(class_="app-deadline").get_text(strip=True) == expected
    assert expected in page.find(class_="app-round-banner").get_text(" ", strip=True)


@pytest.mark.parametrize("where", ["overview", "round_page", "comment_edit"])
def test_closed_notice_reads_as_the_dashboard_does(
    open_round, round_page, service_user, close_round, as_willow, where
):
    comment = comment_post(
        round=open_round, member=service_user, page_id=round_page.page_id, body="Mine."
    ).comment
    close_round(open_round)
    url = {
        "overview": round_url(open_round),
        "round_page": page_url(round_page),
        "comment_edit": edit_url(comment),
    }[where]

    notice = soup_of(as_willow.get(url)).find(class_="app-round-closed")

    assert notice.strong.get_text(strip=True) == f"{closed_phrase(open_round.closes_at)}."
    dashboard = soup_of(as_willow.get(reverse("consultations:dashboard")))
    assert closed_phrase(open_round.closes_at) in dashboard.get_text()


def test_round_overview_says_when_the_round_has_closed(open_round, close_round, as_willow):
    close_round(open_round)

    soup = soup_of(as_willow.get(round_url(open_round)))

    assert "Closed on " in soup.find(class_="app-round-closed").get_text()


@pytest.mark.parametrize("view", ["round", "round_page"])
def test_round_outside_her_audience_is_not_found(open_round, round_page, as_willow, view):
    open_round.audience = Audience.PROFESSIONALS
    open_round.save()

    url = round_url(open_round) if view == "round" else page_url(round_page)
    assert as_willow.get(url).status_code == 404


def test_round_not_yet_open_is_not_found(open_round, round_page, as_willow):
    open_round.opens_at = timezone.now() + timedelta(days=1)
    open_round.closes_at = timezone.now() + timedelta(days=8)
    open_round.save()

    assert as_willow.get(round_url(open_round)).status_code == 404
    assert as_willow.get(page_url(round_page)).status_code == 404


def test_member_who_has_withdrawn_sees_no_round(open_round, round_page, service_user, as_willow):
    member_withdraw(member=service_user)

    # Withdrawing ends her sessions: she is sent to sign in, which she no longer can.
    for url in (round_url(open_round), page_url(round_page)):
        response = as_willow.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/?next=")


def test_page_not_in_the_round_is_not_found(open_round, framework, as_willow):
    other = FrameworkSectionPageFactory(parent=framework, section_number=9)

    url = reverse(
        "consultations:round_page", kwargs={"round_pk": open_round.pk, "page_pk": other.pk}
    )
    assert as_willow.get(url).status_code == 404


def test_anonymous_visitor_is_sent_to_sign_in(open_round, round_page, client):
    response = client.get(page_url(round_page))

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_editor_without_a_member_profile_is_refused(open_round, round_page, editor, client):
    client.force_login(editor)

    response = client.get(round_url(open_round))

    assert response.status_code == 403
    assert "advisory group" in response.content.decode()


# Rating ---------------------------------------------------------------------------------


def test_rating_an_item_stores_it_against_round_page_revision_and_item(
    open_round, round_page, service_user, item_ids, client
):
    response = post(
        round_page,
        service_user,
        client,
        {"block_id": item_ids[1], "choice": "8", "reason": "It matters."},
        action=rate_url,
    )

    assert response.status_code == 302
    assert response["Location"] == f"{page_url(round_page)}#item-{item_ids[1]}"
    rating = Rating.objects.get()
    assert (rating.round, rating.page_id, rating.revision, rating.block_id) == (
        open_round,
        round_page.page_id,
        round_page.revision,
        item_ids[1],
    )
    assert (rating.member, rating.score, rating.reason) == (service_user, 8, "It matters.")
    page = soup_of(client.get(response["Location"]))
    assert "Your rating of requirement 3.2 is saved." in page.get_text()
    checked = item_card(page, item_ids[1]).select_one("input[name=choice][checked]")
    assert checked["value"] == "8"


def test_changing_a_rating_keeps_the_earlier_one(
    open_round, round_page, service_user, item_ids, client
):
    post(
        round_page, service_user, client, {"block_id": item_ids[0], "choice": "3"}, action=rate_url
    )
    post(
        round_page,
        service_user,
        client,
        {"block_id": item_ids[0], "choice": Abstention.DECLINED, "reason": "Not my area."},
        action=rate_url,
    )

    rating = Rating.objects.get()
    assert (rating.score, rating.abstention, rating.reason) == (
        None,
        Abstention.DECLINED,
        "Not my area.",
    )
    assert [(v.kind, v.score, v.abstention) for v in rating.versions.all()] == [
        (VersionKind.CREATED, 3, ""),
        (VersionKind.EDITED, None, Abstention.DECLINED),
    ]


def test_rating_form_offers_the_rounds_scale_and_the_two_ways_not_to_rate(
    round_page, item_ids, as_willow
):
    card = item_card(soup_of(as_willow.get(page_url(round_page))), item_ids[0])

    labels = [label.get_text(strip=True) for label in card.select(".nhsuk-radios__label")]
    assert labels[0] == "1 - strongly disagree"
    assert labels[8] == "9 - strongly agree"
    assert labels[9:] == ["I'm unable to rate this", "I'd rather not rate this"]
    assert card.select_one(".nhsuk-radios__divider").get_text(strip=True) == "or"
    assert card.find("button", string="Save rating")


@pytest.mark.parametrize(
    ("choice", "message"),
    [
        ("12", "Choose a score from 1 to 9."),
        ("", "Choose a score, or say why you are not rating."),
        ("maybe", "Choose a score, or say why you are not rating."),
    ],
)
def test_invalid_rating_is_refused_beside_the_choice_and_keeps_her_reason(
    round_page, service_user, item_ids, client, choice, message
):
    response = post(
        round_page,
        service_user,
        client,
        {"block_id": item_ids[0], "choice": choice, "reason": "Because of my midwife."},
        action=rate_url,
    )

    assert response.status_code == 200
    soup = soup_of(response)
    field_id = f"rate-{item_ids[0]}-choice"
    assert message in error_beside(soup, field_id)
    summary_link = soup.select_one(".nhsuk-error-summary a")
    assert summary_link["href"] == f"#{field_id}_0"
    assert soup.find(id=f"{field_id}_0") is not None
    reason = soup.find(id=f"rate-{item_ids[0]}-reason")
    assert reason.get_text() == "Because of my midwife."
    assert not Rating.objects.exists()


def test_over_long_reason_is_refused_beside_it_and_kept(
    round_page, service_user, item_ids, client
):
    reason = "x" * 1001

    response = post(
        round_page,
        service_user,
        client,
        {"block_id": item_ids[0], "choice": "5", "reason": reason},
        action=rate_url,
    )

    soup = soup_of(response)
    assert "1,000 characters or fewer" in error_beside(soup, f"rate-{item_ids[0]}-reason")
    assert soup.find(id=f"rate-{item_ids[0]}-reason").get_text() == reason
    checked = item_card(soup, item_ids[0]).select_one("input[name=choice][checked]")
    assert checked["value"] == "5"


def test_rating_an_item_not_in_the_pinned_revision_is_refused_and_keeps_her_reason(
    round_page, service_user, client
):
    response = post(
        round_page,
        service_user,
        client,
        {"block_id": "not-an-item", "choice": "5", "reason": "My midwife said so."},
        action=rate_url,
    )

    assert response.status_code == 200
    soup = soup_of(response)
    assert (
        "This item is not in the version of the page"
        in soup.select_one(".nhsuk-error-summary").get_text()
    )
    form = soup.find(class_="app-unplaced-rating").find("form")
    assert (
        "This item is not in the version of the page"
        in form.find(class_="app-form-errors").get_text()
    )
    assert form.find("textarea", attrs={"name": "reason"}).get_text() == "My midwife said so."
    assert form.select_one("input[name=choice][checked]")["value"] == "5"
    assert not Rating.objects.exists()
    # The summary's line leads to the form that holds her answer.
    link = soup.select_one(".nhsuk-error-summary a")
    assert form.find(id=link["href"].removeprefix("#")) is not None


def test_page_shows_no_stray_rating_form_when_nothing_went_wrong(round_page, as_willow):
    assert soup_of(as_willow.get(page_url(round_page))).find(class_="app-unplaced-rating") is None


# Commenting -----------------------------------------------------------------------------


def test_commenting_on_an_item_stores_it_and_shows_it_under_the_item(
    open_round, round_page, service_user, item_ids, client
):
    response = post(
        round_page,
        service_user,
        client,
        {"block_id": item_ids[2], "quote": "18 months", "body": "Two years would be better."},
    )

    comment = Comment.objects.get()
    assert (comment.round, comment.page_id, comment.revision, comment.block_id) == (
        open_round,
        round_page.page_id,
        round_page.revision,
        item_ids[2],
    )
    assert (comment.author, comment.quote, comment.body) == (
        service_user,
        "18 months",
        "Two years would be better.",
    )
    assert response["Location"] == f"{page_url(round_page)}#comment-{comment.pk}"
    page = soup_of(client.get(page_url(round_page)))
    shown = item_card(page, item_ids[2]).find(id=f"comment-{comment.pk}")
    assert "Two years would be better." in shown.get_text()
    assert "18 months" in shown.find("blockquote").get_text()
    assert "You (Willow)" in shown.get_text()
    assert shown.find("a", href=edit_url(comment))
    assert shown.find("a", href=withdraw_url(comment))


def test_commenting_on_the_whole_page(open_round, round_page, service_user, client):
    post(round_page, service_user, client, {"block_id": "", "body": "The order is confusing."})

    comment = Comment.objects.get()
    assert comment.block_id == ""
    page = soup_of(client.get(page_url(round_page)))
    assert "The order is confusing." in page.find(id="page-comments").get_text()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"body": "   "}, "body", "Enter your comment."),
        (
            {"body": "y" * (COMMENT_MAX_LENGTH + 1)},
            "body",
            "This must be 2,000 characters or fewer. It has 2,001.",
        ),
        (
            {"body": "Keep this.", "quote": "q" * (QUOTE_MAX_LENGTH + 1)},
            "quote",
            "This must be 500 characters or fewer. It has 501.",
        ),
    ],
)
def test_invalid_comment_is_refused_beside_the_field_and_keeps_her_text(
    round_page, service_user, item_ids, client, data, field, message
):
    data = {"block_id": item_ids[0], "quote": "", **data}

    response = post(round_page, service_user, client, data)

    assert response.status_code == 200
    soup = soup_of(response)
    field_id = f"comment-{item_ids[0]}-{field}"
    assert message in error_beside(soup, field_id)
    assert soup.select_one(".nhsuk-error-summary a")["href"] == f"#{field_id}"
    assert soup.title.get_text().startswith("Error:")
    body = soup.find(id=f"comment-{item_ids[0]}-body")
    assert body.get_text() == data["body"]
    quote = soup.find(id=f"comment-{item_ids[0]}-quote")
    assert quote.get("value", "") == data["quote"]
    assert body.find_parent("details").has_attr("open")
    assert not Comment.objects.exists()


def test_comment_on_an_item_not_in_the_pinned_revision_keeps_her_words(
    round_page, service_user, client
):
    response = post(
        round_page, service_user, client, {"block_id": "gone", "body": "Where did it go?"}
    )

    soup = soup_of(response)
    form = soup.find(id="page-comments").find("form")
    assert (
        "This item is not in the version of the page"
        in form.find(class_="app-form-errors").get_text()
    )
    assert form.find("textarea").get_text() == "Where did it go?"
    assert not Comment.objects.exists()


def test_editing_a_comment_keeps_its_versions_and_shows_it_was_edited(
    open_round, round_page, service_user, item_ids, client
):
    comment = comment_post(
        round=open_round,
        member=service_user,
        page_id=round_page.page_id,
        block_id=item_ids[0],
        body="First thoughts.",
    ).comment
    client.force_login(service_user.user)
    form = soup_of(client.get(edit_url(comment)))
    assert form.find("textarea", attrs={"name": "body"}).get_text() == "First thoughts."

    response = client.post(
        edit_url(comment), {"body": "Second thoughts.", "quote": "", **started_from(comment)}
    )

    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.body == "Second thoughts."
    assert [v.body for v in comment.versions.all()] == ["First thoughts.", "Second thoughts."]
    shown = soup_of(client.get(page_url(round_page))).find(id=f"comment-{comment.pk}")
    assert "Second thoughts." in shown.get_text()
    assert shown.find(class_="app-comment__edited").get_text(strip=True) == "Edited"


def test_emptying_a_comment_when_editing_is_refused_beside_the_box(
    open_round, round_page, service_user, client
):
    comment = comment_post(
        round=open_round, member=service_user, page_id=round_page.page_id, body="Kept."
    ).comment
    client.force_login(service_user.user)

    response = client.post(
        edit_url(comment), {"body": "", "quote": "my quote", **started_from(comment)}
    )

    soup = soup_of(response)
    assert "Enter your comment." in error_beside(soup, "id_body")
    assert soup.find(id="id_quote")["value"] == "my quote"
    comment.refresh_from_db()
    assert comment.body == "Kept."


def test_withdrawing_a_comment_after_confirming(
    open_round, round_page, service_user, professional, client
):
    open_round.comments_visible_to_members = True
    open_round.save()
    comment = comment_post(
        round=open_round, member=service_user, page_id=round_page.page_id, body="Said in haste."
    ).comment
    client.force_login(service_user.user)
    confirm = soup_of(client.get(withdraw_url(comment)))
    assert "Said in haste." in confirm.get_text()
    assert confirm.find("button", string="Withdraw comment")

    client.post(withdraw_url(comment), started_from(comment))

    comment.refresh_from_db()
    assert comment.is_withdrawn
    assert [v.kind for v in comment.versions.all()] == [VersionKind.CREATED, VersionKind.WITHDRAWN]
    hers = soup_of(client.get(page_url(round_page))).find(id=f"comment-{comment.pk}")
    assert hers.get_text(strip=True) == "You withdrew this comment."
    client.force_login(professional.user)
    assert "Said in haste." not in client.get(page_url(round_page)).content.decode()


@pytest.mark.parametrize("view", [edit_url, withdraw_url])
def test_member_cannot_change_another_members_comment(
    open_round, round_page, service_user, professional, client, view
):
    open_round.comments_visible_to_members = True
    open_round.save()
    comment = comment_post(
        round=open_round, member=service_user, page_id=round_page.page_id, body="Mine."
    ).comment
    client.force_login(professional.user)

    assert client.get(view(comment)).status_code == 404
    assert client.post(view(comment), {"body": "Changed."}).status_code == 404
    comment.refresh_from_db()
    assert comment.body == "Mine." and not comment.is_withdrawn


# Who sees what ----------------------------------------------------------------------------


def test_private_round_shows_a_comment_only_to_its_author(
    open_round, round_page, service_user, professional, item_ids, client
):
    comment_post(
        round=open_round,
        member=service_user,
        page_id=round_page.page_id,
        block_id=item_ids[0],
        body="Only the team should read this.",
    )

    client.force_login(service_user.user)
    assert "Only the team should read this." in client.get(page_url(round_page)).content.decode()
    client.force_login(professional.user)
    assert (
        "Only the team should read this." not in client.get(page_url(round_page)).content.decode()
    )


def test_shared_round_shows_others_by_pseudonym_and_never_their_identity(
    open_round, round_page, service_user, professional, item_ids, client
):
    open_round.comments_visible_to_members = True
    open_round.save()
    user = service_user.user
    user.first_name, user.last_name = "Jessica", "Realname"
    user.save()
    comment_post(
        round=open_round,
        member=service_user,
        page_id=round_page.page_id,
        block_id=item_ids[0],
        body="My midwife helped.",
    )
    client.force_login(professional.user)

    html = client.get(page_url(round_page)).content.decode()

    assert "My midwife helped." in html
    assert "Willow" in html
    for identity in ("Jessica", "Realname", user.email, user.username, "Site A"):
        assert identity not in html


def test_others_late_and_withdrawn_comments_are_never_shown(
    open_round, round_page, service_user, professional, close_round, client
):
    open_round.comments_visible_to_members = True
    open_round.save()
    withdrawn = comment_post(
        round=open_round, member=service_user, page_id=round_page.page_id, body="Taken back."
    ).comment
    comment_withdraw(comment=withdrawn, member=service_user)
    close_round(open_round)
    comment_post(
        round=open_round, member=service_user, page_id=round_page.page_id, body="Too late."
    )
    client.force_login(professional.user)

    html = client.get(page_url(round_page)).content.decode()

    assert "Taken back." not in html and "Too late." not in html


def test_replies_are_shown_under_the_comment_they_answer(
    open_round, round_page, service_user, professional, item_ids, client
):
    open_round.comments_visible_to_members = True
    open_round.save()
    first = comment_post(
        round=open_round,
        member=service_user,
        page_id=round_page.page_id,
        block_id=item_ids[0],
        body="Who would lead?",
    ).comment
    client.force_login(professional.user)
    reply_form = soup_of(client.get(page_url(round_page))).find(id=f"reply-{first.pk}-body")
    assert reply_form is not None

    client.post(
        comment_url(round_page),
        comment_form_data(
            professional, block_id=item_ids[0], parent=first.pk, body="The midwife."
        ),
    )

    reply = Comment.objects.get(parent=first)
    assert (reply.author, reply.block_id, reply.body) == (
        professional,
        item_ids[0],
        "The midwife.",
    )
    client.force_login(service_user.user)
    thread = soup_of(client.get(page_url(round_page))).find(id=f"comment-{first.pk}").parent
    replies = thread.select(".app-comments--replies .app-comment")
    assert [r.get_text(" ", strip=True) for r in replies][0].startswith("Rowan")
    assert "The midwife." in replies[0].get_text()


def test_private_round_offers_no_reply(open_round, round_page, service_user, as_willow):
    comment = comment_post(
        round=open_round, member=service_user, page_id=round_page.page_id, body="Mine."
    ).comment

    assert soup_of(as_willow.get(page_url(round_page))).find(id=f"reply-{comment.pk}-body") is None


def test_replying_to_a_comment_she_cannot_see_is_not_found(
    open_round, round_page, service_user, professional, client
):
    hidden = comment_post(
        round=open_round, member=service_user, page_id=round_page.page_id, body="Private."
    ).comment

    response = post(round_page, professional, client, {"parent": hidden.pk, "body": "Hello."})

    assert response.status_code == 404
    assert Comment.objects.count() == 1


@pytest.mark.parametrize(
    ("visible", "sentence"),
    [
        pytest.param(
            False, "Only the research team reads your comments in this round.", id="private"
        ),
        pytest.param(
            True,
            "Other members in this round will see your comment under your pseudonym, Willow.",
            id="shared",
        ),
    ],
)
def test_every_comment_box_says_who_will_read_it(
    open_round, round_page, service_user, item_ids, as_willow, visible, sentence
):
    open_round.comments_visible_to_members = visible
    open_round.save()
    comment = comment_post(
        round=open_round, member=service_user, page_id=round_page.page_id, body="Mine."
    ).comment

    soup = soup_of(as_willow.get(page_url(round_page)))

    boxes = [f"comment-{block_id}-body" for block_id in item_ids] + ["comment-page-body"]
    if visible:
        boxes.append(f"reply-{comment.pk}-body")
    for box in boxes:
        hint = soup.find(id=f"{box}-hint")
        assert hint.get_text(strip=True) == sentence, box
        assert f"{box}-hint" in soup.find(id=box)["aria-describedby"].split()
    in_forms = sum(form.get_text().count("Only the research team reads") for form in soup("form"))
    assert in_forms == (0 if visible else 4)


@pytest.mark.parametrize(
    ("visible", "edit_sentence", "withdraw_sentence"),
    [
        pytest.param(
            False,
            "Only the research team reads your comments in this round. It keeps what your "
            "comment said before.",
            "Only the research team reads your comments in this round. It keeps a copy, as "
            "the consent information explains.",
            id="private",
        ),
        pytest.param(
            True,
            "Other members will see that you changed it. The research team keeps what it said "
            "before.",
            "Other members will no longer see it. The research team keeps a copy, as the "
            "consent information explains.",
            id="shared",
        ),
    ],
)
def test_changing_or_withdrawing_a_comment_says_who_will_notice(
    open_round,
    round_page,
    service_user,
    as_willow,
    visible,
    edit_sentence,
    withdraw_sentence,
):
    open_round.comments_visible_to_members = visible
    open_round.save()
    comment = comment_post(
        round=open_round, member=service_user, page_id=round_page.page_id, body="Mine."
    ).comment

    def text(url: str) -> str:
        return " ".join(soup_of(as_willow.get(url)).find("main").get_text(" ").split())

    edit_text, withdraw_text = text(edit_url(comment)), text(withdraw_url(comment))
    assert edit_sentence in edit_text
    assert withdraw_sentence in withdraw_text
    assert ("Other members" in edit_text + withdraw_text) is visible


# Which requests each view takes, and from whom -----------------------------------------


@pytest.mark.parametrize("action", [rate_url, comment_url])
def test_rating_and_commenting_take_only_a_post(round_page, item_ids, as_willow, action):
    response = as_willow.get(action(round_page), {"block_id": item_ids[0], "choice": "5"})

    assert response.status_code == 405
    assert not Rating.objects.exists() and not Comment.objects.exists()


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
@pytest.mark.parametrize("view", [edit_url, withdraw_url])
def test_changing_and_withdrawing_take_only_get_and_post(
    open_round, round_page, service_user, as_willow, view, method
):
    comment = comment_post(
        round=open_round, member=service_user, page_id=round_page.page_id, body="Mine."
    ).comment

    response = getattr(as_willow, method)(view(comment))

    assert response.status_code == 405
    comment.refresh_from_db()
    assert comment.body == "Mine." and not comment.is_withdrawn
    assert comment.versions.count() == 1


def sign_out(client, round, member) -> None:
    client.logout()


def leave_audience(client, round, member) -> None:
    round.audience = Audience.PROFESSIONALS
    round.save()


def withdraw_member(client, round, member) -> None:
    member_withdraw(member=member)


@pytest.mark.parametrize(
    ("action", "data"),
    [
        pytest.param(rate_url, {"choice": "5", "reason": "Sent."}, id="rate"),
        pytest.param(comment_url, {"body": "Sent."}, id="comment"),
    ],
)
@pytest.mark.parametrize(
    ("refuse", "status"),
    [
        pytest.param(sign_out, 302, id="signed-out"),
        pytest.param(leave_audience, 404, id="outside-the-audience"),
        pytest.param(withdraw_member, 302, id="withdrawn"),
    ],
)
def test_rating_and_commenting_are_refused_to_those_not_taking_part_in_the_round(
    open_round, round_page, service_user, item_ids, client, action, data, refuse, status
):
    client.force_login(service_user.user)
    refuse(client, open_round, service_user)

    response = client.post(action(round_page), {"block_id": item_ids[0], **data})

    assert response.status_code == status
    if status == 302:
        assert response["Location"].startswith("/accounts/login/?next=")
    # She is refused a POST just as she is refused the page itself.
    assert client.get(page_url(round_page)).status_code == status
    assert not Rating.objects.exists() and not Comment.objects.exists()


@pytest.mark.parametrize(
    ("view", "data"),
    [
        (edit_url, {"body": "Changed by someone else."}),
        (withdraw_url, {}),
    ],
)
@pytest.mark.parametrize("visible", [False, True])
def test_posting_to_another_members_comment_by_changing_its_id_is_not_found(
    open_round, round_page, service_user, professional, client, view, data, visible
):
    open_round.comments_visible_to_members = visible
    open_round.save()
    theirs = comment_post(
        round=open_round, member=service_user, page_id=round_page.page_id, body="Hers."
    ).comment
    own = comment_post(
        round=open_round, member=professional, page_id=round_page.page_id, body="Mine."
    ).comment
    client.force_login(professional.user)
    own_url = view(own)
    other_url = own_url.replace(f"/comments/{own.pk}/", f"/comments/{theirs.pk}/")
    assert other_url != own_url

    response = client.post(other_url, data)

    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.body == "Hers." and not theirs.is_withdrawn
    assert theirs.versions.count() == 1


# After the round closes -------------------------------------------------------------------


def test_closed_round_shows_what_she_gave_and_no_controls(
    open_round, round_page, service_user, item_ids, close_round, as_willow
):
    rating_set(
        round=open_round,
        member=service_user,
        page_id=round_page.page_id,
        block_id=item_ids[0],
        score=9,
        reason="Vital.",
    )
    comment = comment_post(
        round=open_round, member=service_user, page_id=round_page.page_id, body="My words."
    ).comment
    close_round(open_round)

    soup = soup_of(as_willow.get(page_url(round_page)))

    assert soup.find("main").find("form", attrs={"method": "post"}) is None
    assert "Closed on " in soup.find(class_="app-round-closed").get_text()
    card = item_card(soup, item_ids[0])
    assert card.find(class_="app-rating-given").get_text(strip=True) == "9 - strongly agree"
    assert "Vital." in card.get_text()
    shown = soup.find(id=f"comment-{comment.pk}")
    assert "My words." in shown.get_text()
    assert shown.find("a") is None


def test_closed_page_tags_a_rating_that_arrived_late(
    open_round, round_page, service_user, item_ids, close_round, as_willow
):
    rating_set(
        round=open_round,
        member=service_user,
        page_id=round_page.page_id,
        block_id=item_ids[0],
        score=9,
    )
    close_round(open_round)
    rating_set(
        round=open_round,
        member=service_user,
        page_id=round_page.page_id,
        block_id=item_ids[1],
        score=2,
    )

    soup = soup_of(as_willow.get(page_url(round_page)))

    late = item_card(soup, item_ids[1]).find(class_="app-rating-given")
    assert late.get_text(" ", strip=True) == "2 Arrived after the round closed"
    assert late.find(class_="nhsuk-tag").get_text(strip=True) == "Arrived after the round closed"
    on_time = item_card(soup, item_ids[0]).find(class_="app-rating-given")
    assert on_time.find(class_="nhsuk-tag") is None


def test_rating_that_arrives_after_closing_is_kept_late_and_she_is_told(
    open_round, round_page, service_user, item_ids, close_round, client
):
    client.force_login(service_user.user)
    client.get(page_url(round_page))
    close_round(open_round)

    response = client.post(
        rate_url(round_page),
        rating_form_data(service_user, block_id=item_ids[0], choice="7"),
        follow=True,
    )

    rating = Rating.objects.get()
    assert rating.late
    assert [v.late for v in rating.versions.all()] == [True]
    assert Rating.objects.counted().count() == 0
    text = soup_of(response).get_text()
    assert "The round had closed when this reached the research team" in text
    assert "will not count in the results" in text


def test_change_to_a_rating_after_closing_is_kept_noted_and_the_rating_stands(
    open_round, round_page, service_user, item_ids, close_round, client
):
    rating_set(
        round=open_round,
        member=service_user,
        page_id=round_page.page_id,
        block_id=item_ids[0],
        score=8,
    )
    client.force_login(service_user.user)
    close_round(open_round)

    response = client.post(
        rate_url(round_page),
        rating_form_data(service_user, block_id=item_ids[0], choice="2"),
        follow=True,
    )

    rating = Rating.objects.get()
    assert (rating.score, rating.late) == (8, False)
    assert [(v.score, v.late) for v in rating.versions.all()] == [(8, False), (2, True)]
    soup = soup_of(response)
    assert "so your rating stays as it was" in soup.get_text()
    assert "will not count" not in soup.get_text()
    card = item_card(soup, item_ids[0])
    assert card.find(class_="app-rating-given").get_text(strip=True) == "8"
    assert "You sent a change after the round closed." in card.get_text()
    assert "Arrived after the round closed" not in card.get_text()


def test_comment_that_arrives_after_closing_is_kept_late_and_she_is_told(
    open_round, round_page, service_user, item_ids, close_round, client
):
    close_round(open_round)

    response = post(
        round_page,
        service_user,
        client,
        {"block_id": item_ids[0], "body": "Sent as it closed."},
        follow=True,
    )

    comment = Comment.objects.get()
    assert comment.late
    soup = soup_of(response)
    assert "The round had closed when this reached the research team" in soup.get_text()
    shown = soup.find(id=f"comment-{comment.pk}")
    assert "Arrived after the round closed" in shown.get_text()


# Other page types and the public page ----------------------------------------------------


def test_evidence_summary_in_a_round_takes_comments_on_the_whole_page_only(
    home_page, service_user, client
):
    summary = EvidenceSummaryPageFactory(parent=home_page, title="Joined-up care study")
    round_page = RoundPageFactory(round=RoundFactory(), page=summary)

    response = post(round_page, service_user, client, {"block_id": "", "body": "Useful study."})
    soup = soup_of(client.get(page_url(round_page)))

    assert response.status_code == 302
    assert soup.h1.get_text(strip=True) == "Joined-up care study"
    assert soup.find("input", attrs={"name": "choice"}) is None
    assert "Useful study." in soup.find(id="page-comments").get_text()


def test_public_framework_page_has_no_consultation_controls(
    section, open_round, round_page, service_user, client
):
    section.save_revision().publish()
    comment_post(round=open_round, member=service_user, page_id=round_page.page_id, body="Hidden.")
    client.force_login(service_user.user)

    soup = soup_of(client.get(section.url))

    assert [li.find("h3").get_text(strip=True) for li in soup.select("li.app-requirement")] == [
        "Requirement 3.1",
        "Requirement 3.2",
        "Requirement 3.3",
    ]
    assert STATEMENTS[0] in soup.get_text()
    assert soup.find("main").find("form", attrs={"method": "post"}) is None
    assert soup.select(".app-consultation-item, #page-comments") == []
    assert "Hidden." not in soup.get_text()


def test_other_members_in_the_audience_see_the_same_round(
    open_round, round_page, item_ids, client
):
    member = MemberFactory(professional=True)
    client.force_login(member.user)

    assert client.get(page_url(round_page)).status_code == 200


def test_round_page_queries_do_not_grow_with_comments(
    open_round, round_page, service_user, professional, item_ids, client
):
    open_round.comments_visible_to_members = True
    open_round.save()
    client.force_login(service_user.user)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            client.get(page_url(round_page))
        return len(captured.captured_queries)

    client.get(page_url(round_page))  # the first request of all sets up the site's settings
    comment_post(round=open_round, member=professional, page_id=round_page.page_id, body="One.")
    few = queries()
    for block_id in item_ids:
        parent = comment_post(
            round=open_round,
            member=professional,
            page_id=round_page.page_id,
            block_id=block_id,
            body="More.",
        ).comment
        comment_post(
            round=open_round,
            member=service_user,
            page_id=round_page.page_id,
            body="A reply.",
            parent=parent,
        )

    assert queries() == few


def test_others_see_a_withdrawn_comment_with_replies_as_a_placeholder_without_its_words(
    open_round, round_page, service_user, professional, client
):
    open_round.comments_visible_to_members = True
    open_round.save()
    first = comment_post(
        round=open_round, member=service_user, page_id=round_page.page_id, body="Second thoughts."
    ).comment
    comment_post(
        round=open_round,
        member=professional,
        page_id=round_page.page_id,
        body="I see what you mean.",
        parent=first,
    )
    comment_withdraw(comment=first, member=service_user)
    client.force_login(professional.user)

    text = soup_of(client.get(page_url(round_page))).find("main").get_text()

    assert "This comment was withdrawn by the member who wrote it." in text
    assert "Second thoughts." not in text
    assert "I see what you mean." in text


def test_a_page_in_two_rounds_takes_ratings_and_comments_in_each(
    open_round, round_page, section, service_user, item_ids, client
):
    # Rounds follow one another on the same page (the next round on the next revision).
    later = RoundFactory(title="Round 2", follows=open_round)
    RoundPageFactory(round=later, page=section)
    client.force_login(service_user.user)

    for round in (open_round, later):
        url = reverse("consultations:rate", args=[round.pk, section.pk])
        data = rating_form_data(service_user, block_id=item_ids[0], choice="8", reason="")
        response = client.post(url, data)
        assert response.status_code == 302
        url = reverse("consultations:comment", args=[round.pk, section.pk])
        data = comment_form_data(service_user, block_id=item_ids[0], body=f"In {round.title}.")
        response = client.post(url, data)
        assert response.status_code == 302

    assert sorted(Rating.objects.values_list("round__title", "score")) == [
        ("Round 1: working together", 8),
        ("Round 2", 8),
    ]
    assert sorted(Comment.objects.values_list("body", flat=True)) == [
        "In Round 1: working together.",
        "In Round 2.",
    ]


# A round whose opening moved later after she loaded its page ------------------------------


@pytest.fixture
def postpone_round():
    """Move a round's opening into the future, as the research team may after she has
    loaded one of its pages."""

    def postpone(round):
        round.opens_at = timezone.now() + timedelta(days=1)
        round.closes_at = timezone.now() + timedelta(days=8)
        round.save(update_fields=["opens_at", "closes_at"])
        return round

    return postpone


def test_rating_for_a_round_not_yet_open_is_refused_beside_the_form_and_keeps_her_reason(
    open_round, round_page, service_user, item_ids, postpone_round, client
):
    client.force_login(service_user.user)
    client.get(page_url(round_page))
    postpone_round(open_round)

    response = client.post(
        rate_url(round_page),
        rating_form_data(
            service_user, block_id=item_ids[1], choice="7", reason="Joined-up care matters."
        ),
    )

    assert response.status_code == 200
    assert Rating.objects.count() == 0
    banner = soup_of(response).find(class_="app-round-banner").get_text(" ", strip=True)
    assert f"{opens_phrase(open_round.opens_at)}." in banner
    form = item_card(soup_of(response), item_ids[1]).find("form", class_="app-rating-form")
    assert "This round opens on" in form.find(class_="app-form-errors").get_text()
    assert form.find("textarea", attrs={"name": "reason"}).get_text() == "Joined-up care matters."
    assert form.find("input", attrs={"name": "choice", "value": "7"}).has_attr("checked")


def test_comment_for_a_round_not_yet_open_is_refused_beside_the_box_and_keeps_her_text(
    open_round, round_page, service_user, item_ids, postpone_round, client
):
    client.force_login(service_user.user)
    postpone_round(open_round)

    response = post(
        round_page, service_user, client, {"block_id": item_ids[0], "body": "My careful words."}
    )

    assert response.status_code == 200
    assert Comment.objects.count() == 0
    form = item_card(soup_of(response), item_ids[0]).find("form", class_="app-comment-form")
    assert "This round opens on" in form.find(class_="app-form-errors").get_text()
    assert form.find("textarea", attrs={"name": "body"}).get_text() == "My careful words."


def test_reply_for_a_round_not_yet_open_is_refused_and_keeps_her_text(
    open_round, round_page, service_user, professional, postpone_round, client
):
    open_round.comments_visible_to_members = True
    open_round.save()
    first = comment_post(
        round=open_round, member=professional, page_id=round_page.page_id, body="Rowan here."
    ).comment
    postpone_round(open_round)

    response = post(
        round_page, service_user, client, {"parent": first.pk, "body": "Willow agrees."}
    )

    assert response.status_code == 200
    assert Comment.objects.count() == 1
    form = soup_of(response).find("textarea", id=f"reply-{first.pk}-body").find_parent("form")
    assert "This round opens on" in form.find(class_="app-form-errors").get_text()
    assert form.find("textarea", attrs={"name": "body"}).get_text() == "Willow agrees."


def test_changing_a_comment_in_a_round_not_yet_open_is_refused_and_keeps_her_text(
    open_round, round_page, service_user, postpone_round, client
):
    comment = comment_post(
        round=open_round, member=service_user, page_id=round_page.page_id, body="Before."
    ).comment
    client.force_login(service_user.user)
    postpone_round(open_round)

    response = client.post(
        edit_url(comment), {"body": "After.", "quote": "", **started_from(comment)}
    )

    assert response.status_code == 200
    soup = soup_of(response)
    assert "This round opens on" in soup.find(class_="app-form-errors").get_text()
    assert soup.find("textarea", attrs={"name": "body"}).get_text() == "After."
    comment.refresh_from_db()
    assert comment.body == "Before."


def test_withdrawing_a_comment_in_a_round_not_yet_open_is_refused_with_a_message(
    open_round, round_page, service_user, postpone_round, client
):
    comment = comment_post(
        round=open_round, member=service_user, page_id=round_page.page_id, body="Still here."
    ).comment
    client.force_login(service_user.user)
    postpone_round(open_round)

    response = client.post(withdraw_url(comment), started_from(comment))

    assert response.status_code == 200
    soup = soup_of(response)
    assert "This round opens on" in soup.find(class_="nhsuk-error-summary").get_text()
    assert "This round opens on" in soup.find(class_="app-form-errors").get_text()
    comment.refresh_from_db()
    assert not comment.is_withdrawn


def test_pages_of_a_round_not_yet_open_stay_not_found(
    open_round, round_page, service_user, postpone_round, client
):
    comment = comment_post(
        round=open_round, member=service_user, page_id=round_page.page_id, body="Mine."
    ).comment
    client.force_login(service_user.user)
    postpone_round(open_round)

    assert client.get(edit_url(comment)).status_code == 404
    assert client.get(withdraw_url(comment)).status_code == 404


@pytest.mark.parametrize("action", [rate_url, comment_url])
def test_sending_to_a_round_outside_her_audience_is_still_not_found(
    open_round, round_page, service_user, item_ids, postpone_round, client, action
):
    postpone_round(open_round)
    open_round.audience = Audience.PROFESSIONALS
    open_round.save()

    response = post(
        round_page,
        service_user,
        client,
        {"block_id": item_ids[0], "choice": "7", "body": "Hello."},
        action=action,
    )

    assert response.status_code == 404


# Changes she sent after the round closed -------------------------------------------------


def test_change_sent_after_closing_is_noted_on_her_comment_which_stays_as_it_was(
    open_round, round_page, service_user, professional, close_round, client
):
    open_round.comments_visible_to_members = True
    open_round.save()
    comment = comment_post(
        round=open_round, member=service_user, page_id=round_page.page_id, body="As it was."
    ).comment
    client.force_login(service_user.user)
    client.get(edit_url(comment))
    close_round(open_round)

    response = client.post(
        edit_url(comment), {"body": "Too late.", "quote": "", **started_from(comment)}, follow=True
    )

    message = soup_of(response).find(class_="nhsuk-notification-banner__heading")
    assert "your comment stays as it was" in message.get_text()
    assert "will not count in the results" not in message.get_text()
    shown = soup_of(response).find(id=f"comment-{comment.pk}")
    assert "As it was." in shown.get_text()
    assert "Too late." not in shown.get_text()
    assert shown.find(class_="app-comment__late-note").get_text(strip=True) == (
        "You sent a change after the round closed. The research team has it; the comment "
        "stays as it was."
    )
    client.force_login(professional.user)
    others = soup_of(client.get(page_url(round_page))).find(id=f"comment-{comment.pk}")
    assert others.find(class_="app-comment__late-note") is None


def test_withdrawal_sent_after_closing_is_noted_and_never_said_not_to_count(
    open_round, round_page, service_user, close_round, client
):
    comment = comment_post(
        round=open_round, member=service_user, page_id=round_page.page_id, body="Still mine."
    ).comment
    client.force_login(service_user.user)
    client.get(withdraw_url(comment))
    close_round(open_round)

    response = client.post(withdraw_url(comment), started_from(comment), follow=True)

    comment.refresh_from_db()
    assert not comment.is_withdrawn
    soup = soup_of(response)
    message = soup.find(class_="nhsuk-notification-banner__heading").get_text(strip=True)
    assert message.startswith("The round had closed when your request reached the research")
    assert "stays as it was" in message
    assert "will not count in the results" not in message
    shown = soup.find(id=f"comment-{comment.pk}")
    assert "Still mine." in shown.get_text()
    assert shown.find(class_="app-comment__late-note").get_text(strip=True) == (
        "You asked to withdraw this after the round closed. The research team has your request."
    )


def test_comment_without_late_changes_has_no_note(
    open_round, round_page, service_user, close_round, as_willow
):
    comment = comment_post(
        round=open_round, member=service_user, page_id=round_page.page_id, body="On time."
    ).comment
    close_round(open_round)

    shown = soup_of(as_willow.get(page_url(round_page))).find(id=f"comment-{comment.pk}")

    assert shown.find(class_="app-comment__late-note") is None
