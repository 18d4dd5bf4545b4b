from django.core.management.base import BaseCommand, CommandError

from consult.models import Consultation
from consult.services.aggregation import aggregates_rebuild


class Command(BaseCommand):
    help = "Recount every stored figure of a consultation from its submitted responses."

    def add_arguments(self, parser):
        parser.add_argument("slug", help="Slug of the consultation.")

    def handle(self, *args, slug, **options):
        consultation = Consultation.objects.filter(slug=slug).first()
        if consultation is None:
            raise CommandError(f'No consultation with the slug "{slug}".')
        figures = aggregates_rebuild(consultation=consultation)
        self.stdout.write(self.style.SUCCESS(f"Aggregates: {figures} figures counted."))
