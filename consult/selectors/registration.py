"""Reads of civil society organisations for the accreditation queue."""

from ..models import CivilSocietyOrganisation

Accreditation = CivilSocietyOrganisation.Accreditation


def organisations_awaiting_accreditation():
    """Return the pending organisations whose contact confirmed their address, oldest first."""
    return (
        CivilSocietyOrganisation.objects.filter(accreditation=Accreditation.PENDING, email_confirmed_at__isnull=False)
        .select_related("possible_duplicate_of")
        .order_by("created_at", "pk")
    )


def organisations_awaiting_confirmation_count() -> int:
    """Return how many pending organisations have not confirmed their contact's address yet."""
    return CivilSocietyOrganisation.objects.filter(
        accreditation=Accreditation.PENDING, email_confirmed_at__isnull=True
    ).count()
