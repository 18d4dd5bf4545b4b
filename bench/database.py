"""The database side of the benchmark: recounting, building reports, reading pages, exporting.

Each measure takes the consultation as the data set holds it now and adds its figures; the
caller names them by size (see `SizedFigures` in __main__).
"""

import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from django.db import connection, reset_queries
from django.test.utils import CaptureQueriesContext

from .peak import PREFIX as PEAK_PREFIX

ROOT = Path(__file__).resolve().parent.parent
REPEATS = 3
PAGE_REQUESTS = 30
# The world and the five UN M49 regions, in every summary format.
REPORT_FORMATS = ["html", "docx", "pdf", "xlsx"]
EXPORT_TARGETS = {"csv": "<= 60 at 100,000", "xlsx": "<= 120 at 100,000"}
RAW_GROUP_BY = """
SELECT a.question_id, a.choice_id, a.number, COUNT(*)
FROM {answer} a
JOIN {response} r ON r.id = a.response_id
JOIN {question} q ON q.id = a.question_id
JOIN {questionnaire} qn ON qn.survey_id = q.survey_id
WHERE qn.consultation_id = %s AND q.is_current AND r.status = %s
GROUP BY a.question_id, a.choice_id, a.number
"""


def measure_rebuild(figures, consultation) -> None:
    """Time the full recount next to the one GROUP BY any recount must at least run; count its statements."""
    from consult.services.aggregation import aggregates_rebuild

    rebuilds, raws, serial_raws = [], [], []
    for _repeat in range(REPEATS):  # Interleaved, so that a busy moment of the machine hits all three.
        aggregates_vacuum()
        started = time.perf_counter()
        rows = aggregates_rebuild(consultation=consultation)
        rebuilds.append(time.perf_counter() - started)
        raws.append(raw_group_by_seconds(consultation, parallel=True))
        serial_raws.append(raw_group_by_seconds(consultation, parallel=False))
    rebuild, raw, serial_raw = (statistics.median(times) for times in (rebuilds, raws, serial_raws))
    figures.add("aggregates_rebuild", rebuild, "s")
    figures.add("aggregates_raw_group_by", raw, "s")
    figures.add("aggregates_rebuild_per_raw", rebuild / raw, "x")
    # PostgreSQL runs an INSERT ... SELECT in one process; a plain SELECT may take parallel workers.
    figures.add("aggregates_raw_group_by_one_process", serial_raw, "s")
    figures.add("aggregates_rebuild_per_raw_one_process", rebuild / serial_raw, "x", target="<= 2")
    figures.add("aggregates_rows", rows, "rows")
    figures.add("aggregates_rebuild_statements", rebuild_statements(consultation), "statements",
                target="equal at every size")
    measure_increment(figures, consultation)


def measure_increment(figures, consultation) -> None:
    """Time adding one respondent's figure changes to the stored figures (what follows a submission or reopening)."""
    from django.db import transaction

    from consult.models import Position
    from consult.services.aggregation import aggregates_refresh
    from consult.services.figure_changes import MINUS, PLUS, figures_change_record

    position = Position.objects.counted().filter(consultation=consultation, audience="civil_society").select_related(
        "organisation", "response"
    ).order_by("pk").first()
    times = []
    # Leaving (a reopening, which also picks the excerpts again) and entering again (a submission,
    # timed): the figures end as they were.
    for sign in (MINUS, PLUS) * REPEATS:
        with transaction.atomic():
            figures_change_record(position=position, sign=sign)
        started = time.perf_counter()
        aggregates_refresh(consultation=consultation)
        if sign == PLUS:
            times.append(time.perf_counter() - started)
    figures.add("aggregates_increment", statistics.median(times) * 1000, "ms", target="constant in N")


def aggregates_vacuum() -> None:
    """Clear the rows the last recount replaced, as autovacuum would (it is off on the benchmark's server)."""
    from consult.models import Aggregate

    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM ANALYZE {connection.ops.quote_name(Aggregate._meta.db_table)}")


def raw_group_by_seconds(consultation, *, parallel: bool) -> float:
    """Time the plainest GROUP BY over the answers a recount reads (in one process, unless `parallel`)."""
    from django.db import transaction

    from consult.models import Questionnaire
    from surveys.models import Answer, Question, Response

    quote = connection.ops.quote_name
    tables = {"answer": Answer, "response": Response, "question": Question, "questionnaire": Questionnaire}
    statement = RAW_GROUP_BY.format(**{name: quote(model._meta.db_table) for name, model in tables.items()})
    with transaction.atomic(), connection.cursor() as cursor:
        if not parallel:
            cursor.execute("SET LOCAL max_parallel_workers_per_gather = 0")
        started = time.perf_counter()
        cursor.execute(statement, [consultation.pk, Response.Status.SUBMITTED])
        cursor.fetchall()
        return time.perf_counter() - started


def rebuild_statements(consultation) -> int:
    from consult.services.aggregation import aggregates_rebuild

    reset_queries()  # A full log (9,000 statements with DEBUG on) would make the capture count 0.
    with CaptureQueriesContext(connection) as queries:
        aggregates_rebuild(consultation=consultation)
    if not queries.captured_queries:
        raise RuntimeError("No statement of the recount was captured.")
    return len(queries)


def measure_reports(figures, consultation, workers: int) -> None:
    """Time building the world's and the M49 regions' summaries in every format on real Celery workers."""
    from consult.models import RegionalGrouping

    regions = [None, *RegionalGrouping.objects.filter(kind=RegionalGrouping.Kind.M49_REGION).order_by("code")]
    with celery_workers(workers):
        reports_build(consultation, [None, None], REPORT_FORMATS)  # Each worker imports its renderers once.
        started = time.perf_counter()
        failed = reports_build(consultation, regions, REPORT_FORMATS)
        elapsed = time.perf_counter() - started
    label = "1_worker" if workers == 1 else f"{workers}_workers"
    figures.add(f"reports_build_{label}", elapsed, "s")
    figures.add(f"reports_built_{label}", len(regions) * len(REPORT_FORMATS) - failed, "reports")
    if workers == 1:
        for name, seconds in report_times(consultation).items():
            figures.add(f"report_{name}", seconds, "s")


def report_times(consultation) -> dict[str, float]:
    """Return the world summary's build time per format and the regions' median, from one worker's finishing times.

    One solo worker builds the reports one after the other, so each report's time is the gap
    since the report finished before it (queueing between two is milliseconds; the first is
    timed from the last warm-up report, a poll of 0.2 s earlier at most).
    """
    from consult.models import Report

    # The last to finish: this run's reports and the last warm-up one (ids are random UUIDs).
    reports = list(Report.objects.filter(consultation=consultation, status=Report.Status.DONE)
                   .order_by("-finished_at")[:len(REPORT_FORMATS) * 6 + 1])
    reports.reverse()
    times: dict[str, list[float]] = {}
    for before, report in zip(reports, reports[1:]):
        scope = "world" if report.grouping_id is None else "region_median"
        times.setdefault(f"{scope}_{report.format}", []).append((report.finished_at - before.finished_at).total_seconds())
    return {name: statistics.median(values) for name, values in sorted(times.items())}


def reports_build(consultation, groupings, formats, timeout=1800) -> int:
    """Request the reports, wait until every one has finished and return how many failed."""
    from consult.models import Report
    from consult.services.reports.build import reports_request

    reports = reports_request(consultation=consultation, groupings=groupings, formats=formats,
                              language=consultation.language, actor=None)
    finished = Report.objects.filter(pk__in=[report.pk for report in reports])
    deadline = time.monotonic() + timeout
    while finished.exclude(status__in=[Report.Status.DONE, Report.Status.FAILED]).exists():
        if time.monotonic() > deadline:
            raise RuntimeError(f"Reports unfinished after {timeout} s: did the workers start?")
        time.sleep(0.2)
    return finished.filter(status=Report.Status.FAILED).count()


class celery_workers:
    """Start `count` real Celery worker processes (solo pool, as in production) and stop them on exit."""

    def __init__(self, count: int):
        self.count = count
        self.processes: list[subprocess.Popen] = []

    def __enter__(self):
        from config.celery import app

        app.control.purge()  # The bench's own broker database: nothing but leftovers of an earlier run.
        names = [f"bench-{uuid.uuid4().hex[:8]}@localhost" for _index in range(self.count)]
        env = {**os.environ, "CONN_MAX_AGE": "0"}
        # The workers' output (a banner, font warnings) would bury the figures: it goes to a log.
        self.log = tempfile.NamedTemporaryFile(prefix="consult-bench-workers-", suffix=".log", delete=False)
        for name in names:
            command = [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "--loglevel=WARNING",
                       "--without-gossip", "--without-mingle", "-n", name]
            self.processes.append(
                subprocess.Popen(command, cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT)
            )
        self.wait_until_ready(app, names)
        return self

    def wait_until_ready(self, app, names, timeout=90):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if any(process.poll() is not None for process in self.processes):
                raise RuntimeError(f"A Celery worker exited at start: see {self.log.name}")
            replies = app.control.ping(timeout=0.5) or []
            if all(any(name in reply for reply in replies) for name in names):
                return
        raise RuntimeError(f"The Celery workers did not answer within {timeout} s.")

    def __exit__(self, *exc):
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
        self.log.close()


def measure_pages(figures, consultation, user) -> None:
    """Time the secretariat's summary page and dashboard, in process, logged in: median and 95th centile."""
    from django.conf import settings
    from django.test import Client
    from django.urls import reverse

    from config.wsgi import code_preload

    code_preload()  # What a web process does once it has loaded (config/wsgi.py).
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    client = Client()
    client.force_login(user)
    pages = {
        "summary_page": reverse("consult:summary", args=[consultation.slug]),
        "dashboard_page": reverse("consult:dashboard", args=[consultation.slug]),
    }
    for name, url in pages.items():
        times = page_times(client, url)
        figures.add(f"{name}_median", statistics.median(times) * 1000, "ms")
        figures.add(f"{name}_p95", statistics.quantiles(times, n=20)[-1] * 1000, "ms", target="< 300")


def page_times(client, url) -> list[float]:
    for _warm_up in range(3):
        page_get(client, url)
    times = []
    for _request in range(PAGE_REQUESTS):
        started = time.perf_counter()
        page_get(client, url)
        times.append(time.perf_counter() - started)
    return times


def page_get(client, url) -> None:
    response = client.get(url)
    if response.status_code != 200:
        raise RuntimeError(f"{url} answered {response.status_code}")


def measure_exports(figures, consultation) -> None:
    """Time the CSV and XLSX exports of every submitted response, each in its own process, and its peak memory."""
    with tempfile.TemporaryDirectory(prefix="consult-bench-export-") as folder:
        for format in ("csv", "xlsx"):
            output = Path(folder) / f"answers.{format}"
            command = [sys.executable, "-m", "bench.peak", "export_responses", consultation.slug, "--format", format,
                       "--output", str(output)]
            seconds, peak_kb = run_measured(command)
            figures.add(f"export_{format}", seconds, "s", target=EXPORT_TARGETS[format])
            figures.add(f"export_{format}_peak_memory", peak_kb / 1024, "MB", target="<= 300")
            figures.add(f"export_{format}_size", output.stat().st_size / 1024 / 1024, "MB")


def run_measured(command) -> tuple[float, int]:
    """Run the command (through bench.peak); return its wall time and its peak resident memory in kB."""
    with tempfile.TemporaryFile() as errors:
        started = time.perf_counter()
        returncode = subprocess.run(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=errors).returncode
        seconds = time.perf_counter() - started
        errors.seek(0)
        lines = errors.read().decode().splitlines()
    if returncode or not lines or not lines[-1].startswith(PEAK_PREFIX):
        raise RuntimeError(f"{' '.join(command)} failed: {chr(10).join(lines[-20:])}")
    return seconds, int(lines[-1].removeprefix(PEAK_PREFIX))
