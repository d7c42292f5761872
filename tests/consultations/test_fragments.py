"""The round page keeps each comment's HTML in the cache and makes its reply, comment and
rating forms from one copy: what each member reads must change the moment the comment, its
moderation, the round or the reader does, one member's view of a comment must never reach
another, and each copy of a form must be the form rendered for its item or comment alone."""

import re

from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

import pytest
from bs4 import BeautifulSoup

from consultations import form_tokens
from consultations.enums import Abstention, AnswerStatus
from consultations.forms import CommentForm, RatingForm
from consultations.models import RoundPage
from consultations.selectors import ratings_of
from consultations.services import (
    comment_answer,
    comment_edit,
    comment_hide,
    comment_post,
    comment_withdraw,
    draft_key_comment,
    draft_key_rate,
    draft_key_reply,
    rating_set,
)
from consultations.views import fragments
from consultations.views.care import draft_offer
from evidence.models import Domain
from tests.consultations.conftest import STATEMENTS
from tests.consultations.urls import edit_url, page_url, withdraw_url
from tests.factories import (
    EvidenceIndexPageFactory,
    EvidenceSummaryPageFactory,
    FrameworkSectionPageFactory,
    RoundFactory,
    RoundPageFactory,
)

COMMENT_TEMPLATE = "consultations/includes/comment.html"


@pytest.fixture
def rowans_comment(shared_round, round_page, professional, item_ids):
    return comment_post(
        round=shared_round,
        member=professional,
        page_id=round_page.page_id,
        block_id=item_ids[0],
        body="Ask her before sharing anything.",
    ).comment


def page_as(client, member, round_page):
    client.force_login(member.user)
    response = client.get(page_url(round_page))
    assert response.status_code == 200
    return response


def comment_in(response, comment) -> str:
    article = BeautifulSoup(response.content, "html.parser").find(id=f"comment-{comment.pk}")
    return article.get_text(" ", strip=True) if article else ""


def reply_to(shared_round, round_page, member, parent) -> None:
    comment_post(
        round=shared_round,
        member=member,
        page_id=round_page.page_id,
        block_id=parent.block_id,
        body="I agree with this.",
        parent=parent,
    )


def comment_templates_rendered(response) -> int:
    return sum(1 for template in response.templates if template.name == COMMENT_TEMPLATE)


def test_a_page_read_again_takes_its_comments_from_the_cache(
    round_page, rowans_comment, service_user, client
):
    first = page_as(client, service_user, round_page)
    second = page_as(client, service_user, round_page)

    assert comment_templates_rendered(first) == 1
    assert comment_templates_rendered(second) == 0
    assert comment_in(second, rowans_comment) == comment_in(first, rowans_comment)


def test_another_member_reads_a_comment_its_author_read_first_without_her_links(
    round_page, rowans_comment, professional, service_user, client
):
    own = page_as(client, professional, round_page)
    assert "You (Rowan)" in comment_in(own, rowans_comment)
    assert edit_url(rowans_comment) in own.content.decode()

    others = page_as(client, service_user, round_page)

    assert comment_in(others, rowans_comment).startswith("Rowan")
    assert "You" not in comment_in(others, rowans_comment)
    assert edit_url(rowans_comment) not in others.content.decode()
    assert withdraw_url(rowans_comment) not in others.content.decode()


def test_the_author_reads_her_own_comment_with_her_links_after_another_member_read_it(
    round_page, rowans_comment, professional, service_user, client
):
    page_as(client, service_user, round_page)

    own = page_as(client, professional, round_page)

    assert "You (Rowan)" in comment_in(own, rowans_comment)
    assert edit_url(rowans_comment) in own.content.decode()


def test_an_edit_shows_the_new_words_to_a_member_who_read_the_old(
    round_page, rowans_comment, professional, service_user, client
):
    page_as(client, service_user, round_page)
    comment_edit(comment=rowans_comment, member=professional, body="Ask her first, always.")

    text = comment_in(page_as(client, service_user, round_page), rowans_comment)

    assert "Ask her first, always." in text
    assert "Ask her before sharing anything." not in text
    assert "Edited" in text


def test_a_hidden_comment_loses_its_words_for_a_member_who_read_them(
    shared_round, round_page, rowans_comment, service_user, editor, client
):
    # A hidden comment others replied to stays as a placeholder, so its place is rendered.
    reply_to(shared_round, round_page, service_user, rowans_comment)
    assert "Ask her" in comment_in(page_as(client, service_user, round_page), rowans_comment)
    comment_hide(comment=rowans_comment, by=editor, reason="Names a hospital.")

    text = comment_in(page_as(client, service_user, round_page), rowans_comment)

    assert text == "This comment was hidden by the research team."


def test_the_author_of_a_hidden_comment_reads_why_it_was_hidden(
    round_page, rowans_comment, professional, editor, client
):
    page_as(client, professional, round_page)
    comment_hide(comment=rowans_comment, by=editor, reason="Names a hospital.")

    text = comment_in(page_as(client, professional, round_page), rowans_comment)

    assert "Names a hospital." in text
    assert "Ask her before sharing anything." in text


def test_an_answer_is_shown_to_a_member_who_read_the_comment_before_it(
    round_page, rowans_comment, service_user, editor, client
):
    page_as(client, service_user, round_page)
    comment_answer(
        comment=rowans_comment,
        by=editor,
        status=AnswerStatus.ACCEPTED,
        response="We added consent before sharing.",
    )

    text = comment_in(page_as(client, service_user, round_page), rowans_comment)

    assert "The research team's answer" in text
    assert "We added consent before sharing." in text


def test_a_changed_answer_replaces_the_one_she_read(
    round_page, rowans_comment, service_user, editor, client
):
    comment_answer(
        comment=rowans_comment, by=editor, status=AnswerStatus.ACCEPTED, response="First answer."
    )
    page_as(client, service_user, round_page)
    comment_answer(
        comment=rowans_comment,
        by=editor,
        status=AnswerStatus.NOT_ADOPTED,
        response="Second answer.",
    )

    text = comment_in(page_as(client, service_user, round_page), rowans_comment)

    assert "Second answer." in text
    assert "First answer." not in text


def test_a_withdrawn_comment_loses_its_words_for_a_member_who_read_them(
    shared_round, round_page, rowans_comment, professional, service_user, client
):
    reply_to(shared_round, round_page, service_user, rowans_comment)
    page_as(client, service_user, round_page)
    comment_withdraw(comment=rowans_comment, member=professional)

    text = comment_in(page_as(client, service_user, round_page), rowans_comment)

    assert text == "This comment was withdrawn by the member who wrote it."


def test_her_links_to_change_a_comment_go_when_the_round_closes(
    shared_round, round_page, rowans_comment, professional, close_round, client
):
    assert edit_url(rowans_comment) in page_as(client, professional, round_page).content.decode()
    close_round(shared_round)

    html = page_as(client, professional, round_page).content.decode()

    assert edit_url(rowans_comment) not in html
    assert "Ask her before sharing anything." in html


def test_a_new_pseudonym_is_shown_on_comments_read_under_the_old(
    round_page, rowans_comment, professional, service_user, client
):
    page_as(client, service_user, round_page)
    professional.pseudonym = "Hazel"
    professional.save(update_fields=["pseudonym"])

    text = comment_in(page_as(client, service_user, round_page), rowans_comment)

    assert text.startswith("Hazel")
    assert "Rowan" not in text


def test_a_comment_read_in_english_is_shown_in_polish_on_the_polish_page(
    round_page, rowans_comment, service_user, client
):
    page_as(client, service_user, round_page)
    with translation.override("pl"):
        polish = page_as(client, service_user, round_page)
        written = date_format(timezone.localtime(rowans_comment.created_at), "j E Y, H:i")

    assert written in comment_in(polish, rowans_comment)


# The reply forms ---------------------------------------------------------------------------


def without_csrf_token(html: str) -> str:
    # Each rendering masks the CSRF secret afresh; any of the masks is valid.
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)


def test_each_reply_form_made_from_the_pages_copy_is_the_form_rendered_in_full(
    rf, round_page, rowans_comment, service_user, shared_round
):
    request = rf.get(page_url(round_page))
    request.user, request.member = service_user.user, service_user
    context = {"round": shared_round, "member": service_user, "action_comment": "/comment/"}
    prototype = fragments.ReplyFormPrototype(
        request, member=service_user, context=context, keeps_drafts=True
    )
    token = "0123456789abcdef0123456789abcdef:signature"
    form = draft_offer(
        CommentForm(
            member=service_user,
            initial={
                "block_id": rowans_comment.block_id,
                "parent": rowans_comment.pk,
                "form_token": token,
            },
            auto_id=f"reply-{rowans_comment.pk}-%s",
        ),
        drafts={},
        key=draft_key_reply(parent_id=rowans_comment.pk),
    )
    full = fragments.reply_render(request, form, own=False, pseudonym="Rowan", context=context)

    made = prototype.render(rowans_comment)
    made_token = BeautifulSoup(made, "html.parser").find("input", {"name": "form_token"})["value"]

    assert made_token != token
    assert without_csrf_token(made.replace(made_token, token)) == without_csrf_token(full)


def test_every_reply_form_carries_its_own_one_time_token(
    shared_round, round_page, professional, service_user, item_ids, client
):
    for body in ("One.", "Two.", "Three."):
        comment_post(
            round=shared_round,
            member=professional,
            page_id=round_page.page_id,
            block_id=item_ids[0],
            body=body,
        )

    soup = BeautifulSoup(page_as(client, service_user, round_page).content, "html.parser")
    forms = [
        textarea.find_parent("form")
        for textarea in soup.find_all("textarea", id=lambda id: id and id.startswith("reply-"))
    ]

    tokens = {form.find("input", {"name": "form_token"})["value"] for form in forms}
    parents = {form.find("input", {"name": "parent"})["value"] for form in forms}
    assert len(forms) == len(tokens) == len(parents) == 3


def test_each_item_comment_form_made_from_the_pages_copy_is_the_form_rendered_in_full(
    rf, round_page, service_user, shared_round, item_ids
):
    request = rf.get(page_url(round_page))
    request.user, request.member = service_user.user, service_user
    context = {"round": shared_round, "member": service_user, "action_comment": "/comment/"}
    prototype = fragments.ItemCommentFormPrototype(
        request,
        member=service_user,
        context=context,
        page_id=round_page.page_id,
        keeps_drafts=True,
    )
    token = "0123456789abcdef0123456789abcdef:signature"
    form = draft_offer(
        CommentForm(
            member=service_user,
            initial={"block_id": item_ids[1], "form_token": token},
            auto_id=f"comment-{item_ids[1]}-%s",
        ),
        drafts={},
        key=draft_key_comment(page_id=round_page.page_id, block_id=item_ids[1]),
    )
    full = fragments.item_comment_render(request, form, context=context)

    made = prototype.render(item_ids[1])
    made_token = BeautifulSoup(made, "html.parser").find("input", {"name": "form_token"})["value"]

    assert made_token != token
    assert without_csrf_token(made.replace(made_token, token)) == without_csrf_token(full)


def test_her_kept_draft_of_a_comment_and_a_reply_comes_back_in_their_boxes(
    round_page, rowans_comment, service_user, item_ids, client
):
    client.force_login(service_user.user)
    drafts_url = reverse("consultations:drafts", args=[round_page.round_id])
    for key, body in [
        (draft_key_comment(page_id=round_page.page_id, block_id=item_ids[1]), "My item draft."),
        (draft_key_reply(parent_id=rowans_comment.pk), "My reply draft."),
    ]:
        assert client.post(drafts_url, {"form_key": key, "body": body}).status_code == 204

    soup = BeautifulSoup(page_as(client, service_user, round_page).content, "html.parser")

    item_box = soup.find("textarea", id=f"comment-{item_ids[1]}-body")
    reply_box = soup.find("textarea", id=f"reply-{rowans_comment.pk}-body")
    assert item_box.get_text() == "My item draft."
    assert reply_box.get_text() == "My reply draft."
    assert reply_box.find_parent("details").has_attr("open")
    assert soup.find("textarea", id=f"comment-{item_ids[2]}-body").get_text() == ""


# The rating forms ---------------------------------------------------------------------------

REASON = 'Only if she says "yes" & <nobody> else decides.'


def rate(round, round_page, member, block_id, choice, reason=REASON) -> None:
    score = next((score for score in round.scale.scores if str(score) == choice), None)
    rating_set(
        round=round,
        member=member,
        page_id=round_page.page_id,
        block_id=block_id,
        score=score,
        abstention="" if score is not None else choice,
        reason=reason,
    )


def rating_forms_on(response) -> dict[str, BeautifulSoup]:
    soup = BeautifulSoup(response.content, "html.parser")
    return {
        form.find("input", {"name": "block_id"})["value"]: form
        for form in soup.find_all("form", class_="app-rating-form")
    }


def checked(form) -> list[str]:
    return [radio["value"] for radio in form.find_all("input", type="radio", checked=True)]


@pytest.mark.parametrize("her_choice", [None, "lowest", "highest", *Abstention.values])
def test_each_rating_form_made_from_the_pages_copy_is_the_form_rendered_in_full(
    rf, round_page, service_user, shared_round, item_ids, her_choice
):
    scores = [str(score) for score in shared_round.scale.scores]
    choice = {"lowest": scores[0], "highest": scores[-1]}.get(her_choice, her_choice)
    if choice is not None:
        rate(shared_round, round_page, service_user, item_ids[1], choice)
    rating = ratings_of(round=shared_round, member=service_user).get(
        (round_page.page_id, item_ids[1])
    )
    item = next(item for item in round_page.items if item.block_id == item_ids[1])
    request = rf.get(page_url(round_page))
    request.user, request.member = service_user.user, service_user
    action = "/rate/"
    prototype = fragments.RatingFormPrototype(
        request,
        member=service_user,
        round=shared_round,
        action=action,
        page_id=round_page.page_id,
        keeps_drafts=True,
    )
    token = "0123456789abcdef0123456789abcdef:signature"
    form = draft_offer(
        RatingForm(
            round=shared_round,
            member=service_user,
            initial={
                "block_id": item_ids[1],
                "form_token": token,
                **RatingForm.initial_for(rating),
            },
            auto_id=f"rate-{item_ids[1]}-%s",
        ),
        drafts={},
        key=draft_key_rate(page_id=round_page.page_id, block_id=item_ids[1]),
        text_field="reason",
    )
    full = fragments.rating_render(request, form, item=item, action=action, round=shared_round)

    made = prototype.render(item, rating)
    made_token = BeautifulSoup(made, "html.parser").find("input", {"name": "form_token"})["value"]

    assert made_token != token
    assert without_csrf_token(made.replace(made_token, token)) == without_csrf_token(full)
    assert checked(BeautifulSoup(made, "html.parser")) == ([choice] if choice else [])


def test_every_rating_form_shows_her_own_rating_of_its_own_item(
    round_page, service_user, professional, shared_round, item_ids, client
):
    top = str(shared_round.scale.scores[-1])
    rate(shared_round, round_page, service_user, item_ids[0], top, reason="Hers.")
    rate(shared_round, round_page, service_user, item_ids[1], Abstention.DECLINED, reason="")
    # Another member's rating is never hers.
    rate(shared_round, round_page, professional, item_ids[2], top, reason="Rowan's.")

    forms = rating_forms_on(page_as(client, service_user, round_page))

    assert list(forms) == [item.block_id for item in round_page.items]
    numbers = {item.block_id: item.number for item in round_page.items}
    for block_id, form in forms.items():
        legend = form.find("legend").get_text(strip=True)
        assert legend == f"Your rating of requirement {numbers[block_id]}"
        assert form.find("input", type="radio")["id"].startswith(f"rate-{block_id}-")
        assert form.find("textarea")["id"] == f"rate-{block_id}-reason"
    assert checked(forms[item_ids[0]]) == [top]
    assert forms[item_ids[0]].find("textarea").get_text() == "Hers."
    assert checked(forms[item_ids[1]]) == [Abstention.DECLINED]
    assert forms[item_ids[1]].find("textarea").get_text() == ""
    assert checked(forms[item_ids[2]]) == []
    assert forms[item_ids[2]].find("textarea").get_text() == ""


def test_every_rating_form_carries_its_own_one_time_token_signed_for_her(
    round_page, service_user, client
):
    first = rating_forms_on(page_as(client, service_user, round_page))
    second = rating_forms_on(page_as(client, service_user, round_page))

    tokens = [
        form.find("input", {"name": "form_token"})["value"]
        for forms in (first, second)
        for form in forms.values()
    ]
    assert len(first) == len(round_page.items) > 1
    assert len(set(tokens)) == len(tokens)
    for token in tokens:
        member_pk, purpose = service_user.pk, form_tokens.RATING
        assert form_tokens.form_token_read(member_pk=member_pk, purpose=purpose, token=token)


def test_a_changed_rating_is_shown_in_place_of_the_one_she_read(
    round_page, service_user, shared_round, item_ids, client
):
    scores = shared_round.scale.scores
    low, high = str(scores[0]), str(scores[-1])
    rate(shared_round, round_page, service_user, item_ids[0], low, reason="At first.")
    assert checked(rating_forms_on(page_as(client, service_user, round_page))[item_ids[0]]) == [
        low
    ]
    rate(shared_round, round_page, service_user, item_ids[0], high, reason="On reflection.")

    form = rating_forms_on(page_as(client, service_user, round_page))[item_ids[0]]

    assert checked(form) == [high]
    assert form.find("textarea").get_text() == "On reflection."


def test_her_kept_draft_of_a_rating_reason_comes_back_in_its_box_alone(
    round_page, service_user, item_ids, client
):
    client.force_login(service_user.user)
    drafts_url = reverse("consultations:drafts", args=[round_page.round_id])
    key = draft_key_rate(page_id=round_page.page_id, block_id=item_ids[1])
    assert (
        client.post(drafts_url, {"form_key": key, "body": "My draft reason."}).status_code == 204
    )

    forms = rating_forms_on(page_as(client, service_user, round_page))

    assert forms[item_ids[1]].find("textarea").get_text() == "My draft reason."
    assert forms[item_ids[1]].find("button", {"name": "discard_draft"}) is not None
    assert forms[item_ids[2]].find("textarea").get_text() == ""
    assert forms[item_ids[2]].find("button", {"name": "discard_draft"}) is None


# The items' content -------------------------------------------------------------------------

REQUIREMENT_TEMPLATE = "blocks/requirement_block.html"


@pytest.fixture
def summary(home_page):
    index = EvidenceIndexPageFactory(parent=home_page)
    return EvidenceSummaryPageFactory(parent=index, title="Midwives and social workers")


@pytest.fixture
def linked_round_page(framework, summary) -> RoundPage:
    """A round on a section whose one item names the summary behind it."""
    domain = Domain.objects.get(name="How organisations work together")
    value = {"statement": "One plan.", "rationale": "", "domain": domain, "evidence": [summary]}
    section = FrameworkSectionPageFactory(
        parent=framework, section_number=4, requirements=[("requirement", value)]
    )
    section.save_revision()
    return RoundPageFactory(round=RoundFactory(), page=section)


def item_content(response) -> list[str]:
    soup = BeautifulSoup(response.content, "html.parser")
    return [
        str(card.find(class_="nhsuk-card__content")) for card in soup.select(".app-requirement")
    ]


def test_the_items_content_is_kept_and_shown_the_same_when_read_again(
    round_page, service_user, client
):
    first = page_as(client, service_user, round_page)
    second = page_as(client, service_user, round_page)

    assert sum(t.name == REQUIREMENT_TEMPLATE for t in first.templates) == 3
    assert sum(t.name == REQUIREMENT_TEMPLATE for t in second.templates) == 0
    assert item_content(second) == item_content(first)
    assert STATEMENTS[2] in item_content(second)[2]


def test_a_summary_unpublished_after_she_read_the_page_is_no_longer_named(
    linked_round_page, summary, service_user, client
):
    assert summary.url in item_content(page_as(client, service_user, linked_round_page))[0]
    summary.unpublish()

    content = item_content(page_as(client, service_user, linked_round_page))[0]

    assert summary.url not in content
    assert "Midwives and social workers" not in content


def test_a_summary_published_under_a_new_title_is_named_by_it(
    linked_round_page, summary, service_user, client
):
    page_as(client, service_user, linked_round_page)
    summary.title = "Midwives, social workers and health visitors"
    summary.save_revision().publish()

    content = item_content(page_as(client, service_user, linked_round_page))[0]

    assert "Midwives, social workers and health visitors" in content


def test_a_renamed_domain_is_shown_on_a_page_read_before(round_page, service_user, client):
    page_as(client, service_user, round_page)
    domain = Domain.objects.get(name="How organisations work together")
    domain.name = "Working across organisations"
    domain.save()

    content = item_content(page_as(client, service_user, round_page))[0]

    assert "Domain: Working across organisations" in content


def test_the_items_content_read_in_english_is_marked_english_on_the_polish_page(
    round_page, service_user, client
):
    english = BeautifulSoup(page_as(client, service_user, round_page).content, "html.parser")
    with translation.override("pl"):
        polish = BeautifulSoup(page_as(client, service_user, round_page).content, "html.parser")

    assert english.select_one(".app-requirement__statement").get("lang") is None
    assert polish.select_one(".app-requirement__statement")["lang"] == "en-gb"
