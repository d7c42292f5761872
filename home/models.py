from django.db import models
from django.http import Http404, HttpRequest
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel, MultiFieldPanel, PageChooserPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from cms.blocks import BodyStreamBlock
from cms.languages import locale_of, route_to_default_language
from evidence.selectors import lay_findings_published


class HomePage(Page):
    introduction = models.TextField(
        blank=True,
        help_text=_("One or two sentences that say what the study is, in plain words."),
    )
    body = StreamField(BodyStreamBlock(), blank=True)
    get_involved_heading = models.CharField(max_length=120, blank=True, default="Get involved")
    get_involved_text = models.TextField(blank=True)
    get_involved_page = models.ForeignKey(
        "wagtailcore.Page",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Where the call to get involved leads."),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("introduction"),
        FieldPanel("body"),
        MultiFieldPanel(
            [
                FieldPanel("get_involved_heading"),
                FieldPanel("get_involved_text"),
                PageChooserPanel("get_involved_page"),
            ],
            heading=_("Call to get involved"),
        ),
    ]
    search_fields = [*Page.search_fields, index.SearchField("introduction")]

    parent_page_types = ["wagtailcore.Page"]

    latest_findings_count = 3

    class Meta:
        verbose_name = _("home page")

    def route(self, request: HttpRequest, path_components: list[str]):
        """A page not (yet) in this language's tree is found in the English one: readers
        are shown it in English with a notice, never "page not found"."""
        try:
            return super().route(request, path_components)
        except Http404:
            found = route_to_default_language(self, request, path_components)
            if found is None:
                raise
            return found

    def get_context(self, request: HttpRequest, *args, **kwargs) -> dict:
        context = super().get_context(request, *args, **kwargs)
        findings = lay_findings_published(locale=locale_of(self))
        context["latest_findings"] = findings[: self.latest_findings_count]
        return context


class StandardPage(Page):
    """About the study, get involved, the privacy notice, the accessibility statement."""

    introduction = models.TextField(
        blank=True, help_text=_("Shown in larger text under the title.")
    )
    body = StreamField(BodyStreamBlock(), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("introduction"), FieldPanel("body")]
    search_fields = [
        *Page.search_fields,
        index.SearchField("introduction"),
        index.SearchField("body"),
    ]

    parent_page_types = ["home.HomePage", "home.StandardPage"]

    class Meta:
        verbose_name = _("standard page")


@register_setting(icon="mail")
class StudySettings(BaseSiteSetting):
    contact_email = models.EmailField(blank=True)
    contact_phone = models.CharField(max_length=40, blank=True)
    postal_address = models.TextField(blank=True)
    privacy_notice = models.ForeignKey(
        "wagtailcore.Page", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    accessibility_statement = models.ForeignKey(
        "wagtailcore.Page", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    select_related = ["privacy_notice", "accessibility_statement"]

    panels = [
        MultiFieldPanel(
            [
                FieldPanel("contact_email"),
                FieldPanel("contact_phone"),
                FieldPanel("postal_address"),
            ],
            heading=_("How to contact the study team"),
        ),
        MultiFieldPanel(
            [PageChooserPanel("privacy_notice"), PageChooserPanel("accessibility_statement")],
            heading=_("Pages linked from every footer"),
        ),
    ]

    class Meta:
        verbose_name = _("study details")
