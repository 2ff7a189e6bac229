from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from assistance.demo import demo_assistance_load


class Command(BaseCommand):
    help = "Load demo technical assistance (needs, an offer, an activity, rates, contributions); local use only."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("Demo data is for local use only (DEBUG is off).")
        created = demo_assistance_load()
        if created:
            self.stdout.write(self.style.SUCCESS(f"Demo assistance: {created} needs, with offers and contributions."))
        else:
            self.stdout.write("Demo assistance: already present.")
