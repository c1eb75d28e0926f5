"""The identifying-data scan of free text in a mediation profile (no database needed)."""

import hashlib

import pytest
from cryptography.fernet import Fernet
from django.utils.safestring import SafeString

from woonkans.privacy.pii_scan import (
    KINDS,
    Finding,
    fingerprint,
    highlight,
    iban_is_valid,
    scan_sections,
    scan_text,
)


def found(text, **kwargs):
    """(kind, matched text) of every finding, in order."""
    return [(finding.kind, finding.text) for finding in scan_text(text, **kwargs)]


def only(text, kind, **kwargs):
    """The single finding in ``text``, which must be of ``kind``."""
    findings = scan_text(text, **kwargs)
    assert [finding.kind for finding in findings] == [kind], findings
    return findings[0]


def test_kinds_are_the_eight_documented_ones():
    assert KINDS == ("bsn", "date", "phone", "email", "postcode", "address", "name", "iban")


# --- BSN ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "written",
    ["123456782", "1234.56.782", "123 456 782", "123-456-782", "1234-56-782", "111222333"],
)
def test_bsn_passing_the_eleven_test_is_flagged_in_any_grouping(written):
    finding = only(f"BSN van de inwoner: {written}, gecontroleerd.", "bsn")
    assert finding.text == written
    assert finding.label == "BSN-achtig nummer"


def test_old_eight_digit_bsn_is_flagged_when_it_passes_with_a_leading_zero():
    assert found("oud sofinummer 10000008 staat nog in het dossier") == [("bsn", "10000008")]


@pytest.mark.parametrize(
    "text",
    [
        "kenmerk 123456789",  # 9 digits, fails the 11-test
        "kenmerk 1234.56.789",
        "kenmerk 12345678",  # 8 digits, fails with a leading 0 as well
        "zaaknummer 1123456782",  # a valid BSN inside a longer number
        "schuld van € 123.456.782",  # an amount, not a number to identify someone
    ],
)
def test_numbers_that_are_no_bsn_are_not_flagged(text):
    assert found(text) == []


# --- Dates -------------------------------------------------------------------


@pytest.mark.parametrize(
    "written",
    [
        "03-03-1998",
        "3/3/1998",
        "03.03.1998",
        "3-3-98",
        "1998-03-03",
        "3 maart 1998",
        "03 mrt 1998",
        "03 mrt. 1998",
        "12 januari",
        "12 Januari 2001",
        "1e april '98",
        "29-02-2020",
    ],
)
def test_full_dates_are_flagged(written):
    finding = only(f"Geboren op {written} in Venlo.", "date")
    assert finding.text == written
    assert finding.label == "Datum"


@pytest.mark.parametrize(
    "text",
    [
        "sinds 2019 dakloos",
        "in 2020 verhuisd",
        "1-2 keer per week begeleiding",
        "24/7 bereikbaar",
        "maart 1998",  # month and year, no day
        "31-02-2019",  # no such day
        "29-02-2019",  # not a leap year
        "13-13-2020",
        "32 januari",
        "2019-13-01",
        "12 janssen",  # "jan" as the start of a word is no month
    ],
)
def test_years_frequencies_and_impossible_dates_are_not_flagged(text):
    assert [kind for kind, _ in found(text)] == []


# --- Phone numbers -----------------------------------------------------------


@pytest.mark.parametrize(
    "written",
    [
        "06-12345678",
        "06 1234 5678",
        "0612345678",
        "06-12 34 56 78",
        "+31 6 12345678",
        "+31612345678",
        "+31 (0)6 12345678",
        "0031612345678",
        "077-1234567",
        "0475 123456",
        "088-1234567",
        "(077) 123 45 67",
    ],
)
def test_dutch_phone_numbers_are_flagged(written):
    finding = only(f"Bereikbaar via {written} na 17 uur.", "phone")
    assert finding.text == written
    assert finding.label == "Telefoonnummer"


@pytest.mark.parametrize(
    "text",
    [
        "huur € 650,00 per maand",
        "650 euro eigen bijdrage",
        "huur 612",
        "061234567",  # 9 digits: too short for a phone, and no BSN either
        "06123456789",  # 11 digits
        "werkt 32 uur",
    ],
)
def test_amounts_and_wrong_lengths_are_no_phone(text):
    assert found(text) == []


def test_a_bsn_is_a_bsn_and_not_a_phone():
    assert found("0 123456782") == [("bsn", "123456782")]


def test_a_date_with_a_time_is_not_read_as_a_phone_number():
    assert found("gesprek op 01-02-2019 12:30, daarna 0612345678 gebeld") == [
        ("date", "01-02-2019"),
        ("phone", "0612345678"),
    ]


# --- E-mail ------------------------------------------------------------------


@pytest.mark.parametrize("written", ["jan.jansen@example.nl", "x+y@sub.domain.com", "A_B-c@zorg-partner.org"])
def test_email_addresses_are_flagged(written):
    finding = only(f"Mail naar {written}. Dank.", "email")
    assert finding.text == written
    assert finding.label == "E-mailadres"


@pytest.mark.parametrize("text", ["@gemeente op social media", "jan@localhost", "prijs 5@10"])
def test_things_with_an_at_sign_that_are_no_address_are_not_flagged(text):
    assert found(text) == []


# --- Postcodes ---------------------------------------------------------------


@pytest.mark.parametrize(
    "written",
    ["5911 AB 12", "5911AB 12", "5911 AB, nr 12", "5911AB, nr. 12a", "Kerkstraat 12, 5911 AB", "Kerkstraat 12 5911AB"],
)
def test_postcode_with_house_number_is_flagged(written):
    finding = only(f"Woont op {written} Venlo.", "postcode")
    assert finding.text == written
    assert finding.label == "Postcode met huisnummer"


def test_bare_postcode_is_flagged_as_postcode():
    finding = only("Oude adres in 5911 AB, daarna verhuisd.", "postcode")
    assert (finding.text, finding.label) == ("5911 AB", "Postcode")


def test_postcode_before_and_after_the_house_number_is_one_finding():
    assert found("Kerkstraat 12, 5911 AB 12") == [("postcode", "Kerkstraat 12, 5911 AB 12")]


def test_unit_letter_pair_is_only_a_postcode_with_address_context():
    assert found("postcode 1200 MB") == [("postcode", "1200 MB")]
    assert found("Dorpsweg 3, 1200 MB") == [("postcode", "Dorpsweg 3, 1200 MB")]


@pytest.mark.parametrize(
    "text",
    [
        "laptop met 2 GB geheugen",
        "schijf van 2048 GB",
        "bestand van 1200 MB",
        "5911 ab",  # choice: the letter pair must be uppercase
        "1234 SA",  # SA, SD and SS are not used
        "0123 AB",  # no postcode starts with 0
    ],
)
def test_things_that_look_like_a_postcode_are_not_flagged(text):
    assert found(text) == []


# --- Street and house number -------------------------------------------------


@pytest.mark.parametrize(
    "written",
    [
        "Maasboulevard 12b",
        "Kerkstraat 4",
        "Burg. van Rijnstraat 10-2",
        "Groenveldsingel 3a",
        "Tegelseweg 143-A",
        "Oude Markt 12",
        "Sint Jansstraat 7",
        "Kerkstraat nr. 4",
        "Prinsenhof 2",
        "Oranjeplein 1",
        "Vleesstraat 14",
        "Noorderpad 9",
        "Herengracht 502",
        "Maaskade 3",
        "Rijnlaan 70",
        "Stationsdijk 11",
        "Wilhelminapark 5",
        "Julianaplantsoen 2",
        "Lindendreef 8",
        "Kapelsteeg 1",
        "Buitenring 40",
        "Spoorbaan 6",
        "Stadswal 21",
        "Kempenveld 33",
    ],
)
def test_street_with_house_number_is_flagged_without_a_postcode(written):
    finding = only(f"Woont nu op {written} bij zijn zus.", "address")
    assert finding.text == written
    assert finding.label == "Straat met huisnummer"


@pytest.mark.parametrize(
    "text",
    [
        "Ging de weg 2 keer kwijt.",
        "Woont 3 jaar in Venlo.",
        "Woont aan de Kerkstraat, vlak bij het station.",  # a street without a number identifies no home
        "Via de Rijksweg 20 minuten naar zijn werk.",
        "Markt 3 keer per week bezocht.",
        "Rijksweg 2,5 km verderop.",
        "Vordering 2 van het CJIB is betaald.",
        "Arbeidsmarkt 2024 is krap.",
        "Sportpark 2 dagen per week als vrijwilliger.",
        "Woonwenz 12 maanden huurachterstand",
        "de kerkstraat 4",  # choice: street names are written with a capital
        "Markt 12",  # a bare suffix is only a street after a prefix ("Oude Markt 12")
    ],
)
def test_counts_and_ordinary_words_are_no_street_address(text):
    assert [kind for kind, _ in found(text)] == []


def test_street_and_postcode_together_stay_one_postcode_finding():
    assert found("Kerkstraat 12, 5911 AB") == [("postcode", "Kerkstraat 12, 5911 AB")]


# --- IBAN --------------------------------------------------------------------


@pytest.mark.parametrize(
    "written",
    [
        "NL91ABNA0417164300",
        "NL91 ABNA 0417 1643 00",
        "nl91abna0417164300",
        "BE68 5390 0754 7034",
        "DE89370400440532013000",
    ],
)
def test_valid_ibans_are_flagged(written):
    finding = only(f"Rekening {written} voor de huur.", "iban")
    assert finding.text == written
    assert finding.label == "IBAN"


def test_iban_with_wrong_check_digits_is_not_flagged():
    assert not iban_is_valid("NL91ABNA0417164301")
    assert found("Rekening NL91ABNA0417164301") == []
    # the digits of a mistyped, spaced IBAN may still look like a phone number, but it is no IBAN
    assert "iban" not in [kind for kind, _ in found("Rekening NL92 ABNA 0417 1643 00")]


# --- Names -------------------------------------------------------------------


NAMES = ["Jan", "van den Berg", "Jan van den Berg"]


def test_full_name_is_one_finding():
    finding = only("Gesprek met Jan van den Berg gehad.", "name", names=NAMES)
    assert (finding.text, finding.label) == ("Jan van den Berg", "Naam van de inwoner")


def test_names_match_case_insensitively_and_particles_in_any_case():
    assert found("Mevrouw Van den Berg en JAN en jan.", names=NAMES) == [
        ("name", "Van den Berg"),
        ("name", "JAN"),
        ("name", "jan"),
    ]


def test_names_match_across_line_breaks_and_double_spaces():
    assert found("Mevrouw van  den\nBerg", names=["van den Berg"]) == [("name", "van  den\nBerg")]


def test_names_match_accent_insensitively_both_ways():
    assert found("José en Jose", names=["José"]) == [("name", "José"), ("name", "Jose")]
    assert found("José en Jose", names=["Jose"]) == [("name", "José"), ("name", "Jose")]


def test_decomposed_accent_stays_inside_the_finding():
    text = "Jose\u0301 belde"
    assert found(text, names=["José"]) == [("name", "Jose\u0301")]


def test_family_name_without_particles_is_found_only_when_capitalised():
    assert found("Mevrouw Berg belde; een berg schulden.", names=["van den Berg"]) == [("name", "Berg")]


def test_family_name_in_sorting_order_is_understood():
    assert found("Mevrouw van den Berg", names=["Berg, van den"]) == [("name", "van den Berg")]


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Verhuisd naar Bergen", "Berg"),
        ("Sinds Januari begeleid", "Jan"),
        ("Gesprek met Jansen", "Jan"),
        ("Gesprek met Marjan", "Jan"),
        ("Woonde in Rozenberg", "Berg"),
        ("Ondergrondse berging", "Berg"),
    ],
)
def test_names_inside_longer_words_are_not_flagged(text, name):
    assert found(text, names=[name]) == []


def test_names_shorter_than_two_characters_and_blank_names_are_ignored():
    assert found("J. de Vries zegt: J is de letter", names=["J", "", "  ", None]) == []


def test_name_of_two_characters_counts():
    assert found("Bo woont hier", names=["Bo"]) == [("name", "Bo")]


# --- Combined text: true negatives, ordering, overlap --------------------------


def test_ordinary_profile_text_has_no_findings():
    text = (
        "Sinds 2019 dakloos, werkt 32 uur per week. Huur € 612,50 per maand, 650 euro toeslag, "
        "huur 612 is haalbaar. Begeleiding 1-2 keer per week. Laptop met 2 GB geheugen. "
        "Verhuisd uit Bergen in Januari. Kenmerk 123456789."
    )
    assert scan_text(text, names=["Berg", "Jan"]) == []


def test_findings_are_sorted_and_carry_their_offsets():
    text = "Jan (06-12345678, jan@example.nl) is geboren op 3 maart 1998, BSN 123456782, 5911 AB 12."
    findings = scan_text(text, names=["Jan"])
    assert [finding.kind for finding in findings] == ["name", "phone", "email", "date", "bsn", "postcode"]
    for finding in findings:
        assert text[finding.start : finding.end] == finding.text
    assert all(a.end <= b.start for a, b in zip(findings, findings[1:], strict=False))


def test_overlapping_candidates_keep_the_longest():
    # a name inside an e-mail address, a phone-like run inside an IBAN, a first name inside the full name
    assert found("jan.jansen@example.nl", names=["Jansen"]) == [("email", "jan.jansen@example.nl")]
    assert found("NL91ABNA0417164300") == [("iban", "NL91ABNA0417164300")]
    names = ["Jan", "Berg", "van den Berg", "Jan van den Berg"]
    assert found("Jan van den Berg", names=names) == [("name", "Jan van den Berg")]


def test_month_abbreviation_that_is_also_the_name_loses_to_the_date():
    assert found("op 12 jan 2019 belde Jan", names=["Jan"]) == [("date", "12 jan 2019"), ("name", "Jan")]


def test_empty_text():
    assert scan_text("") == []
    assert scan_text(None) == []


# --- scan_sections -------------------------------------------------------------


def test_scan_sections_returns_only_sections_with_findings():
    sections = {
        "situatie": "Woont sinds 2019 bij een vriend.",
        "netwerk": "Zus Jan is bereikbaar op 0612345678.",
        "wensen": "",
        "financien": "Huur € 612,50.",
    }
    result = scan_sections(sections, names=["Jan"])
    assert list(result) == ["netwerk"]
    assert [(f.kind, f.text) for f in result["netwerk"]] == [("name", "Jan"), ("phone", "0612345678")]


def test_scan_sections_uses_the_names_for_every_section_even_from_a_generator():
    sections = {"a": "Jan belde.", "b": "Jan kwam langs."}
    result = scan_sections(sections, names=(name for name in ["Jan"]))
    assert {key: [f.text for f in findings] for key, findings in result.items()} == {"a": ["Jan"], "b": ["Jan"]}


# --- highlight -----------------------------------------------------------------


def test_highlight_wraps_findings_in_marks():
    text = "Bel 0612345678."
    html = highlight(text, scan_text(text))
    assert isinstance(html, SafeString)
    assert html == 'Bel <mark class="wk-pii" data-kind="phone" title="Telefoonnummer">0612345678</mark>.'


def test_highlight_escapes_the_surrounding_text_and_the_names():
    name = "Jan<img src=x onerror=alert(1)>"
    text = f'<script>alert("x")</script> Gesprek met {name} & co'
    findings = scan_text(text, names=[name])
    assert [f.text for f in findings] == [name]
    html = highlight(text, findings)
    assert "<script" not in html
    assert "<img" not in html
    assert html.startswith("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; Gesprek met ")
    assert (
        '<mark class="wk-pii" data-kind="name" title="Naam van de inwoner">Jan&lt;img src=x onerror=alert(1)&gt;</mark>'
        in html
    )
    assert html.endswith(" &amp; co")


def test_highlight_escapes_kind_and_label_too():
    text = "abc"
    evil = Finding(kind='"><script>', start=0, end=3, text="abc", label='x" onmouseover="alert(1)')
    html = highlight(text, [evil])
    assert "<script>" not in html
    assert 'onmouseover="' not in html
    assert html == (
        '<mark class="wk-pii" data-kind="&quot;&gt;&lt;script&gt;" '
        'title="x&quot; onmouseover=&quot;alert(1)">abc</mark>'
    )


def test_highlight_skips_stale_and_overlapping_findings():
    text = "Jan en Piet"
    stale = Finding(kind="name", start=0, end=3, text="Kees", label="Naam van de inwoner")
    good = Finding(kind="name", start=7, end=11, text="Piet", label="Naam van de inwoner")
    overlapping = Finding(kind="name", start=8, end=10, text="ie", label="Naam van de inwoner")
    html = highlight(text, [overlapping, good, stale])
    assert html == 'Jan en <mark class="wk-pii" data-kind="name" title="Naam van de inwoner">Piet</mark>'


def test_highlight_without_findings_only_escapes():
    assert highlight("a < b", []) == "a &lt; b"


# --- fingerprint ---------------------------------------------------------------


def first(text, **kwargs):
    return scan_text(text, **kwargs)[0]


def test_fingerprint_is_short_hex_and_stable():
    finding = first("BSN 123456782")
    assert len(fingerprint(finding)) == 16
    int(fingerprint(finding), 16)
    assert fingerprint(finding) == fingerprint(first("Ander tekst, BSN 123456782 verderop"))


@pytest.mark.parametrize(
    ("one", "other", "names"),
    [
        ("BSN 123456782", "BSN 123 456 782", ()),
        ("tel 06-12345678", "tel 06 1234 5678", ()),
        ("tel 06-12345678", "tel +31 6 12345678", ()),
        ("mail Jan@Example.nl", "mail jan@example.NL", ()),
        ("pc 5911 AB 12", "pc 5911AB   12", ()),
        ("IBAN NL91ABNA0417164300", "IBAN nl91 abna 0417 1643 00", ()),
        ("Van den Berg", "van  den\nberg", ["van den Berg"]),
        ("José", "JOSE", ["José"]),
        ("3 maart 1998", "3  Maart 1998", ()),
    ],
)
def test_fingerprint_ignores_whitespace_and_case(one, other, names):
    assert fingerprint(first(one, names=names)) == fingerprint(first(other, names=names))


def test_fingerprint_differs_by_value_and_by_kind():
    bsn = Finding(kind="bsn", start=0, end=9, text="123456782", label="")
    assert fingerprint(bsn) != fingerprint(first("BSN 111222333"))
    assert fingerprint(bsn) != fingerprint(Finding(kind="phone", start=0, end=9, text="123456782", label=""))


def test_fingerprint_is_keyed_so_a_bsn_cannot_be_recovered_by_trying_numbers(settings):
    finding = first("BSN 123456782")
    before = fingerprint(finding)
    assert before != hashlib.sha256(b"bsn:123456782").hexdigest()[:16]
    settings.FIELD_ENCRYPTION_KEY = Fernet.generate_key().decode()
    assert fingerprint(finding) != before
