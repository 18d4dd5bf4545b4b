"""The key messages of a summary: sentences built from its stored figures, in the active language.

Nothing here is typed by hand: each sentence is a translated template filled with the
summary's figures, and links to the sections that hold them. Figures are compared as the
reports print them, so that two recommendations that read the same are said to be tied rather
than ranked. Hidden (small-cell) figures take part in nothing.
"""

from dataclasses import dataclass, field

from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from consult.selectors.consensus import Standing, printed_share, ranks
from consult.selectors.summaries import DIVERGENCE_FLAG, Summary

from .wording import decimal, integer, isolated, listed, percent

SHORT_TEXT_WORDS = 10
THEMED_DIVERGENCES = 3
MANY_PLACES = 3  # more tied sub-regions than this are counted, not named
COVERAGE_ANCHOR = "annex-coverage"


@dataclass
class KeyMessage:
    text: str
    links: list[tuple[str, str]] = field(default_factory=list)  # label, anchor of the section


def key_messages(summary: Summary) -> list[KeyMessage]:
    """Return the summary's key messages, in the order a reader wants them."""
    standings = summary.standings
    builders = [
        coverage_message(summary),
        *support_messages(summary),
        divergence_message(standings),
        comparison_message(summary, standings),
        *theme_messages(summary, standings),
    ]
    return [message for message in builders if message is not None]


def recommendation_anchor(code: str) -> str:
    return "recommendation-" + code.replace(".", "-")


def area_anchor(number: int) -> str:
    return f"area-{number}"


def links_to(standings: list[Standing]) -> list[tuple[str, str]]:
    return [(standing.code, recommendation_anchor(standing.code)) for standing in standings]


def named(standings: list[Standing]) -> str:
    """Return the recommendations for a sentence: one with its opening words, several by code."""
    if len(standings) == 1:
        short = Truncator(" ".join(standings[0].text.split())).words(SHORT_TEXT_WORDS)
        return f"\u2066{standings[0].code}\u2069 " + isolated(f"“{short}”")
    return listed([f"\u2066{standing.code}\u2069" for standing in standings])


def coverage_message(summary: Summary) -> KeyMessage | None:
    coverage = summary.coverage
    organisations = sum(total for _country, total in coverage.civil_society_by_country)
    if not coverage.states_invited and not organisations:
        return None
    parts = []
    if coverage.states_invited:
        parts.append(_("%(submitted)s of the %(invited)s member states invited have submitted their position (%(rate)s).") % {
            "submitted": integer(coverage.states_submitted), "invited": integer(coverage.states_invited),
            "rate": percent(coverage.states_submitted / coverage.states_invited),
        })
    parts.append(ngettext(
        "%(count)s civil society organisation has responded.", "%(count)s civil society organisations have responded.",
        organisations,
    ) % {"count": integer(organisations)})
    parts.append(subregion_sentence(coverage.by_subregion))
    return KeyMessage(" ".join(part for part in parts if part), [(_("Response coverage"), COVERAGE_ANCHOR)])


def subregion_sentence(by_subregion) -> str:
    """Say where the response rate (submitted of invited) is highest and lowest; equal rates as equal."""
    rates = [(name, submitted / invited) for name, invited, _answered, submitted in by_subregion if invited]
    if len(rates) < 2:
        return ""
    printed = [printed_share(rate) for _name, rate in rates]
    if min(printed) == max(printed):
        return _("The response rate is the same in every sub-region: %(rate)s.") % {"rate": percent(rates[0][1])}
    best = [name for name, rate in rates if printed_share(rate) == max(printed)]
    worst = [name for name, rate in rates if printed_share(rate) == min(printed)]
    return _("The response rate is highest in %(best)s (%(best_rate)s) and lowest in %(worst)s (%(worst_rate)s).") % {
        "best": places(best), "best_rate": percent(max(printed) / 1000),
        "worst": places(worst), "worst_rate": percent(min(printed) / 1000),
    }


def places(names: list[str]) -> str:
    """Return the sub-regions by name, or how many they are when they are many."""
    if len(names) <= MANY_PLACES:
        return listed(names)
    return ngettext("%(count)s sub-region", "%(count)s sub-regions", len(names)) % {"count": integer(len(names))}


def support_messages(summary: Summary) -> list[KeyMessage]:
    """Say which recommendations have the broadest and the weakest support, ties as ties."""
    ranking = summary.consensus
    if not ranking:
        if any(standing.states for standing in summary.standings):
            return [KeyMessage(_("Too few member states answered here for their support to be shown."))]
        return []
    top = [entry.standing for entry in ranking if entry.rank == 1]
    messages = [support_message(top, ranking, broadest=True)]
    lowest = ranking[-1].rank
    if lowest != 1:
        bottom = [entry.standing for entry in ranking if entry.rank == lowest]
        messages.append(support_message(bottom, ranking, broadest=False))
    return messages


def support_message(standings: list[Standing], ranking, *, broadest: bool) -> KeyMessage:
    first = standings[0]
    figures = {
        "recommendations": named(standings), "share": percent(first.support), "full": percent(first.full_support),
    }
    if len(standings) == 1:
        template = (
            _("Broadest support: %(recommendations)s, supported by %(share)s of the member states that answered "
              "(%(full)s without reservations).")
            if broadest else
            _("Weakest support: %(recommendations)s, supported by %(share)s of the member states that answered "
              "(%(full)s without reservations).")
        )
    else:
        template = (
            _("Broadest support, tied: %(recommendations)s, each supported by %(share)s of the member states that "
              "answered (%(full)s without reservations).")
            if broadest else
            _("Weakest support, tied: %(recommendations)s, each supported by %(share)s of the member states that "
              "answered (%(full)s without reservations).")
        )
    text = template % figures
    same_share = [
        entry for entry in ranking
        if printed_share(entry.standing.support) == printed_share(first.support) and entry.standing not in standings
    ]
    if same_share:
        text += " " + ngettext(
            "One other recommendation has the same share and is placed by the tie-breaks (see the method note).",
            "%(count)s other recommendations have the same share and are placed by the tie-breaks (see the method note).",
            len(same_share),
        ) % {"count": integer(len(same_share))}
    return KeyMessage(text, links_to(standings))


def divergence_message(standings: list[Standing]) -> KeyMessage | None:
    """Say how many recommendations divide governments and civil society, and where the gap is widest."""
    compared = [standing for standing in standings if standing.divergence is not None]
    if not compared:
        return None
    widest = [item for rank, _tied, item in ranks(compared, lambda s: round(s.divergence * 10)) if rank == 1]
    flagged = [standing for standing in compared if standing.divergence_flag]
    gap = {"gap": decimal(widest[0].divergence), "flag": decimal(DIVERGENCE_FLAG), "recommendations": named(widest)}
    if not flagged:
        text = _("Governments and civil society rate every recommendation within %(flag)s of each other on the 1–5 "
                 "scale; the widest gap is %(gap)s, on %(recommendations)s.") % gap
        return KeyMessage(text, links_to(widest))
    text = ngettext(
        "Governments and civil society diverge on %(count)s recommendation: their mean ratings differ by %(flag)s "
        "or more on the 1–5 scale.",
        "Governments and civil society diverge on %(count)s recommendations: their mean ratings differ by %(flag)s "
        "or more on the 1–5 scale.",
        len(flagged),
    ) % {"count": integer(len(flagged)), "flag": gap["flag"]}
    if len(widest) == 1:
        text += " " + _("The widest gap is on %(recommendations)s: governments rate its priority %(priority)s, civil "
                        "society its importance %(importance)s (a gap of %(gap)s).") % {
            **gap, "priority": decimal(widest[0].priority), "importance": decimal(widest[0].importance),
        }
    else:
        text += " " + _("The widest gap, %(gap)s, is shared by %(recommendations)s.") % gap
    return KeyMessage(text, links_to(widest))


def comparison_message(summary: Summary, standings: list[Standing]) -> KeyMessage | None:
    if summary.is_world:
        return regions_message(summary, standings)
    return world_message(summary, standings)


def world_message(summary: Summary, standings: list[Standing]) -> KeyMessage | None:
    """Say where the grouping's support differs most from the world's."""
    compared = [
        (standing, summary.world_support[standing.code]) for standing in standings
        if standing.support is not None and standing.code in summary.world_support
    ]
    if not compared:
        return None
    ranked = ranks(compared, lambda pair: abs(printed_share(pair[0].support) - printed_share(pair[1])))
    most = [pair for rank, _tied, pair in ranked if rank == 1]
    difference = abs(printed_share(most[0][0].support) - printed_share(most[0][1])) / 10
    figures = {"grouping": summary.grouping_name, "recommendations": named([pair[0] for pair in most]),
               "difference": points(difference)}
    if difference == 0:
        text = _("Support in %(grouping)s is the same as worldwide for every recommendation.") % figures
    elif len(most) == 1:
        text = _("%(grouping)s differs most from the world on %(recommendations)s: %(here)s of its member states "
                 "that answered support it, against %(world)s worldwide.") % {
            **figures, "here": percent(most[0][0].support), "world": percent(most[0][1]),
        }
    else:
        text = _("%(grouping)s differs most from the world, by %(difference)s each, on %(recommendations)s.") % figures
    return KeyMessage(text, links_to([pair[0] for pair in most]))


def regions_message(summary: Summary, standings: list[Standing]) -> KeyMessage | None:
    """Say on which recommendation the UN regions differ most (the world's summary)."""
    spreads = []
    for standing in standings:
        regional = summary.regional_support.get(standing.code, [])
        if len(regional) >= 2:
            printed = [printed_share(share) for _region, share in regional]
            spreads.append((standing, regional, max(printed) - min(printed)))
    if not spreads:
        return None
    most = [entry for rank, _tied, entry in ranks(spreads, lambda entry: entry[2]) if rank == 1]
    if len(most) > 1:
        text = _("Regions differ most, by %(difference)s each, on %(recommendations)s.") % {
            "difference": points(most[0][2] / 10), "recommendations": named([entry[0] for entry in most]),
        }
        return KeyMessage(text, links_to([entry[0] for entry in most]))
    standing, regional, _spread = most[0]
    printed = [printed_share(share) for _region, share in regional]
    low = [region for region, share in regional if printed_share(share) == min(printed)]
    high = [region for region, share in regional if printed_share(share) == max(printed)]
    text = _("Regions differ most on %(recommendations)s: support ranges from %(low)s in %(low_regions)s to %(high)s "
             "in %(high_regions)s.") % {
        "recommendations": named([standing]), "low": percent(min(printed) / 1000), "low_regions": listed(low),
        "high": percent(max(printed) / 1000), "high_regions": listed(high),
    }
    return KeyMessage(text, links_to([standing]))


def points(difference: float) -> str:
    return _("%(number)s percentage points") % {"number": decimal(difference)}


def theme_messages(summary: Summary, standings: list[Standing]) -> list[KeyMessage]:
    """Name the most frequent reviewed theme of the most divergent recommendations that have themes."""
    themes = {recommendation.code: recommendation.themes for recommendation in summary.recommendations}
    divergent = sorted(
        (standing for standing in standings if standing.divergence_flag and themes.get(standing.code)),
        key=lambda standing: -standing.divergence,
    )
    messages = []
    for standing in divergent[:THEMED_DIVERGENCES]:
        theme = themes[standing.code][0]
        text = _("On %(recommendation)s, where governments and civil society diverge, the most frequent reviewed "
                 "theme is “%(theme)s” (governments: %(states)s; civil society: %(organisations)s).") % {
            "recommendation": f"\u2066{standing.code}\u2069", "theme": isolated(theme.label),
            "states": count_or_hidden(theme.member_states), "organisations": count_or_hidden(theme.civil_society),
        }
        messages.append(KeyMessage(text, links_to([standing])))
    return messages


def count_or_hidden(count: int | None) -> str:
    return _("not shown") if count is None else integer(count)
