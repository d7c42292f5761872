import re

from django.db import models
from django.utils.translation import gettext_lazy as _

from wagtail.search import index

from consultations.enums import SupportArea
from consultations.models.members import Member
from consultations.models.rounds import Round

# Generous, so that nothing she typed is cut off: the comment form says when a draft is
# too long to send.
DRAFT_MAX_LENGTH = 20000


class Draft(models.Model):
    """What she typed in one of her forms in a round and has not sent, for her alone.

    ``form_key`` names the form: ``comment:<page>:<item>``, ``reply:<comment>``,
    ``edit:<comment>`` or ``rate:<page>:<item>``. Sending the form deletes its draft.
    """

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="drafts")
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="+")
    form_key = models.CharField(max_length=100)
    body = models.TextField(blank=True)
    quote = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("draft")
        constraints = [
            models.UniqueConstraint(
                fields=["member", "round", "form_key"], name="draft_one_per_form"
            ),
        ]

    def __str__(self) -> str:
        return self.form_key


class SupportService(index.Indexed, models.Model):
    """A service members can turn to; every member page links to the list."""

    name = models.CharField(_("name"), max_length=200)
    area = models.CharField(
        _("where it helps"), max_length=20, choices=SupportArea.choices, default=SupportArea.UK
    )
    description = models.TextField(_("what it offers"), max_length=1000)
    phone = models.CharField(_("phone number"), max_length=50, blank=True)
    website = models.URLField(_("website"), blank=True)
    opening_hours = models.CharField(_("opening hours"), max_length=200, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order in the list"), default=0)

    search_fields = [index.SearchField("name"), index.SearchField("description")]

    class Meta:
        verbose_name = _("support service")
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def phone_uri(self) -> str:
        """The number as a ``tel:`` link: digits only, with a leading + kept."""
        digits = re.sub(r"[^0-9+]", "", self.phone)
        return f"tel:{digits}" if digits.strip("+") else ""
