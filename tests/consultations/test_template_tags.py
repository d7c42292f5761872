"""The consultation tags, as a page type's template uses them."""

from django.template import Context, Template
from django.test import RequestFactory

from consultations.views.rounds import RoundPageContext

TEMPLATE = Template(
    "{% load consultation_tags %}{% for item in items %}{% consultation_item item %}{% endfor %}"
    "{% consultation_page %}"
)


def test_tags_render_nothing_outside_a_round(round_page):
    rendered = TEMPLATE.render(Context({"items": round_page.items}))

    assert rendered == ""


def test_tags_render_her_controls_for_each_item_and_the_page(open_round, round_page, service_user):
    request = RequestFactory().get("/")
    request.user = service_user.user
    consultation = RoundPageContext(
        request=request,
        round=open_round,
        round_page=round_page,
        member=service_user,
        ratings={},
        threads={},
    )

    rendered = TEMPLATE.render(Context({"items": round_page.items, "consultation": consultation}))

    assert rendered.count('class="app-rating-form"') == 3
    assert rendered.count("Save rating") == 3
    assert 'id="page-comments"' in rendered


def test_item_not_in_the_pinned_revision_gets_no_controls(open_round, round_page, service_user):
    request = RequestFactory().get("/")
    request.user = service_user.user
    consultation = RoundPageContext(
        request=request,
        round=open_round,
        round_page=round_page,
        member=service_user,
        ratings={},
        threads={},
    )

    class Stranger:
        block_id = "not-in-this-revision"

    rendered = Template("{% load consultation_tags %}{% consultation_item item %}").render(
        Context({"item": Stranger(), "consultation": consultation})
    )

    assert rendered == ""
