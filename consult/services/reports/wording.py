"""Numbers and lists worded as the active language writes them, for every report format."""

import unicodedata
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from django.utils import formats
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from .charts import percent_text


def integer(value) -> str:
    return "" if value is None else formats.number_format(value)


def decimal(value, places: int = 1) -> str:
    return "" if value is None else decimal_text(value, places, get_language())


def percent(share) -> str:
    """Return a share (0 to 1) as a percentage with one decimal."""
    return "" if share is None else percent_of(share, get_language())


# A summary page writes a thousand figures, most of them the same few hundred; asking Django's
# formats and the translations for each took a tenth of the page's time.
@lru_cache(maxsize=8192)
def decimal_text(value, places: int, language: str) -> str:
    return formats.number_format(rounded(value, places), decimal_pos=places)


@lru_cache(maxsize=8192)
def percent_of(share, language: str) -> str:
    return percent_text(decimal(share * 100, 1))


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


def text_direction(text: str) -> str:
    """Return "rtl" or "ltr" after the text's first letter with a direction, or "auto" if it has none.

    Browsers work this out from dir="auto"; WeasyPrint does not, and would lay an English
    quotation out right to left in an Arabic report (its full stop at the start).
    """
    for character in text:
        kind = unicodedata.bidirectional(character)
        if kind in ("R", "AL"):
            return "rtl"
        if kind == "L":
            return "ltr"
    return "auto"


def isolated(text: str) -> str:
    """Return the text between first-strong isolates, so that a quotation keeps its own direction in a sentence."""
    return f"\u2068{text}\u2069"
