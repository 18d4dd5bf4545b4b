"""Figures 4 and 5: submissions under load, and recounts coalesced while they arrive.

The real submit path is served by gunicorn (config/gunicorn.py) with the production settings
(DEBUG off, a secret key, allowed hosts, persistent database connections) on the PostgreSQL
and Redis of the environment, next to a real Celery worker. A second process,
`bench.load_client`, plays the respondents over loopback (see its docstring for what one
submission is). Two runs:

- throughput: `respondents` respondents (16) submitting for `seconds` (60);
- spike: `spike_respondents` (64) arriving within one second, submitting for `spike_seconds` (10).

Afterwards: every accepted submission is in the database exactly once; the recounts the worker
ran stay within (regions touched) x (run seconds / AGGREGATE_COALESCE_SECONDS); the stored
figures equal a fresh recount.

    python -m bench.load [--seconds 60] [--respondents 16] [--spike-respondents 64] [--spike-seconds 10]

runs it alone on a database that already holds the consultation `hld-2013` (as `bench/run`
leaves it). `bench/run` calls `measure(figures, responses=N)`: with fewer than 10,000
responses (a CI run) it runs the small version, 5 s with 4 respondents and a spike of 8; the
BENCH_LOAD_* variables below override either.
"""

import argparse
import importlib.util
import json
import math
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, fields
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FULL_SIZE_FROM = 10_000


@dataclass
class LoadSettings:
    seconds: float = 60
    respondents: int = 16
    spike_respondents: int = 64
    spike_seconds: float = 10
    # Drafts are made for this many submissions a second; a respondent that runs out stops.
    capacity: int = 300
    # As gunicorn's worker timeout: a request the client gives up on would be killed there.
    timeout: float = 30

    @classmethod
    def for_responses(cls, responses: int) -> "LoadSettings":
        """Return the full run for a full-size database, the small one for a CI run; BENCH_LOAD_* override."""
        small = {"seconds": 5, "respondents": 4, "spike_respondents": 8, "spike_seconds": 3}
        chosen = cls() if responses >= FULL_SIZE_FROM else cls(**small)
        for field in fields(cls):
            value = os.environ.get(f"BENCH_LOAD_{field.name.upper()}")
            if value:
                setattr(chosen, field.name, type(getattr(chosen, field.name))(value))
        return chosen


def gunicorn_shape() -> str:
    from config import gunicorn

    return f"{gunicorn.workers} {gunicorn.worker_class} workers x {gunicorn.threads} threads"


def django_ready() -> None:
    import django
    from django.apps import apps

    if not apps.ready:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
        django.setup()


def measure(figures, *, responses: int, settings: LoadSettings | None = None) -> None:
    """Run the throughput and spike runs and add their figures to `figures`."""
    django_ready()
    if not os.environ.get("REDIS_URL"):
        raise RuntimeError("The load test needs REDIS_URL: recounts run on a real Celery worker.")
    if importlib.util.find_spec("aiohttp") is None:
        raise RuntimeError("The load client needs aiohttp: .venv/bin/pip install -r requirements/bench.txt")
    settings = settings or LoadSettings.for_responses(responses)
    LoadRun(settings, Path(tempfile.mkdtemp(prefix="bench-load-"))).run(figures)


class LoadRun:
    def __init__(self, settings: LoadSettings, folder: Path):
        self.settings = settings
        self.folder = folder

    def run(self, figures) -> None:
        from django.conf import settings as django_settings

        from .load_checks import TaskLog, aggregates_differences, stored_check, wait_for_refreshes
        from .load_data import consultation_for_load
        from .load_servers import CpuMeter, celery_worker_running, gunicorn_running, production_environment, warm_up

        consultation = consultation_for_load()
        window = int(django_settings.AGGREGATE_COALESCE_SECONDS)
        database = django_settings.DATABASES["default"]["NAME"]
        throughput_plan = self.plan("throughput", self.settings.respondents, self.settings.seconds)
        spike_plan = self.plan("spike", self.settings.spike_respondents, self.settings.spike_seconds)
        environment = production_environment()
        print(f"Load test: logs and plans in {self.folder}; gunicorn {gunicorn_shape()}", flush=True)
        worker_log, web_log = self.folder / "worker.log", self.folder / "gunicorn.log"
        with (
            celery_worker_running(worker_log, environment) as worker,
            gunicorn_running(web_log, environment) as (base_url, web),
        ):
            warm_up(base_url, 30)
            self.query_figures(figures)
            meter, tasks = CpuMeter(web, worker, database), TaskLog(worker_log)
            # Work left in the queue by earlier runs would be counted and slow this one down.
            print(f"  the worker was idle after {worker.wait_until_idle():.0f} s", flush=True)
            tasks.mark()
            before = meter.read()
            result = self.client(throughput_plan, base_url, self.settings.seconds, ramp=1.0)
            cpu = {**meter.used(before, meter.read()), "load client": result["client_cpu_seconds"]}
            waited = wait_for_refreshes(worker, window)
            refreshes, task_events = tasks.refreshes(), tasks.events()
            differences = aggregates_differences(consultation)
            stored = stored_check(throughput_plan.tag, result["receipts"])
            self.throughput_figures(figures, result, stored, refreshes, window, differences)
            print(f"  worker tasks during the run and the {waited:.0f} s after it: {dict(task_events)}", flush=True)
            self.cpu_figures(figures, cpu, result)

            tasks.mark()
            spike = self.client(spike_plan, base_url, self.settings.spike_seconds, ramp=1.0)
            wait_for_refreshes(worker, window)
            spike_stored = stored_check(spike_plan.tag, spike["receipts"])
            self.spike_figures(figures, spike, spike_stored, aggregates_differences(consultation))

    def plan(self, kind: str, respondents: int, seconds: float):
        from .load_data import load_plan_create

        started = time.monotonic()
        positions_each = math.ceil(self.settings.capacity * seconds / respondents)
        plan = load_plan_create(kind=kind, respondents=respondents, positions_each=positions_each)
        print(
            f"Load test: {respondents} respondents with {positions_each} drafts each made for the {kind} run "
            f"in {time.monotonic() - started:.1f} s",
            flush=True,
        )
        return plan

    def client(self, plan, base_url: str, seconds: float, *, ramp: float) -> dict:
        """Run the load client as a process of its own; return its report."""
        path = self.folder / f"{plan.tag}.json"
        settings = {"base_url": base_url, "seconds": seconds, "ramp_seconds": ramp, "timeout": self.settings.timeout}
        path.write_text(json.dumps({**plan.as_json(), **settings}))
        command = [sys.executable, "-m", "bench.load_client", str(path)]
        load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
        print(f"  {plan.tag}: machine load average before the run {load}", flush=True)
        environment = {**os.environ, "PYTHONPATH": str(ROOT)}
        done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=seconds + 600, env=environment)
        if done.returncode != 0:
            raise RuntimeError(f"The load client failed:\n{done.stderr}")
        result = json.loads(done.stdout)
        (self.folder / f"{plan.tag}.result.json").write_text(json.dumps(result, indent=1))
        if result["first_errors"]:
            print("  first errors: " + "; ".join(result["first_errors"]), flush=True)
        return result

    def query_figures(self, figures) -> None:
        """Count the queries of one page save and one submit, on a draft made as the client's are."""
        from .load_queries import submission_queries

        counts = submission_queries()
        targets = {"page_save_queries": "≤ 15", "submit_queries": "≤ 10"}
        for name, count in counts.items():
            figures.add(f"submit_{name}", count, "statements", targets.get(name, ""))

    def throughput_figures(self, figures, result, stored, refreshes, window, differences) -> None:
        respondents, seconds = result["respondents"], result["seconds"]
        print(
            f"Submission throughput: {respondents} respondents for {seconds:.1f} s, "
            f"{result['requests']} requests, {result['exhausted']} ran out of drafts",
            flush=True,
        )
        figures.add("submit_accepted", result["accepted"], "submissions")
        figures.add("submit_throughput", result["accepted_per_second"], "submissions/s", "≥ 100")
        figures.add("submit_request_median", result["request_median_ms"] or 0.0, "ms")
        figures.add("submit_request_p99", result["request_p99_ms"] or 0.0, "ms", "< 300")
        figures.add("submit_page_and_submit_median", result["submission_median_ms"] or 0.0, "ms")
        figures.add("submit_page_and_submit_p99", result["submission_p99_ms"] or 0.0, "ms")
        figures.add("submit_errors_5xx", result["status_5xx"], "responses", "0")
        figures.add("submit_errors_4xx", result["status_4xx"], "responses")
        figures.add("submit_refused", result["page_refused"] + result["submit_refused"], "submissions")
        figures.add("submit_timeouts", result["timeouts"], "requests", "0")
        figures.add("submit_connection_errors", result["connection_errors"], "requests", "0")
        self.stored_figures(figures, "submit", stored)
        bound = stored.regions * math.ceil(seconds / window)
        print(
            f"  recount bound: {stored.regions} regions touched x ceil({seconds:.1f} s / {window} s window) = {bound}; "
            f"one consultation-wide recount per window would be {math.ceil(seconds / window) + 1}",
            flush=True,
        )
        figures.add("refresh_tasks_executed", refreshes, "tasks", f"≤ {bound}")
        figures.add("refresh_aggregates_differing", differences, "rows", "0")

    def stored_figures(self, figures, prefix: str, stored) -> None:
        print(
            f"  {prefix}: {stored.accepted} accepted by the client, {stored.submitted} submitted in the database",
            flush=True,
        )
        figures.add(f"{prefix}_missing_or_duplicated", stored.missing + stored.duplicated, "submissions", "0")
        # A reply lost to a timeout after the commit: stored once, but the person was not told.
        figures.add(f"{prefix}_stored_unseen", stored.unseen, "submissions")

    def cpu_figures(self, figures, cpu: dict, result) -> None:
        """Say where the machine's time went: CPU milliseconds per accepted submission, by process.

        From the server's share (web, database, worker; the load client left out) follows how many
        cores 1,000 submissions a second would keep busy at this cost.
        """
        accepted = max(result["accepted"], 1)
        shares = ", ".join(f"{name} {seconds * 1000 / accepted:.1f}" for name, seconds in cpu.items())
        print(f"  CPU ms per accepted submission: {shares}", flush=True)
        figures.add("submit_cpu_per_submission", sum(cpu.values()) * 1000 / accepted, "ms")
        server = {name: seconds / accepted for name, seconds in cpu.items() if name != "load client"}
        cores = ", ".join(f"{name} {seconds * 1000:.1f}" for name, seconds in server.items())
        print(f"  cores for 1,000/s: {sum(server.values()) * 1000:.1f} ({cores}), at this CPU cost", flush=True)
        figures.add("submit_cores_for_1000_per_second", sum(server.values()) * 1000, "cores")

    def spike_figures(self, figures, result, stored, differences) -> None:
        print(
            f"Spike: 0 to {result['respondents']} respondents within 1 s, for {result['seconds']:.1f} s, "
            f"{result['requests']} requests",
            flush=True,
        )
        figures.add("spike_throughput", result["accepted_per_second"], "submissions/s")
        figures.add("spike_request_p99", result["request_p99_ms"] or 0.0, "ms")
        figures.add("spike_errors_5xx", result["status_5xx"], "responses", "0")
        figures.add("spike_request_max", result["request_max_ms"] or 0.0, "ms")
        figures.add("spike_timeouts", result["timeouts"], "requests", "0")
        figures.add("spike_connection_errors", result["connection_errors"], "requests", "0")
        self.stored_figures(figures, "spike", stored)
        figures.add("spike_aggregates_differing", differences, "rows", "0")


def arguments(argv):
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__.split("\n\n")[0])
    defaults = LoadSettings()
    for field in fields(LoadSettings):
        default = getattr(defaults, field.name)
        parser.add_argument(f"--{field.name.replace('_', '-')}", type=type(default), default=default)
    parser.add_argument("--output", type=Path, help="also write the figures to this JSON file")
    return parser.parse_args(argv)


def main(argv=None) -> None:
    options = arguments(argv)
    django_ready()
    from .figures import Figures

    settings = LoadSettings(**{field.name: getattr(options, field.name) for field in fields(LoadSettings)})
    figures = Figures()
    measure(figures, responses=FULL_SIZE_FROM, settings=settings)
    if options.output:
        figures.write(options.output)


if __name__ == "__main__":
    main()
