from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from consultations.models.rounds import Round


class ModerationVisit(models.Model):
    """When an editor last looked at a round's moderation queue.

    A visit ends after an hour away; "new since I last looked" means new since her last
    look in the visit before this one (``previous_at``), so it stays the same while she
    works through the queue.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="+")
    previous_at = models.DateTimeField(null=True, blank=True)
    latest_at = models.DateTimeField()

    class Meta:
        verbose_name = _("moderation visit")
        constraints = [
            models.UniqueConstraint(fields=["user", "round"], name="moderation_visit_once"),
        ]

    def __str__(self) -> str:
        # Translators: an editor's visit to a round's moderation queue, "Sam Jones – Round 2".
        return _("%(user)s – %(round)s") % {"user": self.user, "round": self.round}
