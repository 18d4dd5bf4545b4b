"""What consult does when the survey engine announces something; the work itself is a task's."""

from .models import Position
from .tasks import aggregates_refresh_enqueue


def response_submitted_refresh(sender, response, **kwargs) -> None:
    """Have the figures of the consultation the response answers recounted after the submission commits."""
    consultation_ids = Position.objects.filter(response_id=response.pk).values_list("consultation_id", flat=True)
    consultation_id = consultation_ids.first()
    if consultation_id is not None:
        aggregates_refresh_enqueue(consultation_id)
