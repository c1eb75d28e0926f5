import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from woonkans import demo
from woonkans.accounts.roles import Role


class Command(BaseCommand):
    help = "Laad demodata (idempotent): een gebruiker per rol met TOTP, en demodossiers."

    def add_arguments(self, parser):
        parser.add_argument("--manifest", type=Path, help="Schrijf de demo-logins en dossiers als JSON naar dit pad.")
        parser.add_argument(
            "--scale",
            type=int,
            default=0,
            help="Voeg N synthetische dossiers toe, met alles wat erbij hoort, over 24 maanden.",
        )
        parser.add_argument("--quiet", action="store_true", help="Druk de logins niet af.")

    def handle(self, *args, manifest=None, scale=0, quiet=False, **options):
        if scale < 0:
            raise CommandError("--scale moet 0 of groter zijn.")
        try:
            data = demo.seed(scale=scale)
        except demo.NotADemoDatabase as error:
            raise CommandError(str(error)) from error
        if manifest:
            manifest.parent.mkdir(parents=True, exist_ok=True)
            manifest.write_text(json.dumps(data, indent=2, ensure_ascii=False))
            manifest.chmod(0o600)
        if not quiet:
            self.stdout.write(f"Demo-logins (wachtwoord voor iedereen: {demo.DEMO_PASSWORD})")
            self.stdout.write("Code voor de tweede stap: voeg de TOTP-sleutel toe aan een authenticator-app,")
            self.stdout.write("of vraag hem op met: make totp USER=<gebruikersnaam>\n")
            self.stdout.write(f"  {'gebruikersnaam':<26} {'rol':<28} {'organisatie':<34} TOTP-sleutel")
            for user in data["users"]:
                role = str(Role(user["role"]).label)  # the manifest keeps the code; a person reads the role
                self.stdout.write(
                    f"  {user['username']:<26} {role:<28} {user['organisation']:<34} {user['totp_secret']}"
                )
            self.stdout.write(f"\n{len(data['cases'])} demodossiers. Begin met consulent.venlo (zie README.md).")
            self.stdout.write("Om naar te kijken:")
            for entry in data["objects"]:
                self.stdout.write(f"  {entry['label']:<58} {entry['path']:<52} als {entry['user']}")
