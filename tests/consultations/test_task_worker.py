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
