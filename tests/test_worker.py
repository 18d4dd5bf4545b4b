"""Question generation runs on a real Celery worker over Redis, against the test database."""

import pytest
from django.db import transaction

from consult.tasks import questions_generate_task
from surveys.models import Question

from .factories import make_paper_consultation
from .workers import wait_for


def generated_questions(consultation):
    return Question.objects.filter(survey__questionnaire__consultation=consultation)


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_questions_are_generated_by_a_worker(celery_worker):
    consultation = make_paper_consultation(areas=2, recommendations=2, language="fr")

    result = questions_generate_task.delay(consultation.id)
    summary = result.get(timeout=60)

    assert result.successful()
    assert "created" in summary
    texts = list(generated_questions(consultation).values_list("text", flat=True))
    assert any("Recommandation 1.1" in text for text in texts)


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_nothing_is_enqueued_when_the_transaction_rolls_back(celery_worker):
    rolled_back = make_paper_consultation(areas=1, recommendations=1, language="en")
    committed = make_paper_consultation(areas=1, recommendations=1, language="en")

    with pytest.raises(RuntimeError), transaction.atomic():
        questions_generate_task.delay_on_commit(rolled_back.id)
        raise RuntimeError("rolled back")
    with transaction.atomic():
        questions_generate_task.delay_on_commit(committed.id)
        assert not generated_questions(committed).exists()

    # The solo worker takes messages in order: once the committed one is done, any message
    # sent before it would have been done too.
    assert wait_for(lambda: generated_questions(committed).exists())
    assert not generated_questions(rolled_back).exists()
