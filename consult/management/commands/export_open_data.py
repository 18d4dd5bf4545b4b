from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from consult.models import Consultation
from consult.services.open_data import open_data_write


class Command(BaseCommand):
    help = "Write a consultation's published data as a Frictionless data package (datapackage.json and CSV files)."

    def add_arguments(self, parser):
        parser.add_argument("slug", help="Slug of the consultation.")
        parser.add_argument("--output", required=True, help="Folder to write into (created if missing).")
        parser.add_argument("--source-url", default="", help="Address of the consultation's public page, as its source.")

    def handle(self, *args, slug, output, source_url, **options):
        consultation = Consultation.objects.filter(slug=slug).first()
        if consultation is None:
            raise CommandError(f"no consultation '{slug}'")
        files = open_data_write(consultation=consultation, folder=Path(output), source_url=source_url)
        self.stdout.write(f"Wrote {', '.join(path.name for path in files)} to {output}.")
