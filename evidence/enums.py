from django.db import models


class EvidenceKind(models.TextChoices):
    GUIDELINE = "guideline", "Clinical guideline"
    RESEARCH = "research", "Research study"
    POLICY = "policy", "Policy"
    OTHER = "other", "Other"


class Nation(models.TextChoices):
    ENGLAND = "england", "England"
    SCOTLAND = "scotland", "Scotland"
    UK_WIDE = "uk-wide", "UK-wide"
    OTHER = "other", "Other"


class EvidenceSort(models.TextChoices):
    """How the evidence index orders its results; relevance applies only to a keyword search."""

    RELEVANCE = "relevance", "Best match"
    NEWEST = "newest", "Newest first"
    OLDEST = "oldest", "Oldest first"
    TITLE = "title", "Title A to Z"
