from celery import shared_task

from .models import Consultation
from .services.reminders import reminders_send


@shared_task
def reminders_send_task() -> int:
    """Send today's reminders for every open consultation; return the number of states reminded."""
    return sum(
        reminders_send(consultation=consultation)
        for consultation in Consultation.objects.filter(status=Consultation.Status.OPEN)
    )
