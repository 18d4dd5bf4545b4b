from django.core.management.base import BaseCommand, CommandError

from consult.services.audit import audit_chain_check


class Command(BaseCommand):
    help = (
        "Check the audit trail's hash chain and show the result on the audit page; exit 1 naming the first "
        "event that was changed or follows a removed one."
    )

    def handle(self, *args, **options):
        status = audit_chain_check()
        if status["broken_id"] is not None:
            raise CommandError(
                f"Audit chain broken at event #{status['broken_id']}: it was changed, or an event before it "
                "was changed or removed."
            )
        self.stdout.write(f"{status['events']} events, chain intact.")
