from django.db import models
from django.http import HttpRequest
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel, InlinePanel, PageChooserPanel
from wagtail.api import APIField
from wagtail.fields import StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from modelcluster.fields import ParentalKey

from cms.blocks import BodyStreamBlock
from evidence.models.lay_text import LayTextPageMixin
from evidence.panels import lay_text_readability_panels


class LayFindingsIndexPage(Page):
    introduction = models.TextField(blank=True)

    content_panels = [*Page.content_panels, FieldPanel("introduction")]
    subpage_types = ["evidence.LayFindingsPage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("lay findings index page")

    def get_context(self, request: HttpRequest, *args, **kwargs) -> dict:
        from evidence.views import lay_findings_listing_context

        return {
            **super().get_context(request, *args, **kwargs),
            **lay_findings_listing_context(request, index_page=self),
        }


class LayFindingsPage(LayTextPageMixin, Page):
    """What the study found, in plain language, for anyone to read."""

    summary = models.TextField(
        help_text=_("Two or three plain sentences: shown in lists and at the top of the page.")
    )
    body = StreamField(BodyStreamBlock())

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("body"),
        lay_text_readability_panels(heading=_("Readability of the lay findings")),
        InlinePanel(
            "evidence_links",
            heading=_("Evidence behind these findings"),
            label=_("Source"),
        ),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("body"),
    ]
    api_fields = [APIField("summary"), APIField("body"), APIField("evidence_ids")]

    lay_text_fields = ("summary", "body")
    parent_page_types = ["evidence.LayFindingsIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("lay findings page")

    @cached_property
    def evidence(self) -> list:
        """The published summaries behind these findings; drafts and private pages left out.
        Read by the template only where its kept content is read afresh."""
        from evidence.selectors import lay_finding_evidence

        return lay_finding_evidence(page=self)

    @property
    def evidence_ids(self) -> list[int]:
        return [summary.pk for summary in self.evidence]


class LayFindingEvidence(Orderable):
    page = ParentalKey(LayFindingsPage, on_delete=models.CASCADE, related_name="evidence_links")
    evidence = models.ForeignKey(
        "evidence.EvidenceSummaryPage", on_delete=models.CASCADE, related_name="+"
    )

    panels = [PageChooserPanel("evidence", "evidence.EvidenceSummaryPage")]

    class Meta(Orderable.Meta):
        verbose_name = _("evidence link")
        constraints = [
            models.UniqueConstraint(fields=["page", "evidence"], name="lay_finding_evidence_once")
        ]
