"""Editor panels for pages with lay text."""

from django.urls import reverse

from wagtail.admin.panels import FieldPanel, MultiFieldPanel, Panel

from evidence.admin_forms import BELOW_TARGET_REASON_FIELD, lay_text_of_form
from evidence.readability import glossary_terms_in, readability_of

READABILITY_TEMPLATE = "evidence/panels/lay_text_readability.html"


def lay_text_readability_context(text: str) -> dict:
    """What the readability panel shows of a lay text: its scores and its glossary terms."""
    return {"readability": readability_of(text), "glossary_terms": glossary_terms_in(text)}


class LayTextReadabilityPanel(Panel):
    """Read-only: how easy the page's lay text is to read, and the glossary terms it uses.

    Built as Wagtail's HelpPanel is. It shows the lay text in the form: as typed when the form
    is re-rendered after an error, else as last saved. A script refreshes it as the editor
    types; without the script it is complete as of the last save.
    """

    def __init__(
        self, template: str = "evidence/panels/lay_text_readability_panel.html", **kwargs
    ) -> None:
        super().__init__(**kwargs)
        self.template = template

    def clone_kwargs(self) -> dict:
        kwargs = super().clone_kwargs()
        kwargs["template"] = self.template
        return kwargs

    @property
    def clean_name(self) -> str:
        return super().clean_name or "readability"

    class BoundPanel(Panel.BoundPanel):
        class Media:
            js = ["evidence/js/lay_text_readability.js"]

        def __init__(self, **kwargs) -> None:
            super().__init__(**kwargs)
            self.template_name = self.panel.template

        def get_context_data(self, parent_context: dict | None = None) -> dict:
            context = super().get_context_data(parent_context)
            form = self.form
            text = lay_text_of_form(form) if form is not None else self.instance.lay_text
            context.update(lay_text_readability_context(text))
            context["refresh_url"] = reverse(
                "evidence_lay_text_readability", args=[self.panel.model._meta.model_name]
            )
            return context


def lay_text_readability_panels(*, heading: str) -> MultiFieldPanel:
    """The readability panel, and below it the reason to publish below the reading target."""
    return MultiFieldPanel(
        [
            LayTextReadabilityPanel(),
            # Not page content, so nothing to comment on.
            FieldPanel(BELOW_TARGET_REASON_FIELD, disable_comments=True),
        ],
        heading=heading,
    )
