"""Server-side charts: panels of horizontal stacked bars, each with its legend, and a labelled scatter.

A `Chart` holds its data and its text alternative; it is drawn with matplotlib's Agg backend as
PNG (Word, PDF) or SVG (HTML, the dashboard). Every text is in the active language; in a
right-to-left language the bars grow from the right, row labels stand on the right and legends
read from the right. PNG text is shaped here for Arabic, which Agg cannot do; SVG keeps its
text as text, and the browser shapes it.

Answers that are not a position on the scale ("not applicable", "don't know") are drawn in a
neutral grey at the end of the bar, never in a colour of the scale.
"""

import re
from dataclasses import dataclass, field
from functools import lru_cache
from io import BytesIO

import matplotlib

matplotlib.use("Agg")

import arabic_reshaper  # noqa: E402
from bidi import get_display  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.utils import formats, translation  # noqa: E402
from django.utils.crypto import salted_hmac  # noqa: E402
from django.utils.translation import get_language, get_language_bidi  # noqa: E402
from django.utils.translation import gettext as _  # noqa: E402
from matplotlib import colormaps, rc_context  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.font_manager import FontProperties  # noqa: E402
from matplotlib.patches import Rectangle  # noqa: E402
from matplotlib.textpath import TextToPath  # noqa: E402
from matplotlib.ticker import FuncFormatter  # noqa: E402

from consult.cache_guard import cache_try  # noqa: E402

from .files import document_text  # noqa: E402
from .fonts import chart_fonts  # noqa: E402

CACHE_SECONDS = 3600
WIDTH_INCHES = 6.9
FONT_POINTS = 7.5
ROW_INCHES = 0.21
AXIS_INCHES = 0.2
LEGEND_LINE_INCHES = 0.17
PANEL_GAP_INCHES = 0.06
LEGEND_BOX_INCHES = 0.1
SMALLEST_LABELLED_SHARE = 0.07
NEUTRAL = "#b4b4b4"
PALETTES = ("Blues", "Greens", "Purples", "Oranges")  # one hue per row of a panel whose rows differ
TEXT_PATHS = TextToPath()
ISOLATES = re.compile("[\u2066-\u2069]")
ARABIC = re.compile("[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]")


@dataclass
class Segment:
    label: str  # the answer, in words
    share: float  # 0 to 1; a number of states on a panel of counts
    text: str  # the figure as the report writes it
    colour: str


@dataclass
class ChartRow:
    label: str
    segments: list[Segment]


@dataclass
class Legend:
    title: str
    entries: list[tuple[str, str]]  # label, colour


@dataclass
class Panel:
    title: str
    rows: list[ChartRow]
    legends: list[Legend] = field(default_factory=list)
    maximum: float = 1.0  # the axis' end: 1 for shares, the largest total for counts
    percent: bool = True


@dataclass
class Chart:
    panels: list[Panel]
    alt: str
    src: str = ""  # the image as a data URI or link, once a document draws it


@dataclass
class ScatterPoint:
    label: str
    x: float
    y: float
    flagged: bool


@dataclass
class Scatter:
    points: list[ScatterPoint]
    x_label: str
    y_label: str
    threshold: float  # a dashed line at this y
    alt: str
    src: str = ""


def scale_colours(size: int, palette: str = PALETTES[0]) -> list[str]:
    """Return `size` colours of a sequential palette, light to dark, for answers in order."""
    return list(palette_colours(size, palette))


@lru_cache
def palette_colours(size: int, palette: str) -> tuple[str, ...]:
    # Each look-up copies the colour map and builds its table: a summary page asks hundreds of times.
    colours = colormaps[palette]
    return tuple(matplotlib.colors.to_hex(colours(0.3 + 0.6 * index / max(size - 1, 1))) for index in range(size))


def percent_text(number: str) -> str:
    """Return a number as a percentage the way the active language writes it ("66,7 %" in French)."""
    return _("%(number)s%%") % {"number": number}


def chart_alternative(panels: list[Panel]) -> str:
    """Return every figure of the chart as sentences, for readers who cannot see it."""
    described = [
        f"{panel.title} – {row.label}: " + ", ".join(f"{segment.label} {segment.text}" for segment in row.segments)
        for panel in panels
        for row in panel.rows
    ]
    return _("Bar chart.") + " " + "; ".join(described) + "."


def chart_png(chart: Chart | Scatter) -> bytes:
    """Return the chart as PNG; the same chart is drawn once an hour at most (formats and pages share it)."""
    return cached_drawing(chart, "png", draw_png)


def chart_svg(chart: Chart | Scatter) -> str:
    return cached_drawing(chart, "svg", draw_svg)


def cached_drawing(chart: Chart | Scatter, kind: str, draw):
    """Return the chart drawn by `draw`, from the cache if it holds it; drawn here if the cache is down."""
    key = cache_key(chart, kind)
    drawn = cache_try(lambda: cache.get(key), fallback=None, skipped="Chart drawn again")
    if drawn is None:
        drawn = draw(chart)
        cache_try(lambda: cache.set(key, drawn, CACHE_SECONDS), fallback=None, skipped="Chart not kept")
    return drawn


def chart_token(chart: Chart | Scatter, viewer: int | None = None) -> str:
    """Return the chart's name: its figures and the active language (and the viewer's id, for a
    link), signed with the site's secret.

    Axis texts and direction follow the language, so the same figures draw differently by language.
    Signed, the name cannot be worked out from guessed figures: only a page that shows the chart links to it.
    """
    drawn = repr(chart.points if isinstance(chart, Scatter) else chart.panels)
    return salted_hmac("report-chart", f"{viewer}:{get_language()}:{drawn}", algorithm="sha256").hexdigest()


def cache_key(chart: Chart | Scatter, kind: str) -> str:
    return f"report-chart:v3:{kind}:{chart_token(chart)}"


def figures_key(token: str) -> str:
    return f"report-chart:v3:figures:{token}"


def charts_keep(charts: list[Chart | Scatter], *, viewer: int | None) -> list[str]:
    """Keep the charts' figures in the cache for an hour, for `linked_chart_svg` to draw for the
    same viewer (a user's id; None: anyone not logged in), in the active language; return their names."""
    tokens = [chart_token(chart, viewer) for chart in charts]
    kept = (viewer, get_language())
    cache.set_many({figures_key(token): (*kept, chart) for token, chart in zip(tokens, charts)}, CACHE_SECONDS)
    return tokens


def linked_chart_svg(token: str, *, viewer: int | None) -> str | None:
    """Return the SVG of a chart kept by `charts_keep` under this name for this viewer, or None if
    the cache does not hold it for them."""
    kept = cache_try(lambda: cache.get(figures_key(token)), fallback=None, skipped="Chart not found")
    if kept is None or kept[0] != viewer:
        return None
    _viewer, language, chart = kept
    with translation.override(language):
        return chart_svg(chart)


def draw_png(chart: Chart | Scatter) -> bytes:
    buffer = BytesIO()
    drawing(chart, visual_order).savefig(buffer, format="png", dpi=150, metadata={"Software": None})
    return buffer.getvalue()


def draw_svg(chart: Chart | Scatter) -> str:
    buffer = BytesIO()
    with rc_context({"svg.fonttype": "none", "svg.hashsalt": "consult-report"}):
        drawing(chart, logical_order).savefig(buffer, format="svg", metadata={"Date": None})
    return buffer.getvalue().decode()


def drawing(chart: Chart | Scatter, shape) -> Figure:
    with rc_context({"font.family": chart_fonts(get_language()), "font.size": FONT_POINTS}):
        if isinstance(chart, Scatter):
            return draw_scatter(chart, shape)
        return draw_panels(chart, shape)


class Layout:
    """Where things go on the figure, in inches from its top and its reading start (left, or right in RTL)."""

    def __init__(self, figure: Figure, height: float, rtl: bool):
        self.figure, self.height, self.rtl = figure, height, rtl

    def x(self, inches: float) -> float:
        share = inches / WIDTH_INCHES
        return 1 - share if self.rtl else share

    def y(self, inches: float) -> float:
        return 1 - inches / self.height

    def text(self, start: float, top: float, text: str, **options):
        align = "right" if self.rtl else "left"
        self.figure.text(self.x(start), self.y(top), text, ha=align, va="top", **options)


def draw_panels(chart: Chart, shape) -> Figure:
    """Return the figure: per panel its title and legends, then its bars; the share axis under the last."""
    label_inches = min(max(text_inches(row.label) for panel in chart.panels for row in panel.rows) + 0.15, 2.6)
    legend_lines = [legend_layout(panel) for panel in chart.panels]
    heights = [panel_inches(panel, lines) for panel, lines in zip(chart.panels, legend_lines)]
    height = sum(heights) + PANEL_GAP_INCHES * (len(chart.panels) - 1) + AXIS_INCHES + 0.04
    figure = Figure(figsize=(WIDTH_INCHES, height))
    layout = Layout(figure, height, get_language_bidi())
    top = 0.02
    for index, (panel, lines, panel_height) in enumerate(zip(chart.panels, legend_lines, heights)):
        draw_panel(layout, panel, lines, top, label_inches, shape, axis=index == len(chart.panels) - 1)
        top += panel_height + PANEL_GAP_INCHES
    return figure


def panel_inches(panel: Panel, legend_lines: list) -> float:
    return LEGEND_LINE_INCHES * max(len(legend_lines), 1) + 0.04 + ROW_INCHES * len(panel.rows)


def draw_panel(layout: Layout, panel: Panel, legend_lines, top: float, label_inches: float, shape, axis: bool) -> None:
    layout.text(0.02, top, shape(panel.title), fontweight="bold")
    draw_legends(layout, legend_lines, top, shape)
    bars_top = top + LEGEND_LINE_INCHES * max(len(legend_lines), 1) + 0.04
    bars_height = ROW_INCHES * len(panel.rows)
    left = label_inches / WIDTH_INCHES
    bottom = layout.y(bars_top + bars_height)
    rectangle = [0.02 if layout.rtl else left, bottom, 1 - left - 0.04, bars_height / layout.height]
    axes = layout.figure.add_axes(rectangle)
    for y, row in enumerate(panel.rows):
        draw_row(axes, y, row, panel, shape)
    axes.set_ylim(len(panel.rows) - 0.5, -0.5)
    axes.set_yticks(range(len(panel.rows)), [shape(row.label) for row in panel.rows])
    axes.set_xlim(*((panel.maximum, 0) if layout.rtl else (0, panel.maximum)))
    axes.xaxis.set_major_formatter(FuncFormatter(axis_percent if panel.percent else axis_number))
    axes.tick_params(axis="both", length=2, pad=2, labelsize=FONT_POINTS - 1)
    axes.tick_params(axis="y", labelsize=FONT_POINTS)
    axes.tick_params(axis="x", labelbottom=axis)
    if layout.rtl:
        axes.yaxis.tick_right()
    axes.spines[["top", "left" if layout.rtl else "right"]].set_visible(False)


def draw_row(axes, y: int, row: ChartRow, panel: Panel, shape) -> None:
    start = 0.0
    for segment in row.segments:
        axes.barh(y, segment.share, left=start, color=segment.colour, edgecolor="white", linewidth=0.6, height=0.72)
        if segment.share >= SMALLEST_LABELLED_SHARE * panel.maximum:
            axes.text(start + segment.share / 2, y, shape(segment.text), ha="center", va="center",
                      fontsize=FONT_POINTS - 1, color=ink(segment.colour))
        start += segment.share


def legend_layout(panel: Panel) -> list[list[tuple[float, str, str, bool]]]:
    """Return the legends' lines: (start in inches, label, colour, is_title), flowing like text.

    The first legend follows the panel's title on its line; each other starts a line of its own.
    """
    start = text_inches(panel.title, bold=True) + 0.25
    lines, line = [], []
    room = WIDTH_INCHES - 0.05
    for number, legend in enumerate(panel.legends):
        if number:
            lines.append(line)
            line, start = [], 0.02
        items = ([(legend.title, "", True)] if legend.title else []) + [(label, colour, False) for label, colour in legend.entries]
        for label, colour, is_title in items:
            width = text_inches(label, bold=is_title) + (0.1 if is_title else LEGEND_BOX_INCHES + 0.18)
            if line and start + width > room:
                lines.append(line)
                line, start = [], 0.02
            line.append((start, label, colour, is_title))
            start += width
    return lines + ([line] if line else [])


def draw_legends(layout: Layout, lines, top: float, shape) -> None:
    for number, line in enumerate(lines):
        y = top + LEGEND_LINE_INCHES * number
        for start, label, colour, is_title in line:
            if is_title:
                layout.text(start, y, shape(label), fontweight="bold")
                continue
            box = LEGEND_BOX_INCHES
            x = layout.x(start + (box if layout.rtl else 0))
            layout.figure.add_artist(Rectangle((x, layout.y(y + box + 0.015)), box / WIDTH_INCHES, box / layout.height,
                                               transform=layout.figure.transFigure, facecolor=colour,
                                               edgecolor="#555555", linewidth=0.3))
            layout.text(start + box + 0.05, y, shape(label))


def draw_scatter(chart: Scatter, shape) -> Figure:
    """Return a scatter of support (x) against divergence (y), each point labelled, the flag line dashed."""
    figure = Figure(figsize=(WIDTH_INCHES, 3.6))
    rtl = get_language_bidi()
    figure.subplots_adjust(left=0.1 if not rtl else 0.03, right=0.97 if not rtl else 0.9, top=0.95, bottom=0.14)
    axes = figure.subplots()
    for point in chart.points:
        colour = "#b2182b" if point.flagged else "#2166ac"
        axes.scatter(point.x, point.y, s=18, color=colour, zorder=3)
        axes.annotate(shape(point.label), (point.x, point.y), xytext=(3, 3), textcoords="offset points",
                      fontsize=FONT_POINTS - 1)
    axes.axhline(chart.threshold, color="#b2182b", linestyle="--", linewidth=0.8)
    axes.set_xlim(*((1.05, -0.02) if rtl else (-0.02, 1.05)))
    axes.set_ylim(0, max([point.y for point in chart.points] + [chart.threshold]) * 1.15)
    axes.xaxis.set_major_formatter(FuncFormatter(axis_percent))
    axes.set_xlabel(shape(chart.x_label))
    axes.set_ylabel(shape(chart.y_label))
    if rtl:
        axes.yaxis.tick_right()
        axes.yaxis.set_label_position("right")
    axes.spines[["top", "left" if rtl else "right"]].set_visible(False)
    axes.grid(alpha=0.3, linewidth=0.5)
    return figure


def axis_percent(share: float, _position) -> str:
    return percent_text(formats.number_format(round(share * 100)))


def axis_number(value: float, _position) -> str:
    return formats.number_format(round(value)) if value == round(value) else ""


def text_inches(text: str, *, bold: bool = False) -> float:
    """Return how wide the text is drawn at the chart's size, in the active fonts (measured, without drawing)."""
    return measured_inches(ISOLATES.sub("", text), bold, tuple(matplotlib.rcParams["font.family"]))


@lru_cache(maxsize=4096)
def measured_inches(text: str, bold: bool, families: tuple[str, ...]) -> float:
    font = FontProperties(family=list(families), size=FONT_POINTS, weight="bold" if bold else "normal")
    width, _height, _descent = TEXT_PATHS.get_text_width_height_descent(text, font, ismath=False)
    return width / 72


def ink(colour: str) -> str:
    red, green, blue = matplotlib.colors.to_rgb(colour)
    return "black" if 0.299 * red + 0.587 * green + 0.114 * blue > 0.55 else "white"


def logical_order(text: str) -> str:
    """Return text for SVG, which the browser shapes and orders: without the isolate marks no font can draw."""
    return ISOLATES.sub("", document_text(text))


def visual_order(text: str) -> str:
    """Return Arabic text joined and ordered for drawing, as Agg draws glyphs one by one left to right."""
    text = document_text(text)
    if ARABIC.search(text):
        text = "\n".join(get_display(arabic_reshaper.reshape(line)) for line in text.split("\n"))
    return ISOLATES.sub("", text)  # Ordering done, their marks would be drawn as boxes.
