from evidence.models.evidence import EvidenceIndexPage, EvidenceSummaryPage
from evidence.models.findings import LayFindingEvidence, LayFindingsIndexPage, LayFindingsPage
from evidence.models.framework import FrameworkIndexPage, FrameworkSectionPage
from evidence.models.lay_text import LayTextPageMixin
from evidence.models.taxonomy import Domain, GlossaryTerm, Theme

__all__ = [
    "Domain",
    "EvidenceIndexPage",
    "EvidenceSummaryPage",
    "FrameworkIndexPage",
    "FrameworkSectionPage",
    "GlossaryTerm",
    "LayFindingEvidence",
    "LayFindingsIndexPage",
    "LayFindingsPage",
    "LayTextPageMixin",
    "Theme",
]
