"""Themes and answer assignments for analysts working outside the platform: JSON and XLSX.

The JSON is what `analyse_texts --json` prints: per question its themes (not discarded or
merged away) with their respondents, named as in the responses export, the most typical
first, and its campaigns with their members and representative text. The workbook has one
sheet of themes and one of assignments (one row per answer and theme, with who decided it).
"""

import json
import tempfile
from collections import defaultdict

from django.db.models import Count, Q
from openpyxl import Workbook

from ...models import AnalysedAnswer, Campaign, Theme, ThemeMembership
from ..exports import spreadsheet_safe
from .analysis import text_question_codes

LISTED = (Theme.Status.PROPOSED, Theme.Status.ACCEPTED)


def themes_document(consultation, question_code: str = "") -> dict:
    """Return the consultation's themes and campaigns (one question's, if given) as plain data."""
    codes = [question_code] if question_code else text_question_codes(consultation)
    themes = Theme.objects.filter(consultation=consultation, question_code__in=codes, status__in=LISTED)
    respondents = theme_respondents(themes)
    campaigns = campaign_documents(consultation, codes)
    by_code = defaultdict(list)
    for theme in themes.order_by("question_code", "pk"):
        by_code[theme.question_code].append({
            "id": theme.pk, "label": theme.label, "description": theme.description, "keywords": theme.keywords,
            "respondents": respondents.get(theme.pk, []), "reviewed": theme.status == Theme.Status.ACCEPTED,
        })
    return {"questions": [
        {"code": code, "themes": by_code.get(code, []), "campaigns": campaigns.get(code, [])} for code in codes
    ]}


def theme_respondents(themes) -> dict[int, list[str]]:
    rows = ThemeMembership.objects.filter(theme__in=themes, is_member=True).order_by("theme_id", "-weight", "pk")
    names = defaultdict(list)
    for theme_id, name in rows.values_list("theme_id", "answer__respondent_name"):
        names[theme_id].append(name)
    return names


def campaign_documents(consultation, codes) -> dict[str, list[dict]]:
    campaigns = Campaign.objects.filter(consultation=consultation, question_code__in=codes)
    members = defaultdict(list)
    rows = AnalysedAnswer.objects.filter(campaign__in=campaigns).order_by("campaign_id", "pk")
    for campaign_id, name in rows.values_list("campaign_id", "respondent_name"):
        members[campaign_id].append(name)
    documents = defaultdict(list)
    for campaign in campaigns.select_related("representative__answer").order_by("question_code", "-size", "pk"):
        answer = campaign.representative.answer if campaign.representative else None
        documents[campaign.question_code].append({
            "id": campaign.pk, "respondents": members[campaign.pk], "text": answer.text if answer else "",
        })
    return documents


THEME_COLUMNS = ["question", "theme_id", "label", "description", "keywords", "status", "source", "members"]
ASSIGNMENT_COLUMNS = [
    "question", "theme_id", "theme", "respondent", "audience", "decided_by", "weight", "campaign_size",
    "notable_practice", "evidence_rich", "reviewed", "answer",
]


def themes_json(document: dict) -> str:
    return json.dumps(document, ensure_ascii=False, indent=2)


def themes_workbook_bytes(consultation) -> bytes:
    with tempfile.TemporaryFile() as file:
        themes_workbook(consultation, file)
        file.seek(0)
        return file.read()


def themes_workbook(consultation, path) -> None:
    """Write the themes and the answers' assignments to an XLSX workbook at `path` (write-only: flat memory)."""
    workbook = Workbook(write_only=True)
    themes = Theme.objects.filter(consultation=consultation, status__in=LISTED).order_by("question_code", "pk")
    sheet = workbook.create_sheet("themes")
    sheet.append(THEME_COLUMNS)
    members = Count("memberships", filter=Q(memberships__is_member=True))
    for theme in themes.annotate(members=members):
        sheet.append([spreadsheet_safe(value) for value in theme_row(theme)])
    sheet = workbook.create_sheet("assignments")
    sheet.append(ASSIGNMENT_COLUMNS)
    for row in assignment_rows(themes):
        sheet.append([spreadsheet_safe(value) for value in row])
    workbook.save(path)


def theme_row(theme) -> list:
    return [theme.question_code, theme.pk, theme.label, theme.description, ", ".join(theme.keywords),
            theme.status, theme.source, theme.members]


def assignment_rows(themes):
    """Yield one row per answer in a theme, read in chunks."""
    rows = ThemeMembership.objects.filter(theme__in=themes, is_member=True).order_by("theme__question_code", "theme_id", "-weight")
    values = rows.values_list(
        "theme__question_code", "theme_id", "theme__label", "answer__respondent_name", "answer__audience", "source",
        "weight", "answer__campaign__size", "answer__notable_practice", "answer__evidence_rich",
        "answer__reviewed_at", "answer__answer__text",
    )
    for row in values.iterator(chunk_size=2000):
        *head, reviewed_at, text = row
        yield [*head[:6], round(head[6], 4), head[7] or "", *head[8:], reviewed_at is not None, text or ""]
