from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from evidence.models import Domain, GlossaryTerm, Theme


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
