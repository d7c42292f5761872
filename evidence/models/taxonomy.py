"""The vocabularies editors keep as snippets: themes, requirement domains, the glossary."""

import re

from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel
from wagtail.search import index


class Theme(index.Indexed, models.Model):
    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=120, unique=True, help_text=_("Used in filter addresses."))
    description = models.TextField(blank=True)

    panels = [FieldPanel("name"), FieldPanel("slug"), FieldPanel("description")]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Domain(models.Model):
    """What a requirement item is about, such as how organisations work together."""

    name = models.CharField(max_length=120, unique=True)
    description = models.TextField(blank=True)

    panels = [FieldPanel("name"), FieldPanel("description")]

    class Meta:
        ordering = ["name"]
        verbose_name = _("requirement domain")

    def __str__(self) -> str:
        return self.name


class GlossaryTerm(index.Indexed, models.Model):
    """A term of art (OST, NAS) and what it means in plain words.

    Lay text that uses a term is flagged to editors, and the term is explained to readers on
    the page that uses it.
    """

    term = models.CharField(max_length=80)
    explanation = models.TextField(help_text=_("What the term means, in plain words."))
    other_forms = models.CharField(
        max_length=255,
        blank=True,
        help_text=_("Other ways of writing it, separated by commas: opioid substitution therapy."),
    )

    panels = [FieldPanel("term"), FieldPanel("explanation"), FieldPanel("other_forms")]
    search_fields = [index.SearchField("term"), index.SearchField("explanation")]

    class Meta:
        ordering = [Lower("term")]
        constraints = [models.UniqueConstraint(Lower("term"), name="glossary_term_unique_ci")]

    def __str__(self) -> str:
        return self.term

    @property
    def forms(self) -> list[str]:
        return [self.term, *(f.strip() for f in self.other_forms.split(",") if f.strip())]

    @property
    def pattern(self) -> re.Pattern[str]:
        """Matches any form of the term as whole words, whatever the case."""
        alternatives = "|".join(re.escape(form) for form in self.forms)
        return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)
