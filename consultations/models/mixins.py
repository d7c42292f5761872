from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

CONTENT_NOTE_MAX_LENGTH = 300


@dataclass(frozen=True)
class ConsultationItem:
    """One item members rate and comment on, anchored by its StreamField block id.

    ``content_note`` warns of what the item's text is about; it is shown first, and she
    chooses whether to open the text.
    """

    block_id: str
    number: str
    text: str
    content_note: str = ""

    @property
    def anchor(self) -> str:
        return f"item-{self.block_id}"


class ConsultablePageMixin(models.Model):
    """Lets a page type take part in consultation rounds.

    The page lists its items, and names a template that renders its content for a round:
    that template calls ``{% consultation_item item %}`` beside each item and
    ``{% consultation_page %}`` once, where the members' controls go. On the public page
    those tags render nothing. The page's ``content_note``, like an item's, is shown before
    its text, which the reader chooses to open (``{% content_note %}``).
    """

    consultation_template: str = ""

    content_note = models.CharField(
        _("content note"),
        max_length=CONTENT_NOTE_MAX_LENGTH,
        blank=True,
        help_text=_(
            "If the page discusses something painful (such as a baby being taken into care), "
            "say so in a few words. Readers see this first and choose whether to open the text."
        ),
    )

    class Meta:
        abstract = True

    def get_consultation_items(self) -> list[ConsultationItem]:
        return []
