"""Business rules of the evidence app that write."""

from django.contrib.auth.models import AbstractBaseUser

from wagtail.log_actions import log
from wagtail.models import PageLogEntry, Revision

from evidence.models import LayTextPageMixin
from evidence.readability import readability_of

LAY_TEXT_BELOW_TARGET = "evidence.lay_text_below_target"
LAY_TEXT_BELOW_TARGET_SCHEDULE = "evidence.lay_text_below_target.schedule"


def lay_text_below_target_record(
    *, page: LayTextPageMixin, user: AbstractBaseUser | None, reason: str
) -> PageLogEntry | None:
    """Keep in the audit log why lay text below the reading target was published.

    Called once the page's latest revision is published or scheduled. Published now: the
    entry says so. Scheduled for later: an entry says that it is scheduled, and
    lay_text_scheduled_publish_record() writes the published entry when it goes live.
    Nothing is written without a reason, or for lay text that meets the target.
    """
    reason = reason.strip()
    revision = page.latest_revision
    if not reason or revision is None:
        return None
    if page.live and page.live_revision_id == revision.pk:
        action, lay_text_page = LAY_TEXT_BELOW_TARGET, page
    elif revision.approved_go_live_at:
        # A live page keeps its live content until then; the revision holds what will go live.
        action, lay_text_page = LAY_TEXT_BELOW_TARGET_SCHEDULE, revision.as_object()
    else:
        return None
    readability = readability_of(lay_text_page.lay_text)
    if readability.meets_target:
        return None
    return log(
        page,
        action,
        user=user,
        revision=revision,
        data={
            "reading_ease": readability.reading_ease,
            "grade": readability.grade,
            "target_reading_ease": readability.target.reading_ease,
            "target_grade": readability.target.grade,
            "reason": reason,
        },
    )


def lay_text_scheduled_publish_record(
    *, page: LayTextPageMixin, revision: Revision
) -> PageLogEntry | None:
    """When a revision scheduled with a reason to publish below target goes live, log that."""
    if not (page.live and page.live_revision_id == revision.pk):
        return None
    scheduled = (
        PageLogEntry.objects.filter(
            page=page, revision=revision, action=LAY_TEXT_BELOW_TARGET_SCHEDULE
        )
        .order_by("-timestamp")
        .first()
    )
    if scheduled is None:
        return None
    return log(
        page, LAY_TEXT_BELOW_TARGET, user=scheduled.user, revision=revision, data=scheduled.data
    )
