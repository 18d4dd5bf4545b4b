"""Respondents answering through the site: start page, area pages, saving, autosave, refusals."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from consult.models import AnalysedAnswer, CivilSocietyOrganisation, CivilSocietyRepresentative, Position, PositionEvent
from consult.services.positions import position_for
from surveys.models import Answer, ResponseSection
from surveys.selectors import section_questions

from .factories import make_consultation, make_organisation, make_user

FETCH = {"HTTP_X_REQUESTED_WITH": "fetch"}


@pytest.fixture
def position(consultation, france, focal_point_france):
    return position_for(consultation=consultation, member_state=france, actor=focal_point_france)


def section_url(position, code="1"):
    return reverse("consult:position-section", args=[position.pk, code])


def detail_url(position):
    return reverse("consult:position-detail", args=[position.pk])


def logged_in(user, **kwargs):
    client = Client(**kwargs)
    client.force_login(user)
    return client


def answers(**extra):
    """Return the answers to area 1 as the browser posts them."""
    return {
        "version": "0",
        "1-overall": "support",
        "1.1-priority": "5",
        "1.1-practices": "A national diaspora strategy since 2010.",
        "1-ranking_0": "2",
        "1-ranking_1": "1",
        **extra,
    }


def saved(position, code):
    return list(
        Answer.objects.filter(response=position.response, question__code=code).values_list(
            "choice__value", "rank", "text"
        )
    )


def test_my_consultations_lists_the_open_consultation_per_state(consultation, focal_point_france):
    response = logged_in(focal_point_france).get(reverse("consult:my-consultations"))

    page = response.content.decode()
    assert response.status_code == 200
    assert consultation.title in page and "France" in page and "Not started" in page


def test_my_consultations_lists_what_a_regional_coordinator_follows(consultation, coordinator_africa):
    draft = make_consultation(slug="not-yet", title="A consultation in draft")

    page = logged_in(coordinator_africa).get(reverse("consult:my-consultations")).content.decode()

    assert "Consultations you coordinate" in page and "No consultation is open to you" not in page
    assert consultation.title in page and "Africa" in page and draft.title not in page
    for name in ("dashboard", "coverage", "position-list", "report-list"):
        assert reverse(f"consult:{name}", args=[consultation.slug]) in page


def test_my_consultations_says_when_nothing_is_open(outsider, consultation):
    page = logged_in(outsider).get(reverse("consult:my-consultations")).content.decode()

    assert "No consultation is open to you at the moment." in page
    assert "Consultations you coordinate" not in page


def test_starting_opens_the_one_position_of_the_state(consultation, france, focal_point_france, drafter_france):
    url = reverse("consult:position-start", args=[consultation.slug])

    first = logged_in(focal_point_france).get(url)
    second = logged_in(drafter_france).get(url)

    position = Position.objects.get(consultation=consultation, member_state=france)
    assert first.url == second.url == detail_url(position)


def test_a_person_acting_for_a_state_and_an_organisation_chooses(consultation, focal_point_france, france):
    organisation = make_organisation(name="Forum", accreditation="accredited")
    CivilSocietyRepresentative.objects.create(user=focal_point_france, organisation=organisation)
    client = logged_in(focal_point_france)
    url = reverse("consult:position-start", args=[consultation.slug])

    assert "Answer on behalf of" in client.get(url).content.decode()
    response = client.post(url, {"respondent": f"organisation:{organisation.pk}"})

    assert response.url == detail_url(Position.objects.get(organisation=organisation))
    assert not Position.objects.filter(member_state=france).exists()


def test_the_start_page_shows_deadline_progress_and_every_area(consultation, position, focal_point_france):
    consultation.closes_at = timezone.now() + timedelta(days=10)
    consultation.save()

    page = logged_in(focal_point_france).get(detail_url(position)).content.decode()

    assert "Closing date" in page
    assert section_url(position, "1") in page and section_url(position, "2") in page
    assert "0 of 1" in page  # required questions answered, with the headline question first
    assert "Publication of the answers" in page


def test_an_area_page_shows_its_recommendations_and_questions(position, focal_point_france):
    page = logged_in(focal_point_france).get(section_url(position)).content.decode()

    assert "Recommendation 1.1." in page
    assert 'name="1.1-priority"' in page
    assert 'name="version" value="0"' in page
    assert "Save draft" in page
    assert 'src="/static/consult/questionnaire.js" defer' in page
    assert "<script>" not in page


def test_an_area_page_quotes_each_recommendation_once_with_only_the_prompts_under_it(position, focal_point_france):
    page = logged_in(focal_point_france).get(section_url(position)).content.decode()

    assert page.count("Recommendation 1.1.<") == 2  # in its group, and as an item of the area’s ranking
    assert page.count("Headline recommendation of area 1.") == 1
    assert ">Recommendation 1.1</h2>" in page and ">Headline recommendation</h2>" in page
    assert "What priority does your Government give to this recommendation?" in page
    assert "Recommendation 1.1: “" not in page


def test_a_question_that_quotes_nothing_on_the_page_keeps_its_whole_text(position, focal_point_france):
    question = position.response.survey.questions.get(code="1.1-priority")
    question.text = "Context the page does not show.\nWhat priority?"
    question.save()

    page = logged_in(focal_point_france).get(section_url(position)).content.decode()

    assert "Context the page does not show.<br>What priority?" in page


def test_the_start_page_counts_the_required_answers_and_links_to_the_check(position, focal_point_france):
    client = logged_in(focal_point_france)
    client.post(section_url(position), answers())

    page = client.get(detail_url(position)).content.decode()

    assert "2 of 14 required answers given." in page
    assert reverse("consult:position-answers", args=[position.pk]) in page
    assert "saved as you type" in page


def test_the_start_page_of_a_position_under_review_does_not_say_it_saves(position, focal_point_france):
    Position.objects.filter(pk=position.pk).update(status=Position.Status.READY_FOR_REVIEW)

    page = logged_in(focal_point_france).get(detail_url(position)).content.decode()

    assert "Locked while under review" in page
    assert "saved as you type" not in page


def test_the_answers_page_reads_each_answer_in_words_and_what_is_missing(position, focal_point_france, officer):
    logged_in(focal_point_france).post(section_url(position), answers())

    mine = logged_in(focal_point_france).get(reverse("consult:position-answers", args=[position.pk])).content.decode()
    theirs = logged_in(officer).get(reverse("consult:position-answers", args=[position.pk])).content.decode()

    assert "2 of 14 required answers given" in mine
    assert "A national diaspora strategy since 2010." in mine
    assert "Not answered (required)" in mine
    assert '>Change<span class="visually-hidden">' in mine
    assert '>View<span class="visually-hidden">' in theirs and '>Change<span' not in theirs


def test_save_draft_stores_the_answers_and_redirects_with_the_time(position, focal_point_france):
    client = logged_in(focal_point_france)

    response = client.post(section_url(position), answers())

    assert response.status_code == 302 and response.url == section_url(position)
    assert "Saved at" in client.get(response.url).content.decode()
    assert saved(position, "1.1-priority") == [("5", None, "")]
    assert sorted(saved(position, "1-ranking")) == [("1.1", 2, ""), ("1.2", 1, "")]
    assert ResponseSection.objects.get(response=position.response).version == 1


def test_saved_answers_are_there_when_another_person_comes_back_later(position, focal_point_france, drafter_france):
    logged_in(focal_point_france).post(section_url(position), answers())

    page = logged_in(drafter_france).get(section_url(position)).content.decode()

    assert 'value="5"  id="id_1.1-priority_4" checked' in page
    assert "A national diaspora strategy since 2010." in page
    assert 'name="version" value="1"' in page


def test_save_and_next_goes_to_the_next_area(position, focal_point_france):
    response = logged_in(focal_point_france).post(section_url(position), answers(action="next"))

    assert response.url == section_url(position, "2")


def test_autosave_answers_json_with_the_new_version(position, focal_point_france):
    client = logged_in(focal_point_france)

    first = client.post(section_url(position), answers(), **FETCH)
    second = client.post(section_url(position), answers(version="1"), **FETCH)

    assert first.status_code == 200 and first.json()["version"] == 1
    assert second.json()["version"] == 2
    assert "saved_at" in second.json()


def test_a_second_person_saving_a_stale_page_sees_what_changed_and_keeps_their_text(
    position, focal_point_france, drafter_france
):
    first, second = logged_in(focal_point_france), logged_in(drafter_france)
    assert 'name="version" value="0"' in first.get(section_url(position)).content.decode()
    assert 'name="version" value="0"' in second.get(section_url(position)).content.decode()
    first.post(section_url(position), answers())

    response = second.post(section_url(position), answers(**{"1.1-priority": "2", "1.1-practices": "Our own text."}))

    page = response.content.decode()
    assert response.status_code == 409
    assert "someone else saved this page" in page
    assert "Very high priority" in page and "Low priority" in page  # their saved value, and yours
    assert "Our own text.</textarea>" in page
    assert 'name="version" value="1"' in page
    assert saved(position, "1.1-priority") == [("5", None, "")]
    assert saved(position, "1.1-practices")[0][2] == "A national diaspora strategy since 2010."


def test_a_stale_autosave_answers_409_with_the_changes(position, focal_point_france, drafter_france):
    logged_in(focal_point_france).post(section_url(position), answers())
    theirs = answers(**{"1-overall": "do_not_support"})

    response = logged_in(drafter_france).post(section_url(position), theirs, **FETCH)

    assert response.status_code == 409
    assert response.json()["changes"] == [
        {"question": "1-overall", "label": "1: Overall, what is your Government’s position on this headline "
         "recommendation?", "saved": "Support", "yours": "Do not support"}
    ]
    assert saved(position, "1-overall") == [("support", None, "")]


def test_another_states_position_does_not_exist_for_a_focal_point(position, focal_point_senegal):
    client = logged_in(focal_point_senegal)

    assert client.get(detail_url(position)).status_code == 404
    assert client.get(section_url(position)).status_code == 404
    assert client.post(section_url(position), answers()).status_code == 404
    assert not Answer.objects.filter(response=position.response).exists()


def test_a_submitted_position_refuses_a_save_and_changes_nothing(position, focal_point_france):
    client = logged_in(focal_point_france)
    client.post(section_url(position), answers())
    Position.objects.filter(pk=position.pk).update(status=Position.Status.SUBMITTED)

    response = client.post(section_url(position), answers(**{"version": "1", "1.1-practices": "Changed."}))

    assert response.status_code == 403
    assert " and locked; only the secretariat can reopen it." in response.content.decode()
    assert "Changed.</textarea>" in response.content.decode()
    assert saved(position, "1.1-practices")[0][2] == "A national diaspora strategy since 2010."


def test_a_position_under_review_refuses_an_autosave(position, focal_point_france):
    Position.objects.filter(pk=position.pk).update(status=Position.Status.READY_FOR_REVIEW)

    response = logged_in(focal_point_france).post(section_url(position), answers(), **FETCH)

    assert response.status_code == 403
    assert "under review" in response.json()["error"]
    assert not Answer.objects.filter(response=position.response).exists()


def test_after_the_deadline_a_save_is_refused_and_the_draft_still_readable(consultation, position, focal_point_france):
    client = logged_in(focal_point_france)
    client.post(section_url(position), answers())
    consultation.closes_at = timezone.now() - timedelta(minutes=1)
    consultation.save()

    refused = client.post(section_url(position), answers(**{"version": "1", "1.1-priority": "1"}))
    page = client.get(section_url(position)).content.decode()

    assert refused.status_code == 403
    assert "deadline has passed" in refused.content.decode()
    assert saved(position, "1.1-priority") == [("5", None, "")]
    assert "A national diaspora strategy since 2010." in page and "disabled" in page and "Save draft" not in page


def test_an_unknown_question_is_ignored(position, focal_point_france):
    response = logged_in(focal_point_france).post(section_url(position), answers(**{"9.9-invented": "yes"}))

    assert response.status_code == 302
    assert not Answer.objects.filter(response=position.response, question__code="9.9-invented").exists()


def test_a_question_of_another_area_posted_here_is_not_saved(position, focal_point_france):
    logged_in(focal_point_france).post(section_url(position, "1"), answers(**{"2-overall": "support"}))

    assert saved(position, "2-overall") == []


@pytest.mark.parametrize(
    "tampered",
    [{"1.1-priority": "7"}, {"1-ranking_0": "1"}, {"1.1-practices": "x" * 5001}],
    ids=["choice not offered", "same rank twice", "over-long text"],
)
def test_tampered_or_over_long_input_is_refused_and_the_saved_answers_kept(position, focal_point_france, tampered):
    client = logged_in(focal_point_france)
    client.post(section_url(position), answers())

    response = client.post(section_url(position), answers(version="1", **{"1-overall": "do_not_support", **tampered}))
    autosave = client.post(section_url(position), answers(version="1", **tampered), **FETCH)

    assert response.status_code == 200
    assert "Please correct these answers" in response.content.decode()
    assert autosave.status_code == 400 and autosave.json()["error"].startswith("Not saved")
    assert saved(position, "1-overall") == [("support", None, "")]
    assert ResponseSection.objects.get(response=position.response).version == 1


def test_a_missing_version_is_refused(position, focal_point_france):
    data = answers()
    del data["version"]

    response = logged_in(focal_point_france).post(section_url(position), data, **FETCH)

    assert response.status_code == 400
    assert not Answer.objects.filter(response=position.response).exists()


def test_html_typed_into_an_answer_is_shown_escaped(position, focal_point_france):
    client = logged_in(focal_point_france)
    client.post(section_url(position), answers(**{"1.1-practices": "<script>alert('x')</script>"}))

    page = client.get(section_url(position)).content.decode()

    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page


def test_a_post_without_csrf_token_is_refused(position, focal_point_france):
    client = logged_in(focal_point_france, enforce_csrf_checks=True)

    response = client.post(section_url(position), answers())

    assert response.status_code == 403
    assert not Answer.objects.filter(response=position.response).exists()


def test_the_secretariat_and_the_regional_coordinator_read_but_cannot_save(
    consultation, senegal, focal_point_senegal, officer, coordinator_africa
):
    position = position_for(consultation=consultation, member_state=senegal, actor=focal_point_senegal)

    for reader in (officer, coordinator_africa):
        client = logged_in(reader)
        page = client.get(section_url(position)).content.decode()
        assert "can read this position but not change it" in page and "Save draft" not in page
        assert client.post(section_url(position), answers()).status_code == 403
    assert not Answer.objects.filter(response=position.response).exists()


def test_a_coordinator_of_another_region_does_not_see_the_position(position, coordinator_africa):
    assert logged_in(coordinator_africa).get(section_url(position)).status_code == 404


def test_anonymous_people_are_sent_to_log_in_and_autosave_is_told(position):
    client = Client()

    assert client.get(section_url(position)).url.startswith(reverse("login"))
    assert client.post(section_url(position), answers(), **FETCH).status_code == 401


def test_the_civil_society_representative_answers_for_the_organisation(consultation, civil_society_rep):
    client = logged_in(civil_society_rep)
    start = client.get(reverse("consult:position-start", args=[consultation.slug]))
    position = Position.objects.get(organisation__representatives__user=civil_society_rep)

    response = client.post(section_url(position), {"version": "0", "1-overall": "support", "1.1-importance": "4"})

    assert start.url == detail_url(position)
    assert response.status_code == 302
    assert saved(position, "1.1-importance") == [("4", None, "")]


def test_a_pending_organisation_cannot_respond(consultation):
    user = make_user("pending-rep")
    organisation = make_organisation(accreditation=CivilSocietyOrganisation.Accreditation.PENDING)
    CivilSocietyRepresentative.objects.create(user=user, organisation=organisation)
    client = logged_in(user)

    response = client.post(
        reverse("consult:position-start", args=[consultation.slug]), {"respondent": f"organisation:{organisation.pk}"}
    )

    assert response.url == reverse("consult:my-consultations")
    assert not Position.objects.filter(organisation=organisation).exists()
    assert "accreditation" in client.get(response.url).content.decode()


def test_the_publication_choice_is_saved_and_recorded(position, focal_point_france):
    response = logged_in(focal_point_france).post(detail_url(position), {"publication": "anonymous"})

    position.refresh_from_db()
    assert response.status_code == 302
    assert position.publication == "anonymous"
    assert position.events.filter(action=PositionEvent.Action.PUBLICATION_CHANGED).count() == 1


def test_a_submitted_position_keeps_its_publication_choice(position, focal_point_france):
    Position.objects.filter(pk=position.pk).update(status=Position.Status.SUBMITTED)

    response = logged_in(focal_point_france).post(detail_url(position), {"publication": "anonymous"})

    position.refresh_from_db()
    assert response.status_code == 403
    assert position.publication == "attributed"


def test_saves_are_recorded_once_per_person_and_area_in_a_sitting(position, focal_point_france):
    client = logged_in(focal_point_france)
    for version in range(3):
        client.post(section_url(position), answers(version=str(version)), **FETCH)

    assert position.events.filter(action=PositionEvent.Action.SAVED).count() == 1


def test_checking_an_area_lists_the_required_questions_not_answered(position, focal_point_france):
    page = logged_in(focal_point_france).get(section_url(position) + "?check=1").content.decode()

    assert "Please correct these answers" in page
    assert 'href="#id_1-overall_0"' in page
    assert "This field is required." in page


def test_an_organisation_no_longer_accredited_cannot_change_its_answers(consultation, civil_society_rep):
    client = logged_in(civil_society_rep)
    client.get(reverse("consult:position-start", args=[consultation.slug]))
    position = Position.objects.get(organisation__representatives__user=civil_society_rep)
    CivilSocietyOrganisation.objects.filter(pk=position.organisation_id).update(accreditation="declined")

    response = client.post(section_url(position), {"version": "0", "1-overall": "support"}, **FETCH)

    assert response.status_code == 403
    assert "not accredited" in response.json()["error"]
    assert not Answer.objects.filter(response=position.response).exists()


def test_a_save_that_omits_questions_keeps_their_answers(position, focal_point_france):
    client = logged_in(focal_point_france)
    client.post(section_url(position), answers())

    response = client.post(section_url(position), {"version": "1", "1.1-priority": "2"}, **FETCH)

    assert response.status_code == 200
    assert saved(position, "1.1-priority") == [("2", None, "")]
    assert saved(position, "1-overall") == [("support", None, "")]
    assert saved(position, "1.1-practices")[0][2] == "A national diaspora strategy since 2010."
    assert sorted(saved(position, "1-ranking")) == [("1.1", 2, ""), ("1.2", 1, "")]


def test_clearing_an_answer_is_explicit(position, focal_point_france):
    client = logged_in(focal_point_france)
    client.post(section_url(position), answers())

    client.post(section_url(position), {"version": "1", "1.1-practices": ""}, **FETCH)
    client.post(section_url(position), {"version": "2", "_shown": ["1-overall", "1-ranking"]}, **FETCH)

    assert saved(position, "1.1-practices") == []
    assert saved(position, "1-overall") == saved(position, "1-ranking") == []
    assert saved(position, "1.1-priority") == [("5", None, "")]


def test_the_page_lists_every_field_it_shows(position, focal_point_france):
    page = logged_in(focal_point_france).get(section_url(position)).content.decode()

    shown = re.findall(r'<input type="hidden" name="_shown" value="([^"]+)">', page)
    assert {"1-overall", "1.1-priority", "1.1-practices", "1-ranking"} <= set(shown)
    assert len(shown) == len(set(shown)) == len(section_questions(position.response.survey.sections.get(code="1")))


def test_an_answer_removed_by_a_save_leaves_what_pointed_at_it_pointing_at_nothing(consultation, position,
                                                                                   focal_point_france):
    client = logged_in(focal_point_france)
    client.post(section_url(position), answers())
    practice = Answer.objects.get(response=position.response, question__code="1.1-practices")
    overall = Answer.objects.get(response=position.response, question__code="1-overall")
    analysed = [
        AnalysedAnswer.objects.create(consultation=consultation, question_code=answer.question.code,
                                      response=position.response, answer=answer, audience="member_state",
                                      respondent_name="France", text_hash="-")
        for answer in (practice, overall)
    ]

    client.post(section_url(position), answers(version="1", **{"1.1-practices": "Edited", "1-overall": ""}))

    kept, removed = (AnalysedAnswer.objects.get(pk=row.pk) for row in analysed)
    assert kept.answer_id == practice.pk and kept.answer.text == "Edited"  # The same row, edited in place.
    assert removed.answer_id is None
    assert saved(position, "1-overall") == []
