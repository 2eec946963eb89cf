"""Government identifiers: valid, invalid and edge vectors (python-stdnum's documented ones)."""

import random
import string

import pytest
from stdnum import luhn, verhoeff
from stdnum.in_ import aadhaar, epic, gstin, pan, vid

from anonymize.detection import PiiDetector
from anonymize.detection.recognizers import national_ids


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


def _candidates(rng, kind):
    """Random values near each identifier's shape: valid check characters often enough, wrong
    ones, wrong lengths and letters, lower case, separators, non-ASCII digits, palindromes."""
    digits, letters = string.digits, string.ascii_uppercase
    pick = lambda alphabet, n: "".join(rng.choice(alphabet) for _ in range(n))  # noqa: E731
    if kind in ("aadhaar", "vid"):
        body = pick(digits, 11 if kind == "aadhaar" else 15)
        value = body + verhoeff.calc_check_digit(body)
    elif kind == "pan":
        value = pick(letters, 5) + pick(digits, 4) + pick(letters, 1)
    elif kind == "epic":
        body = pick(letters, 3) + pick(digits, 6)
        value = body + luhn.calc_check_digit(body[3:])
    else:
        body = f"{rng.randrange(40):02d}" + pick(letters, 5) + pick(digits, 4) + pick(letters, 1)
        body += pick(letters + digits, 1) + rng.choice("ZZZ1")
        value = body + luhn.calc_check_digit(body, digits + letters)
    mutations = [
        lambda v: v, lambda v: v, lambda v: v.lower(),
        lambda v: v[:-1] + pick(digits, 1), lambda v: v[:3] + pick(letters + digits, 1) + v[4:],
        lambda v: v[:4] + rng.choice(" -") + v[4:], lambda v: v[1:], lambda v: v + "1",
        lambda v: v.replace("1", "१").replace("2", "２"), lambda v: v[::-1],
        lambda v: v[: len(v) // 2] + v[: len(v) // 2][::-1],  # a palindrome
        lambda v: pick(digits + letters + " -", rng.randrange(0, 18)),
    ]
    return rng.choice(mutations)(value)


@pytest.mark.parametrize("kind, fast, stdnum_check", [
    ("aadhaar", national_ids.is_valid_aadhaar, aadhaar.is_valid),
    ("vid", national_ids.is_valid_vid, vid.is_valid),
    ("pan", national_ids.is_valid_pan, pan.is_valid),
    ("epic", national_ids.is_valid_epic, epic.is_valid),
    ("gstin", national_ids.is_valid_gstin, gstin.is_valid),
])
def test_checks_without_the_unicode_clean_up_agree_with_stdnum(kind, fast, stdnum_check):
    # The fast checks apply stdnum's own rules to ASCII values; any disagreement (a stdnum
    # upgrade changing a rule, say) shows here.
    rng = random.Random(kind)
    values = [_candidates(rng, kind) for _ in range(4000)]
    assert [fast(v) for v in values] == [stdnum_check(v) for v in values]
    assert 0.1 < sum(map(stdnum_check, values)) / len(values) < 0.9  # both outcomes tested
