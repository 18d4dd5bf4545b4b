from django.core.management.base import BaseCommand, CommandError

from consult.models import AnalysisRun, Consultation
from consult.services.themes.analysis import text_question_codes, texts_analyse
from consult.services.themes.export import themes_document, themes_json


class Command(BaseCommand):
    help = "Propose themes and find campaigns in a consultation's long answers (keeping every human decision)."

    def add_arguments(self, parser):
        parser.add_argument("slug", help="Slug of the consultation.")
        parser.add_argument("--question", default="", help="Code of one long-text question (default: all).")
        parser.add_argument("--json", action="store_true", help="Print the themes and campaigns as JSON.")

    def handle(self, *args, slug, question, json: bool, **options):
        consultation = Consultation.objects.filter(slug=slug).first()
        if consultation is None:
            raise CommandError(f"no consultation '{slug}'")
        if question and question not in text_question_codes(consultation):
            raise CommandError(f"'{question}' is not a long-text question of {slug}")
        run = texts_analyse(run=AnalysisRun.objects.create(consultation=consultation, question_code=question))
        if json:
            self.stdout.write(themes_json(themes_document(consultation, question)))
        else:
            for outcome in run.outcome["questions"]:
                self.stdout.write(outcome_line(outcome))

    
def outcome_line(outcome: dict) -> str:
    campaigns = ", ".join(str(size) for size in outcome["campaigns"]) or "none"
    return (
        f"{outcome['code']}: {outcome['answers']} answers ({outcome['new_answers']} new), "
        f"{outcome['themes_proposed']} themes proposed, {outcome['proposed_into_reviewed']} answers proposed "
        f"into reviewed themes, campaigns: {campaigns}"
    )
