from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from wagtail import blocks
from wagtail.models import Page
from wagtail.snippets.blocks import SnippetChooserBlock

from cms.blocks import RICH_TEXT_FEATURES
from cms.privacy import public
from consultations.models import CONTENT_NOTE_MAX_LENGTH


class KeyFindingBlock(blocks.StructBlock):
    finding = blocks.TextBlock(help_text=_("One finding, in one or two sentences."))
    detail = blocks.RichTextBlock(
        features=RICH_TEXT_FEATURES, required=False, help_text=_("Figures, caveats, context.")
    )

    class Meta:
        template = "blocks/key_finding_block.html"
        icon = "tick"
        label = _("Key finding")
        preview_value = {
            "finding": "Women valued one named midwife who knew their history.",
            "detail": "<p>Reported at all four sites.</p>",
        }


class KeyFindingsBlock(blocks.StreamBlock):
    finding = KeyFindingBlock()


class RequirementValue(blocks.StructValue):
    @cached_property
    def evidence_published(self) -> list[Page]:
        """The summaries behind the item that readers may open: live and public ones only."""
        self.evidence_published_load([self])
        return self.__dict__["evidence_published"]

    @staticmethod
    def evidence_published_load(values: list["RequirementValue"]) -> None:
        """Find which of the items' summaries readers may open with one look-up for all of
        them, not one per item: a section lists fifteen items or more."""
        linked = [
            (value, [page for page in value["evidence"] if page is not None])
            for value in values
            if "evidence_published" not in value.__dict__
        ]
        ids = {page.pk for _value, pages in linked for page in pages}
        readable = (
            set(public(Page.objects.filter(pk__in=ids)).live().values_list("pk", flat=True))
            if ids
            else set()
        )
        for value, pages in linked:
            value.__dict__["evidence_published"] = [page for page in pages if page.pk in readable]


class RequirementBlock(blocks.StructBlock):
    """One requirement item of a framework section.

    Comments and ratings attach to the block's id, which Wagtail keeps across revisions.
    """

    content_note = blocks.CharBlock(
        required=False,
        max_length=CONTENT_NOTE_MAX_LENGTH,
        help_text=_(
            "If the item is about something painful, say so in a few words. Readers see this "
            "first and choose whether to open the item."
        ),
    )
    statement = blocks.TextBlock(help_text=_("What services must do, as one clear sentence."))
    rationale = blocks.RichTextBlock(
        features=RICH_TEXT_FEATURES, required=False, help_text=_("Why: what the evidence shows.")
    )
    domain = SnippetChooserBlock("evidence.Domain")
    evidence = blocks.ListBlock(
        blocks.PageChooserBlock(page_type="evidence.EvidenceSummaryPage"),
        default=[],
        label=_("Evidence behind it"),
    )

    class Meta:
        template = "blocks/requirement_block.html"
        icon = "list-ol"
        label = _("Requirement")
        form_classname = "struct-block requirement-block"
        value_class = RequirementValue


class RequirementsBlock(blocks.StreamBlock):
    requirement = RequirementBlock()
