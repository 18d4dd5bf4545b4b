from django.core.management.base import BaseCommand, CommandError

from consult.models import Audience, Consultation
from consult.services.exports import responses_export_csv, responses_export_xlsx


class Command(BaseCommand):
    help = "Export a consultation's submitted responses, one row per response, as CSV or XLSX."
    # The URL check would import every view, and with them the report renderers (matplotlib,
    # WeasyPrint): 135 MB and seconds that an export never uses. `manage.py check` still runs it.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("slug", help="Slug of the consultation.")
        parser.add_argument("--format", choices=["csv", "xlsx"], required=True)
        parser.add_argument("--audience", choices=Audience.values, help="Only this audience (default: both).")
        parser.add_argument("--output", help="File to write (default for CSV: standard output).")

    def handle(self, *args, slug, format, audience, output, **options):
        consultation = Consultation.objects.filter(slug=slug).first()
        if consultation is None:
            raise CommandError(f"no consultation '{slug}'")
        if format == "xlsx" and not output:
            raise CommandError("an XLSX export needs --output FILE")
        rows = self.export(consultation, format, audience, output)
        self.stderr.write(f"Exported {rows} responses{f' to {output}' if output else ''}.")

    def export(self, consultation, format, audience, output) -> int:
        options = {"consultation": consultation, "audience": audience}
        if format == "xlsx":
            return responses_export_xlsx(**options, path=output)
        if output is None:
            return responses_export_csv(**options, stream=TextStream(self.stdout))
        with open(output, "w", encoding="utf-8", newline="") as stream:
            return responses_export_csv(**options, stream=stream)


class TextStream:
    """Write CSV lines through the command's stdout as they are, adding no line ending."""

    def __init__(self, stdout):
        self.stdout = stdout

    def write(self, text: str) -> None:
        self.stdout.write(text, ending="")
