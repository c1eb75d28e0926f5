from django.core.management.base import BaseCommand

from woonkans.accounts.tasks import open_access_reviews


class Command(BaseCommand):
    help = "Open een toegangscontrole voor elke organisatie met gebruikers (als er geen meer openstaat)."

    def handle(self, *args, **options):
        count = open_access_reviews.apply().get()
        self.stdout.write(f"Toegangscontroles geopend: {count}")
