"""Fonts for Chinese and Arabic in charts and PDFs, shipped by PyPI packages.

Debian's fonts are not on every machine; these packages are installed with the requirements,
so a fresh machine draws Chinese and Arabic with real glyphs: Noto Sans SC, Noto Sans Arabic
and Noto Naskh Arabic (SIL Open Font License). matplotlib falls back glyph by glyph along a
list of families; WeasyPrint embeds what the @font-face rules point to.
"""

from functools import cache
from pathlib import Path

import pylopdf_fonts_ar
import pylopdf_fonts_zh_cn
from matplotlib import font_manager
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration

from consult.i18n import content_language

PACKAGED_FONTS = {
    "Noto Sans SC": pylopdf_fonts_zh_cn.sans_path(),
    "Noto Sans Arabic": pylopdf_fonts_ar.sans_path(),
    "Noto Naskh Arabic": pylopdf_fonts_ar.serif_path(),
}
# DejaVu Sans ships with matplotlib (Latin, Cyrillic); the report's own script comes first, so
# that its letters, digits and punctuation come from one font.
CHART_FONTS = {
    "ar": ["Noto Sans Arabic", "DejaVu Sans", "Noto Sans SC"],
    "zh": ["Noto Sans SC", "DejaVu Sans", "Noto Sans Arabic"],
}
DEFAULT_CHART_FONTS = ["DejaVu Sans", "Noto Sans SC", "Noto Sans Arabic"]
# The page footer's, outside the document's elements: the report's script first. (Any other
# font first for Arabic, and WeasyPrint drew the whole document's Arabic in it on a machine
# without Arabic fonts; but pdftotext reads Noto Naskh's footer words in pieces, its digits whole.)
PAGE_FONTS = {
    "ar": ["Noto Naskh Arabic", "DejaVu Sans", "Noto Sans SC"],
    "zh": ["Noto Sans SC", "DejaVu Sans", "Noto Naskh Arabic"],
}
DEFAULT_PAGE_FONTS = ["Noto Sans", "DejaVu Sans", "Noto Sans SC", "Noto Naskh Arabic"]
# Text in Chinese or Arabic, the whole document or a quoted answer, takes the packaged font
# first: a system font that a family earlier in the stylesheets falls back to is not on every
# machine. Elements of their own (code, monospace) keep their family.
PDF_SCRIPT_RULES = """
.report-document:lang(zh), body:lang(zh), [lang|="zh"] { font-family: "Noto Sans SC", "DejaVu Sans", sans-serif; }
.report-document:lang(ar), body:lang(ar), [lang|="ar"] {
  font-family: "Noto Naskh Arabic", "Noto Sans Arabic", "DejaVu Sans", "Noto Sans SC", sans-serif;
}
"""


@cache
def fonts_registered() -> None:
    """Make the packaged fonts known to matplotlib, once per process."""
    for path in PACKAGED_FONTS.values():
        font_manager.fontManager.addfont(str(path))


def chart_fonts(language: str) -> list[str]:
    """Return the font families of a chart in `language`, in fallback order."""
    fonts_registered()
    return CHART_FONTS.get(content_language(language), DEFAULT_CHART_FONTS)


def page_fonts(language: str) -> str:
    """Return the CSS font families of a PDF's page footer in `language`, in fallback order."""
    families = PAGE_FONTS.get(content_language(language), DEFAULT_PAGE_FONTS)
    return "".join(f"\"{family}\", " for family in families) + "sans-serif"


def pdf_with_fonts(document: HTML, **options) -> bytes:
    """Return the document as PDF, with the packaged fonts embedded for Chinese and Arabic text."""
    fonts = FontConfiguration()  # @font-face rules take effect only through one shared configuration.
    rules = (f'@font-face {{ font-family: "{family}"; src: url("{path.as_uri()}"); }}'
             for family, path in PACKAGED_FONTS.items())
    stylesheet = CSS(string="\n".join(rules) + PDF_SCRIPT_RULES, font_config=fonts, url_fetcher=document.url_fetcher)
    return document.write_pdf(stylesheets=[stylesheet], font_config=fonts, **options)


def font_file(url: str) -> Path | None:
    """Return the packaged font a PDF asks for by URL, or None when the URL is not one of them."""
    return next((path for path in PACKAGED_FONTS.values() if path.as_uri() == url), None)
