from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class EvidenceKind(models.TextChoices):
    GUIDELINE = "guideline", _("Clinical guideline")
    RESEARCH = "research", _("Research study")
    POLICY = "policy", _("Policy")
    OTHER = "other", pgettext_lazy("kind of source", "Other")


class Nation(models.TextChoices):
    ENGLAND = "england", _("England")
    SCOTLAND = "scotland", _("Scotland")
    UK_WIDE = "uk-wide", _("UK-wide")
    OTHER = "other", pgettext_lazy("nation", "Other")


class EvidenceSort(models.TextChoices):
    """How the evidence index orders its results; relevance applies only to a keyword search."""

    RELEVANCE = "relevance", _("Best match")
    NEWEST = "newest", _("Newest first")
    OLDEST = "oldest", _("Oldest first")
    TITLE = "title", _("Title A to Z")
