"""A hand-built regional summary whose every figure the report tests know."""

from datetime import UTC, datetime

from consult.selectors.summaries import (
    AreaSummary,
    ChoiceFigure,
    CoverageFigures,
    Excerpt,
    QuestionFigures,
    RecommendationSummary,
    Summary,
)

CUTOFF = datetime(2013, 5, 14, 9, 30, tzinfo=UTC)
SUPPORT = [
    ("support", "Support"),
    ("support_with_reservations", "Support with reservations"),
    ("do_not_support", "Do not support"),
]


def choices(counts, labels=SUPPORT, hidden=False):
    total = sum(counts)
    return [
        ChoiceFigure(value, label, None if hidden else count, None if hidden else count / total)
        for (value, label), count in zip(labels, counts)
    ]


def support(code, audience, counts, **kwargs):
    text = f"Recommendation {code}: “…”\nWhat is your position on this recommendation?"
    return QuestionFigures(code=f"{code}-support", text=text, type="single_choice", audience=audience,
                           respondents=sum(counts), choices=choices(counts), **kwargs)


def priority(code, audience, respondents, mean, median):
    labels = [(str(value), f"Priority {value}") for value in range(1, 6)]
    counts = [0, 1, 1, respondents - 3, 1] if respondents >= 3 else [respondents, 0, 0, 0, 0]
    return QuestionFigures(code=f"{code}-priority", text="How high a priority is it?", type="scale", audience=audience,
                           respondents=respondents, choices=choices(counts, labels), mean=mean, median=median)


def hidden(code, audience, *, internal=False):
    """Return a question answered by only two respondents: hidden, or shown and marked when internal."""
    figures = choices([2, 0, 0], hidden=not internal)
    return QuestionFigures(code=f"{code}-support", text="What is your position?", type="single_choice",
                           audience=audience, respondents=2 if internal else None, choices=figures, suppressed=True)


def make_summary(*, internal=False, language="en", excerpt="Our <script>alert(1)</script> programme", **kwargs):
    """Return a summary of one area and two recommendations, with a hidden small cell in 1.2."""
    first = RecommendationSummary(
        code="1.1", text="Improve the public image of migrants.",
        member_states=[support("1.1", "member_state", [6, 3, 1]), priority("1.1", "member_state", 10, 3.7, 4.0)],
        civil_society=[support("1.1", "civil_society", [1, 2, 5])],
        divergence=0.48, divergence_flag=True,
        excerpts=[Excerpt("1.1-practices", excerpt, "Senegal"), Excerpt("1.1-practices", "=1+2 campaign", "")],
    )
    second = RecommendationSummary(
        code="1.2", text="Counter xenophobia.",
        member_states=[support("1.2", "member_state", [7, 2, 1])],
        civil_society=[hidden("1.2", "civil_society", internal=internal)],
        divergence=0.05,
    )
    area = AreaSummary(number=1, title="Image of migrants", headline="Change the narrative.",
                       recommendations=[first, second])
    coverage = CoverageFigures(
        states_invited=12, states_answered=11, states_submitted=10,
        by_subregion=[("Western Africa", 7, 6, 6), ("Northern Africa", 5, 5, 4)],
        civil_society_by_country=[("Senegal", 5), ("Morocco", 3)],
    )
    defaults = dict(consultation_title="High-Level Dialogue consultation", consultation_language=language,
                    grouping_name="Africa", data_cutoff=CUTOFF, internal=internal, coverage=coverage,
                    areas=[area], threshold=3)
    return Summary(**(defaults | kwargs))
