"""The interface in the six UN languages: every catalogue complete, compiled and used by the site.

English is the source language; the five other official languages each have a catalogue in
locale/<code>/LC_MESSAGES. A missing catalogue fails here rather than being skipped.
"""

import ast
import gettext as gnu_gettext
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

LOCALE_DIR = Path(settings.BASE_DIR) / "locale"
# Django language code -> locale folder name.
LOCALES = {"ar": "ar", "zh-hans": "zh_Hans", "fr": "fr", "ru": "ru", "es": "es"}
RIGHT_TO_LEFT = {"ar"}
# Strings every page or every respondent sees: they must never fall back to English.
KEY_STRINGS = [
    "Log in",
    "Log out",
    "My consultations",
    "Save draft",
    "Consultations",
    "Migration policy consultations",
    "Skip to content",
    "Submit",
    "Priority areas",
    "Member states",
    "Civil society",
]
# Words a language writes exactly as English does: the catalogue translates them all the same.
SAME_AS_ENGLISH = {"fr": {"Consultations"}}
# What must survive translation: %(name)s and %(count)d for Python and blocktranslate,
# {name} for the texts questionnaire.js fills in, and HTML tags.
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|\{\w+\}|<[^<>]+>")
PO_LINE = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(".*")$')


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    obsolete: bool = False

    @property
    def name(self) -> str:
        return f"{self.msgctxt}|{self.msgid}" if self.msgctxt is not None else self.msgid


def po_entries(path: Path) -> list[Entry]:
    """Return the entries of a .po file, the header (empty msgid) first, obsolete ones marked."""
    entries, entry, key = [], None, None
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        if not line.strip():
            if entry is not None:
                entries.append(entry)
            entry, key = None, None
            continue
        entry = entry or Entry()
        if line.startswith("#~"):
            entry.obsolete = True
        elif line.startswith("#,"):
            entry.flags |= {flag.strip() for flag in line[2:].split(",")}
        elif line.startswith("#"):
            continue
        elif match := PO_LINE.match(line):
            name, index, value = match.group(1), match.group(2), ast.literal_eval(match.group(3))
            key = ("msgstr", int(index)) if index is not None else (name, None)
            if name.startswith("msgstr"):
                entry.msgstr[key[1] or 0] = value
            else:
                setattr(entry, name, value)
        elif line.startswith('"') and key is not None:
            value = ast.literal_eval(line)
            if key[0] == "msgstr":
                entry.msgstr[key[1] or 0] += value
            else:
                setattr(entry, key[0], getattr(entry, key[0]) + value)
    return entries


def catalogue(code: str) -> tuple[Path, list[Entry]]:
    """Return the .po path of a language and its live entries; fail when the catalogue is missing."""
    path = LOCALE_DIR / LOCALES[code] / "LC_MESSAGES" / "django.po"
    assert path.is_file(), f"The {code} catalogue is missing: run makemessages -l {LOCALES[code]} and translate it."
    return path, [entry for entry in po_entries(path) if not entry.obsolete]


def header(entries: list[Entry]) -> dict[str, str]:
    first = entries[0]
    assert first.msgid == "", "The catalogue has no header entry."
    lines = (line.partition(":") for line in first.msgstr[0].splitlines() if ":" in line)
    return {name.strip().lower(): value.strip() for name, _colon, value in lines}


def messages(entries: list[Entry]) -> list[Entry]:
    return [entry for entry in entries if entry.msgid]


def translations(code: str) -> dict[str, str]:
    """Return msgid -> msgstr of the singular, context-free messages of a language."""
    _path, entries = catalogue(code)
    return {e.msgid: e.msgstr.get(0, "") for e in messages(entries) if e.msgid_plural is None and e.msgctxt is None}


languages = pytest.mark.parametrize("code", list(LOCALES))


def test_the_five_catalogues_are_checked():
    assert set(LOCALES) == {code for code, _name in settings.LANGUAGES} - {"en"}


@languages
def test_the_catalogue_exists_with_a_usable_header(code):
    _path, entries = catalogue(code)

    fields = header(entries)

    assert "fuzzy" not in entries[0].flags, "A fuzzy header is left out of the .mo, charset and plural rule with it."
    assert "charset=utf-8" in fields.get("content-type", "").lower()
    assert re.search(r"nplurals\s*=\s*\d+", fields.get("plural-forms", "")), "The header has no Plural-Forms."


@languages
def test_every_message_is_translated_and_none_is_fuzzy(code):
    _path, entries = catalogue(code)
    nplurals = int(re.search(r"nplurals\s*=\s*(\d+)", header(entries)["plural-forms"]).group(1))

    fuzzy = [entry.name for entry in messages(entries) if "fuzzy" in entry.flags]
    empty = [entry.name for entry in messages(entries) if not entry.msgstr or not all(entry.msgstr.values())]
    wrong_forms = [
        entry.name
        for entry in messages(entries)
        if entry.msgid_plural is not None and sorted(entry.msgstr) != list(range(nplurals))
    ]

    assert messages(entries), "The catalogue holds no message."
    assert fuzzy == []
    assert empty == []
    assert wrong_forms == [], f"Plural messages need msgstr[0] to msgstr[{nplurals - 1}]."


@languages
def test_placeholders_and_tags_survive_translation(code):
    _path, entries = catalogue(code)

    problems = []
    for entry in messages(entries):
        expected = set(PLACEHOLDER.findall(entry.msgid)) | set(PLACEHOLDER.findall(entry.msgid_plural or ""))
        for index, text in entry.msgstr.items():
            found = set(PLACEHOLDER.findall(text))
            if found != expected:
                problems.append(f"{entry.name} [{index}]: missing {expected - found}, unknown {found - expected}")

    assert problems == []


@languages
def test_the_compiled_catalogue_matches_the_po_file(code):
    path, entries = catalogue(code)
    mo_path = path.with_suffix(".mo")
    assert mo_path.is_file(), f"{mo_path} is missing: run compilemessages (the .mo files are committed)."
    with mo_path.open("rb") as mo_file:
        compiled = gnu_gettext.GNUTranslations(mo_file)
    plural_rule = header(entries)["plural-forms"]
    assert compiled.info().get("plural-forms", "").replace(" ", "") == plural_rule.replace(" ", "")
    plural = gnu_gettext.c2py(re.search(r"plural\s*=\s*([^;]+)", plural_rule).group(1))
    # A number for each plural form, to ask the .mo for every form.
    numbers = {}
    for number in [0, 1, 2, 3, 5, 11, 21, 22, 25, 100, 101, 102, 111, 1000, 1_000_000]:
        numbers.setdefault(plural(number), number)

    stale = []
    for entry in messages(entries):
        if entry.msgid_plural is None:
            if entry.msgctxt is None:
                got = compiled.gettext(entry.msgid)
            else:
                got = compiled.pgettext(entry.msgctxt, entry.msgid)
            if got != entry.msgstr[0]:
                stale.append(entry.name)
            continue
        for index, number in numbers.items():
            if entry.msgctxt is None:
                got = compiled.ngettext(entry.msgid, entry.msgid_plural, number)
            else:
                got = compiled.npgettext(entry.msgctxt, entry.msgid, entry.msgid_plural, number)
            if got != entry.msgstr.get(index):
                stale.append(f"{entry.name} [{index}]")

    assert stale == [], "The .mo is older than the .po: run compilemessages."


@languages
def test_every_catalogue_holds_the_same_messages_as_the_others(code):
    _path, entries = catalogue(code)
    names = {entry.name for entry in messages(entries)}

    for other in LOCALES:
        if other != code:
            _other_path, other_entries = catalogue(other)
            other_names = {entry.name for entry in messages(other_entries)}
            assert names == other_names, (
                f"{code} and {other} differ: only in {code}: {sorted(names - other_names)[:10]}, "
                f"only in {other}: {sorted(other_names - names)[:10]}; run makemessages for every language."
            )


@languages
def test_key_interface_strings_are_translated_and_used_by_django(code):
    catalogue_strings = translations(code)

    for text in KEY_STRINGS:
        assert catalogue_strings.get(text), f"{text!r} is not translated in the {code} catalogue."
        if text not in SAME_AS_ENGLISH.get(code, set()):
            assert catalogue_strings[text] != text, f"{text!r} is left in English in the {code} catalogue."
        with translation.override(code):
            # The project's catalogue wins over Django's own (LOCALE_PATHS come first).
            assert translation.gettext(text) == catalogue_strings[text]


def home_page(client, code):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = code
    # override() puts back the language active before: the next test runs in English again.
    with translation.override(settings.LANGUAGE_CODE):
        response = client.get(reverse("consult:home"))
    assert response.status_code == 200
    return response.content.decode()


def test_the_home_page_is_in_french_with_the_french_cookie(client, db):
    french = translations("fr")

    page = home_page(client, "fr")

    assert '<html lang="fr" dir="ltr">' in page
    assert escape(french["Migration policy consultations"]) in page
    assert escape(french["Skip to content"]) in page
    assert ">Migration policy consultations<" not in page


def test_the_home_page_is_arabic_and_right_to_left_with_the_arabic_cookie(client, db):
    arabic = translations("ar")
    title = arabic["Migration policy consultations"]

    page = home_page(client, "ar")

    assert '<html lang="ar" dir="rtl">' in page
    assert "bootstrap.rtl.min.css" in page
    assert re.search("[\u0600-\u06ff]", title), "The Arabic site title is not in Arabic script."
    assert escape(title) in page
    assert ">Migration policy consultations<" not in page


def test_the_home_page_stays_english_without_a_choice(client, db):
    page = home_page(client, "en")

    assert '<html lang="en" dir="ltr">' in page
    assert ">Migration policy consultations<" in page


@pytest.mark.parametrize("code", sorted(set(LOCALES) - RIGHT_TO_LEFT))
def test_left_to_right_languages_are_not_mirrored(client, db, code):
    page = home_page(client, code)

    assert f'<html lang="{code}" dir="ltr">' in page
