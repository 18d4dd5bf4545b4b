"""The workflow panel's state, computed from the position and the person looking at it."""

from dataclasses import dataclass

from django import template

from ..models import Position, PositionEvent
from ..permissions import can_see_history, can_view_position, workflow_actions
from ..selectors.workflow import last_send_back, position_events

register = template.Library()

RECENT_EVENTS = 5


@dataclass
class WorkflowPanel:
    actions: list[str]
    can_see_history: bool
    events: list[PositionEvent]
    more_events: bool
    sent_back: PositionEvent | None
    has_receipt: bool


@register.simple_tag(takes_context=True)
def workflow_panel(context, position: Position) -> WorkflowPanel:
    """Return what the panel shows the person: `{% workflow_panel position as workflow %}`."""
    user = context["request"].user
    history = can_see_history(user, position)
    events = list(position_events(position)[: RECENT_EVENTS + 1]) if history else []
    return WorkflowPanel(
        actions=workflow_actions(user, position),
        can_see_history=history,
        events=events[:RECENT_EVENTS],
        more_events=len(events) > RECENT_EVENTS,
        sent_back=last_send_back(position) if history else None,
        has_receipt=position.status == Position.Status.SUBMITTED and can_view_position(user, position),
    )
