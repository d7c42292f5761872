"""In production, emails wait in the database queue (django-tasks-db) for its worker."""

from django.core import mail
from django.core.management import call_command

import pytest

from consultations.models import Notification
from consultations.services import notifications_due_queue

# The worker closes its database connections between tasks, as a separate process would:
# the test cannot run inside a transaction.
pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("migrated_data_put_back"),
]


def test_with_the_database_queue_an_email_waits_for_the_worker(open_round, settings):
    from tests.factories import MemberFactory

    MemberFactory(pseudonym="Willow")
    MemberFactory(pseudonym="Rowan", professional=True)
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

    notifications_due_queue()

    assert mail.outbox == []
    assert set(Notification.objects.values_list("status", flat=True)) == {"queued"}
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    assert len(mail.outbox) == 2
    assert set(Notification.objects.values_list("status", flat=True)) == {"sent"}


def test_an_email_queued_in_work_that_rolls_back_is_never_sent(open_round, settings):
    from django.db import transaction

    from django_tasks_db.models import DBTaskResult

    from consultations.services import comment_answer, comment_post
    from tests.factories import EditorFactory, MemberFactory

    member = MemberFactory(pseudonym="Willow")
    round_page = open_round.round_pages.get()
    comment = comment_post(
        round=open_round, member=member, page_id=round_page.page_id, body="One plan."
    ).comment
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

    with pytest.raises(RuntimeError), transaction.atomic():
        comment_answer(comment=comment, by=EditorFactory(), status="noted", response="Thanks.")
        raise RuntimeError("the request failed after the answer")

    assert not Notification.objects.exists()
    assert not DBTaskResult.objects.exists()
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    assert mail.outbox == []
