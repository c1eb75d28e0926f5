from django.core.management.base import BaseCommand

from woonkans.notifications import services
from woonkans.notifications.tasks import deliver_due_notifications


class Command(BaseCommand):
    help = "Verstuur de notificatie-e-mails die klaarstaan in de outbox en toon de achterstand."

    def add_arguments(self, parser):
        parser.add_argument(
            "--retry-failed",
            action="store_true",
            help="Zet opgegeven e-mails (na te veel mislukte pogingen) eerst terug in de wachtrij.",
        )
        parser.add_argument("--status", action="store_true", help="Toon alleen de achterstand; verstuur niets.")

    def handle(self, *args, retry_failed=False, status=False, **options):
        if not status:
            if retry_failed:
                self.stdout.write(f"Terug in de wachtrij: {services.retry_failed()}")
            counts = deliver_due_notifications.apply().get()
            self.stdout.write(f"Verstuurd: {counts['sent']}, niet gelukt: {counts['not_sent']}")
        state = services.backlog()
        self.stdout.write(
            f"Achterstand: {state['backlog']} (opgegeven: {state['failed']}), "
            f"oudste: {state['oldest_age_seconds']} seconden"
        )
