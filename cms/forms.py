from django import forms


class SearchForm(forms.Form):
    q = forms.CharField(
        label="Search the evidence, findings and pages of this site",
        required=False,
        max_length=200,
        error_messages={"max_length": "Search for %(limit_value)d characters or fewer."},
    )
