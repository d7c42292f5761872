from dataclasses import dataclass


@dataclass(frozen=True)
class ConsultationItem:
    """One item members rate and comment on, anchored by its StreamField block id."""

    block_id: str
    number: str
    text: str

    @property
    def anchor(self) -> str:
        return f"item-{self.block_id}"


class ConsultablePageMixin:
    """Lets a page type take part in consultation rounds.

    The page lists its items, and names a template that renders its content for a round:
    that template calls ``{% consultation_item item %}`` beside each item and
    ``{% consultation_page %}`` once, where the members' controls go. On the public page
    those tags render nothing.
    """

    consultation_template: str = ""

    def get_consultation_items(self) -> list[ConsultationItem]:
        return []
