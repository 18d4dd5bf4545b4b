"""A focal point's draft answers through the API: the page's checks, version conflicts (409),
Idempotency-Key, a missing field left unchanged; submission stays on the site."""

import pytest
from django.utils import timezone

from consult.models import AuditEvent, DeadlineExtension, Position
from consult.services.positions import position_for
from surveys.models import ResponseSection

from .api_helpers import api_client


@pytest.fixture
def position(consultation, france):
    return position_for(consultation=consultation, member_state=france)


@pytest.fixture
def writer(focal_point_france):
    return api_client(focal_point_france, scope="read_write")


def area_url(position, code="1"):
    return f"/api/v1/positions/{position.pk}/areas/{code}/"


def patch(client, position, answers, version=0, **headers):
    return client.patch(area_url(position), {"version": version, "answers": answers}, format="json", **headers)


def saved(client, position) -> tuple[dict, int]:
    body = client.get(area_url(position)).json()
    return body["answers"], body["version"]


def test_a_patch_changes_only_the_answers_it_sends(writer, position):
    patch(writer, position, {"1.1-support": "support", "1.1-practices": "Bilateral labour agreements."})

    response = patch(writer, position, {"1.1-support": "do_not_support"}, version=1)

    assert response.status_code == 200 and response.json()["version"] == 2
    assert saved(writer, position)[0] == {"1.1-support": "do_not_support", "1.1-practices": "Bilateral labour agreements."}


def test_null_clears_an_answer(writer, position):
    patch(writer, position, {"1.1-support": "support", "1-ranking": {"1.1": 2, "1.2": 1}})

    patch(writer, position, {"1-ranking": None}, version=1)

    assert saved(writer, position)[0] == {"1.1-support": "support"}


def test_a_ranking_is_an_object_of_positions(writer, position):
    assert patch(writer, position, {"1-ranking": {"1.1": 2, "1.2": 1}}).status_code == 200
    assert saved(writer, position)[0]["1-ranking"] == {"1.2": 1, "1.1": 2}
    assert patch(writer, position, {"1-ranking": {"1.1": 1, "1.2": 1}}, version=1).status_code == 400
    assert patch(writer, position, {"1-ranking": {"9.9": 1}}, version=1).status_code == 400
    assert patch(writer, position, {"1-ranking": ["1.1", "1.2"]}, version=1).status_code == 400


@pytest.mark.parametrize("answers, field", [
    ({"1.1-support": "maybe"}, "1.1-support"),
    ({"1.1-priority": 9}, "1.1-priority"),
    ({"1.1-practices": "x" * 20_001}, "1.1-practices"),
    ({"2.1-support": "support"}, "2.1-support"),  # a question of another area
    ({"1.1-support": ["support"]}, "1.1-support"),
])
def test_a_bad_answer_is_refused_by_name_and_nothing_changes(writer, position, answers, field):
    patch(writer, position, {"1.1-support": "support"})

    response = patch(writer, position, {"1.1-implementation": "planned", **answers}, version=1)

    assert response.status_code == 400
    assert field in response.json()["errors"]["answers"]
    assert saved(writer, position) == ({"1.1-support": "support"}, 1)


def test_a_save_over_someone_else_s_is_a_conflict_listing_the_changes(writer, position, focal_point_france):
    colleague = api_client(focal_point_france, scope="read_write")
    patch(colleague, position, {"1.1-support": "support"})

    conflict = patch(writer, position, {"1.1-support": "do_not_support"}, version=0)

    assert conflict.status_code == 409
    body = conflict.json()
    assert body["version"] == 1
    assert body["changes"] == [{"question": "1.1-support", "label": body["changes"][0]["label"],
                                "saved": "Support", "yours": "Do not support"}]
    assert patch(writer, position, {"1.1-support": "do_not_support"}, version=body["version"]).status_code == 200


def test_an_idempotency_key_saves_once_however_often_it_is_sent(writer, position):
    first = patch(writer, position, {"1.1-support": "support"}, HTTP_IDEMPOTENCY_KEY="sync-2026-01")
    again = patch(writer, position, {"1.1-support": "support"}, HTTP_IDEMPOTENCY_KEY="sync-2026-01")

    assert first.status_code == again.status_code == 200
    assert first.json() == again.json()
    assert again["Idempotent-Replayed"] == "true"
    assert ResponseSection.objects.get(response=position.response).version == 1
    assert AuditEvent.objects.filter(action="draft_saved", object_id=str(position.pk)).count() == 1


def test_an_idempotency_key_sent_again_with_other_answers_is_refused(writer, position):
    patch(writer, position, {"1.1-support": "support"}, HTTP_IDEMPOTENCY_KEY="sync-2026-02")

    reused = patch(writer, position, {"1.1-support": "do_not_support"}, HTTP_IDEMPOTENCY_KEY="sync-2026-02")

    assert reused.status_code == 409 and "already sent" in reused.json()["error"]
    assert saved(writer, position)[0] == {"1.1-support": "support"}


def test_idempotency_keys_belong_to_their_person(writer, position, focal_point_france, drafter_france):
    patch(writer, position, {"1.1-support": "support"}, HTTP_IDEMPOTENCY_KEY="shared-name")
    other = api_client(drafter_france, scope="read_write")

    response = patch(other, position, {"1.1-support": "do_not_support"}, version=1, HTTP_IDEMPOTENCY_KEY="shared-name")

    assert response.status_code == 200 and "Idempotent-Replayed" not in response
    assert saved(writer, position) == ({"1.1-support": "do_not_support"}, 2)


@pytest.mark.parametrize("status", [Position.Status.READY_FOR_REVIEW, Position.Status.SUBMITTED])
def test_a_position_under_review_or_submitted_is_not_changed(writer, position, status):
    Position.objects.filter(pk=position.pk).update(status=status)

    response = patch(writer, position, {"1.1-support": "support"})

    assert response.status_code == 403 and response.json()["error"]
    assert saved(writer, position) == ({}, 0)


def test_after_the_deadline_answers_are_kept_but_not_changed(writer, position, consultation, officer):
    consultation.closes_at = timezone.now() - timezone.timedelta(days=1)
    consultation.save()

    response = patch(writer, position, {"1.1-support": "support"})

    assert response.status_code == 403 and "deadline has passed" in response.json()["error"]
    DeadlineExtension.objects.create(consultation=consultation, closes_at=timezone.now() + timezone.timedelta(days=2),
                                     reason="Cyclone", granted_by=officer)
    assert patch(writer, position, {"1.1-support": "support"}).status_code == 200


def test_only_the_state_s_focal_points_write_its_answers(position, officer, coordinator_africa, focal_point_senegal):
    for person, expected in [(officer, 403), (focal_point_senegal, 404), (coordinator_africa, 404)]:
        response = patch(api_client(person, scope="read_write"), position, {"1.1-support": "support"})
        assert response.status_code == expected, person
    assert not ResponseSection.objects.filter(response=position.response).exists()


def test_the_api_has_no_way_to_submit(writer, position):
    for method in ("post", "put", "delete"):
        assert getattr(writer, method)(area_url(position), {}, format="json").status_code == 405
    assert writer.post(f"/api/v1/positions/{position.pk}/submit/", {}, format="json").status_code == 404
    assert writer.post(f"/api/v1/positions/{position.pk}/", {}, format="json").status_code == 405
    assert Position.objects.get(pk=position.pk).status == Position.Status.DRAFT


def test_a_save_is_recorded_in_the_history_and_the_audit_trail(writer, position, focal_point_france):
    patch(writer, position, {"1.1-support": "support"})

    assert position.events.filter(action="saved", actor=focal_point_france).exists()
    assert AuditEvent.objects.filter(action="draft_saved", actor=focal_point_france).exists()


def test_a_missing_version_or_answers_is_a_clear_error(writer, position):
    response = writer.patch(area_url(position), {"answers": {}}, format="json")

    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"version"}
    assert writer.patch(area_url(position), "not json", content_type="application/json").status_code == 400
