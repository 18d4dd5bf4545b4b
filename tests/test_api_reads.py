"""The API's reads: public consultations, questions in each language, published figures, responses and
reports; positions, coverage and exports for the people the site shows them to; pages, filters, rates."""

import csv
import io

import pytest
from django.core.cache import cache

from consult.models import AuditEvent, Consultation, Publication, Report
from consult.services.aggregation import aggregates_rebuild
from consult.services.positions import position_for
from surveys.models import QuestionTranslation

from .api_helpers import api_client, results
from .factories import make_consultation, make_member_state
from .test_report_views import submit
from .test_url_matrix import make_built_report

HLD = "/api/v1/consultations/hld/"


@pytest.fixture
def answered(consultation, france, senegal, settings, tmp_path):
    """France (attributed), Senegal (anonymous) and Mexico (confidential) answered; threshold 3."""
    settings.MEDIA_ROOT = tmp_path
    positions = {}
    for state, support, publication in [(france, "support", Publication.ATTRIBUTED),
                                         (senegal, "support", Publication.ANONYMOUS),
                                         (make_member_state("MEX"), "do_not_support", Publication.CONFIDENTIAL)]:
        position = position_for(consultation=consultation, member_state=state)
        positions[state.iso3] = submit(position, {"1.1-support": support, "1.1-practices": f"Practice of {state.iso3}"},
                                       publication=publication)
    aggregates_rebuild(consultation=consultation)
    return positions


def test_anonymous_callers_see_consultations_out_of_draft_only(consultation, officer):
    make_consultation(slug="draft-one", title="Draft", status=Consultation.Status.DRAFT)

    public = {row["slug"] for row in results(api_client().get("/api/v1/consultations/"))}
    secretariat = {row["slug"] for row in results(api_client(officer).get("/api/v1/consultations/"))}

    assert public == {"hld"}
    assert secretariat == {"hld", "draft-one"}
    assert api_client().get("/api/v1/consultations/draft-one/").status_code == 404


def test_a_consultation_lists_its_areas_and_recommendations(consultation):
    body = api_client().get(HLD).json()

    assert [area["number"] for area in body["areas"]] == [1, 2]
    assert [rec["code"] for rec in body["areas"][0]["recommendations"]] == ["1.1", "1.2"]
    assert body["audiences"] == ["civil_society", "member_state"]
    assert [row["code"] for row in results(api_client().get(HLD + "recommendations/?area=2"))] == ["2.1", "2.2"]


def test_questions_come_in_the_language_asked_with_the_same_values(consultation):
    question = consultation.questionnaires.get(audience="member_state").survey.questions.get(code="1.1-support")
    QuestionTranslation.objects.create(question=question, language="fr", text="Soutenez-vous 1.1 ?",
                                       choice_labels={"support": "Soutien"})
    url = HLD + "questions/?audience=member_state&recommendation=1.1"

    def support(rows):
        return next(row for row in rows if row["code"] == "1.1-support")

    english = support(results(api_client().get(url)))
    by_parameter = support(results(api_client().get(url + "&lang=fr")))
    by_header = support(results(api_client(HTTP_ACCEPT_LANGUAGE="fr").get(url)))

    assert english["text"] != "Soutenez-vous 1.1 ?"
    assert by_parameter["text"] == by_header["text"] == "Soutenez-vous 1.1 ?"
    assert by_parameter["choices"][0] == {"value": "support", "label": "Soutien"}
    assert {row["audience"] for row in results(api_client().get(url))} == {"member_state"}


def test_figures_are_public_once_the_summary_is_published_with_small_cells_hidden(answered, consultation, officer):
    assert api_client().get(HLD + "figures/").status_code == 404
    internal = results(api_client(officer).get(HLD + "figures/?audience=member_state"))

    make_built_report(consultation, None, is_published=True)
    public = results(api_client().get(HLD + "figures/?audience=member_state"))

    def support(rows):
        return next(row for row in rows if row["code"] == "1.1-support")

    assert support(internal)["respondents"] == 3 and support(internal)["suppressed"] is False
    assert support(public)["respondents"] == 3
    assert {choice["value"]: choice["count"] for choice in support(public)["choices"]}["support"] == 2
    assert {row["audience"] for row in public} == {"member_state"}

    consultation.small_cell_threshold = 5
    consultation.save()
    hidden = support(results(api_client().get(HLD + "figures/?audience=member_state")))
    assert hidden["suppressed"] is True and hidden["respondents"] is None
    assert api_client().get(HLD + "figures/?audience=everyone").status_code == 400


def test_published_responses_follow_each_respondent_s_consent(answered):
    rows = results(api_client().get(HLD + "responses/?ordering=submitted_at"))
    by_id = {row["id"]: row for row in rows}

    assert str(answered["MEX"].pk) not in by_id  # confidential: counted, never shown
    assert by_id[str(answered["FRA"].pk)]["respondent"] == "France"
    assert by_id[str(answered["SEN"].pk)]["respondent"] is None
    detail = api_client().get(f"{HLD}responses/{answered['SEN'].pk}/").json()
    assert "Senegal" not in str(detail)
    assert any(q["answers"] == ["Practice of SEN"] for s in detail["sections"] for q in s["questions"])
    assert api_client().get(f"{HLD}responses/{answered['MEX'].pk}/").status_code == 404


def test_reports_anonymous_see_published_summaries_coordinators_their_region_s(
    consultation, france, senegal, coordinator_africa, officer, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    published = make_built_report(consultation, france.region, is_published=True)
    africa = make_built_report(consultation, senegal.region)
    export = make_built_report(consultation, None)
    Report.objects.filter(pk=export.pk).update(format="csv_answers")

    def listed(user=None):
        return {row["id"] for row in results(api_client(user).get(HLD + "reports/"))}

    assert listed() == {str(published.pk)}
    assert listed(coordinator_africa) == {str(published.pk), str(africa.pk)}
    assert listed(officer) == {str(published.pk), str(africa.pk), str(export.pk)}
    download = api_client().get(f"/api/v1/reports/{published.pk}/download/")
    assert download.status_code == 200 and download["Content-Type"].startswith("text/html")
    assert api_client().get(f"/api/v1/reports/{africa.pk}/download/").status_code == 404
    assert api_client(coordinator_africa).get(f"/api/v1/reports/{africa.pk}/download/").status_code == 200
    assert api_client(coordinator_africa).get(f"/api/v1/reports/{export.pk}/download/").status_code == 404


def test_positions_need_a_token_and_show_what_the_site_shows(
    consultation, france, senegal, focal_point_france, coordinator_africa, officer
):
    french = position_for(consultation=consultation, member_state=france)
    senegalese = position_for(consultation=consultation, member_state=senegal)

    def listed(user):
        return {row["id"] for row in results(api_client(user).get("/api/v1/positions/"))}

    assert api_client().get("/api/v1/positions/").status_code == 401
    assert listed(focal_point_france) == {str(french.pk)}
    assert listed(coordinator_africa) == {str(senegalese.pk)}
    assert listed(officer) == {str(french.pk), str(senegalese.pk)}
    assert api_client(focal_point_france).get(f"/api/v1/positions/{senegalese.pk}/").status_code == 404
    detail = api_client(focal_point_france).get(f"/api/v1/positions/{french.pk}/").json()
    assert detail["editable"] is True and [area["code"] for area in detail["areas"]] == ["1", "2"]


def test_coverage_is_the_secretariat_s_and_the_coordinators_for_their_region(
    consultation, france, senegal, officer, coordinator_africa, focal_point_france
):
    position_for(consultation=consultation, member_state=senegal)
    everyone = {row["iso3"]: row["status"] for row in results(api_client(officer).get(HLD + "coverage/"))}
    africa = {row["iso3"] for row in results(api_client(coordinator_africa).get(HLD + "coverage/"))}

    assert everyone == {"FRA": "focal_point_active", "SEN": "draft"}
    assert africa == {"SEN"}
    assert results(api_client(officer).get(HLD + "coverage/?status=draft"))[0]["iso3"] == "SEN"
    assert api_client(focal_point_france).get(HLD + "coverage/").status_code == 403


def test_the_export_streams_the_submitted_answers_for_the_secretariat_and_is_audited(answered, officer, outsider):
    response = api_client(officer).get(HLD + "export/?audience=member_state", HTTP_ACCEPT="text/csv")

    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert len(rows) == 4  # the header and three states
    assert AuditEvent.objects.filter(action="export_downloaded", actor=officer, details__via="api").exists()
    refused = api_client(outsider).get(HLD + "export/", HTTP_ACCEPT="text/csv")
    assert refused.status_code == 403 and refused["Content-Type"] == "application/json"


def test_lists_page_filter_and_order(consultation):
    first = api_client().get(HLD + "questions/?audience=civil_society&page_size=2&ordering=-code").json()

    assert first["count"] > 2 and len(first["results"]) == 2
    assert [row["code"] for row in first["results"]] == sorted((row["code"] for row in first["results"]), reverse=True)
    assert api_client().get(first["next"]).status_code == 200
    assert api_client().get(HLD + "questions/?page=999").json() == {"error": "Invalid page."}
    assert api_client().get(HLD + "questions/?audience=nobody").status_code == 400


def test_every_error_is_json_with_a_message(db):
    for url in ["/api/v1/consultations/unknown/", "/api/v1/nowhere/", "/api/v1/positions/not-a-uuid/"]:
        response = api_client().get(url)
        assert response.status_code == 404
        assert response["Content-Type"] == "application/json" and response.json()["error"]


def test_anonymous_callers_are_limited_per_address_in_the_cache(consultation, settings):
    settings.API_RATE_ANONYMOUS = "3/minute"
    cache.delete_many([f"throttle_api-anonymous_{address}" for address in ("10.9.8.7", "10.9.8.6")])
    api = api_client(REMOTE_ADDR="10.9.8.7")

    statuses = [api.get("/api/v1/consultations/").status_code for _request in range(4)]
    other_address = api_client(REMOTE_ADDR="10.9.8.6").get("/api/v1/consultations/")

    assert statuses == [200, 200, 200, 429]
    assert other_address.status_code == 200
    refused = api.get("/api/v1/consultations/")
    assert refused.json()["error"].startswith("Too many requests") and int(refused["Retry-After"]) > 0


def test_signed_in_callers_are_limited_per_person(consultation, outsider, settings):
    settings.API_RATE_PERSON = "2/minute"
    cache.delete(f"throttle_api-person_{outsider.pk}")
    first, second = api_client(outsider), api_client(outsider)  # two tokens, one person

    statuses = [client.get("/api/v1/consultations/").status_code for client in (first, second, first)]

    assert statuses == [200, 200, 429]
