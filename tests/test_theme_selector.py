"""reviewed_themes_for: accepted themes only, counts by audience, campaigns once, quotations by consent."""

import pytest
from django.urls import reverse

from consult.models import AnalysedAnswer, Campaign, Theme, ThemeMembership
from consult.selectors.summaries import regional_summary
from consult.selectors.themes import reviewed_themes_for, shortened
from consult.services.reports.html import render_html

from .factories import make_grouping, make_member_state, make_organisation, make_text_answer


def analysed(consultation, answer, **kwargs):
    position = answer.response.position
    state = position.member_state
    return AnalysedAnswer.objects.create(
        consultation=consultation, question_code=answer.question.code, response=answer.response, answer=answer,
        audience=position.audience, respondent_name=str(position.respondent), state=kwargs.pop("state", state),
        region=state.region if state else None, text_hash="x", **kwargs,
    )


def theme_with(consultation, answers, status=Theme.Status.ACCEPTED, code="1.1-practices", label="Labour inspection"):
    theme = Theme.objects.create(consultation=consultation, question_code=code, label=label, status=status,
                                 keywords=["inspection"])
    for weight, answer in enumerate(answers):
        ThemeMembership.objects.create(theme=theme, answer=answer, weight=weight)
    return theme


@pytest.fixture
def answers(consultation, france, senegal):
    mexico, jordan = make_member_state("MEX"), make_member_state("JOR")
    texts = {
        france: ("Labour inspectors are trained on migrants' rights.", "attributed"),
        senegal: ("Inspectors visit farms employing migrant workers.", "anonymous"),
        mexico: ("Confidential inspection figures.", "confidential"),
        jordan: ("Inspection of recruitment agencies.", "attributed"),
    }
    return {
        state.iso3: analysed(consultation, make_text_answer(consultation, state, "1.1-practices", text, publication=p))
        for state, (text, p) in texts.items()
    }


def test_only_accepted_themes_with_counts_by_audience(consultation, answers):
    accepted = theme_with(consultation, list(answers.values()))
    theme_with(consultation, [answers["FRA"]], status=Theme.Status.PROPOSED, label="Proposed only")
    theme_with(consultation, [answers["FRA"]], status=Theme.Status.DISCARDED, label="Discarded")
    themes = reviewed_themes_for(consultation, "1.1")
    assert [(theme.id, theme.label, theme.member_states, theme.civil_society) for theme in themes] == [
        (accepted.pk, "Labour inspection", 4, 0)
    ]
    assert reviewed_themes_for(consultation, "1.1-practices")[0].id == accepted.pk
    assert reviewed_themes_for(consultation, "2.1") == []


def test_quotation_is_the_most_typical_publishable_answer_and_never_confidential(consultation, answers):
    # Weights follow the order given: Mexico (confidential) is the most typical, then Jordan.
    theme_with(consultation, [answers["FRA"], answers["SEN"], answers["JOR"], answers["MEX"]])
    quotation = reviewed_themes_for(consultation, "1.1")[0].quotation
    assert (quotation.text, quotation.attribution) == ("Inspection of recruitment agencies.", "Jordan")


def test_anonymous_quotation_carries_no_name(consultation, answers):
    theme_with(consultation, [answers["FRA"], answers["MEX"], answers["SEN"]])
    quotation = reviewed_themes_for(consultation, "1.1")[0].quotation
    assert (quotation.text, quotation.attribution) == ("Inspectors visit farms employing migrant workers.", "")


def test_small_cells_hidden_when_shared_and_marked_when_internal(consultation, answers):
    europe = make_grouping("m49-150")
    theme_with(consultation, list(answers.values()))
    shared = reviewed_themes_for(consultation, "1.1", europe)[0]
    assert (shared.member_states, shared.suppressed) == (None, True)
    internal = reviewed_themes_for(consultation, "1.1", europe, internal=True)[0]
    assert (internal.member_states, internal.suppressed) == (1, True)


def test_anonymous_quotation_left_out_of_a_small_cell(consultation, answers):
    africa = make_grouping("m49-002")
    theme_with(consultation, [answers["SEN"]])
    assert reviewed_themes_for(consultation, "1.1", africa)[0].quotation is None


def test_a_campaign_counts_once_with_a_note(consultation, answers):
    organisation = make_organisation(name="Diaspora Network", country="SN")
    letter = analysed(consultation, make_text_answer(consultation, organisation, "1.1-own_work", "We call on..."),
                      state=answers["SEN"].state)
    campaign = Campaign.objects.create(consultation=consultation, question_code="1.1-own_work", size=40,
                                       representative=letter)
    AnalysedAnswer.objects.filter(pk=letter.pk).update(campaign=campaign)
    theme_with(consultation, [letter], code="1.1-own_work", label="Remittances")
    theme = reviewed_themes_for(consultation, "1.1", internal=True)[0]
    assert (theme.civil_society, theme.campaign_sizes) == (1, [40])
    assert theme.campaign_note == "Includes 1 campaign of 40 near-identical answers, counted once."


def test_drafts_do_not_count(consultation, answers, france):
    mexico_draft = analysed(consultation, make_text_answer(
        consultation, make_organisation(name="Draft org", country="MX"), "1.1-own_work", "Draft", submitted=False
    ), state=answers["MEX"].state)
    theme_with(consultation, [mexico_draft], code="1.1-own_work")
    assert reviewed_themes_for(consultation, "1.1-own_work", internal=True)[0].civil_society == 0


def test_shortened_cuts_at_a_word():
    assert shortened("one two three four", limit=9) == "one two…"
    assert shortened("short") == "short"


def test_the_summary_page_and_reports_show_reviewed_themes_only(client, officer, consultation, answers):
    theme_with(consultation, list(answers.values()))
    theme_with(consultation, [answers["FRA"]], status=Theme.Status.PROPOSED, label="Proposed only")
    theme_with(consultation, [answers["JOR"]], status=Theme.Status.DISCARDED, label="Discarded theme")
    client.force_login(officer)

    page = client.get(reverse("consult:summary", kwargs={"slug": consultation.slug})).content.decode()
    report = render_html(regional_summary(consultation), language="en").decode()
    for shown in (page, report):
        assert "Reviewed themes" in shown and "Labour inspection" in shown
        assert "Proposed only" not in shown and "Discarded theme" not in shown
        assert "Confidential inspection figures" not in shown
