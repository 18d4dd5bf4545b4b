import shutil
import time
from pathlib import Path

from celery import current_app
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from consult.models import Consultation, RegionalGrouping, Report
from consult.selectors.reports import report_groupings
from consult.services.reports.build import report_filename, reports_request

FINISHED = (Report.Status.DONE, Report.Status.FAILED)


class Command(BaseCommand):
    help = (
        "Build regional summaries through the report tasks (in-process on the embedded default, on the "
        "workers when Redis is configured), wait for them and copy the files to a folder."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug", help="Slug of the consultation.")
        parser.add_argument("--region", action="append", default=[],
                            help='A region or grouping code, or "world"; repeat or separate with commas. Default: all.')
        parser.add_argument("--format", default=",".join(Report.SUMMARY_FORMATS), help="Formats, comma-separated.")
        parser.add_argument("--language", help="Language of labels and headings. Default: the consultation's.")
        parser.add_argument("--output", help="Folder to copy the built files to.")
        parser.add_argument("--timeout", type=int, default=1800, help="Seconds to wait for the workers.")

    def handle(self, *args, slug, region, format, language, output, timeout, **options):
        consultation = Consultation.objects.filter(slug=slug).first()
        if consultation is None:
            raise CommandError(f'No consultation with the slug "{slug}".')
        groupings = self.groupings([code for value in region for code in value.split(",") if code])
        formats = self.formats(format)
        started = time.monotonic()
        reports = reports_request(
            consultation=consultation, groupings=groupings, formats=formats,
            language=self.language(language or consultation.language), actor=None,
        )
        self.stdout.write(f"{len(reports)} reports requested ({len(groupings)} regions x {len(formats)} formats).")
        # In-process tasks have finished (or will never start) once the request returns.
        reports = self.wait(reports, 0 if current_app.conf.task_always_eager else timeout)
        self.stdout.write(f"Built in {time.monotonic() - started:.1f} s.")
        self.report(reports, Path(output) if output else None)

    def groupings(self, codes: list[str]) -> list:
        if not codes:
            return [None, *report_groupings()]
        found = {grouping.code: grouping for grouping in RegionalGrouping.objects.filter(code__in=codes)}
        unknown = set(codes) - set(found) - {"world"}
        if unknown:
            raise CommandError(f"Unknown region or grouping: {', '.join(sorted(unknown))}.")
        return [None if code == "world" else found[code] for code in codes]

    def formats(self, value: str) -> list[str]:
        formats = [item.strip() for item in value.split(",") if item.strip()]
        unknown = set(formats) - set(Report.SUMMARY_FORMATS)
        if unknown or not formats:
            raise CommandError(f"Formats are among {', '.join(Report.SUMMARY_FORMATS)}; not {', '.join(sorted(unknown))}.")
        return formats

    def language(self, value: str) -> str:
        codes = [code for code, _name in settings.LANGUAGES]
        matching = [code for code in codes if code == value or code.split("-")[0] == value]
        if not matching:
            raise CommandError(f"Languages are among {', '.join(codes)}.")
        return matching[0]

    def wait(self, reports: list[Report], timeout: int) -> list[Report]:
        """Return the reports once all have finished (at once when the tasks ran in-process)."""
        deadline = time.monotonic() + timeout
        pending = Report.objects.filter(pk__in=[report.pk for report in reports]).exclude(status__in=FINISHED)
        while pending.exists():
            if time.monotonic() >= deadline:
                raise CommandError(f"{pending.count()} reports unfinished after {timeout} s: are workers running?")
            time.sleep(1)
        finished = Report.objects.filter(pk__in=[report.pk for report in reports])
        return list(finished.select_related("grouping", "consultation"))

    def report(self, reports: list[Report], output: Path | None) -> None:
        if output:
            output.mkdir(parents=True, exist_ok=True)
        for report in sorted(reports, key=lambda report: (report.grouping_id or 0, report.format)):
            if report.status == Report.Status.FAILED:
                self.stderr.write(f"FAILED {report_filename(report)}: {report.error}")
                continue
            target = output / report_filename(report) if output else None
            if target:
                with report.file.open("rb") as source, open(target, "wb") as copy:
                    shutil.copyfileobj(source, copy)
            self.stdout.write(f"{report_filename(report)}: {target or report.file.name}")
        if any(report.status == Report.Status.FAILED for report in reports):
            raise CommandError("Some reports failed.")
