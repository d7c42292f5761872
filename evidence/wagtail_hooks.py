from django.http import HttpRequest
from django.urls import URLPattern, path, reverse

from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from evidence.models import Domain, GlossaryTerm, Theme
from evidence.selectors import evidence_indexes_for_import
from evidence.views import EvidenceImportView


class ThemeViewSet(SnippetViewSet):
    model = Theme
    icon = "tag"
    menu_label = "Themes"
    list_display = ["name", "slug"]
    search_fields = ["name"]


class DomainViewSet(SnippetViewSet):
    model = Domain
    icon = "folder-open-inverse"
    menu_label = "Requirement domains"
    list_display = ["name", "description"]


class GlossaryTermViewSet(SnippetViewSet):
    model = GlossaryTerm
    icon = "help"
    menu_label = "Glossary"
    list_display = ["term", "explanation"]
    search_fields = ["term", "explanation"]


class EvidenceVocabularyGroup(SnippetViewSetGroup):
    items = (ThemeViewSet, DomainViewSet, GlossaryTermViewSet)
    menu_icon = "tag"
    menu_label = "Vocabularies"
    menu_name = "vocabularies"


register_snippet(EvidenceVocabularyGroup)


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
        "Import evidence", reverse("evidence_import"), icon_name="upload", order=210
    )
