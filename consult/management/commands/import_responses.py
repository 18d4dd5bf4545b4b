from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from consult.models import Audience, Consultation
from consult.services.imports.responses import ResponseImportError, responses_import, responses_import_plan


class Command(BaseCommand):
    help = (
        "Import responses from a CSV or XLSX file in the layout export_responses writes. Every line is checked "
        "first: if any is wrong, each wrong line is listed and nothing is written."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug", help="Slug of the consultation.")
        parser.add_argument("file", help="CSV (UTF-8) or XLSX file.")
        parser.add_argument("--audience", choices=Audience.values, help="Import only this audience's lines.")
        parser.add_argument("--dry-run", action="store_true", help="Check the file and say what would change.")

    def handle(self, *args, slug, file, audience, dry_run, **options):
        consultation = Consultation.objects.filter(slug=slug).first()
        if consultation is None:
            raise CommandError(f"no consultation '{slug}'")
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"no file '{file}'")
        action = responses_import_plan if dry_run else responses_import
        try:
            with path.open("rb") as stream:
                plan = action(consultation=consultation, filename=path.name, file=stream, audience=audience)
        except ResponseImportError as error:
            raise CommandError("nothing imported:\n" + "\n".join(error.errors)) from None
        for notice in plan.notices:
            self.stderr.write(notice)
        self.stdout.write(("Would import: " if dry_run else "Imported: ") + plan.summary())
