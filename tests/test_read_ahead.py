"""Exports read their answers on reader threads, ahead of the writing: the same file, and no
thread or connection left behind when a download stops early or the reading fails."""

import io
import threading

import pytest
from django.db import transaction
from django.db.backends.signals import connection_created

from consult.services import exports
from consult.services.exports import responses_csv_lines, responses_export_csv
from consult.services.read_ahead import READERS

from .test_exports import answered, parsed_csv  # noqa: F401 (the fixture: submitted states and organisations)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def opened_elsewhere():
    """The connections opened on other threads than the test's while the test runs."""
    opened, here = [], threading.get_ident()

    def collect(sender, connection, **kwargs):
        if threading.get_ident() != here:
            opened.append(connection)

    connection_created.connect(collect)
    yield opened
    connection_created.disconnect(collect)


@pytest.fixture
def small_chunks(monkeypatch):
    monkeypatch.setattr(exports, "CHUNK", 2)  # The 4 submitted responses in two chunks.


def csv_text(consultation) -> str:
    stream = io.StringIO()
    responses_export_csv(consultation=consultation, stream=stream)
    return stream.getvalue()


def readers_alive() -> int:
    return sum(thread.name == "read-ahead" and thread.is_alive() for thread in threading.enumerate())


def test_an_export_reads_on_its_own_thread_and_writes_the_same_file_as_inside_a_transaction(
    answered, small_chunks, opened_elsewhere
):
    with transaction.atomic():  # Another connection would not see the transaction: read in line.
        in_line = csv_text(answered)
    assert opened_elsewhere == []
    read_ahead = csv_text(answered)
    # The positions' reader and one per chunk's answers, each connection closed at the end.
    assert len(opened_elsewhere) == 1 + READERS
    assert [connection.connection for connection in opened_elsewhere] == [None] * (1 + READERS)
    assert read_ahead == in_line
    assert len(parsed_csv(read_ahead)) == 5  # Header and the 4 submitted responses, across two chunks.
    assert readers_alive() == 0


def test_a_download_stopped_early_stops_its_reader_and_closes_its_connection(answered, small_chunks, opened_elsewhere):
    lines = responses_csv_lines(consultation=answered)
    header, first = next(lines), next(lines)
    assert header.startswith("\ufeff\"respondent\"") and first.startswith("\"France\"")
    lines.close()
    assert readers_alive() == 0
    assert opened_elsewhere and [connection.connection for connection in opened_elsewhere] == [None] * len(
        opened_elsewhere
    )


def test_responses_read_by_several_readers_come_in_order(answered, monkeypatch):
    with transaction.atomic():
        in_line = csv_text(answered)
    monkeypatch.setattr(exports, "CHUNK", 1)  # 4 chunks, handed to the readers in turn.
    assert csv_text(answered) == in_line
    assert readers_alive() == 0


def test_a_failure_while_reading_reaches_the_export(answered, small_chunks, monkeypatch):
    calls = []

    def failing(keys, codes):
        calls.append(keys)
        if len(calls) == 2:
            raise RuntimeError("connection lost")
        return {}

    monkeypatch.setattr(exports, "chunk_answers", failing)
    with pytest.raises(RuntimeError, match="connection lost"):
        csv_text(answered)
    assert readers_alive() == 0
