"""The member's own pages: joining from an invitation, her dashboard, profile and
withdrawal, and what the header says about her."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

import pytest
from bs4 import BeautifulSoup

from consultations import formatting
from consultations.consent import CONSENT_VERSION
from consultations.enums import Audience, Constituency
from consultations.formatting import deadline_phrase
from consultations.models import Invitation, Member
from consultations.services import comment_answer, comment_post, invitation_create, rating_set
from tests.factories import (
    FrameworkSectionPageFactory,
    MemberFactory,
    RoundFactory,
    RoundPageFactory,
    study_site,
)

PASSWORD = "a-long-test-password"
LONDON = ZoneInfo("Europe/London")


def soup_of(response) -> BeautifulSoup:
    return BeautifulSoup(response.content, "html.parser")


def text_of(response) -> str:
    return " ".join(soup_of(response).get_text(" ").split())


def error_beside(soup: BeautifulSoup, field_id: str) -> str:
    """The error message shown in the form group of the field with this id."""
    group = soup.find(id=field_id).find_parent(class_="nhsuk-form-group")
    message = group.find(class_="nhsuk-error-message")
    return " ".join(message.get_text(" ").split()) if message else ""


# Joining from an invitation -------------------------------------------------------------


@pytest.fixture
def invited(db) -> tuple[Invitation, str]:
    return invitation_create(
        full_name="Jane Doe",
        email="jane.doe@example.org",
        constituency=Constituency.SERVICE_USER,
        study_site=study_site("Site B"),
        invited_by=None,
    )


@pytest.fixture
def join_url(invited) -> str:
    return reverse("consultations:join", args=[invited[1]])


def join_data(**overrides: object) -> dict:
    return {
        "pseudonym": "Bluebell",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "consent": "yes",
        **overrides,
    }


def test_join_page_asks_for_pseudonym_password_and_consent(client, join_url, invited):
    response = client.get(join_url)

    assert response.status_code == 200
    soup = soup_of(response)
    assert soup.find("input", attrs={"name": "pseudonym"})
    assert soup.find("input", attrs={"name": "password1", "type": "password"})
    assert soup.find("input", attrs={"name": "password2", "type": "password"})
    assert soup.find("input", attrs={"name": "consent", "type": "checkbox"})
    text = text_of(response)
    assert "Other members will see this name" in text
    assert "You can withdraw at any time" in text
    assert f"version {CONSENT_VERSION}" in text


def test_join_page_keeps_its_token_out_of_the_page_and_referrers(client, join_url, invited):
    response = client.get(join_url)

    assert response["Referrer-Policy"] == "strict-origin"
    assert invited[1] not in response.content.decode()


def test_joining_creates_a_consenting_member_signs_her_in_and_shows_her_dashboard(
    client, join_url, invited
):
    before = timezone.now()

    response = client.post(join_url, join_data(), follow=True)

    assert response.redirect_chain == [(reverse("consultations:dashboard"), 302)]
    member = Member.objects.get(pseudonym="Bluebell")
    assert member.user.email == "jane.doe@example.org"
    assert member.constituency == Constituency.SERVICE_USER
    assert member.consent_version == CONSENT_VERSION
    assert member.consent_given_at >= before
    assert response.wsgi_request.user == member.user
    assert "You have joined the advisory group" in text_of(response)
    invited[0].refresh_from_db()
    assert invited[0].is_accepted


def test_an_unknown_link_is_not_recognised_and_says_how_to_get_a_new_one(client, db):
    response = client.get(reverse("consultations:join", args=["not-a-real-token"]))

    assert response.status_code == 404
    text = text_of(response)
    assert "We do not recognise this link" in text
    assert settings.CONSULTATIONS_CONTACT_EMAIL in text


def test_an_expired_link_says_so_and_who_sends_a_new_one(client, join_url, invited):
    Invitation.objects.filter(pk=invited[0].pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )

    for response in (client.get(join_url), client.post(join_url, join_data())):
        assert response.status_code == 410
        text = text_of(response)
        assert "This link has expired" in text
        assert settings.CONSULTATIONS_CONTACT_EMAIL in text
    assert not Member.objects.exists()


def test_a_used_link_says_so_and_offers_sign_in_and_password_reset(client, join_url):
    client.post(join_url, join_data())
    client.post(reverse("logout"))

    response = client.get(join_url)

    assert response.status_code == 410
    assert "This link has already been used" in text_of(response)
    links = {a["href"] for a in soup_of(response).select("main a")}
    assert {reverse("login"), reverse("password_reset")} <= links


def test_a_signed_in_user_is_told_to_sign_out_before_joining(client, join_url, service_user):
    client.force_login(service_user.user)

    response = client.post(join_url, join_data())

    assert "Sign out to use this invitation" in text_of(response)
    assert Member.objects.count() == 1


@pytest.mark.parametrize(
    ("pseudonym", "message"),
    [
        ("Willow", "Another member uses this pseudonym"),
        ("Jane the brave", "must not include your real name"),
        ("", "Enter the name other members will see"),
        ("!!", "can only use letters, numbers"),
    ],
)
def test_a_pseudonym_that_cannot_be_used_is_explained_beside_the_box_as_typed(
    client, join_url, service_user, pseudonym, message
):
    response = client.post(join_url, join_data(pseudonym=pseudonym))

    assert response.status_code == 200
    soup = soup_of(response)
    assert message in error_beside(soup, "id_pseudonym")
    assert soup.find(id="id_pseudonym").get("value", "") == pseudonym
    assert soup.select_one(".nhsuk-error-summary a[href='#id_pseudonym']")
    assert Member.objects.count() == 1


def test_joining_without_consent_is_refused_and_keeps_what_she_typed(client, join_url):
    response = client.post(join_url, join_data(consent=""))

    soup = soup_of(response)
    assert "Tick the box to say you agree" in error_beside(soup, "id_consent")
    assert soup.find(id="id_pseudonym")["value"] == "Bluebell"
    assert not soup.find(id="id_password1").has_attr("value")
    assert not Member.objects.exists()


@pytest.mark.parametrize(
    ("password1", "password2", "field", "message"),
    [
        (PASSWORD, "a-different-password", "id_password2", "The passwords do not match"),
        ("password", "password", "id_password1", "too common"),
        ("doe.example.org", "doe.example.org", "id_password1", "too similar"),
        ("", "", "id_password1", "Create a password"),
    ],
)
def test_a_password_that_cannot_be_used_is_refused_beside_its_box(
    client, join_url, password1, password2, field, message
):
    response = client.post(join_url, join_data(password1=password1, password2=password2))

    assert message in error_beside(soup_of(response), field)
    assert not Member.objects.exists()


def test_a_pseudonym_taken_while_she_was_filling_in_the_form_is_explained(
    client, join_url, monkeypatch
):
    # Another member takes the name after the form checked it but before the account is made.
    from consultations import forms

    monkeypatch.setattr(forms, "pseudonym_clean", lambda **kwargs: kwargs["pseudonym"])
    MemberFactory(pseudonym="Bluebell")

    response = client.post(join_url, join_data())

    assert "Another member uses this pseudonym" in error_beside(soup_of(response), "id_pseudonym")


# The dashboard ---------------------------------------------------------------------------


def test_dashboard_sends_someone_signed_out_to_sign_in(client, db):
    response = client.get(reverse("consultations:dashboard"))

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next=/consultations/"


def test_dashboard_refuses_an_editor_who_is_not_a_member_and_says_why(client, editor):
    client.force_login(editor)

    response = client.get(reverse("consultations:dashboard"))

    assert response.status_code == 403
    assert "This page is for members of the study's advisory group" in text_of(response)


def test_dashboard_lists_only_the_open_rounds_of_her_audience(
    client, service_user, open_round, section
):
    RoundFactory(title="Professionals only", audience=Audience.PROFESSIONALS)
    RoundFactory(
        title="Next month's round",
        opens_at=timezone.now() + timedelta(days=30),
        closes_at=timezone.now() + timedelta(days=40),
    )
    RoundFactory(title="Service users only", audience=Audience.SERVICE_USERS)
    client.force_login(service_user.user)

    response = client.get(reverse("consultations:dashboard"))

    titles = [a.get_text(strip=True) for a in soup_of(response).select(".app-round-card a")]
    assert titles == ["Round 1: working together", "Service users only"]
    link = soup_of(response).select_one(".app-round-card a")
    assert link["href"] == reverse("consultations:round", args=[open_round.pk])


def test_dashboard_shows_her_progress_and_the_deadline_in_plain_words(
    client, service_user, open_round, round_page, item_ids
):
    where = {"round": open_round, "member": service_user, "page_id": round_page.page_id}
    rating_set(**where, block_id=item_ids[0], score=8)
    rating_set(**where, block_id=item_ids[2], score=3)
    comment_post(**where, body="One care plan.")
    client.force_login(service_user.user)

    text = text_of(client.get(reverse("consultations:dashboard")))

    assert "You have rated 2 of 3 requirements and made 1 comment." in text
    assert "Closes in 7 days, on " in text


def test_her_own_pages_are_never_kept_in_a_shared_cache(
    client, service_user, open_round, round_page
):
    comment = comment_post(
        round=open_round, member=service_user, page_id=round_page.page_id, body="Mine."
    ).comment
    in_round = {"round_pk": open_round.pk}
    client.force_login(service_user.user)

    for name, kwargs in (
        ("dashboard", {}),
        ("profile", {}),
        ("withdraw", {}),
        ("round", in_round),
        ("round_page", {**in_round, "page_pk": round_page.page_id}),
        ("comment_edit", {**in_round, "comment_pk": comment.pk}),
        ("comment_withdraw", {**in_round, "comment_pk": comment.pk}),
    ):
        response = client.get(reverse(f"consultations:{name}", kwargs=kwargs))
        assert response.status_code == 200, name
        assert "private" in response["Cache-Control"], name


def test_dashboard_speaks_only_of_comments_for_a_round_with_nothing_to_rate(
    client, service_user, framework
):
    empty = FrameworkSectionPageFactory(parent=framework, title="Introduction", requirements=[])
    RoundPageFactory(round=RoundFactory(title="Introduction round"), page=empty)
    client.force_login(service_user.user)

    text = text_of(client.get(reverse("consultations:dashboard")))

    assert "You have made 0 comments." in text
    assert "You have rated" not in text


def test_dashboard_lists_closed_rounds_with_their_closing_date(
    client, service_user, open_round, close_round
):
    close_round(open_round)
    client.force_login(service_user.user)

    response = client.get(reverse("consultations:dashboard"))

    text = text_of(response)
    assert "Closed rounds" in text
    closed_on = timezone.localtime(open_round.closes_at)
    assert f"Closed on {closed_on:%A} {closed_on.day} {closed_on:%B %Y}" in text
    assert not soup_of(response).select(".app-round-card")


@pytest.mark.parametrize(
    ("now", "closes", "phrase"),
    [
        (
            datetime(2026, 11, 30, 9, 0, tzinfo=LONDON),
            datetime(2026, 12, 3, 17, 0, tzinfo=LONDON),
            "closes in 3 days, on Thursday 3 December at 5pm",
        ),
        (
            datetime(2026, 12, 2, 9, 0, tzinfo=LONDON),
            datetime(2026, 12, 3, 9, 30, tzinfo=LONDON),
            "closes tomorrow at 9:30am",
        ),
        (
            datetime(2026, 12, 3, 9, 0, tzinfo=LONDON),
            datetime(2026, 12, 3, 12, 0, tzinfo=LONDON),
            "closes today at midday, in 3 hours",
        ),
        (
            datetime(2026, 12, 3, 16, 59, tzinfo=LONDON),
            datetime(2026, 12, 3, 17, 0, tzinfo=LONDON),
            "closes today at 5pm, in 1 minute",
        ),
        (
            datetime(2026, 12, 20, 9, 0, tzinfo=LONDON),
            datetime(2027, 1, 4, 0, 0, tzinfo=LONDON),
            "closes in 15 days, on Monday 4 January 2027 at midnight",
        ),
    ],
)
def test_deadlines_are_written_in_plain_words(now, closes, phrase):
    assert deadline_phrase(closes, now) == phrase


def test_a_language_can_write_times_with_its_own_date_format(monkeypatch):
    # A translation of the clock's style replaces the NHS.UK "5pm" with a Django format.
    monkeypatch.setattr(
        formatting,
        "pgettext",
        lambda context, message: "H:i" if context == "clock time format" else message,
    )
    assert formatting.clock_time(datetime(2026, 12, 3, 17, 5, tzinfo=LONDON)) == "17:05"
    assert formatting.clock_time(datetime(2026, 12, 3, 12, 0, tzinfo=LONDON)) == "12:00"


# Profile and withdrawal ------------------------------------------------------------------


def test_profile_shows_what_only_the_team_can_change(client, professional):
    client.force_login(professional.user)

    text = text_of(client.get(reverse("consultations:profile")))

    assert "Professional (Midwife)" in text
    assert "Site A" in text
    assert f"You agreed to version {CONSENT_VERSION} of the consent information" in text


def test_profile_changes_her_pseudonym_and_email_choices(client, service_user):
    client.force_login(service_user.user)

    response = client.post(
        reverse("consultations:profile"),
        {"pseudonym": "  Hazel  ", "notifications": ["replies"]},
        follow=True,
    )

    assert "Your profile has been updated" in text_of(response)
    service_user.refresh_from_db()
    assert service_user.pseudonym == "Hazel"
    assert (
        service_user.notify_new_rounds,
        service_user.notify_replies,
        service_user.notify_responses,
    ) == (False, True, False)


def test_profile_refuses_a_taken_pseudonym_and_keeps_what_she_typed(
    client, service_user, professional
):
    client.force_login(service_user.user)

    response = client.post(
        reverse("consultations:profile"), {"pseudonym": "rowan", "notifications": []}
    )

    soup = soup_of(response)
    assert "Another member uses this pseudonym" in error_beside(soup, "id_pseudonym")
    assert soup.find(id="id_pseudonym")["value"] == "rowan"
    service_user.refresh_from_db()
    assert service_user.pseudonym == "Willow"
    assert service_user.notify_replies


def test_withdrawal_explains_itself_before_she_confirms(client, service_user):
    client.force_login(service_user.user)

    response = client.get(reverse("consultations:withdraw"))

    text = text_of(response)
    assert "Whichever you choose below, your ratings will no longer count" in text
    assert "What should happen to your comments and ratings?" in text
    service_user.refresh_from_db()
    assert service_user.withdrawn_at is None


def test_after_withdrawing_she_is_told_so_signed_out_and_shown_no_rounds(
    client, service_user, open_round
):
    client.force_login(service_user.user)

    response = client.post(reverse("consultations:withdraw"), {"choice": "anonymised"})

    service_user.refresh_from_db()
    assert service_user.withdrawn_at is not None
    text = text_of(response)
    assert "You have left the study" in text
    assert open_round.title not in text
    assert client.get(reverse("consultations:dashboard")).status_code == 302


def test_a_withdrawn_member_cannot_change_her_profile(client, service_user):
    service_user.withdrawn_at = timezone.now()
    service_user.save()
    client.force_login(service_user.user)

    response = client.post(
        reverse("consultations:profile"), {"pseudonym": "Hazel", "notifications": []}
    )

    assert response.status_code == 403
    service_user.refresh_from_db()
    assert service_user.pseudonym == "Willow"


# The header -------------------------------------------------------------------------------


def test_the_header_names_a_member_by_her_pseudonym_only(client, service_user):
    user = service_user.user
    user.first_name, user.last_name = "Janet", "Realname"
    user.save()
    client.force_login(user)

    for url in ("/", reverse("consultations:dashboard"), reverse("consultations:profile")):
        response = client.get(url)
        account = soup_of(response).select_one(".nhsuk-header__account")
        assert "Willow" in account.get_text()
        page = response.content.decode()
        assert "Janet" not in page
        assert "Realname" not in page
        assert user.email not in page
        assert user.username not in page


def test_the_header_offers_a_member_her_pages_and_a_sign_out_button(client, service_user):
    client.force_login(service_user.user)

    account = soup_of(client.get("/")).select_one(".nhsuk-header__account")

    links = {a.get_text(strip=True): a["href"] for a in account.find_all("a")}
    assert links == {
        "Your consultations": reverse("consultations:dashboard"),
        "Your profile": reverse("consultations:profile"),
    }
    form = account.find("form")
    assert (form["method"], form["action"]) == ("post", reverse("logout"))
    assert form.find("button").get_text(strip=True) == "Sign out"


def test_the_header_offers_sign_in_to_someone_signed_out(client, db):
    account = soup_of(client.get("/")).select_one(".nhsuk-header__account")

    assert [a["href"] for a in account.find_all("a")] == [reverse("login")]
    assert "Sign in" in account.get_text()
    assert not account.find("form")


def test_dashboard_says_how_many_of_her_comments_in_a_closed_round_were_answered(
    client, service_user, open_round, round_page, item_ids, close_round, editor
):
    comments = [
        comment_post(
            round=open_round,
            member=service_user,
            page_id=round_page.page_id,
            block_id=item_ids[0],
            body=f"Comment {number}",
        ).comment
        for number in range(3)
    ]
    comment_answer(comment=comments[0], by=editor, status="accepted", response="We agree.")
    comment_answer(comment=comments[1], by=editor, status="noted", response="Thank you.")
    close_round(open_round)
    client.force_login(service_user.user)

    text = text_of(client.get(reverse("consultations:dashboard")))

    assert "The research team has answered 2 of your 3 comments." in text
