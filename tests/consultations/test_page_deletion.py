from django.urls import reverse

from wagtail.models import Page

import pytest

from consultations.models import Member
from consultations.services import comment_post
from tests.factories import FrameworkSectionPageFactory, UserFactory


@pytest.fixture
def as_editor(client, editor):
    client.force_login(editor)
    return client


@pytest.mark.parametrize("target", ["section", "framework"])
def test_a_page_in_a_round_or_above_one_is_not_deleted_and_the_editor_is_told_why(
    open_round, section, framework, client, target
):
    # Deleting a page with pages below it takes a superuser (Wagtail's bulk delete right).
    client.force_login(UserFactory(is_superuser=True))
    page = {"section": section, "framework": framework}[target]

    response = client.post(reverse("wagtailadmin_pages:delete", args=[page.pk]), follow=True)

    assert response.status_code == 200
    assert Page.objects.filter(pk=page.pk).exists()
    messages = [str(message) for message in response.context["messages"]]
    assert messages == [
        "Nothing was deleted. “Round 1: working together” covers this page or a page below "
        "it, and members' comments and ratings are tied to it. Unpublish the page instead."
    ]


def test_a_page_in_no_round_is_deleted_as_usual(open_round, framework, as_editor):
    other = FrameworkSectionPageFactory(parent=framework, title="Not consulted on")

    as_editor.post(reverse("wagtailadmin_pages:delete", args=[other.pk]))

    assert not Page.objects.filter(pk=other.pk).exists()


def test_bulk_deletion_refuses_pages_in_a_round(open_round, section, framework, as_editor):
    other = FrameworkSectionPageFactory(parent=framework, title="Not consulted on")
    url = (
        reverse("wagtail_bulk_action", args=["wagtailcore", "page", "delete"])
        + f"?id={section.pk}&id={other.pk}&childOf={framework.pk}"
    )

    response = as_editor.post(url, follow=True)

    assert response.status_code == 200
    assert Page.objects.filter(pk__in=[section.pk, other.pk]).count() == 2


def test_an_account_whose_member_took_part_is_not_deleted_one_at_a_time_or_in_bulk(
    open_round, round_page, service_user, professional, client
):
    comment_post(round=open_round, member=service_user, page_id=round_page.page_id, body="Kept.")
    client.force_login(UserFactory(is_superuser=True))

    response = client.post(
        reverse("wagtailusers_users:delete", args=[service_user.user.pk]), follow=True
    )
    bulk_url = reverse("wagtail_bulk_action", args=["auth", "user", "delete"])
    bulk = client.post(f"{bulk_url}?id={service_user.user.pk}&id={professional.user.pk}")

    assert "Nothing was deleted." in str(list(response.context["messages"])[0])
    assert bulk.status_code == 302 and bulk["Location"] == reverse("wagtailusers_users:index")
    assert Member.objects.filter(pk__in=[service_user.pk, professional.pk]).count() == 2


def test_an_account_whose_member_never_took_part_is_deleted_as_usual(professional, client):
    client.force_login(UserFactory(is_superuser=True))

    client.post(reverse("wagtailusers_users:delete", args=[professional.user.pk]))

    assert not Member.objects.filter(pk=professional.pk).exists()
