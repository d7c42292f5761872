"""How easy lay text is to read, and which glossary terms it uses.

Scores come from textstat 0.7.4: the Flesch reading ease (higher is easier; 60 to 70 is plain
English) and the Flesch-Kincaid grade (a US school grade; add 5 for a rough reading age).
Each line of the text (a paragraph, heading, list item or block) ends a sentence, as it does
for a reader, whether or not it ends with a full stop.
"""

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext

from wagtail.blocks import StreamValue
from wagtail.blocks.list_block import ListValue
from wagtail.fields import RichTextField
from wagtail.rich_text import RichText

from bs4 import BeautifulSoup
from textstat.textstat import textstatistics

from evidence.models.taxonomy import GlossaryTerm

# Our own instance, so that code elsewhere switching textstat's language leaves these
# scores alone.
_textstat = textstatistics()

BLOCK_ELEMENTS = [
    "blockquote",
    "dd",
    "div",
    "dt",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "p",
    "td",
    "th",
]
SENTENCE_ENDINGS = (".", "!", "?")
# Plain text breaks into paragraphs at blank lines; a single line break may be a hard wrap.
PARAGRAPH_BREAK = re.compile(r"\n\s*\n")


@dataclass(frozen=True)
class ReadabilityTarget:
    """The least reading ease and the highest grade lay text should have; None: no check."""

    reading_ease: float | None = None
    grade: float | None = None

    @classmethod
    def from_settings(cls) -> "ReadabilityTarget":
        return cls(
            reading_ease=getattr(settings, "LAY_TEXT_TARGET_READING_EASE", None),
            grade=getattr(settings, "LAY_TEXT_TARGET_GRADE", None),
        )


@dataclass(frozen=True)
class ReadabilityResult:
    """A text's scores, rounded as the editor sees them, and the target they are held to.

    The target is judged on the rounded scores, so that "Reading ease 60" never reads as
    below a target of 60. Text without words has no score and is never below the target.
    """

    reading_ease: int | None
    grade: float | None
    target: ReadabilityTarget

    @property
    def has_score(self) -> bool:
        return self.reading_ease is not None

    @property
    def meets_reading_ease_target(self) -> bool:
        return (
            self.reading_ease is None
            or self.target.reading_ease is None
            or self.reading_ease >= self.target.reading_ease
        )

    @property
    def meets_grade_target(self) -> bool:
        return self.grade is None or self.target.grade is None or self.grade <= self.target.grade

    @property
    def meets_target(self) -> bool:
        return self.meets_reading_ease_target and self.meets_grade_target

    @property
    def verdicts(self) -> list[str]:
        """Each score against its target, in words: "Reading ease 52 — target 60 or more:
        below target"."""
        if not self.has_score:
            return []
        ease = {"score": self.reading_ease, "target": _number(self.target.reading_ease)}
        if self.target.reading_ease is None:
            # Translators: the Flesch reading ease of lay text; higher is easier to read.
            ease_verdict = gettext("Reading ease %(score)s") % ease
        elif self.meets_reading_ease_target:
            ease_verdict = (
                gettext("Reading ease %(score)s — target %(target)s or more: meets target") % ease
            )
        else:
            ease_verdict = (
                gettext("Reading ease %(score)s — target %(target)s or more: below target") % ease
            )
        grade = {"score": f"{self.grade:.1f}", "target": _number(self.target.grade)}
        if self.target.grade is None:
            # Translators: the Flesch-Kincaid grade of lay text, a US school year; lower is easier.
            grade_verdict = gettext("Grade %(score)s") % grade
        elif self.meets_grade_target:
            grade_verdict = (
                gettext("Grade %(score)s — target %(target)s or less: meets target") % grade
            )
        else:
            grade_verdict = (
                gettext("Grade %(score)s — target %(target)s or less: above target") % grade
            )
        return [ease_verdict, grade_verdict]

    def describe(self) -> str:
        """The scores against their targets in one line, for messages and the audit log."""
        return "; ".join(verdict[0].lower() + verdict[1:] for verdict in self.verdicts)


def plain_text(value: object) -> str:
    """The words of a lay-text value, one line per paragraph, heading, list item or block.

    A str is plain text, whose paragraphs are separated by blank lines; a RichText (rich
    text, as in a StreamField) is HTML whose tags are dropped. StreamField, struct and list
    values give the text of each of their blocks; values without words (pages, images,
    numbers) give nothing.
    """
    return "\n".join(_lines(value))


def lay_text_from_fields(model: type[models.Model], values: Mapping[str, object]) -> str:
    """The plain text of a page's lay-text fields (``model.lay_text_fields``), in order.

    A RichTextField's value is HTML, so its tags are dropped; a missing value counts as empty.
    """
    parts = []
    for name in model.lay_text_fields:
        value = values.get(name)
        if isinstance(value, str) and isinstance(model._meta.get_field(name), RichTextField):
            value = RichText(value)
        parts.append(plain_text(value))
    return "\n".join(part for part in parts if part)


def reading_ease(text: str) -> float | None:
    """The Flesch reading ease of text, or None when it has no words."""
    scored = _text_to_score(text)
    return _textstat.flesch_reading_ease(scored) if scored else None


def reading_grade(text: str) -> float | None:
    """The Flesch-Kincaid grade of text, or None when it has no words."""
    scored = _text_to_score(text)
    return _textstat.flesch_kincaid_grade(scored) if scored else None


def readability_of(text: str, *, target: ReadabilityTarget | None = None) -> ReadabilityResult:
    """Text's scores against the target (by default, the one in the settings)."""
    ease, grade = reading_ease(text), reading_grade(text)
    return ReadabilityResult(
        reading_ease=None if ease is None else int(_round_half_up(ease, "1")),
        grade=None if grade is None else float(_round_half_up(grade, "0.1")),
        target=target or ReadabilityTarget.from_settings(),
    )


def glossary_terms_in(text: str) -> list[GlossaryTerm]:
    """The glossary terms text uses, in any of their forms, as whole words, in any case.

    One query, for the whole glossary, whatever the text.
    """
    if not text.strip():
        return []
    return [term for term in GlossaryTerm.objects.all() if term.pattern.search(text)]


def _lines(value: object) -> Iterator[str]:
    if isinstance(value, RichText):
        texts = _html_texts(value.source or "")
    elif isinstance(value, str):
        texts = PARAGRAPH_BREAK.split(value)
    elif isinstance(value, StreamValue):
        texts = (line for child in value for line in _lines(child.value))
    elif isinstance(value, Mapping):
        texts = (line for item in value.values() for line in _lines(item))
    elif isinstance(value, list | tuple | ListValue):
        texts = (line for item in value for line in _lines(item))
    else:
        texts = ()
    for text in texts:
        if line := " ".join(text.split()):
            yield line


def _html_texts(html: str) -> list[str]:
    soup = BeautifulSoup(html, "html.parser")
    for line_break in soup.find_all("br"):
        line_break.replace_with("\n")
    for element in soup.find_all(BLOCK_ELEMENTS):
        element.insert_before("\n")
        element.append("\n")
    return soup.get_text().splitlines()


def _text_to_score(text: str) -> str:
    """Text with each line ended as a sentence; empty when it has no words."""
    sentences = []
    for line in text.splitlines():
        line = line.strip()
        if line:
            sentences.append(line if line.endswith(SENTENCE_ENDINGS) else f"{line}.")
    scored = " ".join(sentences)
    return scored if _textstat.lexicon_count(scored) else ""


def _round_half_up(number: float, places: str) -> Decimal:
    return Decimal(str(number)).quantize(Decimal(places), rounding=ROUND_HALF_UP)


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:g}"
