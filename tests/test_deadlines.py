"""Deadlines: the consultation's closing date, extensions for everyone or one state, and their page."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from consult.models import Consultation, DeadlineExtension, PositionEvent
from consult.permissions import can_edit_position
from consult.services.deadlines import DeadlineError, deadline_extend
from consult.services.positions import position_for

from .factories import make_member_state


def in_days(days):
    return timezone.now() + timedelta(days=days)


def extend(consultation, actor, days, reason="Requested", member_state=None):
    return deadline_extend(
        consultation=consultation, closes_at=in_days(days), reason=reason, actor=actor, member_state=member_state
    )


@pytest.fixture
def closing_consultation(consultation):
    """The open consultation, closing in two days."""
    consultation.closes_at = in_days(2)
    consultation.save()
    return consultation


def test_without_extensions_the_deadline_is_the_consultations(closing_consultation, france):
    assert closing_consultation.deadline_for() == closing_consultation.closes_at
    assert closing_consultation.deadline_for(france) == closing_consultation.closes_at


def test_an_extension_for_everyone_moves_every_states_deadline(closing_consultation, officer, france):
    extension = extend(closing_consultation, officer, 10)

    assert closing_consultation.deadline_for() == extension.closes_at
    assert closing_consultation.deadline_for(france) == extension.closes_at


def test_an_extension_for_one_state_moves_only_its_deadline(closing_consultation, officer, france, senegal):
    extension = extend(closing_consultation, officer, 10, member_state=senegal)

    assert closing_consultation.deadline_for(senegal) == extension.closes_at
    assert closing_consultation.deadline_for(france) == closing_consultation.closes_at
    assert closing_consultation.deadline_for() == closing_consultation.closes_at


def test_the_latest_of_the_whole_and_the_state_extension_wins(closing_consultation, officer, senegal):
    extend(closing_consultation, officer, 5, member_state=senegal)

    everyone = extend(closing_consultation, officer, 8)

    assert closing_consultation.deadline_for(senegal) == everyone.closes_at


def test_is_accepting_between_opening_and_closing_only(closing_consultation):
    closing_consultation.opens_at = in_days(-1)

    assert not closing_consultation.is_accepting(now=in_days(-2))
    assert closing_consultation.is_accepting()
    assert not closing_consultation.is_accepting(now=in_days(3))


def test_a_consultation_that_is_not_open_accepts_nothing(closing_consultation):
    closing_consultation.status = Consultation.Status.CLOSED

    assert not closing_consultation.is_accepting()


@pytest.mark.parametrize("reason", ["", "   "])
def test_an_extension_needs_a_reason(closing_consultation, officer, reason):
    with pytest.raises(DeadlineError, match="reason"):
        extend(closing_consultation, officer, 10, reason=reason)

    assert not DeadlineExtension.objects.exists()


def test_an_extension_must_be_later_than_the_current_deadline(closing_consultation, officer):
    with pytest.raises(DeadlineError, match="later than the current one"):
        extend(closing_consultation, officer, 1)

    assert not DeadlineExtension.objects.exists()


def test_a_state_extension_must_be_later_than_the_states_current_deadline(closing_consultation, officer, senegal):
    extend(closing_consultation, officer, 10)

    with pytest.raises(DeadlineError, match="later than the current one"):
        extend(closing_consultation, officer, 5, member_state=senegal)


def test_an_extension_must_be_in_the_future(closing_consultation, officer):
    closing_consultation.closes_at = in_days(-5)
    closing_consultation.save()

    with pytest.raises(DeadlineError, match="in the future"):
        extend(closing_consultation, officer, -1)


def test_a_consultation_without_a_closing_date_cannot_be_extended(consultation, officer):
    with pytest.raises(DeadlineError, match="no closing date"):
        extend(consultation, officer, 10)


def test_only_the_secretariat_extends(closing_consultation, focal_point_france):
    with pytest.raises(PermissionDenied):
        extend(closing_consultation, focal_point_france, 10)


def test_a_state_extension_is_recorded_in_the_states_history(closing_consultation, officer, france, senegal):
    senegal_position = position_for(consultation=closing_consultation, member_state=senegal)
    france_position = position_for(consultation=closing_consultation, member_state=france)

    extend(closing_consultation, officer, 10, reason="Floods in Saint-Louis", member_state=senegal)

    event = senegal_position.events.get(action=PositionEvent.Action.DEADLINE_EXTENDED)
    assert (event.actor, event.comment) == (officer, "Floods in Saint-Louis")
    assert not france_position.events.filter(action=PositionEvent.Action.DEADLINE_EXTENDED).exists()


def test_a_state_without_a_position_gets_its_extension_all_the_same(closing_consultation, officer, senegal):
    extension = extend(closing_consultation, officer, 10, member_state=senegal)

    assert (extension.member_state, extension.granted_by) == (senegal, officer)
    assert not PositionEvent.objects.exists()


def test_after_closing_only_the_state_with_an_extension_can_still_answer(
    closing_consultation, officer, france, senegal, focal_point_france, focal_point_senegal
):
    closing_consultation.closes_at = in_days(-1)
    closing_consultation.save()
    extend(closing_consultation, officer, 3, reason="Cabinet reshuffle", member_state=senegal)

    assert closing_consultation.is_accepting(senegal)
    assert not closing_consultation.is_accepting(france)
    assert not closing_consultation.is_accepting()
    senegal_position = position_for(consultation=closing_consultation, member_state=senegal)
    france_position = position_for(consultation=closing_consultation, member_state=france)
    assert can_edit_position(focal_point_senegal, senegal_position)
    assert not can_edit_position(focal_point_france, france_position)


# The deadline page.


def extend_url(consultation):
    return reverse("consult:deadline-extend", args=[consultation.slug])


def test_the_secretariat_extends_for_one_state_from_the_page(client, officer, closing_consultation):
    make_member_state("MEX")
    client.force_login(officer)

    response = client.post(
        extend_url(closing_consultation),
        {"member_state": "MEX", "closes_at": in_days(9).strftime("%Y-%m-%dT%H:%M"), "reason": "Hurricane"},
        follow=True,
    )

    extension = DeadlineExtension.objects.get()
    assert (extension.member_state.iso3, extension.reason, extension.granted_by) == ("MEX", "Hurricane", officer)
    assert response.redirect_chain[-1][0] == reverse("consult:coverage", args=[closing_consultation.slug])
    assert "The deadline was extended." in response.content.decode()
    assert "Hurricane" in response.content.decode()


def test_the_page_refuses_an_earlier_date_and_saves_nothing(client, officer, closing_consultation):
    client.force_login(officer)

    response = client.post(
        extend_url(closing_consultation),
        {"member_state": "", "closes_at": in_days(1).strftime("%Y-%m-%dT%H:%M"), "reason": "Sooner"},
    )

    assert response.status_code == 200
    assert "later than the current one" in response.content.decode()
    assert not DeadlineExtension.objects.exists()


def test_the_page_refuses_a_missing_reason(client, officer, closing_consultation):
    client.force_login(officer)

    response = client.post(
        extend_url(closing_consultation), {"closes_at": in_days(9).strftime("%Y-%m-%dT%H:%M"), "reason": " "}
    )

    assert response.status_code == 200
    assert not DeadlineExtension.objects.exists()


def test_the_page_lists_extensions_with_who_and_why(client, officer, closing_consultation):
    extend(closing_consultation, officer, 10, reason="<b>Summit</b>")
    client.force_login(officer)

    page = client.get(extend_url(closing_consultation)).content.decode()

    assert "&lt;b&gt;Summit&lt;/b&gt;" in page
    assert "Olga Secretariat" in page


@pytest.mark.parametrize("person", ["focal_point_france", "coordinator_africa", "civil_society_rep", "outsider"])
def test_only_the_secretariat_reaches_the_deadline_page(client, request, closing_consultation, person):
    client.force_login(request.getfixturevalue(person))

    assert client.get(extend_url(closing_consultation)).status_code == 403
    assert client.post(extend_url(closing_consultation), {"reason": "x"}).status_code == 403
    assert not DeadlineExtension.objects.exists()


def test_anonymous_visitors_are_sent_to_log_in_from_the_deadline_page(client, closing_consultation):
    response = client.get(extend_url(closing_consultation))

    assert response.status_code == 302
    assert reverse("login") in response["Location"]
