"""Forms of the page editor, apart from the public forms so that page models can name them."""

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from wagtail.admin.forms import WagtailAdminPageForm

from evidence.readability import ReadabilityResult, lay_text_from_fields, readability_of

# The editor form's field for why lay text below the reading target is published; the
# after_publish_page hook reads it from the same request to keep it in the audit log.
BELOW_TARGET_REASON_FIELD = "lay_text_below_target_reason"


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
            raise forms.ValidationError(
                gettext("Section %(number)s is already ‘%(title)s’.")
                % {"number": number, "title": clash.title}
            )
        return number


def lay_text_of_form(form: forms.BaseModelForm) -> str:
    """The lay text in a page's editor form: as typed when the form is bound, else as saved.

    A lay-text field the form leaves out (one the editor may not change) is read from the page.
    """
    model = form._meta.model
    values = {
        name: form[name].value() if name in form.fields else getattr(form.instance, name)
        for name in model.lay_text_fields
    }
    return lay_text_from_fields(model, values)


class LayTextPageForm(WagtailAdminPageForm):
    """The editor form of a page with lay text.

    Saving is never blocked. Publishing lay text below the reading target needs a reason,
    which the after_publish_page hook keeps in the audit log once the page is live.
    """

    lay_text_below_target_reason = forms.CharField(
        label=_("Why publish below the reading target?"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Only needed to publish lay text that is below the reading target. "
            "It is kept in the page's history."
        ),
    )

    error_messages = {
        "reason_required": _(
            "The lay text is below the reading target (%(scores)s). Make it "
            "easier to read, or say here why it should be published as it is."
        ),
    }

    def clean(self) -> dict:
        cleaned_data = super().clean()
        if self.is_publishing and not cleaned_data.get(BELOW_TARGET_REASON_FIELD):
            readability = self.lay_text_readability()
            if not readability.meets_target:
                self.add_error(
                    BELOW_TARGET_REASON_FIELD,
                    self.error_messages["reason_required"] % {"scores": readability.describe()},
                )
        return cleaned_data

    @property
    def is_publishing(self) -> bool:
        return bool(self.data.get("action-publish"))

    def lay_text_readability(self) -> ReadabilityResult:
        return readability_of(lay_text_of_form(self))
