"""Detectors for where someone lives: a postcode (with or without a house number), a street with a number."""

import re

from .kinds import LABEL_BARE_POSTCODE, LABELS

# ---------------------------------------------------------------------------
# Postcodes
# ---------------------------------------------------------------------------

# A Dutch postcode: 4 digits not starting with 0, an optional space, and two
# letters other than SA, SD and SS. Choice: the letter pair must be UPPERCASE
# ("5911 ab" is not flagged), which keeps ordinary lowercase prose out. A bare
# postcode whose letter pair is also a unit ("2048 GB", "1200 MB", "1000 KM") is
# only flagged when a house number or street, or the word "postcode", is near it.
_PC = r"[1-9]\d{3} ?(?!SA|SD|SS)[A-Z]{2}"
_HOUSE_NUMBER = r"\d{1,5}(?:-?[A-Za-z]{1,2}|-\d{1,4})?(?!\w)"
_NUMBER_WORD = r"(?:huisnummer|nummer|nr\.?|no\.?)"
# "5911 AB 12", "5911AB, nr 12", or a bare "5911 AB"
_POSTCODE_THEN_NUMBER_RE = re.compile(
    rf"(?<!\w)(?P<pc>{_PC})(?:,?[ \t]*(?:{_NUMBER_WORD}[ \t]*)?(?P<number>{_HOUSE_NUMBER}))?(?!\w)"
)
# "Kerkstraat 12, 5911 AB" (only the last word of a multi-word street name is included)
_NUMBER_THEN_POSTCODE_RE = re.compile(
    rf"(?<!\w)(?:[A-Z][a-zà-ÿ][\w'.-]*[ \t]+)?{_HOUSE_NUMBER},?[ \t]*(?P<pc>{_PC})(?!\w)",
)
_UNIT_PAIRS = frozenset(
    {"GB", "MB", "KB", "TB", "PB", "KM", "CM", "MM", "KG", "MG", "ML", "CL", "DL", "KW", "MW", "PK"}
)
_POSTCODE_WORD_RE = re.compile(r"postcode\W{0,3}$", re.IGNORECASE)


def _scan_postcodes(text):
    with_number = LABELS["postcode"]
    for match in _POSTCODE_THEN_NUMBER_RE.finditer(text):
        if match.group("number"):
            yield match.start(), match.end(), "postcode", with_number
            continue
        pc_end = match.end("pc")
        if match.group("pc")[-2:] in _UNIT_PAIRS and not _POSTCODE_WORD_RE.search(
            text[max(0, match.start() - 12) : match.start()]
        ):
            continue
        yield match.start(), pc_end, "postcode", LABEL_BARE_POSTCODE
    for match in _NUMBER_THEN_POSTCODE_RE.finditer(text):
        yield match.start(), match.end(), "postcode", with_number


# ---------------------------------------------------------------------------
# Street and house number (no postcode)
# ---------------------------------------------------------------------------

# The last part of almost every Dutch street name ("Maasboulevard", "Kerkstraat",
# "Groenveldsingel"). Choice: the street must be written with a capital, as street
# names are; lowercase prose ("de weg 2 keer") is not flagged.
_STREET_SUFFIXES = (
    "straat", "straatje", "laan", "laantje", "weg", "plein", "pleintje", "singel", "gracht", "kade", "dijk",
    "boulevard", "dreef", "hof", "pad", "steeg", "markt", "ring", "baan", "park", "plantsoen", "wal", "veld",
    "erf", "gaarde", "akker", "kamp", "dries", "brink", "allee", "promenade", "passage", "vest", "wei", "weide",
    "oever", "haven", "poort", "hoeve", "heuvel", "donk", "hoek", "beemd", "kwartier", "rade", "straatweg",
    "zoom", "dam", "werf", "hage", "hoven", "horst", "berg", "bosch", "broek", "loop",
)  # fmt: skip
_SUFFIX_ALTERNATION = "|".join(sorted(_STREET_SUFFIXES, key=len, reverse=True))
# Words that end like a street but are ordinary nouns in a profile ("Vordering 2 van het CJIB").
_NOT_STREETS = frozenset(
    {
        "loopbaan", "bijbaan", "arbeidsmarkt", "woningmarkt", "huurmarkt", "supermarkt", "vordering",
        "verzekering", "werkveld", "speelveld", "sportveld", "gerechtshof", "zorgpad", "tijdpad",
        "ziekenhuis", "hulpverlening", "uitweg", "vakantiepark",
    }
)  # fmt: skip
# Words that commonly start a street name of more than one word ("Oude Markt", "Burg. van Rijnstraat").
_STREET_PREFIX = (
    r"(?:(?:Oude|Nieuwe|Hoge|Lage|Lange|Korte|Grote|Kleine|Sint|St\.|Burg\.|Burgemeester|Dr\.|Mgr\.|Prof\.|"
    r"Pastoor|Kapelaan|Koning|Koningin|Prins|Prinses|Graaf|Hertog|Generaal|Gen\.|Mr\.|Ir\.)[ \t]+"
    r"(?:(?:van|de|der|den|het|'t|ter|ten|te|la|le)[ \t]+){0,2})"
)
# A number that counts something, not a house ("Rijksweg 20 minuten", "Markt 3 keer").
_COUNTED = (
    r"(?:keer|maal|x|jaar|jaren|jr|maand|maanden|week|weken|dag|dagen|uur|uren|minuut|minuten|min|sec|"
    r"seconden|km|kilometer|m|meter|euro|eur|procent|personen|mensen|kinderen|kamers|stuks|nachten)\b"
)
_ADDRESS_RE = re.compile(
    rf"(?<![\w.])(?P<street>{_STREET_PREFIX}?(?P<word>(?=[A-Z])(?i:[a-zà-ÿ'-]*?(?:{_SUFFIX_ALTERNATION}))))"
    rf"[ \t]+(?:(?:{_NUMBER_WORD})[ \t]*)?(?P<number>{_HOUSE_NUMBER})(?![.,]\d)(?![ \t]*(?:{_COUNTED}|%))"
)


def _scan_addresses(text):
    label = LABELS["address"]
    for match in _ADDRESS_RE.finditer(text):
        word = match.group("word").casefold()
        if word in _NOT_STREETS or word.endswith("ering"):
            continue
        if word in _STREET_SUFFIXES and match.group("street") == match.group("word"):
            continue  # "Markt 3", "Weg 4": a street on its own only after a prefix ("Oude Markt 3")
        yield match.start(), match.end(), "address", label
