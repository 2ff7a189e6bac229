from django.core.management.base import BaseCommand

from surveys.services.content import questionnaire_build, reference_data_load


class Command(BaseCommand):
    help = "Load the instruments, provisions and code lists, and create the shipped questionnaire if missing."

    def add_arguments(self, parser):
        parser.add_argument(
            "--draft", action="store_true", help="Leave a newly created questionnaire as a draft."
        )

    def handle(self, *args, draft=False, **options):
        counts = reference_data_load()
        self.stdout.write(
            f"Instruments: {counts['instruments']}, articles: {counts['articles']}, "
            f"provisions: {counts['provisions']} ({counts['changed']} rows created or updated)."
        )
        questionnaire, created = questionnaire_build(publish=not draft)
        verb = "Created" if created else "Already present:"
        self.stdout.write(
            f"{verb} questionnaire {questionnaire.code} ({questionnaire.questions.count()} questions)."
        )
