from wagtail.models import Page
from wagtail.rich_text import RichText
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

import pytest
from bs4 import BeautifulSoup

from cms.demo import DEMO_PASSWORD
from home.models import HomePage, StandardPage
from tests.factories import PASSWORD, StandardPageFactory


def test_migrate_makes_the_study_home_page_the_site_root(site):
    root = site.root_page.specific

    assert isinstance(root, HomePage)
    assert root.title == "Stepping Stones"
    assert site.is_default_site


@pytest.mark.parametrize(
    ("page_model", "parent", "allowed"),
    [
        (StandardPage, "home", True),
        (StandardPage, "standard", True),
        (StandardPage, "root", False),
        (HomePage, "home", False),
        (HomePage, "standard", False),
    ],
)
def test_page_tree_rules(home_page, page_model, parent, allowed):
    parents = {
        "root": Page.get_first_root_node(),
        "home": home_page,
        "standard": StandardPageFactory(parent=home_page),
    }

    assert page_model.can_create_at(parents[parent]) is allowed


def test_editor_is_offered_only_the_page_types_allowed_under_home(editor, client, home_page):
    client.login(username=editor.username, password=PASSWORD)

    response = client.get(f"/admin/pages/{home_page.pk}/add_subpage/")

    offered = {f"{app}.{model}" for __, app, model, __ in response.context["page_types"]}
    assert "home.standardpage" in offered
    assert "home.homepage" not in offered
    assert "evidence.evidencesummarypage" not in offered


def test_editor_creates_and_publishes_a_standard_page_in_the_admin(editor, client, home_page):
    client.login(username=editor.username, password=PASSWORD)
    form = nested_form_data(
        {
            "title": "Meet the advisory group",
            "slug": "advisory-group",
            "introduction": "Who comments on the drafts.",
            "body": streamfield(
                [
                    ("heading", "Who we are"),
                    ("paragraph", rich_text("<p>Women with lived experience.</p>")),
                ]
            ),
            "action-publish": "publish",
        }
    )

    response = client.post(f"/admin/pages/add/home/standardpage/{home_page.pk}/", form)

    assert response.status_code == 302
    page = StandardPage.objects.get(slug="advisory-group")
    assert page.live
    public = client.get("/advisory-group/")
    assert "Who comments on the drafts." in public.text
    assert '<h2 class="nhsuk-heading-l">Who we are</h2>' in public.text


def test_standard_page_renders_each_body_block_with_nhsuk_components(db, client, home_page):
    StandardPageFactory(
        parent=home_page,
        slug="blocks",
        body=[
            ("heading", "A heading"),
            ("paragraph", RichText("<p>A paragraph.</p>")),
            ("inset_text", RichText("<p>Set apart.</p>")),
            ("warning_callout", {"heading": "Before you read", "text": RichText("<p>Hard.</p>")}),
            ("details", {"summary": "Can I stop?", "text": RichText("<p>Yes.</p>")}),
        ],
    )

    soup = BeautifulSoup(client.get("/blocks/").content, "html.parser")
    main = soup.find("main")

    assert main.find("h2", class_="nhsuk-heading-l").get_text() == "A heading"
    assert main.find("p", string="A paragraph.") is not None
    assert "Set apart." in main.find(class_="nhsuk-inset-text").get_text()
    warning = main.find(class_="nhsuk-card--warning")
    assert "Before you read" in warning.find("h3").get_text()
    assert "Important:" in warning.find("h3").get_text()
    details = main.find("details", class_="nhsuk-details")
    assert details.find("summary").get_text(strip=True) == "Can I stop?"


def test_home_page_leads_to_get_involved(home_demo, client):
    soup = BeautifulSoup(client.get("/").content, "html.parser")

    card = soup.find("section", attrs={"aria-labelledby": "get-involved-heading"})
    assert card.find("h2").get_text(strip=True) == "Get involved"
    assert card.find("a", class_="nhsuk-action-link")["href"] == "/get-involved/"


def test_home_page_title_is_the_site_name_alone(home_demo, client):
    soup = BeautifulSoup(client.get("/").content, "html.parser")

    assert soup.title.get_text(strip=True) == "Stepping Stones"


def test_draft_standard_page_is_not_public(db, client, home_page):
    StandardPageFactory(parent=home_page, slug="draft", live=False)

    assert client.get("/draft/").status_code == 404


def test_demo_editor_edits_the_study_details_shown_in_the_footer(home_demo, client, site):
    client.login(username="editor", password=DEMO_PASSWORD)
    url = f"/admin/settings/home/studysettings/{site.pk}/"
    form = client.get(url).context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    data.update(contact_phone="0113 496 0000", postal_address="Stepping Stones study\nLeeds")

    response = client.post(url, data)

    assert response.status_code == 302
    footer = BeautifulSoup(client.get("/").content, "html.parser").find("footer")
    contact = footer.find("p", class_="app-contact").get_text("|", strip=True)
    assert contact == "Phone: 0113 496 0000|Stepping Stones study|Leeds"


def test_headings_are_kept_short(db):
    from django.core.exceptions import ValidationError

    from cms.blocks import HeadingBlock

    assert HeadingBlock().clean("x" * 120) == "x" * 120
    with pytest.raises(ValidationError):
        HeadingBlock().clean("x" * 121)
