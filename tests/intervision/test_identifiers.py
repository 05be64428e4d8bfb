"""intervision.identifiers: what a coordinator's case text gives away before it is saved."""

import itertools
import logging

import pytest
from django.utils import translation

from intervision import identifiers
from intervision.identifiers import FIRST_NAME_STOP_WORDS, Finding, identifiers_find, identifiers_summary

CASE_TEXT = (
    "Mama Fatima (0475 12 34 56) woont in de Kerkstraat 12, 2440 Geel; haar zoon Yusuf El Amrani "
    "is geboren op 12 maart 2019. Sinds de scheiding belt papa soms vanuit Marokko (+212 6 12 34 56 78). "
    "Rijksregisternummer van de zoon: 19.03.12-123.63. De kinderbijslag komt op BE71 0961 2345 6769. "
    "Mama mailt vanaf fatima.elamrani@gmail.com. Roos, de oudste, gaat naar school in Geel."
)

PROFESSIONAL_TEXT = (
    "In 2024 organiseerden we in het Huis van het Kind een oudergroep voor 3 gezinnen met jonge kinderen. "
    "De bijeenkomsten vonden plaats op dinsdag om 14.30 uur; er waren telkens 15 deelnemers. "
    "We werkten samen met Kind en Gezin, het CAW en de Opvoedingswinkel, en ook in de Kempen groeit de vraag. "
    "Ouders gaven aan dat de groep hen hielp om vragen over slapen en eten te bespreken. "
    "Ben je er volgende keer bij? Mag ik je vragen om de uitnodiging te delen? "
    "Hoop doet leven: volgend jaar willen we uitbreiden naar 20 deelnemers en 2 groepen van 90 minuten, "
    "met een budget van 1500 euro."
)


def kinds_and_texts(text):
    return [(finding.kind, finding.text) for finding in identifiers_find(text)]


def test_case_text_flags_each_kind_of_identifier():
    found = kinds_and_texts(CASE_TEXT)

    assert ("phone", "0475 12 34 56") in found
    assert ("address", "Kerkstraat 12") in found
    assert ("postcode", "2440 Geel") in found
    assert ("name", "Yusuf El Amrani") in found
    assert ("date_of_birth", "12 maart 2019") in found
    assert ("phone", "+212 6 12 34 56 78") in found
    assert ("national_number", "19.03.12-123.63") in found
    assert ("iban", "BE71 0961 2345 6769") in found
    assert ("email", "fatima.elamrani@gmail.com") in found
    assert ("first_name", "Fatima") in found
    assert ("first_name", "Roos") in found


def test_positions_point_at_the_text_and_findings_are_sorted_without_overlap():
    findings = identifiers_find(CASE_TEXT)

    assert findings
    for finding in findings:
        assert CASE_TEXT[finding.start : finding.end] == finding.text
    for before, after in itertools.pairwise(findings):
        assert before.end <= after.start


def test_professional_text_without_identifiers_flags_nothing():
    assert identifiers_find(PROFESSIONAL_TEXT) == []


@pytest.mark.parametrize("number", ["85.07.30-033.28", "85073003328", "850730 033 28", "85.07.30-033 28"])
def test_national_number_with_valid_checksum_is_flagged_with_or_without_separators(number):
    assert kinds_and_texts(f"Het rijksregisternummer is {number} volgens mama.") == [("national_number", number)]


def test_national_number_with_wrong_checksum_is_not_a_national_number():
    assert kinds_and_texts("Het rijksregisternummer is 85.07.30-033.29 volgens mama.") == []


def test_national_number_of_someone_born_after_2000_is_checked_with_the_2_prefix():
    assert kinds_and_texts("nummer 19031212363") == [("national_number", "19031212363")]


@pytest.mark.parametrize("account", ["BE71 0961 2345 6769", "BE71096123456769", "NL91 ABNA 0417 1643 00"])
def test_iban_with_valid_check_digits_is_flagged(account):
    assert kinds_and_texts(f"Het leefgeld gaat naar {account}, zegt de budgetbeheerder.") == [("iban", account)]


def test_iban_with_wrong_check_digits_is_not_flagged():
    assert kinds_and_texts("Het leefgeld gaat naar BE72 0961 2345 6769, zegt de budgetbeheerder.") == []


@pytest.mark.parametrize(
    "text, number",
    [
        ("Bel haar op 0475 12 34 56 na school.", "0475 12 34 56"),
        ("Bel haar op 0475/12.34.56 na school.", "0475/12.34.56"),
        ("Het vaste nummer is 014 58 12 34.", "014 58 12 34"),
        ("Papa is bereikbaar op +32 470 12 34 56.", "+32 470 12 34 56"),
        ("De grootmoeder in Nederland: +31 6 12345678.", "+31 6 12345678"),
    ],
)
def test_belgian_and_international_phone_numbers_are_flagged(text, number):
    assert kinds_and_texts(text) == [("phone", number)]


def test_email_address_containing_a_first_name_is_one_finding():
    text = "Ze mailde vanaf Yusuf.Peeters@telenet.be gisteren."

    assert kinds_and_texts(text) == [("email", "Yusuf.Peeters@telenet.be")]


@pytest.mark.parametrize(
    "text, address",
    [
        ("Ze woont in de Stationsstraat 4 bus 2 sinds juni.", "Stationsstraat 4 bus 2"),
        ("Het gezin verhuisde naar de Grote Markt 5 vorige week.", "Grote Markt 5"),
        ("Ze logeert bij haar zus op de Turnhoutsebaan 112A.", "Turnhoutsebaan 112A"),
    ],
)
def test_street_with_house_number_is_an_address(text, address):
    assert ("address", address) in kinds_and_texts(text)


@pytest.mark.parametrize(
    "text, place",
    [
        ("Ze verhuisde naar 3000 Leuven in de zomer.", "3000 Leuven"),
        ("Ze verhuisde naar Leuven 3000 in de zomer.", "Leuven 3000"),
        ("Ze verhuisde naar 9000 Gent in de zomer.", "9000 Gent"),
        ("Ze verhuisde naar 1080 Sint-Jans-Molenbeek in de zomer.", "1080 Sint-Jans-Molenbeek"),
    ],
)
def test_postcode_with_municipality_is_flagged(text, place):
    assert ("postcode", place) in kinds_and_texts(text)


def test_a_year_before_a_capitalised_word_is_not_a_postcode():
    # 2020 is also Antwerp's postcode; without a municipality name after it, it is a year.
    assert kinds_and_texts("Tot 2020 Werkte ze voltijds, in 2021 niet meer.") == []


def test_a_postcode_alone_or_a_municipality_alone_is_not_flagged():
    assert kinds_and_texts("Het Huis van het Kind in Geel werkt samen met de regio rond 2440.") == []


def test_first_names_are_matched_as_whole_capitalised_words():
    assert kinds_and_texts("Roos komt vandaag niet.") == [("first_name", "Roos")]
    assert kinds_and_texts("Er stond een roos op tafel.") == []
    assert kinds_and_texts("De Roosevelt-school belde.") == []


def test_hyphenated_first_names_are_one_finding():
    assert ("first_name", "Anne-Marie") in kinds_and_texts("Anne-Marie komt mee.")


@pytest.mark.parametrize(
    "text",
    [
        "Ben je er donderdag?",
        "Wil jij de notulen nemen?",
        "Mag ik iets vragen?",
        "Hoop doet leven.",
        "Mama spreekt Frans en een beetje Nederlands.",
        "Staf en vrijwilligers waren aanwezig.",
    ],
)
def test_first_names_that_are_ordinary_words_are_not_flagged_alone(text):
    assert kinds_and_texts(text) == []


def test_stop_words_are_names_from_the_list():
    assert FIRST_NAME_STOP_WORDS.issubset(identifiers._first_name_list())


def test_full_names_from_deduce_include_the_surname():
    found = kinds_and_texts("Mevrouw De Smet sprak met Jan Van Damme over Kim.")

    assert ("name", "Mevrouw De Smet") in found
    assert ("name", "Jan Van Damme") in found
    assert ("first_name", "Kim") in found


def test_names_are_not_joined_across_a_sentence_end():
    found = kinds_and_texts("We spraken met mevrouw Janssens. Kim was er ook.")

    assert ("name", "mevrouw Janssens") in found
    assert ("first_name", "Kim") in found


def test_a_date_is_a_date_of_birth_only_after_a_birth_cue():
    assert kinds_and_texts("Ze is geboren op 03/04/2018 in Genk.") == [("date_of_birth", "03/04/2018")]
    assert kinds_and_texts("Op 03/04/2018 was er een huisbezoek.") == [("date", "03/04/2018")]


def test_deduce_tables_are_built_at_install_time():
    assert identifiers._deduce_model() is not None, "run `make install`: it builds deduce's lookup tables"


def test_missing_deduce_tables_are_never_built_on_a_request(monkeypatch, tmp_path, caplog):
    import deduce.deduce

    monkeypatch.setattr(deduce.deduce, "_LOOKUP_LIST_PATH", tmp_path)

    with caplog.at_level(logging.WARNING, logger="intervision.identifiers"):
        assert identifiers._load_deduce.__wrapped__() is None

    assert "not built" in caplog.text
    assert list(tmp_path.iterdir()) == []


def test_without_deduce_the_other_checks_still_run(monkeypatch):
    monkeypatch.setattr(identifiers, "_deduce_model", lambda: None)

    found = kinds_and_texts(CASE_TEXT)

    assert ("national_number", "19.03.12-123.63") in found
    assert ("first_name", "Yusuf") in found
    assert "name" not in {kind for kind, _text in found}


def test_empty_text_has_no_findings():
    assert identifiers_find("") == []
    assert identifiers_find("   \n") == []


def test_summary_lists_each_finding_with_its_label_in_dutch():
    findings = [
        Finding(kind="national_number", text="85.07.30-033.28", start=0, end=15),
        Finding(kind="phone", text="0475 12 34 56", start=20, end=33),
    ]

    with translation.override("nl"):
        summary = identifiers_summary(findings)

    assert summary == (
        "Mogelijk herkenbare gegevens: rijksregisternummer „85.07.30-033.28”, telefoonnummer „0475 12 34 56”."
    )


def test_summary_of_one_finding_is_singular():
    findings = [Finding(kind="email", text="a@b.be", start=0, end=6)]

    with translation.override("nl"):
        assert identifiers_summary(findings) == "Mogelijk herkenbaar gegeven: e-mailadres „a@b.be”."
    with translation.override("en"):
        assert identifiers_summary(findings) == "Possibly identifying detail: e-mail address “a@b.be”."


def test_summary_repeats_nothing_and_counts_what_it_leaves_out():
    findings = [Finding(kind="first_name", text="Roos", start=i * 10, end=i * 10 + 4) for i in range(3)]
    findings += [
        Finding(kind="phone", text=f"0475 12 34 {n:02d}", start=100 + n * 20, end=113 + n * 20) for n in range(12)
    ]

    with translation.override("nl"):
        summary = identifiers_summary(findings)

    assert summary.count("„Roos”") == 1
    assert summary.endswith("en nog 3 andere.")


def test_summary_of_nothing_is_empty():
    assert identifiers_summary([]) == ""
