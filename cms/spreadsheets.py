"""Spreadsheet cells that cannot run: a CSV cell starting with one of ``FORMULA_PREFIXES``
is opened by Excel, LibreOffice and Google Sheets as a formula (CSV injection), so every
CSV the site writes starts such a cell with an apostrophe, which spreadsheets show as text.

Wagtail's XLSX exports already mark every cell as text; its CSV exports (reports and
listings) do not, and its own reports offer no hook, so :func:`csv_formula_guard_install`
wraps ``SpreadsheetExportMixin.preprocess_field_value``, a Wagtail internal: check it still
exists, with that signature, when upgrading Wagtail (``tests/cms/test_spreadsheets.py``
fails if it no longer works).
"""

from functools import wraps

from wagtail.admin.views.mixins import SpreadsheetExportMixin

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_text(value: object) -> str:
    """The value as CSV text that a spreadsheet shows and never runs."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_PREFIXES) else text


def csv_formula_guard_install() -> None:
    """Every CSV export of Wagtail's admin (reports, listings) writes inert cells."""
    preprocess = SpreadsheetExportMixin.preprocess_field_value
    if getattr(preprocess, "formula_guarded", False):
        return

    @wraps(preprocess)
    def guarded(self, field, value, export_format):
        cell = preprocess(self, field, value, export_format)
        if export_format == SpreadsheetExportMixin.FORMAT_CSV and isinstance(cell, str):
            return spreadsheet_text(cell)
        return cell

    guarded.formula_guarded = True
    SpreadsheetExportMixin.preprocess_field_value = guarded
