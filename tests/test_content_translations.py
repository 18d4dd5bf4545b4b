"""A question translated by the secretariat shows in the respondent's language; values stay."""

from django.conf import settings
from django.urls import reverse

from consult.services.positions import position_for
from surveys.models import QuestionTranslation


def test_a_translated_question_shows_in_the_respondents_language(client, consultation, france, focal_point_france):
    position = position_for(consultation=consultation, member_state=france)
    question = position.response.survey.questions.get(code="1.1-support", is_current=True)
    labels = {choice.value: f"FR {choice.label}" for choice in question.choices.all()}
    QuestionTranslation.objects.create(
        question=question, language="fr", text="Soutenez-vous la recommandation 1.1 ?", choice_labels=labels
    )
    url = reverse("consult:position-section", args=[position.pk, "1"])
    client.force_login(focal_point_france)

    english = client.get(url).content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    french = client.get(url).content.decode()

    assert "Soutenez-vous la recommandation 1.1" not in english
    assert "Soutenez-vous la recommandation 1.1" in french
    assert f'value="support"' in french and "FR " in french
