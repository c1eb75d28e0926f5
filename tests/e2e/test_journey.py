"""One resident's whole route through the portal, in the browser, one person per browser context.

Wmo-consultant -> ketenregisseur (stopped by the identifying-data scan) -> corporations ->
Woonkans-overleg -> match -> trajectory ends negatively -> claim -> chair -> treasurer -> monitoring.
"""

import datetime
import re

import pytest
from django.core import mail
from django.utils import timezone

from monitoring.models import CaseFact, Outcome
from woonkans.accounts.roles import Role
from woonkans.parties.models import Organisation

from ..guarantee_fund.conftest import fund_with
from ..referrals.conftest import PDF, VALID_BSN
from .conftest import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

GIVEN, FAMILY = "Sanne", "Verhoeven"
STREET = "Lindelaan 17"
IBAN = "NL91ABNA0417164300"  # Woonwenz's account, for the claim's payment
SEEDED = 5  # monitoring hides numbers under 5: start at 5 so the story's case shows as 5 -> 6


@pytest.fixture
def cast(make_user):
    def person(key, role, organisation, first, last, **kwargs):
        return make_user(
            role,
            organisation,
            with_device=True,
            username=key,
            first_name=first,
            last_name=last,
            email=f"{key}@example.org",
            **kwargs,
        )

    return {
        # The consultant has never used the portal: the logging notice is shown at the first login.
        "consulent": person(
            "consulent", Role.WMO_CONSULTANT, "Gemeente Venlo", "Carla", "Consulent", accepted_logging=False
        ),
        "regisseur": person("regisseur", Role.KETENREGISSEUR, "Ketenregie Noord-Limburg", "Rik", "Regisseur"),
        "woonwenz": person("woonwenz", Role.CORPORATION, "Woonwenz", "Wim", "Woonwenz"),
        "antares": person("antares", Role.CORPORATION, "Antares", "Anna", "Antares"),
        "moveoo": person("moveoo", Role.CARE_PROVIDER, "Moveoo", "Mo", "Moveoo"),
        "penningmeester": person(
            "penningmeester", Role.TREASURER, "MGR sociaal domein Limburg-Noord", "Petra", "Penningmeester"
        ),
    }


def seed_monitoring_background(treasurer):
    """Five earlier anonymous cases of Venlo, housed by Woonwenz and ended negatively in this half year,
    and money in the fund: enough for the figures to show (not "<5") before this story adds one."""
    venlo = Organisation.objects.get(name="Gemeente Venlo")
    woonwenz = Organisation.objects.get(name="Woonwenz")
    day = timezone.localdate() - datetime.timedelta(days=1)
    for _number in range(SEEDED):
        CaseFact.objects.create(
            region=venlo.region,
            municipality=venlo,
            corporation=woonwenz,
            origin="mo",
            age_band="28-40",
            young_adult=False,
            eligible=True,
            reported_on=day,
            submitted_on=day,
            shared_on=day,
            matched_on=day,
            housed_on=day,
            ended_on=day,
            outcome=Outcome.ENDED_NEGATIVE,
        )
    fund_with(5_000_000, treasurer=treasurer)
    # The treasurer pays a claim only to the corporation's known account.
    if not woonwenz.iban:
        Organisation.objects.filter(pk=woonwenz.pk).update(iban=IBAN)


def table_row(page, section, row):
    """The cells of one row of the table under a section heading, by column heading."""
    region = page.get_by_role("region", name=section)
    headings = region.locator("thead th").all_inner_texts()
    cells = region.get_by_role("row").filter(has=page.get_by_role("rowheader", name=row, exact=True))
    return dict(zip(headings, cells.locator("th, td").all_inner_texts(), strict=True))


def monitoring_figures(actor):
    page = actor.page
    actor.goto("/", "werkvoorraad")
    actor.follow("Monitoring", "monitoring")
    fund = page.get_by_role("region", name="Garantiefonds").get_by_role("paragraph").first.inner_text()
    return {
        "region": table_row(page, "Per regio", "Noord-Limburg"),
        "corporation": table_row(page, "Per corporatie", "Woonwenz"),
        "negative": table_row(page, "Uitkomsten van trajecten", "Negatief beëindigd")["Aantal"],
        "payouts": re.search(r"Uitkeringen: (.+)$", fund).group(1).strip(),
    }


def consultant_refers(actor, today):
    page = actor.page
    log_in(actor)
    actor.follow("Aanmeldingen van je gemeente", "aanmeldingen")
    actor.press("Nieuwe aanmelding starten", "stap-persoon")

    page.get_by_label("Voornaam").fill(GIVEN)
    page.get_by_label("Achternaam").fill(FAMILY)
    page.get_by_label("BSN").fill(VALID_BSN)
    page.get_by_label("Geboortedatum").fill(today.replace(year=today.year - 34).isoformat())
    page.get_by_label("Geslacht").select_option(label="Vrouw")
    page.get_by_label("Straat en huisnummer").fill(STREET)
    page.get_by_label("Postcode").fill("5912 AB")
    page.get_by_label("Woonplaats").fill("Venlo")
    page.get_by_label("Telefoonnummer").fill("06 23456789")
    actor.press("Opslaan en verder", "stap-leefgebieden")

    page.get_by_label("Woonsituatie").fill("Slaapt afwisselend bij vrienden en in de nachtopvang.")
    page.get_by_label("Financiën en schulden").fill("Schulden bij de zorgverzekeraar; bewindvoering wordt aangevraagd.")
    actor.press("Opslaan en verder", "stap-ondersteuning")

    page.get_by_role("textbox", name=re.compile("^Ondersteuningsbehoefte")).fill(
        "Begeleiding bij post, geld en het huishouden."
    )
    page.get_by_label("De ondersteuningsbehoefte hangt samen met het zelfstandig leren wonen").check()
    page.get_by_label("Waarom lukt huren via de reguliere weg niet?").fill("Huurachterstand bij de vorige verhuurder.")
    page.get_by_label("Waar komt de inwoner vandaan?").select_option(label="Maatschappelijke opvang")
    actor.press("Opslaan en verder", "stap-wonen")

    page.get_by_role("checkbox", name="Gemeente Venlo").check()
    page.get_by_label("Contractvorm").select_option(label="Huurcontract met gekoppelde zorgafspraken")
    actor.press("Opslaan en verder", "stap-documenten")

    for kind, name in (
        ("Verhuurdersverklaring (laatste 5 jaar)", "verhuurdersverklaring.pdf"),
        ("Uittreksel BRP/GBA met adreshistorie", "uittreksel-brp.pdf"),
        ("Inkomensverklaring (IB60)", "ib60.pdf"),
    ):
        page.get_by_label("Soort document").select_option(label=kind)
        page.get_by_label("Bestand").set_input_files({"name": name, "mimeType": "application/pdf", "buffer": PDF})
        actor.press("Uploaden", f"document-{name}")
        assert page.get_by_role("link", name=name).is_visible()
    assert page.get_by_text("Alle verplichte documenten zijn er.").is_visible()
    actor.follow("Verder naar toestemming", "stap-toestemming")

    page.get_by_label("Datum waarop de inwoner het ondersteuningsplan ondertekende").fill(today.isoformat())
    page.get_by_label("De inwoner weet welke gegevens met wie worden gedeeld en waarom.").check()
    page.get_by_label(re.compile("^De inwoner is gewezen op zijn of haar rechten")).check()
    actor.press("Opslaan en verder", "stap-controle")

    assert page.get_by_text(f"{GIVEN} {FAMILY}").first.is_visible()
    actor.press("Aanmelden bij Woonkans", "aanmelden-bevestigen")
    assert page.get_by_role("heading", name="Aanmelding indienen").is_visible()
    actor.press("Indienen", "aangemeld")
    assert page.get_by_text("De aanmelding is verstuurd naar de regisseur van de regio.").is_visible()
    return actor.url_path()


def regisseur_writes_and_shares(actor):
    page = actor.page
    actor.goto("/", "werkvoorraad")
    actor.follow("Nieuwe aanmeldingen", "inbox")
    # The inbox links each referral by its case number; the resident's name stands in the same row.
    row = page.locator("#inhoud").get_by_role("row").filter(has_text=f"{GIVEN} {FAMILY}")
    actor.submit(row.get_by_role("link").first, "aanmelding")
    actor.press("Bemiddelingsprofiel opstellen", "profiel-bewerken")
    code = page.get_by_role("heading", level=1).inner_text().removeprefix("Bemiddelingsprofiel").strip()
    assert re.fullmatch(r"WK-N-\w+", code), code

    # A BSN copied from the research into a section: the scan flags it, and sharing is refused.
    finances = page.get_by_label("Financiën / schulden")
    finances.fill(f"Schulden bij de zorgverzekeraar (BSN {VALID_BSN} staat op de beschikking).")
    page.get_by_label("Conclusie / overweging").fill("Gemotiveerd om zelfstandig te wonen met begeleiding.")
    actor.press("Opslaan", "profiel-met-bsn")
    findings = page.get_by_role("region", name=re.compile("mogelijk identificerend gegeven"))
    assert findings.is_visible() and VALID_BSN in findings.inner_text()
    actor.follow("Delen met corporaties", "delen-geweigerd")
    assert page.get_by_role("alert").filter(has_text="mogelijk identificerende gegevens").is_visible()
    assert page.get_by_role("button", name="Delen").count() == 0

    actor.follow("Naar het profiel", "profiel-herstellen")
    page.get_by_label("Financiën / schulden").fill("Schulden bij de zorgverzekeraar; bewindvoering aangevraagd.")
    # The facts of step 4 and SOK art. 5.3a/9.2b, needed before sharing.
    page.get_by_label(re.compile("^Afspraken als het traject misgaat")).fill("Bij terugval belt de begeleider ons.")
    page.get_by_label(re.compile(r"^Zorgaanbieder \(partij")).select_option(label="Moveoo")
    page.get_by_role("radio", name=re.compile("^Zorg in natura")).check()
    page.get_by_role("radio", name="Nee", exact=True).check()
    page.get_by_label(re.compile("^Ingeschreven als woningzoekende op")).fill("2026-01-05")
    page.get_by_label(re.compile("^Inschrijving geregeld door")).select_option(
        label="Moveoo (Zorg- en welzijnspartner)"
    )
    actor.press("Opslaan", "profiel-schoon")
    assert page.get_by_text("Geen identificerende gegevens gevonden in de tekst.").is_visible()
    actor.follow("Delen met corporaties", "delen")
    page.get_by_role("checkbox", name="Woonwenz").check()
    page.get_by_role("checkbox", name="Antares").check()
    actor.press("Delen", "delen-bevestigen")
    # The confirmation names every corporation that will see the profile, before it is shared.
    recipients = page.get_by_role("table").inner_text()
    assert "Woonwenz" in recipients and "Antares" in recipients
    actor.press("Delen", "gedeeld")
    assert page.get_by_text("Het profiel staat in de matchingstabel van de gekozen corporaties.").is_visible()
    return code


def corporation_offers(actor, code, today):
    page = actor.page
    log_in(actor)
    actor.follow("Matchingstabel", "matchingstabel")
    actor.follow(code, "profiel")
    content = page.locator("main").inner_text()
    for identifying in (GIVEN, FAMILY, VALID_BSN, STREET, "06 23456789"):
        assert identifying not in content
    assert "bewindvoering aangevraagd" in content

    page.get_by_role("radio", name="Wij bieden een woning aan").check()
    page.get_by_label("Adres van de woning").fill("Maasboulevard 4, Venlo")
    page.get_by_label("Type woning").fill("Tweekamerappartement")
    page.get_by_label("Huur per maand (€)").fill("612.50")
    page.get_by_label("Beschikbaar vanaf").fill((today + datetime.timedelta(days=30)).isoformat())
    actor.press("Reactie versturen", "aanbod-gedaan")
    assert page.get_by_text("Je reactie is doorgegeven aan de regisseur.").is_visible()


def overleg_decides_and_match(actor, code, today):
    page = actor.page
    actor.goto("/", "werkvoorraad")
    actor.follow("Woonkans-overleg", "overleggen")
    page.get_by_label("Datum").fill(today.isoformat())
    actor.press("Plannen", "overleg")
    # An offer goes on the agenda by the code of the profile it answers (read aloud at the table).
    page.get_by_label("Soort agendapunt").select_option(label="Aanbod")
    page.locator("#id_profile_code").fill(code)
    actor.press("Toevoegen", "agendapunt")
    page.get_by_text("Besluit nemen", exact=True).click()
    page.get_by_label("Motivering van het besluit").fill(
        "Woonwenz biedt het appartement aan de Maasboulevard aan; akkoord."
    )
    actor.press("Besluit vastleggen", "besluit-bevestigen")
    actor.press("Besluit vastleggen", "besloten")
    assert page.get_by_text("Woonwenz biedt het appartement aan de Maasboulevard aan; akkoord.").is_visible()

    actor.follow(code, "profiel")
    actor.follow("Match vastleggen", "match")
    assert page.get_by_label("Adres van de woning").input_value() == "Maasboulevard 4, Venlo"
    # The offering corporation and the profile's provider are chosen; each list holds only their staff.
    page.get_by_label("Vast aanspreekpunt corporatie (Woonwenz)").select_option(label="Wim Woonwenz")
    page.get_by_label("Vast aanspreekpunt zorgaanbieder (Moveoo)").select_option(label="Mo Moveoo")
    actor.press("Match vastleggen", "match-bevestigen")
    assert "Woonwenz" in page.get_by_role("table").inner_text()
    actor.press("Match vastleggen", "terugkoppeling-3")
    page.get_by_label("Toelichting").fill("Woonwenz huisvest de inwoner aan de Maasboulevard.")
    actor.press("Versturen", "teruggekoppeld")


def tenant_link():
    """The corporation's notification of the match: a link, and no personal data."""
    (message,) = [m for m in mail.outbox if m.to == ["woonwenz@example.org"] and m.subject.endswith("Match vastgelegd")]
    assert FAMILY not in message.body and VALID_BSN not in message.body
    return re.search(r"/huurders/[0-9a-f-]+/", message.body).group(0)


def regisseur_houses_and_ends(actor, code, today):
    page = actor.page
    actor.goto("/", "werkvoorraad")
    actor.follow("Bemiddelingsprofielen", "profielen")
    actor.follow(code, "profiel")
    page.get_by_label("Huurcontract getekend op").fill(today.isoformat())
    actor.press("Gehuisvest", "gehuisvest-bevestigen")
    assert page.get_by_text("Moveoo").first.is_visible()
    actor.press("Gehuisvest vastleggen", "gehuisvest")
    assert page.get_by_text("De inwoner is gehuisvest.").is_visible()
    actor.follow("Traject beëindigen", "beeindigen")
    page.get_by_role("radio", name="Negatief: ontruimd").check()
    page.get_by_label("Einddatum").fill(today.isoformat())
    page.get_by_label("Evaluatie").fill("Huurachterstand opgelopen; begeleiding kwam niet op gang.")
    actor.press("Beëindigen", "beeindigen-bevestigen")
    actor.press("Beëindigen", "beeindigd")
    assert page.get_by_text("Het traject is beëindigd.").is_visible()


def corporation_claims(actor, code, today):
    page = actor.page
    actor.goto("/", "werkvoorraad")
    actor.follow("Trajecten", "trajecten")
    actor.follow(code, "traject")
    actor.follow("Claim op het garantiefonds indienen", "claim-nieuw")
    page.get_by_label("Evaluatie").fill("Huurachterstand van vier maanden; ontruimd na vonnis.")
    page.get_by_label("Borg (€)").fill("500")
    actor.press("Claim aanmaken", "claim")

    line = page.locator("form").filter(has=page.get_by_role("heading", name="Kostenpost toevoegen"))
    line.get_by_label("Categorie").select_option(label="Huurachterstand / huurderving")
    line.get_by_label("Omschrijving").fill("Huurachterstand juli tot en met oktober")
    line.get_by_label("Bedrag (€)").fill("2.450,00")
    line.get_by_label("Periode van").fill(today.replace(day=1).isoformat())
    line.get_by_label("Periode tot en met").fill(today.isoformat())
    actor.submit(line.get_by_role("button", name="Toevoegen"), "kostenpost")

    document = page.locator("form").filter(has=page.get_by_role("heading", name="Document toevoegen"))
    document.get_by_label("Omschrijving").fill("Factuur huurachterstand")
    document.get_by_label("Bestand").set_input_files(
        {"name": "factuur.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    actor.submit(document.get_by_role("button", name="Uploaden"), "factuur")
    assert page.get_by_role("link", name=re.compile("Factuur huurachterstand")).is_visible()

    # The corporation states what it knows; the finding on negligence is the chair's (Bijlage 3 §2).
    page.get_by_label("Voor zover wij weten is geen van de partijen ernstig nalatig geweest.").check()
    actor.press("Claim indienen", "claim-ingediend")
    assert page.get_by_text("De claim is ingediend voor het Woonkans-overleg.").is_visible()
    assert page.get_by_text(re.compile("^Nog niet besproken: de claim staat op de agenda")).is_visible()
    claim_code = page.get_by_role("heading", level=1).inner_text().removeprefix("Claim").strip()
    return actor.url_path(), claim_code


def overleg_discusses_claim(actor, claim_code, today):
    """The filed claim went onto the region's next overleg by itself; the chair records its discussion
    there, which tells the fund the claim was discussed (Bijlage 3 §3)."""
    page = actor.page
    actor.goto("/", "werkvoorraad")
    actor.follow("Woonkans-overleg", "overleggen")
    # The meetings list is a table: the date links to the meeting, the region stands in its own column.
    row = page.locator("#inhoud").get_by_role("row").filter(has_text="Noord-Limburg")
    actor.submit(row.get_by_role("link", name=f"{today:%d-%m-%Y}", exact=True).first, "overleg-met-claim")
    item = page.locator(".wk-panel").filter(
        has=page.get_by_role("heading", name=re.compile(rf"Claim garantiefonds {re.escape(claim_code)} "))
    )
    item.get_by_text("Bespreking toevoegen", exact=True).click()
    item.get_by_label("Bespreking").fill("Huurachterstand van vier maanden besproken; de borg gaat eraf.")
    actor.submit(item.get_by_role("button", name="Bespreking vastleggen"), "claim-besproken")
    assert item.get_by_text("Huurachterstand van vier maanden besproken; de borg gaat eraf.").is_visible()


def chair_consults_and_approves(actor, claim_path, today):
    page = actor.page
    actor.goto("/", "werkvoorraad")
    actor.follow("Claims garantiefonds", "claims")
    actor.submit(page.locator("#inhoud").get_by_role("link", name=re.compile(r"^GF-")), "claim")
    assert actor.url_path() == claim_path
    assert page.get_by_text(f"Besproken in het overleg van {today:%d-%m-%Y}.").is_visible()

    # Art. 7.8: the parties of the case are consulted before the decision.
    consultation = page.locator("form").filter(
        has=page.get_by_role("heading", name="Raadpleging van de partijen (art. 7.8)")
    )
    consultation.get_by_role("checkbox", name="Woonwenz").check()
    consultation.get_by_role("checkbox", name="Gemeente Venlo").check()
    consultation.get_by_label("Geraadpleegd op").fill(today.isoformat())
    consultation.get_by_label("Uitkomst van de raadpleging").fill(
        "Corporatie en gemeente eens over de huurachterstand."
    )
    actor.submit(consultation.get_by_role("button", name="Raadpleging vastleggen"), "claim-geraadpleegd")
    assert page.get_by_text("De raadpleging van de partijen is vastgelegd.").is_visible()

    decision = page.locator("form").filter(has=page.get_by_role("heading", name="Besluit van de voorzitter"))
    decision.get_by_role("radio", name="Gedeeltelijk goedkeuren").check()
    decision.get_by_label("Toegekend bedrag (€)").fill("1.950,00")
    decision.get_by_label("Motivering", exact=True).fill("Huurachterstand min de borg; besproken in het overleg.")
    assert decision.get_by_role("radio", name="Niet vastgesteld").is_checked()
    actor.submit(decision.get_by_role("button", name="Besluit vastleggen"), "claim-besluit-bevestigen")
    actor.press("Besluit vastleggen", "claim-goedgekeurd")
    assert page.get_by_text("Het besluit is vastgelegd.").is_visible()


def treasurer_pays(actor, claim_path, today):
    page = actor.page
    log_in(actor)
    actor.follow("Claims ter betaling", "claims")
    actor.submit(page.locator("#inhoud").get_by_role("link", name=re.compile(r"^GF-")), "claim")
    assert actor.url_path() == claim_path
    page.get_by_label("Betaaldatum").fill(today.isoformat())
    page.get_by_label("Bankkenmerk").fill("MGR-2026-0042")
    actor.press("Controleren", "betaling-bevestigen")
    # The confirmation step: payee, IBAN, amount and reference, before anything is booked.
    details = page.locator("main").inner_text()
    assert "Betaling bevestigen" in details
    payee = Organisation.objects.get(name="Woonwenz")
    for shown in (payee.legal_name or payee.name, payee.iban_display, "€\u00a01.950,00", "MGR-2026-0042"):
        assert shown in details, shown
    actor.press("Bevestigen en boeken", "betaald")
    assert page.get_by_text("De claim is uitbetaald en geboekt.").is_visible()


def test_one_resident_from_referral_to_paid_claim(e2e, cast):
    today = timezone.localdate()
    seed_monitoring_background(cast["penningmeester"])

    regisseur = e2e("regisseur", cast["regisseur"])
    log_in(regisseur)
    before = monitoring_figures(regisseur)
    assert before["region"]["Gehuisvest"] == str(SEEDED)
    assert before["corporation"]["Gehuisvest"] == str(SEEDED)
    assert before["negative"] == str(SEEDED)
    assert before["payouts"] == "€\u00a00,00"

    consulent = e2e("consulent", cast["consulent"])
    referral_path = consultant_refers(consulent, today)

    code = regisseur_writes_and_shares(regisseur)

    woonwenz = e2e("woonwenz", cast["woonwenz"])
    corporation_offers(woonwenz, code, today)

    overleg_decides_and_match(regisseur, code, today)

    # The match opens the identity to Woonwenz: it follows the link in its notification.
    tenant = tenant_link()
    page = woonwenz.goto(tenant, "huurder")
    details = page.locator("main").inner_text()
    assert f"{GIVEN} {FAMILY}" in details and VALID_BSN in details and STREET in details
    woonwenz.goto("/", "werkvoorraad")
    woonwenz.follow("Trajecten", "trajecten")
    assert page.get_by_role("row", name=re.compile(code)).filter(has_text=FAMILY).is_visible()

    # Antares was offered the same profile, but was not matched: no identity, not even by the link.
    antares = e2e("antares", cast["antares"])
    page = log_in(antares)
    antares.follow("Matchingstabel", "matchingstabel")
    row = page.get_by_role("row", name=re.compile(code))
    assert "Elders geplaatst" in row.inner_text()
    assert row.get_by_role("link").count() == 0
    antares.goto(tenant, "huurder-geweigerd")
    assert antares.response.status == 404
    assert FAMILY not in page.content() and VALID_BSN not in page.content()
    antares.goto("/", "werkvoorraad")
    antares.follow("Trajecten", "trajecten")
    assert FAMILY not in page.locator("main").inner_text()

    # The consultant sees feedback 3 with the corporation in the case's history.
    page = consulent.goto(referral_path, "aanmelding-na-match")
    feedback = page.get_by_role("region", name="Terugkoppelingen van de regisseur").inner_text()
    assert "Woonwenz" in feedback and "De corporatie die de inwoner huisvest" in feedback

    regisseur_houses_and_ends(regisseur, code, today)
    claim_path, claim_code = corporation_claims(woonwenz, code, today)
    overleg_discusses_claim(regisseur, claim_code, today)
    chair_consults_and_approves(regisseur, claim_path, today)

    page = woonwenz.goto(claim_path, "claim-goedgekeurd")
    woonwenz.press("Indienen bij de MGR", "claim-bij-mgr-bevestigen")
    assert page.get_by_text("MGR sociaal domein Limburg-Noord").first.is_visible()
    woonwenz.press("Indienen bij de MGR", "claim-bij-mgr")
    assert page.get_by_text("De claim is ingediend bij de MGR.").is_visible()

    penningmeester = e2e("penningmeester", cast["penningmeester"])
    treasurer_pays(penningmeester, claim_path, today)

    after = monitoring_figures(regisseur)
    assert after["region"]["Gehuisvest"] == str(SEEDED + 1)
    assert after["region"]["Matches"] == str(SEEDED + 1)
    assert after["corporation"]["Gehuisvest"] == str(SEEDED + 1)
    assert after["negative"] == str(SEEDED + 1)
    assert after["payouts"] == "€\u00a01.950,00"
