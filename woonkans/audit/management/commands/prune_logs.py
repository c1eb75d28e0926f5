from django.core.management.base import BaseCommand

from woonkans.audit.tasks import prune_logs


class Command(BaseCommand):
    help = "Verwijder logregels ouder dan de bewaartermijn (AUDIT_LOG_RETENTION_DAYS)."

    def handle(self, *args, **options):
        counts = prune_logs.apply().get()
        for log, count in counts.items():
            self.stdout.write(f"{log}: {count}")
