from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from wagtail.models import Page

from consultations.models.contributions import Comment
from consultations.models.rounds import Round


class ChangeResponse(models.Model):
    """A change to an item in a later round's draft, linked to an earlier round's comment
    it answers: "changed in response to".

    ``block_id`` is the item's StreamField block id: an item of the later round's pinned
    revision (changed or new), or of an earlier one (removed since). A change is always to
    an item; a comment on the whole page is answered by the item it changed.
    """

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="change_responses")
    page = models.ForeignKey(Page, on_delete=models.PROTECT, related_name="+")
    block_id = models.CharField(_("item"), max_length=64)
    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="change_responses")
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    linked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("change in response to a comment")
        verbose_name_plural = _("changes in response to comments")
        ordering = ["linked_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "page", "block_id", "comment"], name="change_response_once"
            ),
            models.CheckConstraint(
                condition=~models.Q(block_id=""), name="change_response_is_of_an_item"
            ),
        ]

    def __str__(self) -> str:
        return _("Change to %(item)s in %(round)s, answering comment %(comment)s") % {
            "item": self.block_id,
            "round": self.round_id,
            "comment": self.comment_id,
        }
