from django.core.management.base import BaseCommand

from consult.models import RegionalGrouping
from consult.services.stakeholders import M49_KINDS, member_states_load


class Command(BaseCommand):
    help = (
        "Load the 193 UN member states, their UN M49 regions and their names in the six languages "
        "from consult/fixtures/un_member_states.csv and grouping_names.csv (idempotent)."
    )

    def handle(self, *args, **options):
        states = member_states_load()
        regions = RegionalGrouping.objects.filter(kind__in=M49_KINDS).count()
        self.stdout.write(
            f"Loaded {states} member states in {regions} UN M49 regions, sub-regions and intermediate regions."
        )
