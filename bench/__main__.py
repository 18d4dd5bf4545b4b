"""Run the benchmark: `bench/run [--responses N | --large | --sizes N,N...] [--output FILE] ...`.

It recreates its own PostgreSQL database (DATABASE_URL, a name starting with consult_bench),
loads the demo's consultation with every member state and N organisations' responses, and
measures at each size: recounting, report building on 1 and 2 workers, page reads, exports,
then the load test (bench/load.py) when there is one. Each figure is printed as
`name@N: value unit` and written to a JSON file; across sizes (or against --compare FILE)
it prints the growth `name@large/small: ratio x`.
"""

import argparse
import importlib.util
import json
import os
import re
import shutil
import sys
import tempfile
import time
import traceback
from pathlib import Path

from .figures import Figures

DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/consult_bench"
DEFAULT_REDIS = "redis://127.0.0.1:6379/3"
LARGE = 100_000
STATEMENTS_BASE = 1000
SIZED = re.compile(r"^(?P<name>.+)@(?P<size>\d+)$")
# What a figure may grow by from the smallest size to the largest (the targets).
GROWTH_TARGETS = {
    "aggregates_rebuild_statements": "== 1",
    "aggregates_increment": "<= 1.3",
    "summary_page_median": "<= 1.3",
    "summary_page_p95": "<= 1.3",
    "dashboard_page_median": "<= 1.3",
    "dashboard_page_p95": "<= 1.3",
    "export_csv_peak_memory": "<= 1.2",
    "export_xlsx_peak_memory": "<= 1.2",
}


def parse(argv) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="bench/run", description=__doc__.split("\n\n")[0])
    sizes = parser.add_mutually_exclusive_group()
    sizes.add_argument("--responses", type=int, default=10_000, help="Civil society responses (default 10,000).")
    sizes.add_argument("--large", action="store_true", help=f"{LARGE:,} civil society responses.")
    sizes.add_argument("--sizes", help="Several sizes in one run, growing the same data: 10000,100000.")
    parser.add_argument("--output", type=Path, default=Path("bench/results/latest.json"), help="JSON file to write.")
    parser.add_argument("--compare", type=Path, help="A previous JSON file: print the growth from its sizes.")
    parser.add_argument("--skip-load", action="store_true", help="Skip the throughput test (bench/load.py).")
    parser.add_argument("--skip-reports", action="store_true", help="Skip building reports on Celery workers.")
    parser.add_argument("--keep-database", action="store_true",
                        help="Reuse the database of an earlier run, adding only the responses missing.")
    options = parser.parse_args(argv)
    if options.sizes:
        options.sizes = sorted({int(size.replace("_", "")) for size in options.sizes.split(",") if size})
    else:
        options.sizes = [LARGE if options.large else options.responses]
    if min(options.sizes) < 1:
        parser.error("sizes must be 1 or more")
    return options


class SizedFigures:
    """The run's figures, each name suffixed with the number of responses it was measured at."""

    def __init__(self, figures: Figures, responses: int):
        self.figures, self.responses = figures, responses

    def add(self, name: str, value: float, unit: str, target: str = "") -> None:
        self.figures.add(f"{name}@{self.responses}", value, unit, target)

    def value(self, name: str):
        return self.figures.value(f"{name}@{self.responses}")


def main(argv=None) -> int:
    options = parse(argv)
    os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE)
    os.environ.setdefault("REDIS_URL", DEFAULT_REDIS)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    # Report files go to a folder of their own, which the workers (started from here) share.
    media = None if "MEDIA_ROOT" in os.environ else tempfile.mkdtemp(prefix="consult-bench-media-")
    os.environ.setdefault("MEDIA_ROOT", media or "")

    from . import data

    if not options.keep_database:
        data.database_recreate(os.environ["DATABASE_URL"])
    import django

    django.setup()
    figures = Figures()
    try:
        failures = run(figures, options)
    finally:
        if media:
            shutil.rmtree(media, ignore_errors=True)
    growth(figures, options.compare)
    options.output.parent.mkdir(parents=True, exist_ok=True)
    figures.write(options.output)
    print(f"Figures written to {options.output}", flush=True)
    return 1 if failures else 0


def run(figures: Figures, options) -> int:
    from django.contrib.auth import get_user_model

    from . import data, database, imports

    started = time.perf_counter()
    consultation = data.consultation_setup()
    user = get_user_model().objects.get(username=data.SECRETARIAT)
    figures.add("consultation_setup", time.perf_counter() - started, "s")
    if not options.keep_database:  # A kept database may already hold more responses than this.
        base = min(STATEMENTS_BASE, max(1, options.sizes[0] // 10))
        data.responses_grow(consultation, base)
        SizedFigures(figures, base).add("aggregates_rebuild_statements", database.rebuild_statements(consultation),
                                        "statements")
    failures = 0
    for size in options.sizes:
        sized = SizedFigures(figures, size)
        sized.add("data_load", data.responses_grow(consultation, size), "s")
        for name, value in data.data_shape(consultation).items():
            sized.add(f"data_{name}", value, "")
        database.measure_rebuild(sized, consultation)
        if not options.skip_reports:
            database.measure_reports(sized, consultation, workers=1)
            database.measure_reports(sized, consultation, workers=2)
        database.measure_pages(sized, consultation, user)
        database.measure_exports(sized, consultation)
        imports.measure_import(sized, consultation)
        failures += load_measure(sized, size, options)
    return failures


def load_measure(figures, size: int, options) -> int:
    """Run the throughput test of bench/load.py, where there is one; return 1 if it failed."""
    if options.skip_load or importlib.util.find_spec("bench.load") is None:
        return 0
    from . import load

    try:
        load.measure(figures, responses=size)
    except Exception:
        traceback.print_exc()
        return 1
    return 0


def growth(figures: Figures, compare: Path | None) -> None:
    """Add the ratio of each figure at the largest size to the same at the smallest (this run and `compare`)."""
    by_name: dict[str, dict[int, float]] = {}
    previous = json.loads(compare.read_text())["figures"] if compare else []
    for row in [*previous, *figures.rows]:
        match = SIZED.match(row["name"])
        if match and isinstance(row["value"], (int, float)):
            by_name.setdefault(match["name"], {})[int(match["size"])] = row["value"]
    for name, values in by_name.items():
        small, large = min(values), max(values)
        if small == large or not values[small]:
            continue
        figures.add(f"{name}@{large}/{small}", values[large] / values[small], "x", target=GROWTH_TARGETS.get(name, ""))


if __name__ == "__main__":
    sys.exit(main())
