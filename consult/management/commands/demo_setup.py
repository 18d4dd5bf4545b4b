from django.core.management.base import BaseCommand

from consult.services.demo import demo_setup


class Command(BaseCommand):
    help = "Build or refresh the demo: the real position paper, its questions and one account per role."

    def handle(self, *args, **options):
        result = demo_setup()
        for line in result.lines:
            self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS(f"Demo consultation: /consultations/{result.consultation.slug}/"))
        self.stdout.write("Demo accounts (username / password / role):")
        for account in result.accounts:
            self.stdout.write(f"  {account.username:<20} {account.password:<24} {account.role}")
