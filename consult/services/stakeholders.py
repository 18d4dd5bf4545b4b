"""Member states in their UN M49 regions, named in six languages; groupings imported from CSV."""

import csv
import io
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import country_converter as coco
from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.db import transaction

from consult.i18n import un_states
from consult.models import Language, MemberState, RegionalGrouping

Kind = RegionalGrouping.Kind
Membership = RegionalGrouping.members.through

M49_KINDS = (Kind.M49_REGION, Kind.M49_SUBREGION, Kind.M49_INTERMEDIATE)
CUSTOM_KINDS = tuple(kind.value for kind in Kind if kind not in M49_KINDS)
CSV_COLUMNS = ("grouping_code", "grouping_name", "kind", "country")

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
GROUPINGS_FIXTURE = FIXTURES / "groupings.csv"
# The names of the M49 areas and of known groupings in the six languages.
GROUPING_NAMES_FIXTURE = FIXTURES / "grouping_names.csv"
NAME_FIELDS = {code: MemberState.name_field(code) for code in Language.values}
ARTICLE_FIELDS = {"en_article": "article_en", "fr_article": "article_fr", "es_article": "article_es"}

# The UN M49 levels above the countries: (code, kind, parent code), parents first. The
# fixture gives each state only its lowest level (the intermediate region where there is
# one), so the levels above it are structure kept here.
M49_AREAS = [
    ("002", Kind.M49_REGION, None),
    ("015", Kind.M49_SUBREGION, "002"),
    ("202", Kind.M49_SUBREGION, "002"),
    ("014", Kind.M49_INTERMEDIATE, "202"),
    ("017", Kind.M49_INTERMEDIATE, "202"),
    ("018", Kind.M49_INTERMEDIATE, "202"),
    ("011", Kind.M49_INTERMEDIATE, "202"),
    ("019", Kind.M49_REGION, None),
    ("419", Kind.M49_SUBREGION, "019"),
    ("029", Kind.M49_INTERMEDIATE, "419"),
    ("013", Kind.M49_INTERMEDIATE, "419"),
    ("005", Kind.M49_INTERMEDIATE, "419"),
    ("021", Kind.M49_SUBREGION, "019"),
    ("142", Kind.M49_REGION, None),
    ("143", Kind.M49_SUBREGION, "142"),
    ("030", Kind.M49_SUBREGION, "142"),
    ("035", Kind.M49_SUBREGION, "142"),
    ("034", Kind.M49_SUBREGION, "142"),
    ("145", Kind.M49_SUBREGION, "142"),
    ("150", Kind.M49_REGION, None),
    ("151", Kind.M49_SUBREGION, "150"),
    ("154", Kind.M49_SUBREGION, "150"),
    ("039", Kind.M49_SUBREGION, "150"),
    ("155", Kind.M49_SUBREGION, "150"),
    ("009", Kind.M49_REGION, None),
    ("053", Kind.M49_SUBREGION, "009"),
    ("054", Kind.M49_SUBREGION, "009"),
    ("057", Kind.M49_SUBREGION, "009"),
    ("061", Kind.M49_SUBREGION, "009"),
]
M49_PARENTS = {code: parent for code, _, parent in M49_AREAS}


class GroupingImportError(ValueError):
    """A groupings CSV that cannot be imported; the message names the line."""


@dataclass(frozen=True)
class GroupingImportResult:
    groupings: int
    created: int
    members: int
    added: int
    removed: int

    def summary(self) -> str:
        return (
            f"{self.groupings} groupings ({self.created} new) with {self.members} memberships "
            f"({self.added} added, {self.removed} removed)"
        )


@dataclass
class _ParsedGrouping:
    name: str
    kind: str
    line: int
    state_ids: set = field(default_factory=set)


@cache
def _country_converter() -> coco.CountryConverter:
    return coco.CountryConverter()


def _m49_lineage(area_code: str) -> list[str]:
    """Return the M49 codes from `area_code` up to its region, lowest level first."""
    lineage = [area_code]
    while M49_PARENTS[lineage[-1]]:
        lineage.append(M49_PARENTS[lineage[-1]])
    return lineage


def member_states_load() -> int:
    """Load the UN member states, their M49 regions and their names from the fixtures; return how many."""
    with transaction.atomic():
        areas = _m49_areas_save()
        rows = _un_members()
        state_ids = _member_states_save(rows, areas)
        wanted = {(areas[code].pk, state_ids[row["iso3"]]) for row in rows for code in row["lineage"]}
        _memberships_sync(Membership.objects.filter(regionalgrouping__kind__in=M49_KINDS), wanted)
        grouping_names_apply()
    return len(state_ids)


def _m49_areas_save() -> dict[str, RegionalGrouping]:
    """Create or update the M49 regions, sub-regions and intermediate regions; return them by code."""
    names = grouping_names()
    areas = {}
    for code, kind, parent in M49_AREAS:
        defaults = {**names[f"m49-{code}"], "kind": kind, "parent": areas.get(parent)}
        areas[code], _ = RegionalGrouping.objects.update_or_create(code=f"m49-{code}", defaults=defaults)
    return areas


def _un_members() -> list[dict]:
    """Return the fixture's rows of the UN member states, each with its M49 lineage, lowest level first."""
    return [{**row, "lineage": _m49_lineage(row["m49_area"])} for row in un_states() if row["status"] == "member"]


def _member_states_save(rows, areas) -> dict[str, int]:
    """Upsert the member states; return their ids by ISO3 code."""
    states = [
        MemberState(
            iso3=row["iso3"],
            m49_code=row["m49"],
            region=areas[row["lineage"][-1]],
            subregion=next(areas[code] for code in row["lineage"] if areas[code].kind == Kind.M49_SUBREGION),
            **_names(row),
            **{field: row[column] for column, field in ARTICLE_FIELDS.items()},
        )
        for row in rows
    ]
    MemberState.objects.bulk_create(
        states,
        update_conflicts=True,
        unique_fields=["iso3"],
        update_fields=["m49_code", "region", "subregion", *NAME_FIELDS.values(), *ARTICLE_FIELDS.values()],
    )
    return dict(MemberState.objects.filter(iso3__in=[row["iso3"] for row in rows]).values_list("iso3", "pk"))


def _names(row: dict) -> dict[str, str]:
    """Return the name fields of a fixture row with a column per language."""
    return {field: row[code] for code, field in NAME_FIELDS.items()}


@cache
def grouping_names() -> dict[str, dict[str, str]]:
    """Return the name fields of the M49 areas and known groupings, by grouping code."""
    with open(GROUPING_NAMES_FIXTURE, encoding="utf-8", newline="") as file:
        return {row["code"]: _names(row) for row in csv.DictReader(file)}


def grouping_names_apply() -> None:
    """Give the loaded groupings that the names fixture knows their names in the other languages.

    The English name stays as loaded or imported.
    """
    for code, names in grouping_names().items():
        RegionalGrouping.objects.filter(code=code).update(**{field: names[field] for field in names if field != "name"})


def _memberships_sync(current, wanted: set[tuple[int, int]]) -> tuple[int, int]:
    """Make the membership rows of `current` exactly the (grouping, state) pairs `wanted`.

    Return how many rows were added and removed.
    """
    rows = {(g, s): pk for pk, g, s in current.values_list("pk", "regionalgrouping_id", "memberstate_id")}
    stale = [pk for pair, pk in rows.items() if pair not in wanted]
    missing = wanted - rows.keys()
    Membership.objects.filter(pk__in=stale).delete()
    Membership.objects.bulk_create(
        [Membership(regionalgrouping_id=g, memberstate_id=s) for g, s in missing], ignore_conflicts=True
    )
    return len(missing), len(stale)


def groupings_import_csv(*, file) -> GroupingImportResult:
    """Create or update the groupings of a CSV file, with exactly the members it lists.

    The file (text or binary, UTF-8) has the header grouping_code,grouping_name,kind,country.
    Any bad line raises GroupingImportError naming it, and nothing is written.
    """
    parsed = _groupings_parse(_csv_text(file))
    with transaction.atomic():
        result = _groupings_save(parsed)
        grouping_names_apply()
    return result


def _csv_text(file) -> str:
    content = file.read()
    if isinstance(content, bytes):
        try:
            content = content.decode("utf-8")
        except UnicodeDecodeError:
            raise GroupingImportError("the file is not UTF-8 text") from None
    return content.removeprefix("\ufeff")


def _groupings_parse(text: str) -> dict[str, _ParsedGrouping]:
    """Return the groupings of a CSV text by code, or raise GroupingImportError."""
    reader = csv.DictReader(io.StringIO(text, newline=""))
    missing = [column for column in CSV_COLUMNS if column not in (reader.fieldnames or ())]
    if missing:
        raise GroupingImportError(f"line 1: the header must be {','.join(CSV_COLUMNS)} (missing {', '.join(missing)})")
    state_ids = dict(MemberState.objects.values_list("iso3", "pk"))
    if not state_ids:
        raise GroupingImportError("no member states are loaded: run load_member_states first")
    m49_codes = set(RegionalGrouping.objects.filter(kind__in=M49_KINDS).values_list("code", flat=True))
    groupings = {}
    try:
        for row in reader:
            _row_add(groupings, row, reader.line_num, state_ids, m49_codes)
    except csv.Error as error:
        raise GroupingImportError(f"line {reader.line_num}: {error}") from None
    if not groupings:
        raise GroupingImportError("the file lists no groupings")
    return groupings


def _row_add(groupings, row, line, state_ids, m49_codes):
    """Add one CSV row to `groupings`, checking it against the rows before it."""
    code, name, kind, country = (str(row.get(column) or "").strip() for column in CSV_COLUMNS)
    code, kind = code.lower(), kind.lower()
    _grouping_check(line, code, name, kind, m49_codes)
    grouping = groupings.setdefault(code, _ParsedGrouping(name=name, kind=kind, line=line))
    if (grouping.name, grouping.kind) != (name, kind):
        raise GroupingImportError(
            f"line {line}: {code} is named {name!r} ({kind}) but {grouping.name!r} ({grouping.kind}) "
            f"on line {grouping.line}"
        )
    grouping.state_ids.add(state_ids[_member_state_iso3(line, country, state_ids)])


def _grouping_check(line, code, name, kind, m49_codes):
    if not code:
        raise GroupingImportError(f"line {line}: grouping_code is empty")
    try:
        validate_slug(code)
    except ValidationError:
        raise GroupingImportError(f"line {line}: grouping_code {code!r} must be letters, digits, - or _") from None
    if len(code) > 64:
        raise GroupingImportError(f"line {line}: grouping_code is longer than 64 characters")
    if not name or len(name) > 200:
        raise GroupingImportError(f"line {line}: grouping_name must be 1 to 200 characters")
    if code in m49_codes:
        raise GroupingImportError(f"line {line}: {code} is a UN M49 region, which load_member_states maintains")
    if kind not in CUSTOM_KINDS:
        raise GroupingImportError(f"line {line}: unknown kind {kind!r} (expected one of {', '.join(CUSTOM_KINDS)})")


def _member_state_iso3(line: int, country: str, state_ids) -> str:
    """Return the ISO3 code of a loaded member state named by ISO3, ISO2 or name."""
    if not country:
        raise GroupingImportError(f"line {line}: country is empty")
    matches = _country_iso3_codes(country)
    if not matches:
        raise GroupingImportError(f"line {line}: unknown country {country!r}")
    if len(matches) > 1:
        codes = ", ".join(sorted(matches))
        raise GroupingImportError(f"line {line}: ambiguous country {country!r} ({codes}): use its ISO3 code")
    (iso3,) = matches
    if iso3 not in state_ids:
        raise GroupingImportError(f"line {line}: {country!r} ({iso3}) is not a UN member state")
    return iso3


def _country_iso3_codes(country: str) -> set[str]:
    """Return the ISO3 codes a country code or name may stand for (none, one, or several)."""
    codes = _country_codes()
    if country.lower() in codes:
        return {codes[country.lower()]}
    converter = _country_converter()
    # The package's own name patterns, matched directly: its convert() logs every miss.
    return {iso3 for regex, iso3 in zip(converter.regexes, converter.data.ISO3) if regex.search(country)}


@cache
def _country_codes() -> dict[str, str]:
    """Return ISO3 codes by lower-case ISO3, ISO2, short and official name, and UN name in each language."""
    data = _country_converter().data
    columns = ["ISO3", "ISO2", "name_short", "name_official"]
    codes = {
        str(key).lower(): row[0] for row in data[columns].itertuples(index=False) for key in row if isinstance(key, str)
    }
    return codes | {row[language].lower(): row["iso3"] for row in un_states() for language in Language.values}


def _groupings_save(parsed: dict[str, _ParsedGrouping]) -> GroupingImportResult:
    """Create or update the parsed groupings and set their members; return the counts."""
    created = 0
    wanted = set()
    for code, grouping in parsed.items():
        obj, was_created = RegionalGrouping.objects.update_or_create(
            code=code, defaults={"name": grouping.name, "kind": grouping.kind}
        )
        created += was_created
        wanted |= {(obj.pk, state_id) for state_id in grouping.state_ids}
    current = Membership.objects.filter(regionalgrouping__code__in=parsed)
    added, removed = _memberships_sync(current, wanted)
    return GroupingImportResult(
        groupings=len(parsed), created=created, members=len(wanted), added=added, removed=removed
    )
