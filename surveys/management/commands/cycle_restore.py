from django.core.management.base import BaseCommand, CommandError

from surveys.services.backup import BackupError, cycle_restore


class Command(BaseCommand):
    help = (
        "Restore a cycle archive written by cycle_dump, in one transaction. Rows already present and "
        "identical are kept; any other clash refuses the whole restore and changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="The .tar.gz written by cycle_dump.")

    def handle(self, *args, archive, **options):
        try:
            result = cycle_restore(source=archive)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(result.counts.values())
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored the cycle {result.questionnaire_code}: {rows} rows written, "
                f"{result.skipped} already present and identical, {len(result.files)} files."
            )
        )
