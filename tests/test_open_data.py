"""Open data: a Frictionless data package of what is public, valid by frictionless, downloadable as a zip."""

import csv
import io
import json
import zipfile

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from frictionless import Package, validate

from consult.models import Report
from consult.services.aggregation import aggregates_rebuild
from consult.services.positions import position_for

from .factories import make_member_state, make_organisation
from .test_exports import submit


@pytest.fixture
def published(consultation, france, senegal):
    """France attributed, Senegal anonymous, Mexico and an organisation confidential; the world's summary published."""
    mexico = make_member_state("MEX")
    submit(position_for(consultation=consultation, member_state=france),
           {"1-overall": "support", "1.1-priority": "4", "1.1-practices": "=1+1 a national plan"})
    submit(position_for(consultation=consultation, member_state=senegal), {"1-overall": "support"},
           publication="anonymous")
    submit(position_for(consultation=consultation, member_state=mexico), {"1-overall": "do_not_support"},
           publication="confidential")
    submit(position_for(consultation=consultation, organisation=make_organisation(name="Secret Org")),
           {"1-overall": "support"})
    aggregates_rebuild(consultation=consultation)
    Report.objects.create(consultation=consultation, format="html", status="done", is_published=True,
                          data_cutoff=timezone.now())
    return consultation


def package(consultation, tmp_path):
    folder = tmp_path / "open-data"
    call_command("export_open_data", consultation.slug, output=str(folder), stdout=io.StringIO())
    return folder


def table(folder, name):
    with (folder / f"{name}.csv").open(encoding="utf-8", newline="") as stream:
        return list(csv.DictReader(stream))


def test_frictionless_validates_the_package(published, tmp_path):
    folder = package(published, tmp_path)

    report = validate(str(folder / "datapackage.json"))

    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    assert {resource.name for resource in Package(str(folder / "datapackage.json")).resources} == {
        "recommendations", "questions", "figures", "responses"}


def test_the_licence_is_cc_by_unless_the_consultation_says_otherwise(published, tmp_path):
    descriptor = json.loads((package(published, tmp_path) / "datapackage.json").read_text())
    assert descriptor["licenses"][0]["name"] == "CC-BY-4.0"

    published.open_data_licence = "CC0-1.0"
    published.save()
    descriptor = json.loads((package(published, tmp_path / "again") / "datapackage.json").read_text())
    assert descriptor["licenses"][0] == {"name": "CC0-1.0", "title": "Creative Commons Zero 1.0",
                                         "path": "https://creativecommons.org/publicdomain/zero/1.0/"}


def test_only_published_responses_anonymous_ones_without_name(published, tmp_path):
    rows = table(package(published, tmp_path), "responses")

    assert [(row["respondent"], row["country"], row["publication"]) for row in rows] == [
        ("France", "FRA", "attributed"), ("", "", "anonymous")]
    assert rows[0]["1.1-practices"] == "'=1+1 a national plan" and rows[0]["1-overall"] == "support"
    assert "Secret Org" not in (package(published, tmp_path / "b") / "responses.csv").read_text()


def test_figures_of_published_summaries_without_small_cells(published, tmp_path):
    rows = table(package(published, tmp_path), "figures")

    overall = [row for row in rows if row["question"] == "1-overall" and row["audience"] == "member_state"]
    assert {row["grouping"] for row in rows} == {"world"}
    assert {(row["choice"], row["count"]) for row in overall if row["choice"]} == {
        ("support", "2"), ("support_with_reservations", "0"), ("do_not_support", "1")}
    # One state answered 1.1-priority: under the threshold of 3, as in shared summaries.
    assert not [row for row in rows if row["question"] == "1.1-priority"]


def test_recommendations_and_questions_are_listed(published, tmp_path):
    folder = package(published, tmp_path)

    assert [row["code"] for row in table(folder, "recommendations")] == ["1.1", "1.2", "2.1", "2.2"]
    question = next(row for row in table(folder, "questions") if row["code"] == "1.1-priority")
    assert (question["audience"], question["area"], question["recommendation"], question["type"]) == (
        "member_state", "1", "1.1", "scale")


def test_the_public_page_offers_the_zip_to_anyone(client, published):
    page = client.get(reverse("consult:public-consultation", kwargs={"slug": "hld"})).content.decode()
    url = reverse("consult:public-open-data", kwargs={"slug": "hld"})
    assert url in page and "CC BY 4.0" in page

    response = client.get(url)

    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert sorted(archive.namelist()) == ["hld/datapackage.json", "hld/figures.csv", "hld/questions.csv",
                                          "hld/recommendations.csv", "hld/responses.csv"]
    descriptor = json.loads(archive.read("hld/datapackage.json"))
    assert descriptor["sources"][0]["path"] == "http://testserver/public/hld/"
