"""Background work, through Django's task framework (django-tasks), as Wagtail's own."""

from django_tasks import task

from consultations.services.notifications import notification_deliver


@task()
def notification_send_task(notification_id: int) -> str:
    return notification_deliver(notification_id=notification_id)
