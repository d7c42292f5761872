from django import forms
from django.utils.translation import gettext_lazy as _


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search the evidence, findings and pages of this site"),
        required=False,
        max_length=200,
        error_messages={"max_length": _("Search for %(limit_value)d characters or fewer.")},
    )

    def clean_q(self) -> str:
        return search_query_clean(self.cleaned_data["q"])


def search_query_clean(text: str) -> str:
    """A search query the database backends all accept.

    SQLite's full-text search fails on an unbalanced double quote (wagtail/wagtail#13227),
    and our search boxes offer no phrase search, so quotes are dropped.
    """
    return " ".join(text.replace('"', " ").split())
