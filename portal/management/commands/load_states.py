from django.core.management.base import BaseCommand

from portal.reference_data import states_load


class Command(BaseCommand):
    help = "Load or update the States and their treaty status from portal/data/states.json."

    def handle(self, *args, **options):
        result = states_load()
        self.stdout.write(
            f"States: {result['total']} in the file, {result['created']} created, {result['updated']} updated."
        )
