"""Chinese and Arabic draw with real glyphs in charts and PDFs, from fonts the requirements install."""

import json
import os
import subprocess
import sys
import warnings
from pathlib import Path

import matplotlib
import pylopdf_fonts_zh_cn
from django.core.cache import cache
from django.utils import translation
from matplotlib import font_manager

from consult.services.reports.charts import Chart, ChartRow, Panel, Segment, cache_key, chart_png, chart_svg
from consult.services.reports.document import summary_document
from consult.services.reports.fonts import chart_fonts
from consult.services.reports.pdf import render_pdf

from .summaries import make_summary

ROOT = Path(__file__).resolve().parent.parent
# Render in a process that sees no font but the DejaVu fonts matplotlib ships: what a fresh
# machine without Debian's Noto packages has. Prints the PDF's font names and its first page.
RENDER_WITHOUT_SYSTEM_FONTS = """
import json, django
django.setup()
from io import BytesIO
from pypdf import PdfReader
from consult.services.reports.pdf import render_pdf
from tests.summaries import make_summary
pdf = PdfReader(BytesIO(render_pdf(make_summary(grouping_name="{grouping}"), language="{language}")))
fonts = {{font["/BaseFont"] for page in pdf.pages for font in page["/Resources"]["/Font"].values()}}
print(json.dumps({{"fonts": sorted(fonts), "text": pdf.pages[0].extract_text()}}))
"""


def a_chart(*labels):
    segments = [Segment("支持 دعم", 0.6, "60%", "#1f6f8b"), Segment("反对", 0.4, "40%", "#c8553d")]
    return Chart(panels=[Panel("会员国 الدول الأعضاء", [ChartRow(label, segments) for label in labels])], alt="")


def render_without_system_fonts(tmp_path, language, grouping):
    matplotlib_fonts = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    config = tmp_path / "fonts.conf"
    config.write_text(f'<?xml version="1.0"?><fontconfig><dir>{matplotlib_fonts}</dir>'
                      f'<cachedir>{tmp_path / "cache"}</cachedir></fontconfig>')
    environment = {**os.environ, "FONTCONFIG_FILE": str(config), "DJANGO_SETTINGS_MODULE": "config.settings"}
    script = RENDER_WITHOUT_SYSTEM_FONTS.format(language=language, grouping=grouping)
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=environment, capture_output=True, text=True,
                          timeout=300, check=True)
    return json.loads(done.stdout.splitlines()[-1]), done.stderr


def test_chinese_pdf_embeds_the_packaged_font_on_a_machine_without_cjk_fonts(tmp_path):
    result, errors = render_without_system_fonts(tmp_path, "zh-hans", "非洲")

    assert any("Noto-Sans-SC" in font for font in result["fonts"]), result["fonts"]
    assert "区域摘要：非洲" in result["text"]
    assert ".notdef" not in errors and "Glyph" not in errors, errors[-2000:]


def test_arabic_pdf_embeds_the_packaged_font_on_a_machine_without_arabic_fonts(tmp_path):
    result, errors = render_without_system_fonts(tmp_path, "ar", "أفريقيا")

    assert any("Noto-Naskh-Arabic" in font for font in result["fonts"]), result["fonts"]
    assert ".notdef" not in errors and "Glyph" not in errors, errors[-2000:]


def test_charts_in_chinese_and_arabic_draw_every_glyph():
    chart = a_chart("会员国: \u20661.1-support\u2069", "الدول الأعضاء: \u20661.1-support\u2069")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for language in ["zh-hans", "ar", "fr", "ru"]:
            with translation.override(language):
                cache.clear()
                chart_png(chart)
                chart_svg(chart)
    assert [str(warning.message) for warning in caught if "Glyph" in str(warning.message)] == []


def test_chinese_charts_use_the_packaged_font():
    family = chart_fonts("zh-hans")[0]
    found = font_manager.findfont(font_manager.FontProperties(family=family), fallback_to_default=False)
    assert Path(found).resolve() == pylopdf_fonts_zh_cn.sans_path().resolve()


def test_pdf_charts_are_drawn_in_the_report_language():
    summary = make_summary()
    with translation.override("fr"):
        layout = summary_document(summary)
    charts = [recommendation.chart for area in layout.areas for recommendation in area.recommendations
              if recommendation.chart]
    cache.clear()

    render_pdf(summary, language="fr")

    with translation.override("fr"):
        assert all(cache.get(cache_key(chart, "png")) for chart in charts)
    with translation.override("en"):
        assert not any(cache.get(cache_key(chart, "png")) for chart in charts)
