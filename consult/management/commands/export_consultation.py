import json

from django.core.management.base import BaseCommand, CommandError

from consult.models import Consultation
from consult.services.transfer import consultation_export


class Command(BaseCommand):
    help = "Write a consultation (areas, recommendations, current questions) as JSON to standard output."

    def add_arguments(self, parser):
        parser.add_argument("slug", help="Slug of the consultation to export.")

    def handle(self, *args, slug, **options):
        consultation = Consultation.objects.filter(slug=slug).first()
        if consultation is None:
            raise CommandError(f"no consultation '{slug}'")
        document = consultation_export(consultation=consultation)
        self.stdout.write(json.dumps(document, ensure_ascii=False, indent=2))
