"""`manage.py restore --target TIME` (`make restore TARGET=... CONFIRM=yes`): database and private
files back to one moment. Without --confirm yes it only checks the target and says what it would do."""

from django.core.management.base import BaseCommand, CommandError

from woonkans.ops import pitr


class Command(BaseCommand):
    help = "Herstel database en privébestanden naar een tijdstip; zie docs/backups.md."

    def add_arguments(self, parser):
        parser.add_argument("--target", required=True, help='tijdstip met tijdzone, bv. "2026-12-02 10:00:00+01"')
        parser.add_argument("--confirm", default="", help="'yes' om echt te herstellen (vervangt alles)")

    def handle(self, *args, target, confirm, **options):
        config = pitr.Config.from_settings()
        try:
            plan = pitr.plan_restore(config, pitr.parse_target(target))
            self.stdout.write(pitr.describe(plan))
            if confirm != "yes":
                raise CommandError(
                    "Herstellen vervangt de hele database en alle privébestanden door die van dat moment; "
                    "alles van daarna gaat verloren. Er is niets gewijzigd. Bevestig met: "
                    f'make restore TARGET="{target}" CONFIRM=yes'
                )
            result = pitr.restore(config, plan.target)
        except pitr.BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Hersteld naar {result['target']:%Y-%m-%d %H:%M:%S} UTC uit {result['backup']}, "
            f"{result['files']} bestanden, in {result['duration_seconds']} s."
        )
        if not result["started_cluster"]:
            self.stdout.write("Start nu PostgreSQL (docker compose start postgres) en daarna web, worker en beat.")
