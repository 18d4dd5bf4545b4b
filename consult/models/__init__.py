from .api_tokens import ApiToken
from .audit import AuditEvent
from .consultation import Consultation, PriorityArea, Publication, Recommendation, RoundTable
from .imports import ResponseImport
from .invitations import Invitation
from .languages import RIGHT_TO_LEFT, Audience, Language
from .positions import DeadlineExtension, Position, PositionEvent
from .questions import PositionPaper, Questionnaire, QuestionTemplate
from .reliability import OutboxTask, SubmissionKey, TaskFailure
from .reports import Aggregate, AggregateValue, Excerpt, FigureChange, Report, ReminderLog, ResponseTally
from .stakeholders import (
    CivilSocietyOrganisation,
    CivilSocietyRepresentative,
    FocalPoint,
    MemberState,
    RegionalCoordinator,
    RegionalGrouping,
)
from .themes import AnalysedAnswer, AnalysisRun, Campaign, QuestionReview, Source, Theme, ThemeMembership

__all__ = [
    "RIGHT_TO_LEFT",
    "Aggregate",
    "AggregateValue",
    "Excerpt",
    "FigureChange",
    "ApiToken",
    "AnalysedAnswer",
    "AnalysisRun",
    "Campaign",
    "QuestionReview",
    "Source",
    "Theme",
    "ThemeMembership",
    "AuditEvent",
    "OutboxTask",
    "SubmissionKey",
    "TaskFailure",
    "Report",
    "ReminderLog",
    "ResponseTally",
    "Audience",
    "CivilSocietyOrganisation",
    "CivilSocietyRepresentative",
    "Consultation",
    "DeadlineExtension",
    "Invitation",
    "FocalPoint",
    "Language",
    "MemberState",
    "Position",
    "PositionEvent",
    "PositionPaper",
    "Publication",
    "PriorityArea",
    "Questionnaire",
    "QuestionTemplate",
    "Recommendation",
    "RegionalCoordinator",
    "RegionalGrouping",
    "ResponseImport",
    "RoundTable",
]
