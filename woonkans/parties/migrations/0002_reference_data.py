"""Reference data from the SOK: regions, parties, and demonstration figures.

The housing stock and distribution key below are demonstration figures (marked
`is_demo_figure`): the real ones are entered by the functional administrator.
"""

from django.db import migrations
from django.utils.text import slugify

REGIONS = [
    # name, slug, annual target (Art. 5.2b), letter in profile codes
    ("Noord-Limburg", "noord-limburg", 120, "N"),
    ("Midden-Limburg", "midden-limburg", 100, "M"),
]

# SOK party number, name, region; demo key share in basis points (by population).
MUNICIPALITIES = [
    (1, "Beesel", "noord-limburg", 261),
    (2, "Bergen", "noord-limburg", 262),
    (3, "Echt-Susteren", "midden-limburg", 643),
    (4, "Horst aan de Maas", "noord-limburg", 864),
    (5, "Leudal", "midden-limburg", 723),
    (6, "Maasgouw", "midden-limburg", 482),
    (7, "Nederweert", "midden-limburg", 341),
    (8, "Peel en Maas", "noord-limburg", 884),
    (9, "Roerdalen", "midden-limburg", 422),
    (10, "Roermond", "midden-limburg", 1185),
    (11, "Venlo", "noord-limburg", 2048),
    (12, "Venray", "noord-limburg", 884),
    (13, "Weert", "midden-limburg", 1001),
]

# SOK party number, display name, statutory name, home region; demo stock per municipality.
CORPORATIONS = [
    (14, "Antares", "Woningcorporatie Antares", "noord-limburg", {"Venlo": 4100, "Beesel": 300}),
    (15, "Destion", "Woningcorporatie Destion", "noord-limburg", {"Bergen": 1200}),
    (16, "Nester", "Woningcorporatie Nester", "noord-limburg", {"Beesel": 1400, "Venlo": 200}),
    (
        17,
        "Wonen Limburg",
        "Woningcorporatie Stichting Wonen Limburg",
        "midden-limburg",
        {
            "Roermond": 3900,
            "Venray": 4300,
            "Horst aan de Maas": 2800,
            "Peel en Maas": 3100,
            "Leudal": 2600,
            "Maasgouw": 2200,
            "Roerdalen": 1700,
            "Weert": 1500,
            "Echt-Susteren": 900,
            "Nederweert": 400,
        },
    ),
    (18, "Wonen Zuid", "Woningcorporatie Stichting Wonen Zuid", "midden-limburg", {"Roermond": 2900}),
    (19, "Woonik", "Woningvereniging Woonik", "midden-limburg", {"Nederweert": 1100, "Weert": 600}),
    (20, "Woonwenz", "Woningcorporatie Woonwenz", "noord-limburg", {"Venlo": 8300}),
    (21, "ZOwonen", "Woningcorporatie ZOwonen", "midden-limburg", {"Echt-Susteren": 3000}),
]

CARE_PROVIDERS = [
    (22, "Autismebegeleiding.nl", "Autismebegeleiding.nl (onderdeel van het Regionaal Autisme Centrum)"),
    (23, "VIJF", "Besloten Vennootschap met beperkte aansprakelijkheid VIJF B.V."),
    (24, "Bureau Al Osra Zorg en Welzijn", "Bureau Al Osra Zorg en Welzijn"),
    (25, "Buro Andersom", "Buro Andersom B.V."),
    (26, "Care Plus", "Care Plus Stichting"),
    (27, "Limburgse Zorgboeren", "Coöperatie Limburgse Zorgboeren U.A."),
    (28, "De Eekhoorn Begeleiding", "De Eekhoorn Begeleiding"),
    (29, "Kr8tig", "Kr8tig"),
    (30, "MV Pedagogische Begeleiding", "MV Pedagogische Begeleiding B.V."),
    (31, "Pactum", "Pactum"),
    (32, "PGZ", "PGZ"),
    (33, "Redos", "Redos BV"),
    (34, "Leger des Heils", "Stichting Leger des Heils Welzijns- en Gezondheidszorg"),
    (35, "MET ggz", "Stichting MET ggz"),
    (36, "Moveoo", "Stichting Moveoo"),
    (37, "PSW", "Stichting PSW"),
    (38, "Twende", "Stichting Twende leren werken wonen"),
    (39, "Vincent van Gogh", "Vincent van Gogh voor Geestelijke Gezondheid"),
]


def load(apps, schema_editor):
    Region = apps.get_model("parties", "Region")
    Organisation = apps.get_model("parties", "Organisation")
    HousingStock = apps.get_model("parties", "HousingStock")
    DistributionKeyShare = apps.get_model("parties", "DistributionKeyShare")
    Group = apps.get_model("auth", "Group")

    def organisation(*, name, kind, legal_name="", region=None, number=None):
        slug = slugify(name)
        group, _ = Group.objects.get_or_create(name=f"org:{slug}")
        org, _ = Organisation.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "legal_name": legal_name,
                "kind": kind,
                "region": region,
                "sok_party_number": number,
                "group": group,
            },
        )
        return org

    regions = {}
    for name, slug, target, letter in REGIONS:
        regions[slug], _ = Region.objects.get_or_create(
            slug=slug, defaults={"name": name, "annual_housing_target": target, "code_letter": letter}
        )
        organisation(name=f"Ketenregie {name}", kind="chain_direction", region=regions[slug])

    municipalities = {}
    for number, name, region, key_share in MUNICIPALITIES:
        municipalities[name] = organisation(
            name=f"Gemeente {name}",
            legal_name=f"Gemeente {name}",
            kind="municipality",
            region=regions[region],
            number=number,
        )
        DistributionKeyShare.objects.get_or_create(
            municipality=municipalities[name], defaults={"basis_points": key_share, "is_demo_figure": True}
        )

    for number, name, legal_name, region, stock in CORPORATIONS:
        corporation = organisation(
            name=name, legal_name=legal_name, kind="corporation", region=regions[region], number=number
        )
        for municipality, homes in stock.items():
            HousingStock.objects.get_or_create(
                corporation=corporation,
                municipality=municipalities[municipality],
                defaults={"homes": homes, "is_demo_figure": True},
            )

    for number, name, legal_name in CARE_PROVIDERS:
        organisation(name=name, legal_name=legal_name, kind="care_provider", number=number)

    organisation(
        name="MGR sociaal domein Limburg-Noord",
        legal_name="Modulaire Gemeenschappelijke Regeling sociaal domein Limburg-Noord",
        kind="mgr",
    )
    organisation(name="Functioneel beheer Woonkans", kind="operator")


class Migration(migrations.Migration):
    dependencies = [("parties", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
