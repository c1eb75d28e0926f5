from django.core.management.base import BaseCommand, CommandError

from woonkans.privacy.disclosure_check import run_check


class Command(BaseCommand):
    help = (
        "Vergelijk de rechten op elke zaak met het openbaarmakingsbeleid (wie ziet wat per stap). "
        "Meldt per zaak-id elk recht te veel en elk ontbrekend recht, nooit persoonsgegevens; "
        "herstelt met --fix. Eindigt met een foutcode als er afwijkingen waren."
    )

    def add_arguments(self, parser):
        parser.add_argument("--fix", action="store_true", help="Herstel de afwijkingen: de tabellen volgen het beleid.")

    def handle(self, *args, **options):
        result = run_check(fix=options["fix"])
        for line in result["lines"]:
            self.stdout.write(line)
        if result["cases"]:
            state = "hersteld" if result["fixed"] else "niet hersteld; draai opnieuw met --fix"
            raise CommandError(f"{len(result['cases'])} zaken wijken af van het beleid ({state}).")
        self.stdout.write("Alle zaken volgen het openbaarmakingsbeleid.")
