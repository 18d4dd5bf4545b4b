from argparse import ArgumentTypeError
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_slug

from consult.models import Language
from consult.papers import PaperError
from consult.services.papers import position_paper_import_into


def slug(value: str) -> str:
    try:
        validate_slug(value)
    except ValidationError:
        message = f'"{value}" is not a valid slug: use letters, numbers, hyphens and underscores.'
        raise ArgumentTypeError(message) from None
    return value


class Command(BaseCommand):
    help = "Import a position paper (.md, .txt or .docx) into a consultation, creating it if needed."

    def add_arguments(self, parser):
        parser.add_argument("path", help="The paper: Markdown, plain text or Word (.docx).")
        parser.add_argument("--consultation", required=True, type=slug, help="Slug of the consultation.")
        parser.add_argument("--title", default="", help="Title of the consultation (default: the paper's title).")
        parser.add_argument("--language", default="", choices=Language.values, help="Source language of the paper.")

    def handle(self, *args, path, consultation, title, language, **options):
        content = read_limited(Path(path))
        try:
            consultation, result = position_paper_import_into(
                slug=consultation, filename=Path(path).name, content=content, title=title, language=language
            )
        except PaperError as error:
            raise CommandError(f"{path}: {error}") from None
        self.stdout.write(self.style.SUCCESS(f'Imported {path} into "{consultation.slug}": {result.summary()}'))
        for area in result.outline.areas:
            self.stdout.write(f"  {area.number}. {area.title}: {len(area.recommendations)} recommendations")


def read_limited(path: Path) -> bytes:
    """Return the file's bytes, reading no more than one byte past the size limit."""
    # One byte over the limit is enough for the reader to refuse the file; a huge one is never loaded whole.
    try:
        with path.open("rb") as file:
            return file.read(settings.POSITION_PAPER_MAX_BYTES + 1)
    except OSError as error:
        raise CommandError(f"Cannot read {path}: {error.strerror or error}.") from None
