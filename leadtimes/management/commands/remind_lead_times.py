from django.core.management.base import BaseCommand

from leadtimes.tasks import remind_lead_times


class Command(BaseCommand):
    help = "Herinner de verantwoordelijken aan casussen die langer dan de doorlooptijd wachten (alleen een link)."

    def handle(self, *args, **options):
        reminders, chair_notices = remind_lead_times()
        self.stdout.write(f"{reminders} herinneringen, {chair_notices} meldingen aan de voorzitter verstuurd.")
