"""The consent text members accept when they join.

The text is part of the study's ethics approval, so it changes with a new version here and
a new template, never in place: each member's record keeps the version she accepted.
"""

# 1.1: she chooses, on withdrawal, to keep her contributions without her name or to
# delete them (1.0 kept them under her pseudonym).
CONSENT_VERSION = "1.1"
CONSENT_TEMPLATE = "consultations/consent/1_1.html"
