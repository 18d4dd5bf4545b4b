from django.core.management.base import BaseCommand, CommandError

from consult.models import Consultation
from consult.services.questions import questions_generate


class Command(BaseCommand):
    help = "Generate or refresh the survey questions of a consultation from its recommendations."

    def add_arguments(self, parser):
        parser.add_argument("slug", help="Slug of the consultation.")

    def handle(self, *args, slug, **options):
        consultation = Consultation.objects.filter(slug=slug).first()
        if consultation is None:
            raise CommandError(f'No consultation with the slug "{slug}".')
        result = questions_generate(consultation=consultation)
        self.stdout.write(self.style.SUCCESS(result.summary()))
