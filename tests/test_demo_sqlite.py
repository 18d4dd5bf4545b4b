"""README command one: the demo is built on SQLite, whose recount has no grouping sets.

The rest of the suite runs on PostgreSQL, so this test runs the demo's commands in processes of
their own on a fresh SQLite file, and counts the figures again by hand there.
"""

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Counted by hand in Python: every choice of the current choice questions, per audience, in the
# world's figures, before and after the secretariat reopens a submitted position.
CHECK = """
import csv
import json
from collections import Counter
from django.contrib.auth import get_user_model
from consult.models import Aggregate, Consultation, Position
from consult.services.workflow import position_reopen
from surveys.models import Answer

consultation = Consultation.objects.get(slug="hld-2013")
TYPES = ["single_choice", "yes_no", "scale", "multiple_choice"]

def by_hand():
    audiences = dict(Position.objects.filter(consultation=consultation).counted().values_list("response_id", "audience"))
    answers = Answer.objects.filter(
        response_id__in=list(audiences), question__is_current=True, question__type__in=TYPES, choice__isnull=False
    ).values_list("response_id", "question__code", "choice__value")
    return Counter((audiences[response], code, value) for response, code, value in answers)

def stored():
    rows = Aggregate.objects.filter(
        consultation=consultation, grouping=None, question_code__in=codes
    ).exclude(choice_value="").values_list("audience", "question_code", "choice_value", "count")
    return Counter({(audience, code, value): count for audience, code, value, count in rows if count})

codes = {code for _, code, _ in by_hand()}
before = (by_hand(), stored())
position = Position.objects.filter(consultation=consultation, status="submitted").order_by("pk").first()
position_reopen(position=position, actor=get_user_model().objects.get(username="secretariat"), reason="Typo")
after = (by_hand(), stored())
print(json.dumps({
    "cells": len(before[0]), "before_equal": before[0] == before[1], "after_equal": after[0] == after[1],
    "counted_before": sum(before[1].values()), "counted_after": sum(after[1].values()),
}))
"""


# Senegal's focal point opens its position and saves an answer through the site (its views and
# raw statements bind UUIDs, which SQLite stores as text).
SAVE = """
import re
from django.contrib.auth import get_user_model
from django.test import Client
from consult.models import Position, PositionEvent
from surveys.models import Answer

client = Client(HTTP_HOST="127.0.0.1")
client.force_login(get_user_model().objects.get(username="focal.senegal"))
position_url = client.get("/consultations/hld-2013/respond/")["Location"]
page_url = position_url + "areas/1/"
form = client.get(page_url).content.decode()
data = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form))
data["1.1-practices"] = "Un plan national, adopté en 2012."
saved = client.post(page_url, data)
position = Position.objects.get(consultation__slug="hld-2013", member_state__iso3="SEN")
print(json.dumps({
    "status": saved.status_code, "fields": sorted(data),
    "texts": list(Answer.objects.filter(response_id=position.response_id).values_list("text", flat=True)),
    "events": list(position.events.values_list("action", flat=True)),
}))
"""

# France's focal point (the authorised submitter) answers every question of the six areas through
# the site, sends the position for review, submits it and opens the receipt: the demo's journey.
SUBMIT = """
import json, re
from collections import defaultdict
from django.contrib.auth import get_user_model
from django.test import Client
from consult.models import Aggregate, Position

client = Client(HTTP_HOST="127.0.0.1")
client.force_login(get_user_model().objects.get(username="focal.france"))
position_url = client.get("/consultations/hld-2013/respond/")["Location"]
areas = list(dict.fromkeys(re.findall(re.escape(position_url) + r"areas/([^/]+)/", client.get(position_url).content.decode())))

def hidden(page):
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page))

def answered(page):
    data, radios = hidden(page), defaultdict(list)
    for tag in re.findall(r'<input[^>]*type="radio"[^>]*>', page):
        radios[re.search(r'name="([^"]+)"', tag).group(1)].append(re.search(r'value="([^"]*)"', tag).group(1))
    data.update({name: values[0] for name, values in radios.items()})
    for name, options in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', page, re.S):
        values = [value for value in re.findall(r'<option value="([^"]*)"', options) if value]
        place = re.search(r"_(\\d+)$", name)
        data[name] = values[int(place.group(1)) % len(values)] if place else values[0]
    data.update({name: "3" for name in re.findall(r'<input[^>]*type="number"[^>]*name="([^"]+)"', page)})
    data.update({name: "Une politique nationale." for name in re.findall(r'<textarea[^>]*name="([^"]+)"', page)})
    return data

world = Aggregate.objects.filter(consultation__slug="hld-2013", grouping=None, audience="member_state", choice_value="")
before = max(world.values_list("respondents", flat=True))
saves = [client.post(position_url + f"areas/{area}/", answered(client.get(position_url + f"areas/{area}/").content.decode())).status_code
         for area in areas]
reviewed = client.post(position_url + "review/", hidden(client.get(position_url + "review/").content.decode()))
form = client.get(position_url + "submit/").content.decode()
confirmations = {name: "on" for name in re.findall(r'<input[^>]*type="checkbox"[^>]*name="([^"]+)"', form)}
submitted = client.post(position_url + "submit/", {**hidden(form), **confirmations})
position = Position.objects.get(consultation__slug="hld-2013", member_state__iso3="FRA")
print(json.dumps({
    "areas": len(areas), "saves": saves, "review": reviewed.status_code, "submit": submitted.status_code,
    "status": position.status, "receipt": position.receipt_number or "",
    "receipt_page": client.get(position_url + "receipt/").status_code,
    "before": before, "after": max(world.values_list("respondents", flat=True)),
}))
"""

TALLIES = """
import json
from collections import Counter
from consult.models import Consultation, Position
from consult.selectors.coverage import response_tallies

consultation = Consultation.objects.get(slug="hld-2013")
def by_hand():
    positions = Position.objects.filter(consultation=consultation, audience="civil_society").select_related("organisation")
    return Counter((p.organisation.country.code, p.status, p.publication) for p in positions)
before = by_hand() == +response_tallies(consultation)
organisation = Position.objects.filter(consultation=consultation, audience="civil_society", status="submitted").first()
Position.objects.filter(pk=organisation.pk).update(status="reopened")
print(json.dumps({"organisations": sum(by_hand().values()), "before": before,
                  "after": by_hand() == +response_tallies(consultation)}))
"""


def manage(*args, database):
    env = {key: value for key, value in os.environ.items() if key not in ("DATABASE_URL", "REDIS_URL")}
    env["DATABASE_URL"] = f"sqlite:///{database}"
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600
    )


@pytest.fixture(scope="module")
def demo_database(tmp_path_factory):
    database = tmp_path_factory.mktemp("demo") / "demo.sqlite3"
    migrated = manage("migrate", "--no-input", "-v0", database=database)
    assert migrated.returncode == 0, migrated.stderr[-3000:]
    built = manage("demo_setup", database=database)
    assert built.returncode == 0, built.stderr[-3000:]
    counted_line = next(line for line in built.stdout.splitlines() if line.startswith("Aggregates:"))
    assert int(counted_line.split()[1]) > 1000
    return database


def test_the_demo_builds_on_sqlite_and_its_figures_match_a_count_by_hand(demo_database):
    database = demo_database
    checked = manage("shell", "-c", CHECK, database=database)
    assert checked.returncode == 0, checked.stderr[-3000:]
    figures = json.loads(checked.stdout.strip().splitlines()[-1])
    assert figures["cells"] > 100
    assert figures["before_equal"] and figures["after_equal"]
    assert figures["counted_after"] < figures["counted_before"]


def test_a_focal_point_saves_a_page_of_the_demo_on_sqlite(demo_database):
    saving = manage("shell", "-c", "import json\n" + SAVE, database=demo_database)

    assert saving.returncode == 0, saving.stderr[-3000:]
    outcome = json.loads(saving.stdout.strip().splitlines()[-1])
    assert {"version", "submission_key"} <= set(outcome["fields"])
    assert outcome["status"] == 302
    assert "Un plan national, adopté en 2012." in outcome["texts"]
    assert "saved" in outcome["events"]


def test_the_demo_open_data_package_carries_the_answers_on_sqlite(demo_database, tmp_path):
    written = manage("export_open_data", "hld-2013", "--output", str(tmp_path), database=demo_database)

    assert written.returncode == 0, written.stderr[-3000:]
    with open(tmp_path / "responses.csv", encoding="utf-8") as table:
        rows = list(csv.DictReader(table))
    assert len(rows) > 20
    assert sum(1 for row in rows if row["1-overall"]) > len(rows) / 2


def test_france_answers_submits_and_is_counted_on_the_sqlite_demo(demo_database):
    submitting = manage("shell", "-c", SUBMIT, database=demo_database)

    assert submitting.returncode == 0, submitting.stderr[-3000:]
    outcome = json.loads(submitting.stdout.strip().splitlines()[-1])
    assert outcome["areas"] == 6 and set(outcome["saves"]) == {302}
    assert outcome["status"] == "submitted" and outcome["receipt"].startswith("HLD2013-FRA-")
    assert outcome["receipt_page"] == 200
    assert outcome["after"] == outcome["before"] + 1


def test_the_civil_society_counts_follow_the_positions_on_sqlite(demo_database):
    tallied = manage("shell", "-c", TALLIES, database=demo_database)

    assert tallied.returncode == 0, tallied.stderr[-3000:]
    outcome = json.loads(tallied.stdout.strip().splitlines()[-1])
    assert outcome["organisations"] > 10
    assert outcome["before"] and outcome["after"]


def test_the_demo_responses_export_with_their_cells_on_sqlite(demo_database, tmp_path):
    exported = manage("export_responses", "hld-2013", "--format", "csv", "--output", str(tmp_path / "answers.csv"),
                      database=demo_database)

    assert exported.returncode == 0, exported.stderr[-3000:]
    with open(tmp_path / "answers.csv", encoding="utf-8-sig", newline="") as table:
        rows = list(csv.DictReader(table))
    assert len(rows) > 20
    cells = [value for row in rows for code, value in row.items() if code.endswith("-ranking") and value]
    assert cells and all(" > " in cell for cell in cells)
    assert any(row["1-overall"] for row in rows)
