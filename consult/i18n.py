"""Language codes, and the UN names of states from the fixture: usable before the apps load.

Settings use it to make django-countries name every member and observer state as the UN
does, in the active language (`COUNTRIES_OVERRIDE`).
"""

import csv
import unicodedata
from functools import cache
from pathlib import Path

from django.utils.functional import lazy
from django.utils.translation import get_language, gettext_noop

UN_LANGUAGES = ("ar", "zh", "en", "fr", "ru", "es")
# "of" and the article the UN uses before a state's name, by language and article (the fixture's
# en_article, fr_article, es_article): "of the Republic of Korea", "du Sénégal", "de la Türkiye".
OF_PHRASES = {
    "en": {"the": "of the {}", "": "of {}"},
    "fr": {"le": "du {}", "la": "de la {}", "l'": "de l'{}", "les": "des {}", "": "de {}"},
    "es": {"el": "del {}", "la": "de la {}", "los": "de los {}", "las": "de las {}", "": "de {}"},
}
FRENCH_ELISION = "AEIOUYÉÈÊÎÏÔÛH"
# Django's code for a language where it differs from the one content and reports carry.
INTERFACE_LANGUAGES = {"zh": "zh-hans"}
# Django 6.1's label of an empty choice in select menus, which its own Arabic, Chinese, Russian
# and Spanish catalogues lack: ours translate it, and take precedence.
BLANK_CHOICE_LABEL = gettext_noop("- Select an option -")
# The UN short names of the member states and observer states in the six languages, with their
# M49 codes (UN Statistics Division and UNTERM).
UN_STATES_FIXTURE = Path(__file__).resolve().parent / "fixtures" / "un_member_states.csv"


def content_language(code: str | None) -> str:
    """Return the six-language code of a Django or browser language code ("zh-hans" gives "zh")."""
    base = (code or "").replace("_", "-").split("-")[0].lower()
    return base if base in UN_LANGUAGES else "en"


def interface_language(code: str | None) -> str:
    """Return the Django language code to translate the interface into ("zh" gives "zh-hans")."""
    language = content_language(code)
    return INTERFACE_LANGUAGES.get(language, language)


@cache
def un_states() -> list[dict[str, str]]:
    """Return the fixture's rows: iso3, iso2, m49, m49_area, status, and a name per language."""
    with open(UN_STATES_FIXTURE, encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


@cache
def un_states_by_iso2() -> dict[str, dict[str, str]]:
    return {row["iso2"]: row for row in un_states()}


def un_state_name(iso2: str) -> str:
    """Return the UN name of a member or observer state in the active language."""
    return un_states_by_iso2()[iso2][content_language(get_language())]


def name_sort_key(name: str) -> str:
    """Return what sorts names as a reader expects: "Égypte" between "Djibouti" and "Érythrée", not after "Z"."""
    letters = unicodedata.normalize("NFKD", name)
    return "".join(letter for letter in letters if not unicodedata.combining(letter)).casefold()


def of_phrase(name: str, *, article: str, language: str) -> str:
    """Return the state's name as it follows "Government" in `language`: "of the Republic of Korea".

    Languages that need no preposition (their messages join the name themselves) get the name.
    """
    phrases = OF_PHRASES.get(content_language(language))
    if phrases is None:
        return name
    if language.startswith("fr") and not article and name[0].upper() in FRENCH_ELISION:
        return f"d'{name}"  # "d'Israël", "d'El Salvador"
    return phrases.get(article, phrases[""]).format(name)


def countries_override() -> dict:
    """Return django-countries' names of the member and observer states, each translated when shown."""
    lazy_name = lazy(un_state_name, str)
    return {row["iso2"]: lazy_name(row["iso2"]) for row in un_states()}
