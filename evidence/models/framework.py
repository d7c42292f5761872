from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import models

from wagtail.admin.panels import FieldPanel
from wagtail.blocks import StreamValue
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from cms.blocks import RICH_TEXT_FEATURES
from evidence.blocks import RequirementsBlock


@dataclass(frozen=True)
class RequirementItem:
    """A requirement as readers see it: numbered section.item, anchored by its block id."""

    number: str
    block_id: str
    value: StreamValue.StreamChild

    @property
    def anchor(self) -> str:
        return f"item-{self.block_id}"


class FrameworkIndexPage(Page):
    introduction = RichTextField(features=RICH_TEXT_FEATURES, blank=True)

    content_panels = [*Page.content_panels, FieldPanel("introduction")]
    subpage_types = ["evidence.FrameworkSectionPage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = "framework index page"


class FrameworkSectionPage(Page):
    """One section of the draft framework: numbered requirement items, each with its evidence."""

    section_number = models.PositiveSmallIntegerField(
        help_text="Readers see items numbered section.item: 3.1, 3.2 and so on."
    )
    introduction = RichTextField(features=RICH_TEXT_FEATURES, blank=True)
    requirements = StreamField(RequirementsBlock(), blank=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("section_number"),
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

    class Meta:
        verbose_name = "framework section"
        ordering = ["section_number"]

    def clean(self) -> None:
        super().clean()
        parent = self.get_parent() if self.pk else None
        if parent is None or self.section_number is None:
            return
        clash = (
            FrameworkSectionPage.objects.child_of(parent)
            .filter(section_number=self.section_number, locale_id=self.locale_id)
            .exclude(pk=self.pk)
            .first()
        )
        if clash is not None:
            raise ValidationError(
                {"section_number": f"Section {self.section_number} is already {clash.title}."}
            )

    @property
    def requirement_items(self) -> list[RequirementItem]:
        return [
            RequirementItem(
                number=f"{self.section_number}.{position}", block_id=block.id, value=block.value
            )
            for position, block in enumerate(self.requirements, start=1)
        ]
