"""The summary as PDF: the HTML document, its charts as PNG, laid out by WeasyPrint."""

from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from consult.selectors.summaries import Summary

from .charts import Chart, chart_png
from .html import html_string


def render_pdf(summary: Summary, *, language: str) -> bytes:
    """Return the summary as a PDF file, in the language given."""
    charts = ChartFetcher()
    html = html_string(summary, language=language, image=charts.link)
    return HTML(string=html, url_fetcher=charts).write_pdf(pdf_identifier=b"regional-summary")


class ChartFetcher(URLFetcher):
    """Hand WeasyPrint the charts as PNG (their Arabic shaped when drawn); fetch nothing else.

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
        if url not in self.charts:
            raise ValueError(f"A report links to nothing but its charts, not to {url}.")
        return URLFetcherResponse(url, chart_png(self.charts[url]), {"Content-Type": "image/png"})
