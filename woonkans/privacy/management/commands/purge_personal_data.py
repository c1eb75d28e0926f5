from django.core.management.base import BaseCommand

from woonkans.privacy.tasks import purge_personal_data


class Command(BaseCommand):
    help = (
        "Schoon de persoonsgegevens op van zaken waarvan de bewaartermijn (DPIA §10) is verstreken. "
        "Toont alleen aantallen en, bij --dry-run, de ids van de zaken."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Laat zien wat zou worden opgeschoond, zonder iets te wijzigen."
        )

    def handle(self, *args, **options):
        result = purge_personal_data.apply(kwargs={"dry_run": options["dry_run"]}).get()
        referral_ids = result.pop("referral_ids", None)
        for name, count in sorted(result.items()):
            self.stdout.write(f"{name}: {count}")
        if referral_ids is not None:
            self.stdout.write("dry run: niets gewijzigd")
            for referral_id in referral_ids:
                self.stdout.write(referral_id)
