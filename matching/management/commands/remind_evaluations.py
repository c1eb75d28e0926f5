from django.core.management.base import BaseCommand

from matching.tasks import remind_evaluations


class Command(BaseCommand):
    help = "Herinner de vaste aanspreekpunten aan evaluaties die meer dan zes maanden geleden zijn."

    def handle(self, *args, **options):
        self.stdout.write(f"{remind_evaluations.apply().get()} herinneringen verstuurd.")
