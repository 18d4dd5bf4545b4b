"""A questionnaire as an XLSForm, for field collection with KoboToolbox or ODK Collect.

The workbook has the three sheets of the XLSForm standard: `survey` (one row per question, a
group per priority area, the respondent's identity and publication choice first), `choices`
and `settings`. Labels, hints and constraint messages come in every language the questionnaire
has text in (`label::French (fr)`), the source text standing in where a question has no
translation, so that no language shows a blank. A ranking is ODK's `rank` type. Names are the
question codes made valid as XML names (`1.1-priority` becomes `q_1_1_priority`), which is how
`import_responses` reads an export of the form back.
"""

import hashlib
import re

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_countries import countries
from openpyxl import Workbook

from surveys.models import Question, QuestionTranslation, Section

from ..models import Audience, Consultation, MemberState, Publication

LANGUAGE_NAMES = {"ar": "Arabic", "zh": "Chinese", "en": "English", "fr": "French", "ru": "Russian", "es": "Spanish"}
TYPES = {
    Question.Type.SCALE: "select_one", Question.Type.SINGLE_CHOICE: "select_one", Question.Type.YES_NO: "select_one",
    Question.Type.MULTIPLE_CHOICE: "select_multiple", Question.Type.RANKING: "rank",
    Question.Type.NUMBER: "decimal", Question.Type.SHORT_TEXT: "text", Question.Type.LONG_TEXT: "text",
}
NOT_NAME = re.compile(r"[^A-Za-z0-9_]")
SURVEY_COLUMNS = ["type", "name", "label", "hint", "required", "constraint", "constraint_message", "appearance"]
TRANSLATED = {"label", "hint", "constraint_message"}
RESPONDENT = gettext_lazy("Respondent")
MEMBER_STATE = gettext_lazy("Member state")
ORGANISATION = gettext_lazy("Organisation")
COUNTRY = gettext_lazy("Country")
PUBLICATION = gettext_lazy("How may your answers be published?")
OTHER_QUESTIONS = gettext_lazy("Other questions")


class XLSFormError(ValueError):
    """A questionnaire that cannot be written as an XLSForm (it has no questions)."""


def question_name(code: str) -> str:
    """Return the XLSForm name of a question code: "1.1-priority" -> "q_1_1_priority"."""
    return "q_" + NOT_NAME.sub("_", code)


def xlsform_write(*, consultation: Consultation, audience: str, path, language: str | None = None) -> int:
    """Write the audience's questionnaire as an XLSForm to the path (or binary file); return its question count."""
    form = XLSForm(consultation, audience, language)
    workbook = Workbook()
    workbook.remove(workbook.active)
    sheet_write(workbook, "survey", form.columns(SURVEY_COLUMNS), form.survey_rows())
    sheet_write(workbook, "choices", form.columns(["list_name", "name", "label"]), form.choice_rows())
    settings = ["form_title", "form_id", "version", "default_language"]
    sheet_write(workbook, "settings", settings, [form.settings()])
    workbook.save(path)
    return len(form.questions)


def sheet_write(workbook, title: str, header: list[str], rows) -> None:
    sheet = workbook.create_sheet(title)
    sheet.append(header)
    for row in rows:
        sheet.append([row.get(column, "") for column in header])


class XLSForm:
    """The rows of one questionnaire's XLSForm, in its languages."""

    def __init__(self, consultation: Consultation, audience: str, language: str | None):
        self.consultation, self.audience = consultation, audience
        survey = consultation.questionnaires.get(audience=audience).survey
        questions = survey.questions.filter(is_current=True).select_related("section").prefetch_related("choices")
        self.questions = list(questions.order_by("section__order", "section__code", "order", "code"))
        if not self.questions:
            raise XLSFormError(_("The questionnaire has no questions yet: generate them first."))
        self.source = survey.language
        translations = QuestionTranslation.objects.filter(question__in=self.questions)
        self.translations = {(item.question_id, item.language): item for item in translations}
        languages = {self.source, *(item.language for item in self.translations.values())}
        self.languages = sorted(languages & set(LANGUAGE_NAMES), key=list(LANGUAGE_NAMES).index)
        self.default = language if language in self.languages else self.source

    def columns(self, names: list[str]) -> list[str]:
        """Return the columns, each translated one once per language: "label::French (fr)"."""
        return [
            column for name in names
            for column in ([f"{name}::{LANGUAGE_NAMES[code]} ({code})" for code in self.languages]
                           if name in TRANSLATED else [name])
        ]

    def texts(self, name: str, text_of) -> dict:
        """Return a translated column's cells: `text_of(language)` for each language."""
        return {f"{name}::{LANGUAGE_NAMES[code]} ({code})": text_of(code) for code in self.languages}

    def each_language(self, text) -> callable:
        """Return a function giving the lazily translated text (one of the platform's own) in a language."""
        def text_of(code):
            with translation.override(interface_language(code)):
                return str(text)
        return text_of

    def survey_rows(self) -> list[dict]:
        rows = self.respondent_rows()
        sections = {}
        for question in self.questions:
            sections.setdefault(question.section_id, (question.section, []))[1].append(question)
        for section, questions in sections.values():
            rows += self.section_rows(section, questions)
        return rows

    def respondent_rows(self) -> list[dict]:
        rows = [{"type": "begin_group", "name": "respondent", **self.texts("label", self.each_language(RESPONDENT))}]
        if self.audience == Audience.MEMBER_STATE:
            rows.append({"type": "select_one member_states", "name": "country", "required": "yes",
                         **self.texts("label", self.each_language(MEMBER_STATE))})
        else:
            rows.append({"type": "text", "name": "organisation", "required": "yes",
                         **self.texts("label", self.each_language(ORGANISATION))})
            rows.append({"type": "select_one countries", "name": "country", "required": "yes",
                         **self.texts("label", self.each_language(COUNTRY))})
        rows.append({"type": "select_one publication", "name": "publication", "required": "yes",
                     **self.texts("label", self.each_language(PUBLICATION))})
        return [*rows, {"type": "end_group"}]

    def section_rows(self, section: Section | None, questions: list[Question]) -> list[dict]:
        code = section.code if section else "general"
        title = (lambda language: f"{code}. {section.title}") if section else self.each_language(OTHER_QUESTIONS)
        begin = {"type": "begin_group", "name": "area_" + NOT_NAME.sub("_", code), **self.texts("label", title)}
        return [begin, *(self.question_row(question) for question in questions), {"type": "end_group"}]

    def question_row(self, question: Question) -> dict:
        kind = TYPES[question.type]
        row = {
            "type": f"{kind} {question_name(question.code)}" if kind in ("select_one", "select_multiple", "rank") else kind,
            "name": question_name(question.code), "required": "yes" if question.required else "",
            **self.texts("label", lambda code: self.translated(question, code, "text")),
        }
        if question.help_text:
            row.update(self.texts("hint", lambda code: self.translated(question, code, "help_text")))
        if question.type in (Question.Type.SHORT_TEXT, Question.Type.LONG_TEXT):
            row["constraint"] = f"string-length(.) <= {question.text_limit()}"
            limit = question.text_limit()
            row.update(self.texts("constraint_message", lambda code: self.interface_count(limit, code)))
        if question.type == Question.Type.LONG_TEXT:
            row["appearance"] = "multiline"
        return row

    def interface_count(self, limit: int, code: str) -> str:
        with translation.override(interface_language(code)):
            return _("%(count)s characters at most.") % {"count": limit}

    def translated(self, question: Question, language: str, field: str) -> str:
        item = self.translations.get((question.pk, language))
        return (getattr(item, field, "") if item else "") or getattr(question, field)

    def choice_rows(self) -> list[dict]:
        rows = []
        for question in self.questions:
            if TYPES[question.type] not in ("select_one", "select_multiple", "rank"):
                continue
            for choice in question.choices.all():
                rows.append({"list_name": question_name(question.code), "name": choice.value,
                             **self.texts("label", lambda code: self.choice_label(question, choice, code))})
        return rows + self.respondent_choices()

    def choice_label(self, question: Question, choice, language: str) -> str:
        item = self.translations.get((question.pk, language))
        return (item.choice_labels.get(choice.value) if item else None) or choice.label

    def respondent_choices(self) -> list[dict]:
        rows = [{"list_name": "publication", "name": value, **self.texts("label", self.each_language(label))}
                for value, label in Publication.choices]
        if self.audience == Audience.MEMBER_STATE:
            states = MemberState.objects.order_by("iso3")
            return rows + [{"list_name": "member_states", "name": state.iso3,
                            **self.texts("label", lambda code, state=state: state.name_in(code))} for state in states]
        return rows + [{"list_name": "countries", "name": code, **self.texts("label", self.country_name(code))}
                       for code, _name in countries]

    def country_name(self, country: str):
        def text_of(code):
            with translation.override(interface_language(code)):
                return str(countries.name(country))
        return text_of

    def settings(self) -> dict:
        with translation.override(interface_language(self.default)):
            title = f"{self.consultation.title} – {Audience(self.audience).label}"
        digest = hashlib.sha256(
            "|".join(f"{question.pk}:{question.version}" for question in self.questions).encode()
        ).hexdigest()[:8]
        return {
            "form_title": title, "form_id": f"{self.consultation.slug}-{self.audience}",
            "version": digest, "default_language": f"{LANGUAGE_NAMES[self.default]} ({self.default})",
        }


def interface_language(code: str) -> str:
    """Return the interface's language code for a content language code (Chinese is zh-hans there)."""
    return "zh-hans" if code == "zh" else code
