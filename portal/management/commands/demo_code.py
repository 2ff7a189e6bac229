from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from portal.demo import demo_totp_code


class Command(BaseCommand):
    help = (
        "Print the current one-time code of the demo Secretariat accounts (local use only). It knows only "
        "the public demo key that load_demo gives them, never anyone else's."
    )

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("Demo accounts are for local use only (DEBUG is off).")
        self.stdout.write(demo_totp_code())
