import time

from django.conf import settings
from django.core.management.base import BaseCommand

from consult.services.outbox import outbox_publish_pending


class Command(BaseCommand):
    help = (
        "Publish the background tasks waiting in the outbox (Redis was down when they were written, "
        "or they were lost since). Celery beat does this every few seconds; this is for operators."
    )

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true", help="Keep relaying until interrupted.")
        parser.add_argument("--interval", type=float, default=settings.OUTBOX_RELAY_SECONDS,
                            help="Seconds between passes with --loop.")

    def handle(self, *args, loop, interval, **options):
        while True:
            published, waiting = outbox_publish_pending()
            self.stdout.write(f"Outbox: {published} published, {waiting} still waiting.")
            if not loop:
                return
            time.sleep(interval)
