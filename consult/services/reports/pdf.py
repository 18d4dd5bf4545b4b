"""The summary as PDF: the HTML document, its charts as PNG, laid out by WeasyPrint."""

from django.utils import translation
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from consult.selectors.summaries import Summary

from .charts import Chart, chart_png
from .fonts import font_file, pdf_with_fonts
from .html import html_string


def render_pdf(summary: Summary, *, language: str) -> bytes:
    """Return the summary as a PDF file, in the language given."""
    charts = ChartFetcher()
    # WeasyPrint draws the charts while it lays the document out: their axes are labelled then.
    with translation.override(language):
        html = html_string(summary, language=language, image=charts.link)
        return pdf_with_fonts(HTML(string=html, url_fetcher=charts), pdf_identifier=b"regional-summary")


class ChartFetcher(URLFetcher):
    """Hand WeasyPrint the charts as PNG (their Arabic shaped when drawn) and the packaged fonts; nothing else.

    Linked rather than inlined: megabytes of base64 in the document slow its parsing down.
    """

    def __init__(self):
        super().__init__(fail_on_errors=True)
        self.charts: dict[str, Chart] = {}

    def link(self, chart: Chart) -> str:
        url = f"chart:{len(self.charts)}.png"
        self.charts[url] = chart
        return url

    def fetch(self, url, headers=None):
        if font := font_file(url):
            return URLFetcherResponse(url, font.read_bytes(), {"Content-Type": "font/otf"})
        if url not in self.charts:
            raise ValueError(f"A report links to nothing but its charts, not to {url}.")
        return URLFetcherResponse(url, chart_png(self.charts[url]), {"Content-Type": "image/png"})
