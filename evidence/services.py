"""Business rules of the evidence app that write."""

from django.contrib.auth.models import AbstractBaseUser

from wagtail.log_actions import log
from wagtail.models import PageLogEntry

from evidence.models import LayTextPageMixin
from evidence.readability import readability_of

LAY_TEXT_BELOW_TARGET = "evidence.lay_text_below_target"


def lay_text_below_target_record(
    *, page: LayTextPageMixin, user: AbstractBaseUser | None, reason: str
) -> PageLogEntry | None:
    """Keep in the audit log why lay text below the reading target was published.

    Written only when the page's latest revision is live (published now, not scheduled for
    later), its lay text is below the target, and there is a reason.
    """
    reason = reason.strip()
    published_now = page.live and page.live_revision_id == page.latest_revision_id
    if not (reason and published_now):
        return None
    readability = readability_of(page.lay_text)
    if readability.meets_target:
        return None
    return log(
        page,
        LAY_TEXT_BELOW_TARGET,
        user=user,
        revision=page.live_revision,
        data={
            "reading_ease": readability.reading_ease,
            "grade": readability.grade,
            "target_reading_ease": readability.target.reading_ease,
            "target_grade": readability.target.grade,
            "reason": reason,
        },
    )
