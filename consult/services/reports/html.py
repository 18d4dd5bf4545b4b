"""The summary as HTML: a standalone document (the HTML report, and the PDF's source) or a site page's context."""

import base64
from functools import cache

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import translation

from consult.selectors.summaries import Summary

from .charts import Chart, Scatter, chart_svg
from .document import SummaryDocument, summary_document
from .files import document_text

STYLESHEET = "consult/reports.css"


def render_html(summary: Summary, *, language: str) -> bytes:
    """Return the summary as a standalone HTML document, charts in SVG, in the language given."""
    return html_string(summary, language=language).encode()


def html_string(summary: Summary, *, language: str, image=None) -> str:
    """Return the standalone document; `image` gives each chart's src (default: an SVG data URI)."""
    with translation.override(language):
        context = summary_context(summary, image=image or svg_data_uri)
        return document_text(render_to_string("reports/summary_document.html", {**context, "stylesheet": stylesheet()}))


def summary_context(summary: Summary, *, image=None) -> dict:
    """Return what the summary templates show; call it in the language of the page."""
    document = summary_document(summary)
    for chart in document_charts(document):
        chart.src = (image or svg_data_uri)(chart)
    return {"document": document, "summary": summary}


def document_charts(document: SummaryDocument) -> list[Chart]:
    blocks = [recommendation for area in document.areas for recommendation in area.recommendations]
    return [block.chart for block in blocks if block.chart]


def svg_data_uri(chart: Chart | Scatter) -> str:
    # An image, even an SVG one, keeps the page free of inline styles for the CSP.
    return "data:image/svg+xml;base64," + base64.b64encode(chart_svg(chart).encode()).decode()


@cache
def stylesheet() -> str:
    """Return the report stylesheet, to embed in standalone documents that travel without the site."""
    with open(finders.find(STYLESHEET), encoding="utf-8") as file:
        return file.read()
