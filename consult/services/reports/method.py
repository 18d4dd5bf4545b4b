"""The method note at the end of every summary: what counts, the definitions, the small-cell rule.

Its words are the rules the code applies (consult/models/positions.py, selectors/consensus.py,
selectors/summaries.py), with this consultation's threshold and flag.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from consult.selectors.summaries import DIVERGENCE_FLAG, Summary

from .wording import decimal, integer


@dataclass
class MethodParagraph:
    heading: str
    text: str


def method_note(summary: Summary) -> list[MethodParagraph]:
    """Return the method note's paragraphs, in the active language."""
    return [
        MethodParagraph(_("What counts as a response"), _(
            "A member state's position or an organisation's response counts once it is submitted. A position the "
            "secretariat reopens for correction does not count until it is submitted again; drafts never count. "
            "The same rule applies to every figure, summary, the dashboard and the exports of answers."
        )),
        MethodParagraph(_("Support and consensus ranking"), _(
            "Support is the share of the member states of this grouping that answered a recommendation's support "
            "question and support it, with or without reservations. The consensus ranking orders the "
            "recommendations by support; equal support is decided by support without reservations, then by the "
            "governments' mean priority. Figures are compared as printed (shares to 0.1 point, means to 0.1): "
            "recommendations equal on all three share a rank, marked “=”, and are called tied."
        )),
        MethodParagraph(_("Divergence"), _(
            "Divergence is the gap between the governments' mean priority and civil society's mean importance of a "
            "recommendation, both on a scale of 1 to 5. From %(flag)s up, governments and civil society are said to "
            "diverge."
        ) % {"flag": decimal(DIVERGENCE_FLAG)}),
        MethodParagraph(_("Small cells"), _(
            "A figure from fewer than %(threshold)s respondents of one audience in this grouping is not shown, and "
            "anonymous quotations from so few are left out, so that no single respondent's answer can be read off."
        ) % {"threshold": integer(summary.threshold)}),
        MethodParagraph(_("Themes and quotations"), _(
            "Themes are those the secretariat reviewed and accepted; each is counted by respondent and illustrated by "
            "one quotation. Quotations come only from respondents who agreed to publication, named if they chose "
            "so, otherwise anonymous; confidential answers are never quoted."
        )),
        MethodParagraph(_("Complete tables"), _(
            "Every figure of every question, by audience, is in the spreadsheet of this summary (XLSX)."
        )),
    ]
