"""Reports and exports read from the read replica; requests, submissions and every write use default.

The replica here is a second connection to the test database (as TEST MIRROR makes it when
REPLICA_DATABASE_URL is set): what each connection runs is captured and compared.
"""

import io
import threading

import pytest
from django.conf import settings
from django.db import connections, router
from django.db.backends.signals import connection_created
from django.test import Client
from django.test.utils import CaptureQueriesContext

from consult.models import Consultation, Position, Report
from consult.replica import REPLICA, ReplicaRouter, reading_from_replica
from consult.services.aggregation import aggregates_rebuild
from consult.services.exports import responses_csv_lines, responses_export_csv, responses_export_xlsx
from consult.services.open_data import open_data_write
from consult.services.reports.build import report_build

from .resilience.crowd import crowd_consultation, crowd_make, hidden
from .test_exports import answered  # noqa: F401 (the fixture: submitted states and organisations)

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", REPLICA])


@pytest.fixture(scope="module", autouse=True)
def replica(django_db_setup):
    """Add the `replica` alias for this module's tests: a second connection to the test database."""
    settings.DATABASES[REPLICA] = {**connections["default"].settings_dict, "TEST": {"MIRROR": "default"}}
    assert connections.settings is settings.DATABASES
    yield
    connections[REPLICA].close()
    del connections[REPLICA]
    del settings.DATABASES[REPLICA]


class Captured:
    """The statements each connection ran inside the block, also those of connections opened on
    other threads (an export's reader thread)."""

    def __enter__(self):
        self.contexts = {alias: CaptureQueriesContext(connections[alias]) for alias in ("default", REPLICA)}
        for context in self.contexts.values():
            context.__enter__()
        self.threads_statements, self.thread = [], threading.get_ident()
        connection_created.connect(self.capture_thread_connection)
        return self

    def __exit__(self, *exc):
        connection_created.disconnect(self.capture_thread_connection)
        for context in self.contexts.values():
            context.__exit__(*exc)

    def capture_thread_connection(self, sender, connection, **kwargs):
        if threading.get_ident() != self.thread:
            connection.execute_wrappers.append(self.record(connection.alias))

    def record(self, alias):
        def wrapper(execute, sql, params, many, context):
            self.threads_statements.append((alias, sql))
            return execute(sql, params, many, context)

        return wrapper

    def statements(self, alias) -> list[str]:
        here = [query["sql"] for query in self.contexts[alias].captured_queries]
        return here + [sql for each, sql in self.threads_statements if each == alias]

    def reads_only(self, alias) -> bool:
        # SET LOCAL (a planner setting for one transaction) writes nothing: a standby runs it.
        reads = ("SELECT", "DECLARE", "CLOSE", "SET LOCAL")
        return all(sql.lstrip().upper().startswith(reads) for sql in self.statements(alias))


def test_exports_read_everything_from_the_replica(answered, tmp_path):
    with Captured() as captured:
        responses_export_csv(consultation=answered, stream=io.StringIO())
        responses_export_xlsx(consultation=answered, path=tmp_path / "answers.xlsx")
        open_data_write(consultation=answered, folder=tmp_path / "open-data")
    assert captured.statements("default") == []
    assert captured.reads_only(REPLICA)
    assert any("surveys_answer" in sql for sql in captured.statements(REPLICA))


def test_a_streamed_export_reads_from_the_replica_only_while_it_draws_a_line(answered):
    lines = responses_csv_lines(consultation=answered)
    with Captured() as captured:
        header = next(lines)
        # Between two lines the request does other work: that stays on default.
        Consultation.objects.filter(pk=answered.pk).exists()
        rows = list(lines)
    assert header.startswith("\ufeff\"respondent\"") and len(rows) == 4
    assert len(captured.statements("default")) == 1
    assert captured.reads_only(REPLICA) and len(captured.statements(REPLICA)) > 1


@pytest.mark.parametrize("format", ["html", "csv_answers"])
def test_a_report_build_reads_from_the_replica_and_writes_on_default(answered, format, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    aggregates_rebuild(consultation=answered)
    report = Report.objects.create(consultation=answered, format=format, language="en")
    with Captured() as captured:
        report_build(report=report)
    report.refresh_from_db()
    assert report.status == Report.Status.DONE, report.error
    assert captured.reads_only(REPLICA)
    replica_reads = " ".join(captured.statements(REPLICA))
    assert ("consult_aggregate" if format == "html" else "surveys_answer") in replica_reads
    default_writes = [sql for sql in captured.statements("default") if not sql.lstrip().upper().startswith("SELECT")]
    assert any('UPDATE "consult_report"' in sql for sql in default_writes)
    assert any('INSERT INTO "consult_auditevent"' in sql for sql in default_writes)


def test_a_submission_through_the_site_never_touches_the_replica():
    consultation = crowd_consultation()
    [(user, [position_id])] = crowd_make(consultation, size=1, people=1).items()
    client = Client()
    client.force_login(user)
    path = f"/positions/{position_id}/submit/"
    with Captured() as captured:
        key = hidden(client.get(path).content.decode(), "submission_key")
        response = client.post(path, {"submission_key": key})
    assert response.status_code == 302
    assert Position.objects.get(pk=position_id).status == Position.Status.SUBMITTED
    assert captured.statements(REPLICA) == []
    assert any("INSERT" in sql for sql in captured.statements("default"))


def test_inside_the_block_writes_still_go_to_default(answered):
    with reading_from_replica():
        position = Position.objects.filter(consultation=answered).first()
        assert position._state.db == REPLICA
        with Captured() as captured:
            position.save(update_fields=["publication"])
    assert captured.statements(REPLICA) == []
    assert any(sql.startswith('UPDATE "consult_position"') for sql in captured.statements("default"))


def test_without_a_replica_everything_reads_from_default(monkeypatch):
    monkeypatch.delitem(settings.DATABASES, REPLICA)
    with reading_from_replica():
        assert router.db_for_read(Position) == "default"
    assert ReplicaRouter().allow_migrate(REPLICA, "consult") is False
    assert ReplicaRouter().allow_migrate("default", "consult") is True
