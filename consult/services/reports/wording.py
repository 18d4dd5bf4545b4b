"""Numbers and lists worded as the active language writes them, for every report format."""

from decimal import ROUND_HALF_UP, Decimal

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from .charts import percent_text


def integer(value) -> str:
    return "" if value is None else formats.number_format(value)


def decimal(value, places: int = 1) -> str:
    return "" if value is None else formats.number_format(rounded(value, places), decimal_pos=places)


def percent(share) -> str:
    """Return a share (0 to 1) as a percentage with one decimal."""
    return "" if share is None else percent_text(decimal(share * 100, 1))


def rounded(value, places: int) -> Decimal:
    # number_format cuts floats short (2/3 would read 66.6%): round half up first, as people do.
    return Decimal(repr(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def listed(items: list[str]) -> str:
    """Return "a, b and c" in the active language."""
    items = [str(item) for item in items]
    if len(items) < 2:
        return "".join(items)
    head = pgettext("list separator", ", ").join(items[:-1])
    return _("%(first)s and %(last)s") % {"first": head, "last": items[-1]}
