from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

import pytest
from bs4 import BeautifulSoup

from evidence.models import Domain, FrameworkSectionPage
from tests.factories import PASSWORD, FrameworkIndexPageFactory, FrameworkSectionPageFactory


def requirement(statement: str, *, domain: Domain, evidence=()) -> tuple[str, dict]:
    return (
        "requirement",
        {"statement": statement, "rationale": "", "domain": domain, "evidence": list(evidence)},
    )


def requirements_form_data(items: list[tuple[str, str, Domain]]) -> dict:
    """Admin form data for requirement blocks, each sent with its block id as the editor does."""
    data = {
        str(index): {
            "type": "requirement",
            "id": block_id,
            "order": str(index),
            "deleted": "",
            "value": {
                "statement": statement,
                "rationale": rich_text(""),
                "domain": domain.pk,
                "evidence": {"count": "0"},
            },
        }
        for index, (block_id, statement, domain) in enumerate(items)
    }
    return {**data, "count": str(len(items))}


@pytest.fixture
def framework(home_page):
    return FrameworkIndexPageFactory(parent=home_page)


@pytest.fixture
def section(framework, summary_factory):
    domain = Domain.objects.get(name="How organisations work together")
    evidence = summary_factory(title="Joined-up care study")
    return FrameworkSectionPageFactory(
        parent=framework,
        title="Working together",
        section_number=3,
        requirements=[
            requirement("Services share one care plan.", domain=domain, evidence=[evidence]),
            requirement("Each woman has a named lead professional.", domain=domain),
        ],
    )


def test_items_are_numbered_section_dot_item_and_anchored_by_block_id(section, client):
    soup = BeautifulSoup(client.get(section.url).content, "html.parser")

    items = soup.select("li.app-requirement")
    assert [item.find("h3").get_text(strip=True) for item in items] == [
        "Requirement 3.1",
        "Requirement 3.2",
    ]
    block_ids = [block.id for block in section.requirements]
    assert [item["id"] for item in items] == [f"item-{block_id}" for block_id in block_ids]
    assert "Services share one care plan." in items[0].get_text()


def test_items_link_to_the_evidence_behind_them(section, client):
    soup = BeautifulSoup(client.get(section.url).content, "html.parser")

    first, second = soup.select("li.app-requirement")
    evidence = section.requirements[0].value["evidence"][0]
    assert first.find("a", string="Joined-up care study")["href"] == evidence.url
    assert "Domain: How organisations work together" in first.get_text()
    assert "Evidence behind it" not in second.get_text()


def test_items_leave_out_evidence_readers_cannot_open(section, client):
    evidence = section.requirements[0].value["evidence"][0]
    evidence.unpublish()

    soup = BeautifulSoup(client.get(section.url).content, "html.parser")

    first = soup.select("li.app-requirement")[0]
    assert first.find("a", string="Joined-up care study") is None
    assert "Evidence behind it" not in first.get_text()


def test_editing_a_section_in_the_admin_keeps_each_items_block_id(section, editor, client):
    client.login(username=editor.username, password=PASSWORD)
    first, second = section.requirements
    domain = Domain.objects.get(name="Training and support")
    form = nested_form_data(
        {
            "title": section.title,
            "slug": section.slug,
            "section_number": 3,
            "introduction": rich_text(""),
            # The items swap places and the first is reworded: the ids follow the items.
            "requirements": requirements_form_data(
                [
                    (second.id, second.value["statement"], domain),
                    (first.id, "Services share one written care plan.", domain),
                ]
            ),
            "action-publish": "publish",
        }
    )

    response = client.post(f"/admin/pages/{section.pk}/edit/", form)

    assert response.status_code == 302, response.context["form"].errors
    revised = FrameworkSectionPage.objects.get(pk=section.pk)
    assert [(block.id, block.value["statement"]) for block in revised.requirements] == [
        (second.id, "Each woman has a named lead professional."),
        (first.id, "Services share one written care plan."),
    ]
    assert revised.revisions.count() >= 1
    assert [item.number for item in revised.requirement_items] == ["3.1", "3.2"]


def test_admin_refuses_a_second_section_with_the_same_number(section, framework, editor, client):
    client.login(username=editor.username, password=PASSWORD)
    form = nested_form_data(
        {
            "title": "Another section",
            "slug": "another",
            "section_number": 3,
            "introduction": rich_text(""),
            "requirements": streamfield([]),
            "action-publish": "publish",
        }
    )

    response = client.post(f"/admin/pages/add/evidence/frameworksectionpage/{framework.pk}/", form)

    assert response.status_code == 200
    assert response.context["form"].errors["section_number"] == [
        "Section 3 is already ‘Working together’."
    ]
    assert not FrameworkSectionPage.objects.filter(slug="another").exists()


def test_framework_index_lists_its_sections_in_number_order(framework, client):
    FrameworkSectionPageFactory(parent=framework, title="Second", section_number=2)
    FrameworkSectionPageFactory(parent=framework, title="First", section_number=1)
    FrameworkSectionPageFactory(parent=framework, title="Draft", section_number=3, live=False)

    soup = BeautifulSoup(client.get(framework.url).content, "html.parser")

    headings = [h2.get_text(strip=True) for h2 in soup.select(".app-section-list h2")]
    assert headings == ["1. First", "2. Second"]
