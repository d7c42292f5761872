from dataclasses import dataclass
from functools import cached_property

from django.db import models
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel
from wagtail.blocks import StreamValue
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from cms.blocks import RICH_TEXT_FEATURES
from consultations.models import ConsultablePageMixin, ConsultationItem
from evidence.admin_forms import FrameworkSectionForm
from evidence.blocks import RequirementsBlock, RequirementValue


@dataclass(frozen=True)
class RequirementItem:
    """A requirement as readers see it: numbered section.item, anchored by its block id."""

    number: str
    block_id: str
    value: StreamValue.StreamChild

    @property
    def anchor(self) -> str:
        return f"item-{self.block_id}"


class RequirementEntry:
    """A requirement as the section's template lists it: its number and anchor from the
    stored data, and its block's value, which costs look-ups, made (for every item at once)
    only when asked for, as when the item's content is not kept
    (``framework_tags.requirement_content``)."""

    def __init__(self, page: "FrameworkSectionPage", *, position: int, raw: dict) -> None:
        self.page = page
        self.number = f"{page.section_number}.{position}"
        self.block_id = raw["id"]
        self.raw = raw

    @property
    def anchor(self) -> str:
        return f"item-{self.block_id}"

    @property
    def value(self) -> StreamValue.StreamChild:
        return self.page.requirement_values[self.block_id]


class FrameworkIndexPage(Page):
    introduction = RichTextField(features=RICH_TEXT_FEATURES, blank=True)

    content_panels = [*Page.content_panels, FieldPanel("introduction")]
    subpage_types = ["evidence.FrameworkSectionPage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("framework index page")

    def get_context(self, request: HttpRequest, *args, **kwargs) -> dict:
        from evidence.selectors import framework_sections_published

        context = super().get_context(request, *args, **kwargs)
        context["sections"] = framework_sections_published(index_page=self)
        return context


class FrameworkSectionPage(ConsultablePageMixin, Page):
    """One section of the draft framework: numbered requirement items, each with its evidence."""

    section_number = models.PositiveSmallIntegerField(
        help_text=_("Readers see items numbered section.item: 3.1, 3.2 and so on.")
    )
    introduction = RichTextField(features=RICH_TEXT_FEATURES, blank=True)
    requirements = StreamField(RequirementsBlock(), blank=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("section_number"),
        FieldPanel("content_note"),
        FieldPanel("introduction"),
        FieldPanel("requirements"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("introduction"),
        index.SearchField("requirements"),
    ]
    parent_page_types = ["evidence.FrameworkIndexPage"]
    subpage_types = []
    base_form_class = FrameworkSectionForm
    consultation_template = "evidence/includes/framework_section_body.html"

    class Meta:
        verbose_name = _("framework section")
        ordering = ["section_number"]

    @property
    def requirement_items(self) -> list[RequirementItem]:
        RequirementValue.evidence_published_load(
            [
                block.value
                for block in self.requirements
                if isinstance(block.value, RequirementValue)
            ]
        )
        return [
            RequirementItem(
                number=f"{self.section_number}.{position}", block_id=block.id, value=block.value
            )
            for position, block in enumerate(self.requirements, start=1)
        ]

    @cached_property
    def requirement_values(self) -> dict[str, StreamValue.StreamChild]:
        return {item.block_id: item.value for item in self.requirement_items}

    @property
    def requirement_entries(self) -> list[RequirementEntry]:
        return [
            RequirementEntry(self, position=position, raw=raw)
            for position, raw in enumerate(self.requirements.raw_data, start=1)
        ]

    def get_consultation_items(self) -> list[ConsultationItem]:
        # From the stored data: the items' texts need none of the domains and summaries
        # that turning the blocks into values would look up.
        return [
            ConsultationItem(
                block_id=block["id"],
                number=f"{self.section_number}.{position}",
                text=block["value"]["statement"],
                content_note=block["value"].get("content_note", ""),
            )
            for position, block in enumerate(self.requirements.raw_data, start=1)
        ]
