from django.core.management.base import BaseCommand, CommandError

from consult.models import Audience, Consultation, Language
from consult.services.xlsform import XLSFormError, xlsform_write


class Command(BaseCommand):
    help = "Write a questionnaire as an XLSForm (KoboToolbox, ODK), labels in every language it has."

    def add_arguments(self, parser):
        parser.add_argument("slug", help="Slug of the consultation.")
        parser.add_argument("--audience", choices=Audience.values, required=True)
        parser.add_argument("--language", choices=Language.values, help="The form's default language.")
        parser.add_argument("--output", required=True, help="The .xlsx file to write.")

    def handle(self, *args, slug, audience, language, output, **options):
        consultation = Consultation.objects.filter(slug=slug).first()
        if consultation is None:
            raise CommandError(f"no consultation '{slug}'")
        try:
            count = xlsform_write(consultation=consultation, audience=audience, language=language, path=output)
        except XLSFormError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Wrote {count} questions to {output}.")
