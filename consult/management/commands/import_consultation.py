import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from consult.models import Recommendation
from consult.services.transfer import TransferError, consultation_import
from surveys.models import Question


class Command(BaseCommand):
    help = "Create a consultation from a JSON file written by export_consultation."

    def add_arguments(self, parser):
        parser.add_argument("path", help='The JSON file, or "-" for standard input.')
        parser.add_argument("--consultation", metavar="NEWSLUG", help="Import under this slug instead of the file's.")

    def handle(self, *args, path, consultation, **options):
        document = self.read(path)
        try:
            imported = consultation_import(document=document, slug=consultation)
        except TransferError as error:
            raise CommandError(f"{path}: {error}")
        recommendations = Recommendation.objects.filter(area__consultation=imported).count()
        questions = Question.objects.filter(survey__questionnaire__consultation=imported).count()
        self.stdout.write(
            f"{imported.slug}: {imported.areas.count()} areas, {recommendations} recommendations, "
            f"{imported.questionnaires.count()} surveys, {questions} questions"
        )

    def read(self, path: str):
        """Return the parsed JSON of the file, or of standard input for "-"."""
        try:
            data = sys.stdin.buffer.read() if path == "-" else Path(path).read_bytes()
            return json.loads(data.decode("utf-8-sig"))
        except OSError as error:
            raise CommandError(f"{path}: cannot read the file ({error.strerror})")
        except UnicodeDecodeError:
            raise CommandError(f"{path}: not UTF-8 text")
        except json.JSONDecodeError as error:
            raise CommandError(f"{path}: invalid JSON at line {error.lineno}, column {error.colno}: {error.msg}")
