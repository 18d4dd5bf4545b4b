"""The site's summary and dashboard link their charts, drawn when the browser asks for them.

A chart's link is named after its figures, language and viewer, signed with the site's secret; the
figures wait in the cache (Redis) for that viewer's browser to ask. With the cache down the page
inlines its charts instead, as the HTML report always does.
"""

import re

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import reverse

from consult.services.aggregation import aggregates_rebuild
from consult.services.demo_responses import demo_responses_generate
from consult.services.reports.charts import Chart, ChartRow, Panel, Segment, chart_token
from consult.services.stakeholders import member_states_load

pytestmark = pytest.mark.django_db

CHART_LINK = re.compile(r'<img src="(/charts/[0-9a-f]{64}\.svg)"')
CLOSED_PORT = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                           "LOCATION": "redis://127.0.0.1:1/0"}}


@pytest.fixture
def answered(consultation):
    member_states_load()
    demo_responses_generate(consultation=consultation, states=6, organisations=4, seed=2013)
    aggregates_rebuild(consultation=consultation)
    return consultation


def summary_page(client, consultation, language="en") -> str:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client.get(reverse("consult:summary", kwargs={"slug": consultation.slug})).content.decode()


def test_the_summary_page_links_each_chart_and_the_link_draws_it(client, officer, answered):
    client.force_login(officer)

    page = summary_page(client, answered)
    links = CHART_LINK.findall(page)

    assert len(links) == page.count('class="report-chart"') > 0
    assert "data:image" not in page
    chart = client.get(links[0])
    assert chart.status_code == 200 and chart["Content-Type"] == "image/svg+xml"
    assert "<svg" in chart.content.decode() and "<script" not in chart.content.decode()
    assert "sandbox" in chart["Content-Security-Policy"] and "script-src" not in chart["Content-Security-Policy"]
    assert "immutable" in chart["Cache-Control"]


def test_the_same_figures_in_arabic_link_other_charts_drawn_right_to_left(client, officer, answered):
    client.force_login(officer)

    english = CHART_LINK.findall(summary_page(client, answered, "en"))
    arabic = CHART_LINK.findall(summary_page(client, answered, "ar"))

    assert not set(english) & set(arabic)
    # Asked for in English, an Arabic page's chart is still drawn in Arabic: the link says which chart.
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    svg = client.get(arabic[0]).content.decode()
    assert re.search("[\u0600-\u06ff]", svg)


def test_the_dashboard_links_its_charts(client, officer, answered):
    client.force_login(officer)

    page = client.get(reverse("consult:dashboard", args=[answered.slug])).content.decode()
    links = CHART_LINK.findall(page)

    assert len(links) == 2
    assert all(client.get(link).status_code == 200 for link in links)


def test_a_chart_name_nobody_was_shown_is_not_found(client, officer, answered):
    assert client.get(f"/charts/{'0' * 64}.svg").status_code == 404
    assert client.get("/charts/not-hex.svg").status_code == 404


def test_a_chart_link_is_the_viewers_own(client, officer, outsider, answered):
    client.force_login(officer)
    link = CHART_LINK.findall(summary_page(client, answered))[0]

    client.force_login(outsider)
    assert client.get(link).status_code == 404
    client.logout()
    assert client.get(link).status_code == 404
    client.force_login(officer)
    assert client.get(link).status_code == 200


def test_a_chart_name_cannot_be_worked_out_from_its_figures_without_the_secret():
    chart = Chart(panels=[Panel(title="1.1", rows=[ChartRow("Governments", [Segment("Support", 1.0, "100%", "#000")])])],
                  alt="")

    with override_settings(SECRET_KEY="another-secret-key-for-this-test-only-0123456789"):
        elsewhere = chart_token(chart)

    assert chart_token(chart) != elsewhere
    assert chart_token(chart, viewer=1) != chart_token(chart, viewer=2)
    assert chart_token(chart) == chart_token(Chart(panels=chart.panels, alt="other words"))


@override_settings(CACHES=CLOSED_PORT)
def test_with_the_cache_down_the_summary_page_inlines_its_charts(client, officer, answered):
    client.force_login(officer)

    page = summary_page(client, answered)

    assert not CHART_LINK.search(page)
    assert page.count('src="data:image/svg+xml;base64,') == page.count('class="report-chart"') > 0
