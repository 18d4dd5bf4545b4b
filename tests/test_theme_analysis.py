"""Analysing long answers: themes proposed, campaigns found, and every human decision kept on a new run."""

import json
import random
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from consult.models import AnalysedAnswer, AnalysisRun, AuditEvent, Campaign, Source, Theme, ThemeMembership
from consult.services.demo_texts import campaign_answer

from .factories import make_organisation, make_text_answer
from .theme_cases import PLANTED, analyse, answer_many, members

pytestmark = pytest.mark.django_db
def best_match(planted, theme_name):
    truth = {name for name, theme in planted.items() if theme == theme_name}
    scores = [2 * len(truth & members(theme)) / (len(truth) + len(members(theme))) for theme in Theme.objects.all()]
    return max(scores)


def test_proposes_themes_matching_the_planted_ones(consultation):
    planted = answer_many(consultation, 60)
    run = analyse(consultation)
    assert run.status == AnalysisRun.Status.DONE and run.progress == 100
    assert AnalysedAnswer.objects.count() == 60
    assert all(best_match(planted, theme) >= 0.7 for theme in PLANTED)
    theme = Theme.objects.first()
    assert theme.label and theme.keywords and theme.status == Theme.Status.PROPOSED
    assert AuditEvent.objects.filter(action=AuditEvent.Action.TEXTS_ANALYSED, consultation=consultation).count() == 1


def test_a_campaign_is_found_and_enters_themes_once(consultation):
    answer_many(consultation, 30)
    rng = random.Random(3)
    for number in range(8):
        organisation = make_organisation(name=f"Coalition member {number}", country="FR")
        make_text_answer(consultation, organisation, "1.1-own_work", campaign_answer("en", rng, organisation.name).text)
    analyse(consultation)
    campaign = Campaign.objects.get()
    assert campaign.size == 8
    assert set(campaign.members.values_list("respondent_name", flat=True)) == {f"Coalition member {n}" for n in range(8)}
    in_themes = ThemeMembership.objects.filter(answer__campaign=campaign).values_list("answer_id", flat=True)
    assert set(in_themes) <= {campaign.representative_id}


def test_running_again_keeps_human_decisions_and_proposes_new_answers_into_reviewed_themes(consultation):
    planted = answer_many(consultation, 45)
    analyse(consultation)
    data = max(Theme.objects.all(), key=lambda theme: len(members(theme) & {n for n, t in planted.items() if t == "data"}))
    Theme.objects.filter(pk=data.pk).update(status=Theme.Status.ACCEPTED, label="Données migratoires")
    removed = data.memberships.filter(is_member=True).first()
    ThemeMembership.objects.filter(pk=removed.pk).update(is_member=False, source=Source.HUMAN)
    discarded = Theme.objects.exclude(pk=data.pk).first()
    Theme.objects.filter(pk=discarded.pk).update(status=Theme.Status.DISCARDED)
    discarded_members = members(discarded)
    untouched = set(Theme.objects.exclude(pk__in=[data.pk, discarded.pk]).values_list("pk", flat=True))

    newcomers = answer_many(consultation, 12, start=100, seed=9, themes=["data"])
    analyse(consultation)

    data.refresh_from_db()
    assert (data.status, data.label) == (Theme.Status.ACCEPTED, "Données migratoires")
    assert not ThemeMembership.objects.get(pk=removed.pk).is_member
    assert Theme.objects.get(pk=discarded.pk).status == Theme.Status.DISCARDED
    assert members(Theme.objects.get(pk=discarded.pk)) == discarded_members
    assert not Theme.objects.filter(pk__in=untouched).exists()  # untouched proposals are replaced
    proposed_in = data.memberships.filter(answer__respondent_name__in=newcomers, source=Source.MACHINE)
    assert proposed_in.count() >= 9
    flagged = AnalysedAnswer.objects.filter(is_new=True)
    assert set(flagged.values_list("respondent_name", flat=True)) == set(newcomers)
    # The new data answers went into the reviewed theme, not into a second proposal repeating it.
    assert not any(len(members(theme) & set(newcomers)) > 6 for theme in Theme.objects.filter(status="proposed"))


def test_an_edited_answer_keeps_its_decisions_and_is_new_again(consultation):
    answer_many(consultation, 30)
    analyse(consultation)
    analysed = AnalysedAnswer.objects.first()
    AnalysedAnswer.objects.filter(pk=analysed.pk).update(notable_practice=True)
    answer = analysed.answer
    answer.delete()
    make_text_answer(consultation, answer.response.position.organisation, "1.1-own_work", answer.text + " Updated.")
    analyse(consultation)
    analysed.refresh_from_db()
    assert analysed.notable_practice and analysed.is_new and analysed.answer_id != answer.pk


def test_analyse_texts_json_prints_themes_and_campaigns(consultation):
    answer_many(consultation, 30)
    out = StringIO()
    call_command("analyse_texts", consultation.slug, "--question", "1.1-own_work", "--json", stdout=out)
    document = json.loads(out.getvalue())
    question = document["questions"][0]
    assert question["code"] == "1.1-own_work" and question["campaigns"] == []
    theme = question["themes"][0]
    assert set(theme) >= {"id", "label", "keywords", "respondents", "reviewed"}
    assert theme["reviewed"] is False and theme["respondents"][0].startswith("Organisation ")


def test_analyse_texts_refuses_a_question_that_is_not_long_text(consultation):
    with pytest.raises(CommandError, match="not a long-text question"):
        call_command("analyse_texts", consultation.slug, "--question", "1.1-importance")
    with pytest.raises(CommandError, match="no consultation"):
        call_command("analyse_texts", "nowhere")
