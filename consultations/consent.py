"""The consent text members accept when they join.

The text is part of the study's ethics approval, so it changes with a new version here and
a new template, never in place: each member's record keeps the version she accepted.
"""

CONSENT_VERSION = "1.0"
CONSENT_TEMPLATE = "consultations/consent/1_0.html"
