"""Who may see and change a position: scope comes from the position itself."""

from datetime import timedelta

from django.utils import timezone

from consult.models import Position
from consult.permissions import can_edit_position, can_view_position, positions_visible_to
from consult.services.positions import position_for


def positions(consultation, france, senegal, civil_society_rep):
    organisation = civil_society_rep.representations.get().organisation
    return (
        position_for(consultation=consultation, member_state=france),
        position_for(consultation=consultation, member_state=senegal),
        position_for(consultation=consultation, organisation=organisation),
    )


def test_focal_points_see_only_their_own_state(consultation, france, senegal, civil_society_rep, focal_point_france):
    french, senegalese, organisation = positions(consultation, france, senegal, civil_society_rep)

    assert can_view_position(focal_point_france, french)
    assert not can_view_position(focal_point_france, senegalese)
    assert not can_view_position(focal_point_france, organisation)
    assert list(positions_visible_to(focal_point_france)) == [french]


def test_a_representative_sees_only_their_organisation(consultation, france, senegal, civil_society_rep):
    french, senegalese, organisation = positions(consultation, france, senegal, civil_society_rep)

    assert set(positions_visible_to(civil_society_rep)) == {organisation}
    assert not can_view_position(civil_society_rep, french)


def test_a_coordinator_sees_their_region_only_and_changes_nothing(
    consultation, france, senegal, civil_society_rep, coordinator_africa
):
    french, senegalese, organisation = positions(consultation, france, senegal, civil_society_rep)

    assert set(positions_visible_to(coordinator_africa)) == {senegalese}
    assert not can_view_position(coordinator_africa, organisation)  # based in France
    assert not can_edit_position(coordinator_africa, senegalese)


def test_the_secretariat_sees_everything(consultation, france, senegal, civil_society_rep, officer):
    all_three = set(positions(consultation, france, senegal, civil_society_rep))

    assert set(positions_visible_to(officer)) == all_three


def test_outsiders_and_anonymous_see_nothing(consultation, france, senegal, civil_society_rep, outsider):
    from django.contrib.auth.models import AnonymousUser

    french = positions(consultation, france, senegal, civil_society_rep)[0]

    assert not positions_visible_to(outsider).exists()
    assert not can_view_position(AnonymousUser(), french)
    assert not positions_visible_to(AnonymousUser()).exists()


def test_a_submitted_state_position_is_locked(consultation, france, focal_point_france):
    position = position_for(consultation=consultation, member_state=france)
    assert can_edit_position(focal_point_france, position)

    Position.objects.filter(pk=position.pk).update(status=Position.Status.SUBMITTED)
    position.refresh_from_db()

    assert not can_edit_position(focal_point_france, position)


def test_nothing_can_be_changed_after_the_deadline(consultation, france, focal_point_france):
    position = position_for(consultation=consultation, member_state=france)
    consultation.closes_at = timezone.now() - timedelta(minutes=1)
    consultation.save()
    position.refresh_from_db()

    assert not can_edit_position(focal_point_france, position)
    assert can_view_position(focal_point_france, position)


def test_an_organisation_that_is_not_accredited_cannot_answer(consultation, civil_society_rep):
    organisation = civil_society_rep.representations.get().organisation
    position = position_for(consultation=consultation, organisation=organisation)
    assert can_edit_position(civil_society_rep, position)

    organisation.accreditation = "declined"
    organisation.save()
    position.refresh_from_db()

    assert not can_edit_position(civil_society_rep, position)
