from django.core.management.base import BaseCommand, CommandError

from consult.services.stakeholders import GROUPINGS_FIXTURE, GroupingImportError, groupings_import_csv


class Command(BaseCommand):
    help = (
        "Import regional groupings from a CSV file (grouping_code,grouping_name,kind,country); "
        "each grouping listed gets exactly the members the file gives it."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default=str(GROUPINGS_FIXTURE), help="default: %(default)s")

    def handle(self, *args, path, **options):
        try:
            with open(path, "rb") as file:
                result = groupings_import_csv(file=file)
        except OSError as error:
            raise CommandError(f"{path}: {error.strerror}") from None
        except GroupingImportError as error:
            raise CommandError(f"{path}: {error}") from None
        self.stdout.write(f"Imported {result.summary()}.")
