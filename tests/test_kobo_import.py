"""import_responses reads KoboToolbox and ODK Central exports of the XLSForm: names matched, idempotent."""

import io

import pytest

from consult.models import Position
from consult.services.imports.responses import ResponseImportError, responses_import

from .factories import make_member_state
from .test_response_import import csv_bytes

KOBO = ["start", "end", "respondent/country", "respondent/publication", "area_1/q_1_overall",
        "area_1/q_1_1_priority", "area_1/q_1_ranking", "area_1/q_1_1_practices", "meta/instanceID", "_id", "_uuid",
        "_submission_time", "_validation_status"]


def kobo_row(country, instance, overall="support"):
    return ["2013-10-01T10:00:00", "2013-10-01T10:20:00", country, "attributed", overall, "4", "1.2 1.1",
            "Un plan national", f"uuid:{instance}", "17", instance, "2013-10-01T10:21:00", ""]


def test_a_kobo_export_is_imported_by_xlsform_names_and_twice_adds_nothing(consultation, france, senegal):
    content = csv_bytes([KOBO, kobo_row("FRA", "a1"), kobo_row("SEN", "b2", "do_not_support")])

    first = responses_import(consultation=consultation, filename="kobo.csv", file=io.BytesIO(content))
    again = responses_import(consultation=consultation, filename="kobo.csv", file=io.BytesIO(content))

    assert (first.created, again.created, again.unchanged) == (2, 0, 2)
    position = Position.objects.get(member_state=france)
    answers = {answer.question.code: answer for answer in position.response.answers.select_related("question", "choice")}
    assert answers["1.1-priority"].choice.value == "4" and answers["1.1-practices"].text == "Un plan national"
    ranks = position.response.answers.filter(question__code="1-ranking").order_by("rank")
    assert [answer.choice.value for answer in ranks] == ["1.2", "1.1"]
    assert position.submitted_at.isoformat() == "2013-10-01T10:21:00+00:00"
    assert position.events.get(action="imported").comment == "kobo.csv, line 2, a1"


def test_an_odk_central_export_with_dashed_paths(consultation):
    make_member_state("MEX")
    header = ["SubmissionDate", "respondent-country", "respondent-publication", "area_1-q_1_overall", "meta-instanceID",
              "KEY", "SubmitterID", "ReviewState"]
    row = ["2013-10-02T09:00:00.000Z", "MEX", "anonymous", "support", "uuid:c3", "uuid:c3", "5", ""]

    plan = responses_import(consultation=consultation, filename="odk.csv", file=io.BytesIO(csv_bytes([header, row])))

    assert plan.created == 1 and Position.objects.get().publication == "anonymous"


def test_the_same_submission_twice_and_unknown_columns_are_refused(consultation, france, senegal):
    with pytest.raises(ResponseImportError) as refused:
        responses_import(consultation=consultation, filename="kobo.csv",
                         file=io.BytesIO(csv_bytes([KOBO, kobo_row("FRA", "a1"), kobo_row("SEN", "a1")])))
    assert refused.value.errors == ["Line 3: the submission a1 is also on line 2."]

    with pytest.raises(ResponseImportError) as refused:
        responses_import(consultation=consultation, filename="kobo.csv",
                         file=io.BytesIO(csv_bytes([[*KOBO, "area_1/q_9_9_new"], [*kobo_row("FRA", "a1"), "x"]])))
    assert refused.value.errors == ["Line 1: “area_1/q_9_9_new” is not a question of this consultation."]
    assert not Position.objects.exists()
