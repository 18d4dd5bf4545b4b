from .consultation import Consultation, PriorityArea, Recommendation, RoundTable
from .languages import RIGHT_TO_LEFT, Audience, Language
from .questions import PositionPaper, Questionnaire, QuestionTemplate
from .stakeholders import (
    CivilSocietyOrganisation,
    CivilSocietyRepresentative,
    FocalPoint,
    MemberState,
    RegionalCoordinator,
    RegionalGrouping,
)

__all__ = [
    "RIGHT_TO_LEFT",
    "Audience",
    "CivilSocietyOrganisation",
    "CivilSocietyRepresentative",
    "Consultation",
    "FocalPoint",
    "Language",
    "MemberState",
    "PositionPaper",
    "PriorityArea",
    "Questionnaire",
    "QuestionTemplate",
    "Recommendation",
    "RegionalCoordinator",
    "RegionalGrouping",
    "RoundTable",
]
