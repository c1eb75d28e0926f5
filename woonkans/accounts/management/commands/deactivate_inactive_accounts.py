from django.core.management.base import BaseCommand

from woonkans.accounts.tasks import deactivate_inactive_accounts


class Command(BaseCommand):
    help = "Deactiveer accounts die langer dan ACCOUNT_INACTIVITY_DAYS niet zijn gebruikt."

    def handle(self, *args, **options):
        count = deactivate_inactive_accounts.apply().get()
        self.stdout.write(f"Accounts gedeactiveerd: {count}")
