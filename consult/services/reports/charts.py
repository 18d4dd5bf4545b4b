"""Server-side charts: horizontal stacked bars of the choice shares of each question, both audiences.

A `Chart` holds its data and its text alternative; it is drawn with matplotlib's Agg backend as
PNG (Word, PDF) or SVG (HTML). PNG text is shaped here for Arabic, which Agg cannot do; SVG
keeps its text as text, and the browser shapes it.
"""

import hashlib
import re
from dataclasses import dataclass
from io import BytesIO

import matplotlib

matplotlib.use("Agg")

import arabic_reshaper  # noqa: E402
from bidi import get_display  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.utils import formats  # noqa: E402
from django.utils.translation import get_language  # noqa: E402
from django.utils.translation import gettext as _  # noqa: E402
from matplotlib import colormaps, rc_context  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ticker import FuncFormatter  # noqa: E402

from .fonts import chart_fonts  # noqa: E402

from .files import document_text  # noqa: E402

CACHE_SECONDS = 3600
WIDTH_INCHES = 7.2
ROW_INCHES = 0.5
SMALLEST_LABELLED_SHARE = 0.06
ISOLATES = re.compile("[\u2066-\u2069]")
ARABIC = re.compile("[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]")


@dataclass
class Segment:
    label: str
    share: float
    text: str  # the share as the report writes it


@dataclass
class ChartRow:
    label: str
    segments: list[Segment]


@dataclass
class Chart:
    rows: list[ChartRow]
    alt: str
    src: str = ""  # the image as a data URI, once an HTML document draws it


def figures_chart(charted, percent) -> Chart:
    """Return the chart of (audience label, QuestionFigures) pairs, with its text alternative."""
    rows = [chart_row(audience, question, percent) for audience, question in charted]
    return Chart(rows=rows, alt=alternative_text(rows))


def chart_row(audience: str, question, percent) -> ChartRow:
    """Return the question's bar; its texts are drawn into SVG and PNG, so only what those can hold."""
    marker = " †" if question.suppressed else ""
    segments = [
        Segment(document_text(choice.label), choice.share or 0.0, percent(choice.share or 0.0))
        for choice in question.choices
    ]
    # The code is isolated left to right, so that "1.2-support" reads the same in Arabic.
    return ChartRow(label=document_text(f"{audience}: \u2066{question.code}{marker}\u2069"), segments=segments)


def percent_text(number: str) -> str:
    """Return a number as a percentage the way the active language writes it ("66,7 %" in French)."""
    return _("%(number)s%%") % {"number": number}


def axis_percent(share: float, _position) -> str:
    return percent_text(formats.number_format(round(share * 100)))


def alternative_text(rows: list[ChartRow]) -> str:
    """Return every figure of the chart as a sentence, for readers who cannot see it."""
    described = [
        f"{row.label}: " + ", ".join(f"{segment.label} {segment.text}" for segment in row.segments) for row in rows
    ]
    return _("Bar chart of the share of respondents giving each answer.") + " " + "; ".join(described) + "."


def chart_png(chart: Chart) -> bytes:
    """Return the chart as PNG; the same chart is drawn once an hour at most (formats and pages share it)."""
    return cache.get_or_set(cache_key(chart, "png"), lambda: draw_png(chart), CACHE_SECONDS)


def chart_svg(chart: Chart) -> str:
    return cache.get_or_set(cache_key(chart, "svg"), lambda: draw_svg(chart), CACHE_SECONDS)


def cache_key(chart: Chart, kind: str) -> str:
    rows = [(row.label, [(part.label, part.share, part.text) for part in row.segments]) for row in chart.rows]
    # The axis is labelled in the active language: charts of the same figures differ by language.
    return f"report-chart:{kind}:{get_language()}:" + hashlib.sha256(repr(rows).encode()).hexdigest()


def draw_png(chart: Chart) -> bytes:
    buffer = BytesIO()
    draw(chart, shape=visual_order).savefig(buffer, format="png", dpi=150, metadata={"Software": None})
    return buffer.getvalue()


def draw_svg(chart: Chart) -> str:
    buffer = BytesIO()
    with rc_context({"svg.fonttype": "none", "svg.hashsalt": "consult-report"}):
        draw(chart, shape=logical_order).savefig(buffer, format="svg", metadata={"Date": None})
    return buffer.getvalue().decode()


def draw(chart: Chart, *, shape) -> Figure:
    """Return the figure of the chart; `shape` prepares each text for the output format."""
    with rc_context({"font.family": chart_fonts(get_language()), "font.size": 8}):
        height = ROW_INCHES * len(chart.rows) + 0.8
        figure = Figure(figsize=(WIDTH_INCHES, height))
        # Margins from the labels' length: much cheaper than letting matplotlib measure them.
        label_inches = 0.3 + 0.062 * max(len(row.label) for row in chart.rows)
        figure.subplots_adjust(left=min(label_inches / WIDTH_INCHES, 0.5), right=0.97, top=1 - 0.1 / height,
                               bottom=0.6 / height)
        axes = figure.subplots()
        for y, row in enumerate(chart.rows):
            draw_row(axes, y, row, shape)
        axes.set_yticks(range(len(chart.rows)), [shape(row.label) for row in chart.rows])
        axes.invert_yaxis()
        axes.set_xlim(0, 1)
        axes.xaxis.set_major_formatter(FuncFormatter(axis_percent))
        axes.set_xlabel(shape(_("Share of respondents")))
        axes.spines[["top", "right"]].set_visible(False)
    return figure


def draw_row(axes, y: int, row: ChartRow, shape) -> None:
    left = 0.0
    colours = palette(len(row.segments))
    for segment, colour in zip(row.segments, colours):
        axes.barh(y, segment.share, left=left, color=colour, edgecolor="white", height=0.8)
        if segment.share >= SMALLEST_LABELLED_SHARE:
            caption = shape(segment_caption(segment))
            axes.text(left + segment.share / 2, y, caption, ha="center", va="center", fontsize=6.5, color=ink(colour))
        left += segment.share


def segment_caption(segment: Segment) -> str:
    """Return the share, with the answer above it when the bar is wide enough for it."""
    if len(segment.label) <= segment.share * 60:
        return f"{segment.label}\n{segment.text}"
    return segment.text


def palette(size: int) -> list:
    colours = colormaps["cividis"]
    return [colours(0.15 + 0.75 * index / max(size - 1, 1)) for index in range(size)]


def ink(colour) -> str:
    red, green, blue, _alpha = colour
    return "black" if 0.299 * red + 0.587 * green + 0.114 * blue > 0.55 else "white"


def logical_order(text: str) -> str:
    """Return text for SVG, which the browser shapes and orders: without the isolate marks no font can draw."""
    return ISOLATES.sub("", text)


def visual_order(text: str) -> str:
    """Return Arabic text joined and ordered for drawing, as Agg draws glyphs one by one left to right."""
    if ARABIC.search(text):
        text = "\n".join(get_display(arabic_reshaper.reshape(line)) for line in text.split("\n"))
    return ISOLATES.sub("", text)  # Ordering done, their marks would be drawn as boxes.
