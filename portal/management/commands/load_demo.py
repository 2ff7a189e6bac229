from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from assistance.demo import demo_assistance_load
from portal.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET, demo_load
from reports.demo import demo_session_load
from surveys.demo import demo_response_load


class Command(BaseCommand):
    help = (
        "Create one demo account per role, demo technical assistance and a demo Conference session "
        "(local use only), and print the accounts."
    )

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("Demo accounts are for local use only (DEBUG is off).")
        accounts = demo_load()
        self.stdout.write(self.style.SUCCESS(f"Demo accounts (password: {DEMO_PASSWORD}):"))
        for email, role in accounts:
            self.stdout.write(f"  {role:<32} {email}")
        self.stdout.write(
            "Secretariat accounts (reviewer, administrator) also ask for a one-time code: add the key "
            f"{DEMO_TOTP_SECRET} to an authenticator app, or print the current code with "
            "`.venv/bin/python manage.py demo_code`."
        )
        submitted = demo_response_load()
        self.stdout.write(
            f"Demo response: {submitted}, every required question answered and submitted."
            if submitted
            else "Demo response: already submitted."
        )
        created = demo_assistance_load()
        self.stdout.write(
            f"Demo technical assistance: {created} needs from Ghana's answers, an offer, an activity, "
            "rates and contributions."
            if created
            else "Demo technical assistance: already present."
        )
        session = demo_session_load()
        self.stdout.write(
            f"Demo Conference session: {session}." if session else "Demo Conference session: already present."
        )
