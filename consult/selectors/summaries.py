"""What a regional summary says, read from the stored aggregates (the contract reports render).

`regional_summary` is filled in by the aggregation work; the report formats only read the
dataclasses below, so HTML, Word, PDF and spreadsheets say the same thing.
"""

from dataclasses import dataclass, field
from datetime import datetime


@dataclass
class ChoiceFigure:
    value: str
    label: str
    count: int | None  # None: hidden (fewer respondents than the consultation's threshold)
    share: float | None


@dataclass
class QuestionFigures:
    code: str
    text: str
    type: str
    audience: str
    respondents: int | None
    choices: list[ChoiceFigure] = field(default_factory=list)
    mean: float | None = None
    median: float | None = None
    mean_rank: float | None = None
    first_place_share: float | None = None
    suppressed: bool = False


@dataclass
class Excerpt:
    question_code: str
    text: str
    attribution: str  # the state or organisation, or "" when published anonymously


@dataclass
class RecommendationSummary:
    code: str
    text: str
    member_states: list[QuestionFigures] = field(default_factory=list)
    civil_society: list[QuestionFigures] = field(default_factory=list)
    divergence: float | None = None
    divergence_flag: bool = False
    excerpts: list[Excerpt] = field(default_factory=list)


@dataclass
class AreaSummary:
    number: int
    title: str
    headline: str
    recommendations: list[RecommendationSummary] = field(default_factory=list)
    area_questions: list[QuestionFigures] = field(default_factory=list)


@dataclass
class CoverageFigures:
    states_invited: int
    states_answered: int
    states_submitted: int
    by_subregion: list[tuple[str, int, int, int]]  # name, invited, answered, submitted
    civil_society_by_country: list[tuple[str, int]]


@dataclass
class Summary:
    consultation_title: str
    consultation_language: str
    grouping_name: str  # "World" when for the whole world
    data_cutoff: datetime
    internal: bool  # the secretariat's view: small cells shown, marked
    coverage: CoverageFigures
    areas: list[AreaSummary] = field(default_factory=list)
    consensus: list[tuple[str, float]] = field(default_factory=list)  # recommendation code, breadth of support


def regional_summary(consultation, grouping=None, *, internal: bool = False) -> Summary:
    """Return the summary of the consultation for a grouping (None: the whole world)."""
    raise NotImplementedError("filled in by the aggregation work")
