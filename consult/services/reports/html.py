"""The summary as HTML: a standalone document (the HTML report, and the PDF's source) or a site page's context."""

import base64
import re
from functools import cache

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from consult.cache_guard import cache_try
from consult.selectors.summaries import Summary

from .charts import Chart, Scatter, chart_svg, charts_keep
from .document import SummaryDocument, summary_document
from .files import document_text
from .fonts import page_fonts

STYLESHEET = "consult/reports.css"
# The rules for a phone's screen, as the site's summary page links them; not in the PDF's source.
PHONE_STYLESHEET = "consult/reports-phone.css"


def render_html(summary: Summary, *, language: str) -> bytes:
    """Return the summary as a standalone HTML document, charts in SVG, in the language given."""
    return html_string(summary, language=language, phone=True).encode()


def html_string(summary: Summary, *, language: str, image=None, phone: bool = False) -> str:
    """Return the standalone document; `image` gives each chart's src (default: an SVG data URI).

    `phone` embeds the phone screen's rules too (the HTML report; WeasyPrint warns on them).
    """
    with translation.override(language):
        context = summary_context(summary, image=image or svg_data_uri)
        styles = {
            "stylesheet": stylesheet(), "page_style": page_style(context["document"].direction),
            "phone_stylesheet": stylesheet(PHONE_STYLESHEET) if phone else "",
        }
        return document_text(render_to_string("reports/summary_document.html", {**context, **styles}))


def summary_context(summary: Summary, *, image=None, viewer: int | None = None) -> dict:
    """Return what the summary templates show; call it in the language of the page.

    `image` gives each chart's src; without it the charts are linked for the viewer (a user's id,
    None for anyone not logged in), as a site page shows them.
    """
    document = summary_document(summary)
    charts = document_charts(document)
    if image is None:
        chart_links(charts, viewer=viewer)
    else:
        for chart in charts:
            chart.src = image(chart)
    return {"document": document, "summary": summary}


def chart_links(charts: list[Chart | Scatter], *, viewer: int | None) -> None:
    """Give each chart of a site page a link to its SVG, drawn when the viewer's browser asks for it.

    A page of thirty charts inlined weighs a megabyte, and draws every chart whose figures changed
    before it shows at all. If the cache cannot keep the figures for the link, the SVG is inlined.
    """
    tokens = cache_try(lambda: charts_keep(charts, viewer=viewer), fallback=None, skipped="Charts inlined")
    for chart, token in zip(charts, tokens or [None] * len(charts)):
        chart.src = reverse("consult:chart", args=[token]) if token else svg_data_uri(chart)


def document_charts(document: SummaryDocument) -> list[Chart]:
    blocks = [recommendation for area in document.areas for recommendation in area.recommendations]
    return [block.chart for block in blocks if block.chart]


def svg_data_uri(chart: Chart | Scatter) -> str:
    # An image, even an SVG one, keeps the page free of inline styles for the CSP.
    return "data:image/svg+xml;base64," + base64.b64encode(chart_svg(chart).encode()).decode()


def page_style(direction: str) -> str:
    """Return the printed page's footer in the active language: the title at its start, "Page 2 of 9" at its end.

    The end is the left corner in a right-to-left document. The text is the translated sentence
    with the page counters in place of its placeholders.
    """
    number = css_content(_("Page %(number)s of %(pages)s"), number="counter(page)", pages="counter(pages)")
    start, end = ("bottom-right", "bottom-left") if direction == "rtl" else ("bottom-left", "bottom-right")
    text = f"direction: {direction}; font-family: {page_fonts(get_language())};"
    return f"@page {{ @{start} {{ content: string(report-title); {text} }} @{end} {{ content: {number}; {text} }} }}"


def css_content(sentence: str, **values: str) -> str:
    """Return the sentence as a CSS `content` value: its text quoted, its placeholders replaced by the values."""
    parts = re.split(r"%\((\w+)\)s", sentence)
    # Even parts are text, odd ones placeholder names.
    return " ".join(values[part] if index % 2 else css_string(part) for index, part in enumerate(parts) if part)


def css_string(text: str) -> str:
    """Return the text as a CSS string that cannot end its string or its <style> element."""
    return '"' + "".join(f"\\{ord(character):x} " if character in '\\"<>' else character for character in text) + '"'


@cache
def stylesheet(name: str = STYLESHEET) -> str:
    """Return a report stylesheet, to embed in standalone documents that travel without the site."""
    with open(finders.find(name), encoding="utf-8") as file:
        return file.read()
