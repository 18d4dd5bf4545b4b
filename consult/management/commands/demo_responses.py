from django.core.management.base import BaseCommand, CommandError

from consult.models import Consultation
from consult.services.aggregation import aggregates_rebuild
from consult.services.demo_responses import demo_responses_generate


class Command(BaseCommand):
    help = (
        "Add synthetic positions (submitted and drafts) of member states and civil society organisations "
        "to a consultation, reproducibly for a seed, then recount its figures."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug", help="Slug of the consultation.")
        parser.add_argument("--states", type=int, default=40, help="Member states to answer (default 40).")
        parser.add_argument("--organisations", type=int, default=60, help="Organisations to answer (default 60).")
        parser.add_argument("--seed", type=int, default=2013, help="Seed of the random draws (default 2013).")
        parser.add_argument("--all-submitted", action="store_true",
                            help="Submit every position, as the benchmark does (default: some stay drafts).")

    def handle(self, *args, slug, states, organisations, seed, all_submitted, **options):
        consultation = Consultation.objects.filter(slug=slug).first()
        if consultation is None:
            raise CommandError(f'No consultation with the slug "{slug}".')
        if states < 0 or organisations < 0:
            raise CommandError("--states and --organisations must be 0 or more.")
        if not consultation.questionnaires.exists():
            raise CommandError(f'The consultation "{slug}" has no questions yet: run generate_questions first.')
        result = demo_responses_generate(
            consultation=consultation, states=states, organisations=organisations, seed=seed,
            all_submitted=all_submitted,
        )
        self.stdout.write(result.summary())
        # The responses were loaded in bulk, without the submissions that trigger a recount.
        figures = aggregates_rebuild(consultation=consultation)
        self.stdout.write(self.style.SUCCESS(f"Aggregates: {figures} figures counted."))
