from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.http import HttpRequest, StreamingHttpResponse
from django.utils.functional import cached_property
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.api import APIField
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from modelcluster.fields import ParentalManyToManyField

from cms.blocks import RICH_TEXT_FEATURES
from consultations.models import ConsultablePageMixin
from evidence.blocks import KeyFindingsBlock
from evidence.enums import EvidenceKind, Nation
from evidence.models.lay_text import LayTextPageMixin
from evidence.panels import lay_text_readability_panels

DOI_VALIDATOR = RegexValidator(
    r"^10\.\d{4,9}/\S+$", _("Enter a DOI such as 10.1136/bmj.k1234, without https://doi.org/.")
)


class EvidenceIndexPage(RoutablePageMixin, Page):
    introduction = models.TextField(blank=True)

    content_panels = [*Page.content_panels, FieldPanel("introduction")]
    subpage_types = ["evidence.EvidenceSummaryPage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("evidence index page")

    def get_context(self, request: HttpRequest, *args, **kwargs) -> dict:
        from evidence.views import evidence_listing_context

        return {
            **super().get_context(request, *args, **kwargs),
            **evidence_listing_context(request, index_page=self),
        }

    @path("csv/", name="csv")
    def csv(self, request: HttpRequest) -> StreamingHttpResponse:
        from evidence.views import evidence_csv_response

        return evidence_csv_response(request, index_page=self)


class EvidenceSummaryPage(ConsultablePageMixin, LayTextPageMixin, Page):
    """A summary of one reviewed guideline, study or policy, with its citation."""

    consultation_template = "evidence/includes/evidence_summary_body.html"

    source_id = models.CharField(
        _("source identifier"),
        max_length=40,
        db_index=True,
        help_text=_(
            "The review's identifier for the source, such as G017 or S104. Imports match on it."
        ),
    )
    kind = models.CharField(max_length=20, choices=EvidenceKind.choices)
    nation = models.CharField(max_length=20, choices=Nation.choices)
    themes = ParentalManyToManyField("evidence.Theme", blank=True, related_name="summaries")

    authors = models.CharField(max_length=500, help_text=_("As cited: Smith J, Jones A."))
    source_title = models.CharField(_("title of the source"), max_length=500)
    year = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1900), MaxValueValidator(2100)]
    )
    publisher = models.CharField(_("publisher or journal"), max_length=255)
    doi = models.CharField(_("DOI"), max_length=255, blank=True, validators=[DOI_VALIDATOR])
    source_url = models.URLField(_("URL"), max_length=500, blank=True)

    lay_summary = models.TextField(
        help_text=_("What the source found, in plain words for anyone to read.")
    )
    technical_summary = RichTextField(features=RICH_TEXT_FEATURES)
    key_findings = StreamField(KeyFindingsBlock(), blank=True)
    implications_for_care = RichTextField(_("what it means for care"), features=RICH_TEXT_FEATURES)

    content_panels = [
        *Page.content_panels,
        FieldPanel("content_note"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("source_id"), FieldPanel("kind")]),
                FieldRowPanel([FieldPanel("nation"), FieldPanel("year")]),
                FieldPanel("themes", widget=forms.CheckboxSelectMultiple),
            ],
            heading=_("About the source"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("authors"),
                FieldPanel("source_title"),
                FieldPanel("publisher"),
                FieldRowPanel([FieldPanel("doi"), FieldPanel("source_url")]),
            ],
            heading=_("Citation"),
        ),
        FieldPanel("lay_summary"),
        lay_text_readability_panels(heading=_("Readability of the lay summary")),
        FieldPanel("technical_summary"),
        FieldPanel("key_findings"),
        FieldPanel("implications_for_care"),
    ]

    search_fields = [
        *Page.search_fields,
        index.SearchField("lay_summary"),
        index.SearchField("technical_summary"),
        index.SearchField("key_findings"),
        index.SearchField("implications_for_care"),
        index.SearchField("source_title"),
        index.SearchField("authors"),
        index.SearchField("source_id"),
        index.RelatedFields("themes", [index.SearchField("name")]),
        index.FilterField("kind"),
        index.FilterField("nation"),
        index.FilterField("year"),
    ]

    api_fields = [
        APIField("source_id"),
        APIField("kind"),
        APIField("nation"),
        APIField("year"),
        APIField("citation"),
        APIField("authors"),
        APIField("source_title"),
        APIField("publisher"),
        APIField("doi"),
        APIField("source_url"),
        APIField("theme_names"),
        APIField("lay_summary"),
    ]

    lay_text_fields = ("lay_summary",)
    parent_page_types = ["evidence.EvidenceIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("evidence summary")
        verbose_name_plural = _("evidence summaries")

    def clean(self) -> None:
        super().clean()
        errors = {}
        if not self.doi and not self.source_url:
            errors["source_url"] = gettext(
                "Give the source's DOI or a URL where readers can find it."
            )
        duplicate = (
            EvidenceSummaryPage.objects.filter(source_id=self.source_id, locale_id=self.locale_id)
            .exclude(pk=self.pk)
            .first()
        )
        if self.source_id and duplicate is not None:
            errors["source_id"] = gettext(
                "%(title)s already has the identifier %(source_id)s."
            ) % {
                "title": duplicate.title,
                "source_id": self.source_id,
            }
        if errors:
            raise ValidationError(errors)

    @property
    def doi_url(self) -> str:
        return f"https://doi.org/{self.doi}" if self.doi else ""

    @property
    def link(self) -> str:
        """Where readers find the source itself: its DOI if it has one, else its URL."""
        return self.doi_url or self.source_url

    @property
    def citation(self) -> str:
        """The source as a reference: Authors (Year). Title. Publisher. DOI or URL."""
        parts = [f"{self.authors} ({self.year}).", f"{self.source_title.rstrip('.')}."]
        if self.publisher:
            parts.append(f"{self.publisher.rstrip('.')}.")
        if self.link:
            parts.append(self.link)
        return " ".join(parts)

    @cached_property
    def theme_names(self) -> list[str]:
        return [theme.name for theme in self.themes.all()]
