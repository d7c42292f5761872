"""The admin's widgets write their start-up calls as data a strict policy lets through."""

import json
import re

from django.contrib.auth import get_user_model

from wagtail.admin.panels import MultipleChooserPanel, ObjectList
from wagtail.admin.widgets import AdminDateInput, AdminPageChooser
from wagtail.admin.widgets.workflows import AdminTaskChooser
from wagtail.models import Page

import pytest

from cms.admin_scripts import admin_init_script

DATA_BLOCK = re.compile(r'<script type="application/json" data-admin-init>(.*?)</script>', re.S)


def calls_in(html: str) -> list[dict]:
    return [json.loads(data) for data in DATA_BLOCK.findall(html)]


def test_a_page_chooser_writes_its_start_up_call_as_data(db):
    page = Page.objects.get(depth=2)

    html = AdminPageChooser(target_models=[Page]).render("page", page.pk, {"id": "id_page"})

    assert "<script>" not in html
    assert calls_in(html) == [
        {
            "function": "PageChooser",
            "new": True,
            "args": [
                "id_page",
                {
                    "modelNames": ["wagtailcore.page"],
                    "canChooseRoot": False,
                    "userPerms": None,
                    "modalUrl": "/admin/choose-page/",
                    "parentId": page.get_parent().pk,
                },
            ],
        }
    ]
    assert f'value="{page.pk}"' in html


def test_the_task_chooser_writes_its_own_start_up_call_as_data(db):
    html = AdminTaskChooser().render("task", None, {"id": "id_task"})

    assert "<script>" not in html
    assert calls_in(html) == [{"function": "createTaskChooser", "new": False, "args": ["id_task"]}]


def test_a_chooser_with_start_up_code_of_its_own_is_left_as_wagtail_writes_it(db):
    class OddChooser(AdminPageChooser):
        def render_js_init(self, id_, name, value_data):
            return f"startOddly({json.dumps(id_)});"

    html = OddChooser().render("page", None, {"id": "id_page"})

    # The admin's policy blocks this script, and the admin pages' test would say so.
    assert '<script>startOddly("id_page");</script>' in html
    assert calls_in(html) == []


def test_a_date_field_writes_its_start_up_call_as_data():
    html = AdminDateInput().render("opens", None, {"id": "id_opens"})

    assert "<script>" not in html
    [call] = calls_in(html)
    assert call["function"] == "initDateChooser"
    assert call["args"][0] == "id_opens"
    assert call["args"][1]["format"] == "Y-m-d"


@pytest.mark.parametrize("payload", ["</script><script>alert(1)</script>", "<!--", "a & b"])
def test_the_data_cannot_end_its_script_element_or_open_a_comment(payload):
    html = admin_init_script("initDateChooser", payload)

    assert html.count("<") == 2  # its own <script> and </script>
    assert calls_in(html) == [{"function": "initDateChooser", "new": False, "args": [payload]}]


def test_a_multiple_chooser_panel_writes_its_start_up_call_as_data(demo_site, rf):
    """No page of ours uses one yet; Wagtail's template for it is overridden all the same."""
    from evidence.models import LayFindingsPage

    editor = get_user_model().objects.get(username="editor")
    panel = ObjectList(
        [MultipleChooserPanel("evidence_links", chooser_field_name="evidence")]
    ).bind_to_model(LayFindingsPage)
    page = LayFindingsPage.objects.first()
    request = rf.get("/admin/")
    request.user = editor
    form = panel.get_form_class()(instance=page, for_user=editor)

    html = panel.get_bound_panel(instance=page, form=form, request=request).render_html()

    assert "<script>" not in html
    functions = [call["function"] for call in calls_in(html)]
    assert functions[-1] == "MultipleChooserPanel"
    assert set(functions[:-1]) == {"PageChooser"}
    assert 'id="id_evidence_links-CHOOSER_WIDGET"' in html
