"""Admin actions that would get round the evidence app's rules are refused, with a reason."""

from django.contrib.messages import get_messages

from evidence.models import EvidenceSummaryPage, LayFindingsPage
from tests.factories import PASSWORD, LayFindingsIndexPageFactory, LayFindingsPageFactory

HARD = (
    "Notwithstanding considerable heterogeneity, multidisciplinary interprofessional "
    "collaboration demonstrably ameliorated organisational fragmentation, consequently "
    "facilitating comprehensive individualised perinatal safeguarding arrangements."
)


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_copying_an_evidence_summary_is_refused(editor, client, summary_factory, evidence_index):
    summary = summary_factory(title="Joined-up care", source_id="S900")
    client.login(username=editor.username, password=PASSWORD)

    for data in ({}, {"new_title": "Copy", "new_slug": "copy", "alias": "on"}):
        response = client.post(f"/admin/pages/{summary.pk}/copy/", data, follow=True)

        assert response.redirect_chain[0][0] == f"/admin/pages/{evidence_index.pk}/"
        assert any("was not copied" in message for message in messages_of(response))
    assert EvidenceSummaryPage.objects.filter(source_id="S900").count() == 1


def test_bulk_publishing_lay_text_below_target_is_refused(editor, client, home_page):
    index = LayFindingsIndexPageFactory(parent=home_page)
    hard = LayFindingsPageFactory(parent=index, title="Hard words", live=False, summary=HARD)
    hard.save_revision()
    client.login(username=editor.username, password=PASSWORD)

    response = client.post(
        f"/admin/bulk/wagtailcore/page/publish/?id={hard.pk}&next=/admin/pages/{index.pk}/",
        follow=True,
    )

    assert not LayFindingsPage.objects.get(pk=hard.pk).live
    assert any(
        "“Hard words” is below the reading target" in message for message in messages_of(response)
    )


def test_bulk_publishing_plain_lay_text_goes_ahead(editor, client, home_page):
    index = LayFindingsIndexPageFactory(parent=home_page)
    plain = LayFindingsPageFactory(parent=index, live=False)
    plain.save_revision()
    client.login(username=editor.username, password=PASSWORD)

    client.post(f"/admin/bulk/wagtailcore/page/publish/?id={plain.pk}")

    assert LayFindingsPage.objects.get(pk=plain.pk).live
