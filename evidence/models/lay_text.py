from typing import ClassVar

from django.utils.functional import cached_property

from evidence.admin_forms import LayTextPageForm
from evidence.models.taxonomy import GlossaryTerm
from evidence.readability import glossary_terms_in, lay_text_from_fields


class LayTextPageMixin:
    """A page with lay text, in the fields that ``lay_text_fields`` names.

    The editor sees how easy the lay text is to read (LayTextReadabilityPanel), publishing it
    below the reading target asks for a reason (LayTextPageForm), and readers see the glossary
    terms it uses explained (evidence/includes/glossary.html).
    """

    lay_text_fields: ClassVar[tuple[str, ...]] = ()
    base_form_class = LayTextPageForm

    @property
    def lay_text(self) -> str:
        return lay_text_from_fields(
            type(self), {name: getattr(self, name) for name in self.lay_text_fields}
        )

    @cached_property
    def glossary_terms(self) -> list[GlossaryTerm]:
        """The glossary terms the lay text uses, for the "Words used on this page" list."""
        return glossary_terms_in(self.lay_text)
