from celery import shared_task
from django.db import OperationalError

from consult.models import Consultation
from consult.services.questions import questions_generate


# Generation is idempotent, so a run cut short by a lost connection or a deadlock is safe to retry.
@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3)
def questions_generate_task(consultation_id: int) -> str:
    """Generate the consultation's questions; return the summary."""
    consultation = Consultation.objects.filter(pk=consultation_id).first()
    if consultation is None:
        return f"Consultation {consultation_id} no longer exists: nothing generated."
    return questions_generate(consultation=consultation).summary()
