"""`manage.py backup` (`make backup`): a pgBackRest backup plus a snapshot of the private files."""

from django.core.management.base import BaseCommand, CommandError

from woonkans.ops import pitr


class Command(BaseCommand):
    help = "Back-up van database (pgBackRest) en privébestanden; zie docs/backups.md."

    def add_arguments(self, parser):
        parser.add_argument(
            "--type",
            choices=["auto", "full", "diff", "incr"],
            default="full",
            help="auto: zoals de nachtelijke taak (wekelijks full, anders diff; overgeslagen als er < 12 uur "
            "geleden een was). Standaard: full.",
        )
        parser.add_argument("--files-only", action="store_true", help="alleen een snapshot van de bestanden")
        parser.add_argument(
            "--check", action="store_true", help="niets maken; exitcode 1 als de nieuwste back-up te oud is"
        )

    def handle(self, *args, type, files_only, check, **options):
        config = pitr.Config.from_settings()
        try:
            if check:
                state = pitr.status(config)
                newest = f"{state['newest']} ({state['age_hours']} uur oud)" if state["newest"] else "geen"
                self.stdout.write(f"Nieuwste back-up: {newest}; {state['backups']} in de repository.")
                if state["stale"]:
                    raise CommandError(f"De nieuwste back-up is ouder dan {config.max_age_hours} uur.")
                return
            if files_only:
                result = pitr.snapshot_files(config)
                self.stdout.write(f"Snapshot van {result['files']} bestanden ({result['new_objects']} nieuw).")
                return
            result = pitr.backup(config, kind=type)
        except pitr.BackupError as error:
            raise CommandError(str(error)) from error
        if result["skipped"]:
            self.stdout.write(f"Niets te doen: back-up {result['label']} is minder dan 12 uur oud.")
        else:
            self.stdout.write(
                f"Back-up {result['label']} ({result['kind']}) klaar in {result['duration']} s, "
                f"met een snapshot van {result['files']} bestanden."
            )
