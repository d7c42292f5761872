from wagtail.models import Page, Revision
from wagtail.signals import page_published

from evidence.models import LayTextPageMixin
from evidence.services import lay_text_scheduled_publish_record


def record_scheduled_lay_text_published(
    sender: type[Page], instance: Page, revision: Revision, **kwargs: object
) -> None:
    # Scheduled revisions go live without a request, so no admin hook runs for them.
    if isinstance(instance, LayTextPageMixin):
        lay_text_scheduled_publish_record(page=instance, revision=revision)


def register_signal_handlers() -> None:
    page_published.connect(
        record_scheduled_lay_text_published, dispatch_uid="evidence_lay_text_scheduled"
    )
