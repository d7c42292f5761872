"""Forms of the page editor. They import no models, so that page models can name them."""

from django import forms

from wagtail.admin.forms import WagtailAdminPageForm


class FrameworkSectionForm(WagtailAdminPageForm):
    """Two sections under one framework index cannot share a number: readers cite them."""

    def clean_section_number(self) -> int | None:
        number = self.cleaned_data.get("section_number")
        if number is None or self.parent_page is None:
            return number
        clash = (
            type(self.instance)
            .objects.child_of(self.parent_page)
            .filter(section_number=number, locale_id=self.parent_page.locale_id)
            .exclude(pk=self.instance.pk)
            .first()
        )
        if clash is not None:
            raise forms.ValidationError(f"Section {number} is already ‘{clash.title}’.")
        return number
