from django.core.management.base import BaseCommand, CommandError

from surveys.services.backup import BackupError, cycle_dump


class Command(BaseCommand):
    help = (
        "Back up one reporting cycle: the questionnaire version, every State's responses, answers and their "
        "history, comments, attached files, the States and people they refer to, the audit events and the "
        "assistance needs of the cycle, into one .tar.gz file (see README, Backups)."
    )

    def add_arguments(self, parser):
        parser.add_argument("code", help="Code of the questionnaire version, e.g. omnibus-2026.")
        parser.add_argument("out", help="Archive to write, e.g. omnibus-2026.tar.gz.")

    def handle(self, *args, code, out, **options):
        try:
            result = cycle_dump(code=code, out=out)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(result.counts.values())
        self.stdout.write(
            self.style.SUCCESS(f"Wrote {out}: {rows} rows, {len(result.files)} files of the cycle {code}.")
        )
        if options["verbosity"] > 1:
            for label, count in result.counts.items():
                self.stdout.write(f"  {label:<28} {count}")
