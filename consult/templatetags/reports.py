"""Filters of the summary templates."""

from django import template

from ..services.reports.wording import text_direction

register = template.Library()


@register.filter
def direction(text) -> str:
    """Return the dir attribute of a text people wrote: `dir="{{ quotation.text|direction }}"`."""
    return text_direction(str(text))
