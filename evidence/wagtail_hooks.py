from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import URLPattern, path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext, ngettext, pgettext
from django.utils.translation import gettext_lazy as _

from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.log_actions import LogActionRegistry, LogFormatter
from wagtail.models import Page, PageLogEntry
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from evidence.admin_forms import BELOW_TARGET_REASON_FIELD
from evidence.models import (
    Domain,
    EvidenceSummaryPage,
    GlossaryTerm,
    LayTextPageMixin,
    Theme,
)
from evidence.readability import ReadabilityResult, ReadabilityTarget, readability_of
from evidence.selectors import evidence_indexes_for_import
from evidence.services import (
    LAY_TEXT_BELOW_TARGET,
    LAY_TEXT_BELOW_TARGET_SCHEDULE,
    lay_text_below_target_record,
)
from evidence.views import EvidenceImportView, lay_text_readability


class ThemeViewSet(SnippetViewSet):
    model = Theme
    icon = "tag"
    menu_label = _("Themes")
    list_display = ["name", "slug"]
    search_fields = ["name"]


class DomainViewSet(SnippetViewSet):
    model = Domain
    icon = "folder-open-inverse"
    menu_label = _("Requirement domains")
    list_display = ["name", "description"]


class GlossaryTermViewSet(SnippetViewSet):
    model = GlossaryTerm
    icon = "help"
    menu_label = _("Glossary")
    list_display = ["term", "explanation"]
    search_fields = ["term", "explanation"]


class EvidenceVocabularyGroup(SnippetViewSetGroup):
    items = (ThemeViewSet, DomainViewSet, GlossaryTermViewSet)
    menu_icon = "tag"
    menu_label = _("Vocabularies")
    menu_name = "vocabularies"


register_snippet(EvidenceVocabularyGroup)


@hooks.register("register_admin_urls")
def register_lay_text_urls() -> list[URLPattern]:
    return [
        path(
            "evidence/lay-text-readability/<str:model_name>/",
            lay_text_readability,
            name="evidence_lay_text_readability",
        )
    ]


class LayTextBelowTargetFormatter(LogFormatter):
    label = _("Publish lay text below the reading target")
    headline = _("Published lay text below the reading target")

    def format_message(self, log_entry: PageLogEntry) -> str:
        data = log_entry.data
        readability = ReadabilityResult(
            reading_ease=data.get("reading_ease"),
            grade=data.get("grade"),
            target=ReadabilityTarget(
                reading_ease=data.get("target_reading_ease"), grade=data.get("target_grade")
            ),
        )
        # Translators: an entry in a page's history. The headline says what was done
        # ("Published lay text below the reading target"); the scores are how easy it is to read.
        return gettext("%(headline)s (%(scores)s). Reason: %(reason)s") % {
            "headline": self.headline,
            "scores": readability.describe(),
            "reason": data.get("reason", ""),
        }


class LayTextBelowTargetScheduleFormatter(LayTextBelowTargetFormatter):
    label = _("Schedule lay text below the reading target")
    headline = _("Scheduled lay text below the reading target to publish later")


@hooks.register("register_log_actions")
def register_lay_text_log_actions(actions: LogActionRegistry) -> None:
    actions.register_action(LAY_TEXT_BELOW_TARGET)(LayTextBelowTargetFormatter)
    actions.register_action(LAY_TEXT_BELOW_TARGET_SCHEDULE)(LayTextBelowTargetScheduleFormatter)


@hooks.register("after_publish_page")
def record_lay_text_published_below_target(request: HttpRequest, page: Page) -> None:
    # Runs once the revision is live, or scheduled to go live later; a before_publish_page
    # hook that stops the publishing stops this too.
    if isinstance(page, LayTextPageMixin):
        lay_text_below_target_record(
            page=page, user=request.user, reason=request.POST.get(BELOW_TARGET_REASON_FIELD, "")
        )


class EvidenceImportMenuItem(MenuItem):
    def is_shown(self, request: HttpRequest) -> bool:
        return evidence_indexes_for_import(user=request.user).exists()


@hooks.register("register_admin_urls")
def register_evidence_import_url() -> list[URLPattern]:
    return [path("evidence/import/", EvidenceImportView.as_view(), name="evidence_import")]


@hooks.register("register_admin_menu_item")
def register_evidence_import_menu_item() -> MenuItem:
    # Beside Pages, where the summaries it creates live.
    return EvidenceImportMenuItem(
        _("Import evidence"), reverse("evidence_import"), icon_name="upload", order=210
    )


@hooks.register("before_copy_page")
def refuse_to_copy_evidence_summaries(request: HttpRequest, page: Page) -> HttpResponse | None:
    # A summary stands for one source, named by its identifier: a copy or an alias would be
    # a second page for the same source, which the import could not tell apart.
    if not isinstance(page.specific_deferred, EvidenceSummaryPage):
        return None
    messages.error(
        request,
        gettext(
            "“%(title)s” was not copied: each evidence summary stands for one source, with "
            "its own identifier. Add a new summary for another source instead."
        )
        % {"title": page.title},
    )
    return redirect("wagtailadmin_explore", page.get_parent().pk)


@hooks.register("before_bulk_action")
def refuse_to_bulk_publish_lay_text_below_target(
    request: HttpRequest, action_type: str, objects: list, action_class_instance: object
) -> HttpResponse | None:
    """Publishing lay text below the reading target needs a reason, which bulk publishing
    cannot ask for: such pages are published one at a time, from their edit page."""
    if action_type != "publish":
        return None
    lay_text_pages = [
        page.specific for page in objects if issubclass(page.specific_class, LayTextPageMixin)
    ]
    below_target = [
        page.title
        for page in lay_text_pages
        if not readability_of(page.get_latest_revision_as_object().lay_text).meets_target
    ]
    if not below_target:
        return None
    # Translators: joins the titles of pages in a message: “First”, “Second”.
    separator = pgettext("between titles", ", ")
    titles = separator.join(gettext("“%(title)s”") % {"title": title} for title in below_target)
    messages.error(
        request,
        ngettext(
            "Nothing was published. The lay text of %(titles)s is below the reading target: "
            "publish it from its edit page, giving a reason.",
            "Nothing was published. The lay text of %(titles)s is below the reading target: "
            "publish it from its edit page, giving a reason.",
            len(below_target),
        )
        % {"titles": titles},
    )
    next_url = request.GET.get("next", "")
    if url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        return redirect(next_url)
    return redirect("wagtailadmin_explore_root")
