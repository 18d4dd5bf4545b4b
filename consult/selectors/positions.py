"""The positions of a consultation as the secretariat and the regional coordinators follow them:
every state's position and organisation's response, filtered and sorted in the database."""

from django.db.models import Q
from django.db.models.functions import Greatest

from ..models import Position
from ..models.languages import name_order


def consultation_positions(consultation, *, states=None, region=None, status="", audience="", sort="activity"):
    """Return the consultation's positions, with `last_activity`, in the states given (None: all).

    Organisations count in the region of their country, as in the summaries.
    """
    positions = Position.objects.filter(consultation=consultation).select_related(
        "member_state__region", "organisation", "submitted_by"
    )
    if states is not None:
        positions = positions.filter(in_states(states))
    if region is not None:
        positions = positions.filter(in_states(region.region_states.all()))
    if status:
        positions = positions.filter(status=status)
    if audience:
        positions = positions.filter(audience=audience)
    positions = positions.annotate(last_activity=Greatest("updated_at", "response__updated_at"))
    if sort == "name":
        # States first, in the reader's language, then organisations.
        return positions.order_by(name_order("member_state__").asc(nulls_last=True), "organisation__name", "pk")
    return positions.order_by("-last_activity", "pk")


def in_states(states) -> Q:
    """Return the condition for positions of the states, or of organisations in their countries."""
    return Q(member_state__in=states) | Q(organisation__country__in=states.alpha2_codes())
