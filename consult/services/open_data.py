"""Open data: a Frictionless data package of what a consultation has made public.

`datapackage.json` describes four CSV files with their schemas, the consultation's licence
(CC BY 4.0 unless the secretariat chose another) and its source: the recommendations, the
questions, the published figures (those of the regions whose summary is published, with the
small cells that shared summaries hide left out) and the published responses (submitted, and
published by their authors' choice; an anonymous one without name or country). Nothing else
leaves: no confidential response, no receipt number, no figure of an unpublished region.
"""

import csv
import json
import tempfile
import zipfile
from datetime import UTC, datetime
from pathlib import Path

from django.utils import timezone

from surveys.models import Question

from ..models import Aggregate, Consultation, Position, Recommendation
from ..replica import reads_from_replica
from ..selectors.reports import published_groupings, published_positions
from .exports import RESPONSE_KEY, answered_chunks, question_codes, spreadsheet_safe

LICENCES = {
    "CC-BY-4.0": ("Creative Commons Attribution 4.0", "https://creativecommons.org/licenses/by/4.0/"),
    "CC-BY-SA-4.0": ("Creative Commons Attribution-ShareAlike 4.0", "https://creativecommons.org/licenses/by-sa/4.0/"),
    "CC0-1.0": ("Creative Commons Zero 1.0", "https://creativecommons.org/publicdomain/zero/1.0/"),
    "ODbL-1.0": ("Open Data Commons Open Database License 1.0", "https://opendatacommons.org/licenses/odbl/1-0/"),
}
RECOMMENDATION_FIELDS = [
    ("area", "integer", "Number of the priority area"), ("area_title", "string", "Title of the priority area"),
    ("code", "string", "Code of the recommendation, area.position"), ("text", "string", "Text of the recommendation"),
    ("status", "string", "active or withdrawn"),
]
QUESTION_FIELDS = [
    ("audience", "string", "member_state or civil_society"), ("code", "string", "Code of the question"),
    ("area", "integer", "Number of its priority area"), ("recommendation", "string", "Code of its recommendation"),
    ("type", "string", "scale, single_choice, multiple_choice, yes_no, number, short_text, long_text or ranking"),
    ("text", "string", "Text of the question, in the consultation's language"),
    ("choices", "string", "Its choices, value=label, joined by ' | '"),
]
FIGURE_FIELDS = [
    ("grouping", "string", "Code of the region or grouping; world for all respondents"),
    ("grouping_name", "string", "Name of the region or grouping"), ("audience", "string", "member_state or civil_society"),
    ("question", "string", "Code of the question"), ("choice", "string", "Value of the choice; empty for the question's row"),
    ("respondents", "integer", "Respondents who answered the question"), ("count", "integer", "Respondents who chose it"),
    ("share", "number", "count / respondents"), ("mean", "number", "Mean of a scale"), ("median", "number", "Median of a scale"),
    ("mean_rank", "number", "Mean rank of a ranked item"), ("first_place_share", "number", "Share ranking it first"),
    ("computed_at", "datetime", "When the figure was counted (UTC)"),
]
RESPONSE_FIELDS = [
    ("response", "string", "Identifier of the response"),
    ("respondent", "string", "Name of the respondent; empty when published anonymously"),
    ("country", "string", "ISO code of the country; empty when published anonymously"),
    ("audience", "string", "member_state or civil_society"), ("publication", "string", "attributed or anonymous"),
    ("submitted_at", "datetime", "When the response was submitted (UTC)"),
]


@reads_from_replica
def open_data_write(*, consultation: Consultation, folder: Path, source_url: str = "") -> list[Path]:
    """Write the data package into the folder (created if need be); return the files written."""
    folder.mkdir(parents=True, exist_ok=True)
    codes = question_codes(consultation, None)
    resources = [
        ("recommendations", RECOMMENDATION_FIELDS, recommendation_rows(consultation), ["code"]),
        ("questions", QUESTION_FIELDS, question_rows(consultation), ["audience", "code"]),
        ("figures", FIGURE_FIELDS, figure_rows(consultation), None),
        ("responses", RESPONSE_FIELDS + code_fields(codes), response_rows(consultation, codes), ["response"]),
    ]
    files = [csv_write(folder / f"{name}.csv", fields, rows) for name, fields, rows, _key in resources]
    package = folder / "datapackage.json"
    package.write_text(json.dumps(descriptor(consultation, resources, source_url), ensure_ascii=False, indent=2))
    return [package, *files]


def open_data_zip(*, consultation: Consultation, stream, source_url: str = "") -> None:
    """Write the data package as a zip archive to the binary stream (a folder of the consultation's slug inside)."""
    with zipfile.ZipFile(stream, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        with tempfile.TemporaryDirectory(prefix="open-data-") as folder:
            for path in open_data_write(consultation=consultation, folder=Path(folder), source_url=source_url):
                archive.write(path, f"{consultation.slug}/{path.name}")


def descriptor(consultation: Consultation, resources, source_url: str) -> dict:
    title, path = LICENCES[consultation.open_data_licence]
    return {
        "name": consultation.slug.lower().replace("_", "-"),
        "title": consultation.title,
        "description": consultation.description,
        "licenses": [{"name": consultation.open_data_licence, "title": title, "path": path}],
        "sources": [{"title": consultation.title, **({"path": source_url} if source_url else {})}],
        "created": timezone.now().astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "resources": [resource(name, fields, key) for name, fields, _rows, key in resources],
    }


def resource(name: str, fields, key) -> dict:
    schema = {"fields": [{"name": field, "type": kind, "description": about} for field, kind, about in fields]}
    if key:
        schema["primaryKey"] = key
    return {
        "name": name, "path": f"{name}.csv", "profile": "tabular-data-resource", "format": "csv",
        "mediatype": "text/csv", "encoding": "utf-8", "schema": schema,
    }


def code_fields(codes: list[str]) -> list[tuple[str, str, str]]:
    return [(code, "string", f"Answer to question {code}") for code in codes]


def csv_write(path: Path, fields, rows) -> Path:
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow([name for name, _kind, _about in fields])
        for row in rows:
            writer.writerow([cell(value) for value in row])
    return path


def cell(value):
    """Return the value as open data writes it: times in UTC ISO 8601, no spreadsheet formula, None empty."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return spreadsheet_safe(value)


def recommendation_rows(consultation: Consultation):
    recommendations = Recommendation.objects.filter(area__consultation=consultation).select_related("area")
    for item in recommendations.order_by("area__number", "position"):
        yield [item.area.number, item.area.title, item.code, item.text, item.status]


def question_rows(consultation: Consultation):
    for audience in ("member_state", "civil_society"):
        current = Question.objects.filter(
            survey__questionnaire__consultation=consultation, survey__questionnaire__audience=audience, is_current=True
        ).select_related("section").prefetch_related("choices").order_by("section__order", "section__code", "order", "code")
        for question in current:
            area = int(question.section.code) if question.section and question.section.code.isdigit() else None
            recommendation = question.reference if "." in question.reference else ""
            choices = " | ".join(f"{choice.value}={choice.label}" for choice in question.choices.all())
            yield [audience, question.code, area, recommendation, question.type, question.text, choices]


def figure_rows(consultation: Consultation):
    """Yield the figures of the groupings with a published summary, without the cells shared summaries hide."""
    threshold = consultation.small_cell_threshold
    for grouping in published_groupings(consultation):
        figures = Aggregate.objects.filter(consultation=consultation, grouping=grouping)
        rows = list(figures.order_by("audience", "question_code", "choice_value"))
        small = {(row.audience, row.question_code) for row in rows if not row.choice_value and row.respondents < threshold}
        code, name = (grouping.code, str(grouping)) if grouping else ("world", "World")
        for row in rows:
            if (row.audience, row.question_code) in small:
                continue
            yield [code, name, row.audience, row.question_code, row.choice_value, row.respondents,
                   row.count if row.choice_value else None, row.share, row.mean, row.median, row.mean_rank,
                   row.first_place_share, row.computed_at]


def response_rows(consultation: Consultation, codes: list[str]):
    """Yield the published responses, their answers a chunk of responses at a time."""
    # Keyed as the answers are (RESPONSE_KEY): a UUID is text with hyphens on PostgreSQL, without on SQLite.
    positions = published_positions(consultation).annotate(response_key=RESPONSE_KEY)
    for chunk, answers in answered_chunks(positions, codes):
        for position in chunk:
            values = answers.get(position.response_key, {})
            yield [*respondent_cells(position), *(values.get(code) for code in codes)]


def respondent_cells(position: Position) -> list:
    attributed = position.publication == "attributed"
    if position.member_state_id:
        name, country = position.member_state.name, position.member_state.iso3
    else:
        name, country = position.organisation.name, position.organisation.country.code
    return [str(position.pk), name if attributed else None, country if attributed else None, position.audience,
            position.publication, position.submitted_at]
