"""Government identifiers: valid, invalid and edge vectors (python-stdnum's documented ones)."""

import pytest
from stdnum import verhoeff

from anonymize.detection import PiiDetector


@pytest.fixture(scope="module")
def found():
    detector = PiiDetector(use_installed_model=False)
    return lambda text: [(f.type, text[f.start:f.end]) for f in detector.detect(text)]


def _verhoeff_valid(body: str) -> str:
    return body + verhoeff.calc_check_digit(body)


@pytest.mark.parametrize("text, value", [
    # Not real identifiers: python-stdnum's documented examples or made-up shapes.
    ("Aadhaar 234123412346", "234123412346"),
    ("aadhar no. 2341-2341-2346 hai", "2341-2341-2346"),
    ("UID: 2341 2341 2346", "2341 2341 2346"),
    ("customer 234123412346 verified", "234123412346"),  # valid even without a label
])
def test_aadhaar_valid_forms(found, text, value):
    assert found(text) == [("AADHAAR", value)]


@pytest.mark.parametrize("text", [
    "Aadhaar 234123412347",  # check digit off by one
    "Aadhaar 134123412346",  # starts with 1
    "Aadhaar 222222222222",  # palindrome
    "Aadhaar 2341 2341 234",  # eleven digits
    "Aadhaar XXXX XXXX 2346",  # masked
    "ref 2341234123469",  # thirteen digits: not an Aadhaar inside a longer number
])
def test_aadhaar_invalid_vectors(found, text):
    assert "AADHAAR" not in {t for t, _ in found(text)}


@pytest.mark.parametrize("template", [
    "UPI Ref No {n}", "RRN: {n} credited", "UTR {n}", "txn id {n}", "Refno {n}",
    "UPI/DR/{n}/RAMESH KUMAR/SBIN/ramesh.kumar@oksbi/rent",
    "IMPS/P2A/{n}/ASHA RAO/HDFC/gift", "UPI-ASHA RAO-asha.rao@okaxis-UTIB0001234-{n}-fees",
])
def test_verhoeff_valid_references_are_not_aadhaar(found, template):
    rrn = _verhoeff_valid("41234567890")
    text = template.format(n=rrn)
    assert "AADHAAR" not in {t for t, _ in found(text)}
    assert all(value != rrn for _, value in found(text))


def test_account_label_makes_a_valid_number_an_account(found):
    rrn = _verhoeff_valid("41234567890")
    assert found(f"A/c no {rrn}") == [("BANK_ACCOUNT", rrn)]


def test_nearest_label_wins_and_labels_do_not_reach_past_a_value(found):
    rrn = _verhoeff_valid("51234567890")
    text = f"Aadhaar 2341 2341 2346, UPI Ref {rrn}"
    assert found(text) == [("AADHAAR", "2341 2341 2346")]


@pytest.mark.parametrize("text, value", [
    ("VID 2341234123412341", "2341234123412341"),
    ("virtual id 2341 2341 2341 2341", "2341 2341 2341 2341"),
])
def test_vid(found, text, value):
    assert found(text) == [("AADHAAR_VID", value)]


def test_vid_invalid_checksum(found):
    assert found("VID 2341234123412342") == []


@pytest.mark.parametrize("text, value", [
    ("PAN ACUPA7085R", "ACUPA7085R"),
    ("pan card acupa7085r", "acupa7085r"),
    ("holder AAPPV8261K", "AAPPV8261K"),
])
def test_pan_valid(found, text, value):
    assert found(text) == [("PAN", value)]


@pytest.mark.parametrize("text", [
    "PAN ABMXA3211G",  # X is not a holder type
    "PAN ACUPA0000R",  # serial 0000
    "PAN ABMPA32111",  # check character must be a letter
    "PANACUPA7085R",  # inside a longer word
])
def test_pan_invalid(found, text):
    assert "PAN" not in {t for t, _ in found(text)}


def test_gstin(found):
    assert found("GSTIN 27AAPFU0939F1ZV") == [("GSTIN", "27AAPFU0939F1ZV")]
    assert found("gstin 27aapfu0939f1zv") == [("GSTIN", "27aapfu0939f1zv")]
    assert found("GSTIN 27AAPFU0939F1ZO") == []  # mod-36 check fails
    assert found("GSTIN 99AAPFU0939F1ZV") == []  # no state 99


def test_voter_id(found):
    assert found("voter id WKH1186253") == [("VOTER_ID", "WKH1186253")]
    assert found("epic no: wkh1186253") == [("VOTER_ID", "wkh1186253")]
    assert found("voter id WKH1186263") == []  # Luhn fails
    assert found("TXN1186253 processed") == []  # a reference prefix without a voter label


def test_passport_needs_its_label(found):
    assert found("passport no. J8369854") == [("PASSPORT_IN", "J8369854")]
    assert found("J8369854") == []


def test_driving_licence(found):
    assert found("DL no MH12 20110012345") == [("DRIVING_LICENCE_IN", "MH12 20110012345")]
    assert found("licence MH-1220110012345") == [("DRIVING_LICENCE_IN", "MH-1220110012345")]
    assert found("DL no XX12 20110012345") == []  # XX is not a state
    assert found("DL no MH12 18110012345") == []  # no year 1811
