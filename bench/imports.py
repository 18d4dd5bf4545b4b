"""Importing responses: the whole CSV export read back into a fresh copy of the consultation, then again.

The first import writes every response (set-based: a few statements and COPY); the second
finds each one unchanged and writes nothing. Each runs in its own process, with its peak memory.
"""

import io
import sys
import tempfile
from pathlib import Path

from django.core.management import call_command

from .database import run_measured

COPY_SLUG = "bench-import-copy"


def measure_import(figures, consultation) -> None:
    from consult.models import Consultation

    with tempfile.TemporaryDirectory(prefix="consult-bench-import-") as folder:
        answers, document = Path(folder) / "answers.csv", Path(folder) / "consultation.json"
        call_command("export_responses", consultation.slug, format="csv", output=str(answers), stderr=io.StringIO())
        with document.open("w") as stream:
            call_command("export_consultation", consultation.slug, stdout=stream)
        call_command("import_consultation", str(document), consultation=COPY_SLUG, stdout=io.StringIO())
        try:
            for name in ("import_responses", "import_responses_again"):
                command = [sys.executable, "-m", "bench.peak", "import_responses", COPY_SLUG, str(answers)]
                seconds, peak_kb = run_measured(command)
                figures.add(name, seconds, "s")
                figures.add(f"{name}_peak_memory", peak_kb / 1024, "MB")
        finally:
            copy_delete(Consultation.objects.get(slug=COPY_SLUG))


def copy_delete(copy) -> None:
    """Remove the copy and its responses, so that the next size's measures see the data set alone."""
    from django.db import connection

    from consult.models import Position
    from surveys.models import Answer, Response

    responses = list(Position.objects.filter(consultation=copy).values_list("response_id", flat=True))
    # One statement: Django's delete would first set the themes' references to these answers to
    # NULL by listing every answer id in one UPDATE (ten million at 100,000: more than PostgreSQL
    # can allocate). The copy has no themes.
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {Answer._meta.db_table} WHERE response_id IN "
            f"(SELECT response_id FROM {Position._meta.db_table} WHERE consultation_id = %s)", [copy.pk],
        )
    Position.objects.filter(consultation=copy).delete()
    Response.objects.filter(pk__in=responses).delete()
    copy.delete()
