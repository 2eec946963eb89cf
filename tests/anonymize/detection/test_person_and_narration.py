"""PERSON without a model (lists, cues, narrations) and narration parsing."""

import pytest

from anonymize.detection import PiiDetector
from anonymize.detection.recognizers.narration import parse_narrations


@pytest.fixture(scope="module")
def found():
    detector = PiiDetector(use_installed_model=False)
    return lambda text: [(f.type, text[f.start:f.end]) for f in detector.detect(text)]


def _persons(found, text):
    return [value for entity, value in found(text) if entity == "PERSON"]


@pytest.mark.parametrize("text, name", [
    ("Dear Aarav Sharma, your statement is ready.", "Aarav Sharma"),
    ("trf to NEHA GUPTA Refno 1234", "NEHA GUPTA"),
    ("Mr. Xyzzy Qwerty called about his card", "Xyzzy Qwerty"),  # no list knows him: the cue
    ("Smt Kamalabai Ghorpade visited", "Kamalabai Ghorpade"),
    ("Beneficiary: Sunita Devi", "Sunita Devi"),
    ("name: Zorawar Xylo", "Zorawar Xylo"),
    ("mera naam ravi hai", "ravi"),  # a known name after a cue, in any case
    ("hi, my name is Ishita Dara", "Ishita Dara"),
    ("Thanks, Yahvi Iyer", "Yahvi Iyer"),
    ("paid to Girik Dube via UPI", "Girik Dube"),
    ("customer Karan Nagar", "Karan Nagar"),  # a given name first: a person, not a street
    ("Received from Aarav Xyzzy today", "Aarav Xyzzy"),  # a known first name takes a surname
])
def test_person(found, text, name):
    assert _persons(found, text) == [name]


@pytest.mark.parametrize("text", [
    "address 12, Patel Nagar, Pune",  # a surname and a street word: an address
    "ship to 45, Tara Chowk, Indore",
    "UPI/P2M/412345678901/SWIGGY/AXIS/swiggy@axisbank/food",  # a merchant
    "POS/BIG BAZAAR/MUMBAI",
    "NEFT DR-ICIC0750049-SALARY-NETBANK",  # "DR" is a debit, not a doctor
    "Payment received. Thanks!",
])
def test_not_person(found, text):
    assert _persons(found, text) == []


@pytest.mark.parametrize("narration, name, vpa", [
    ("UPI/DR/412345678901/RAMESH KUMAR/SBIN/ramesh.kumar@oksbi/rent", "RAMESH KUMAR",
     "ramesh.kumar@oksbi"),
    ("UPI/CR/512345678901/ZORAWAR XYLO/HDFC/zx99@ybl/dinner", "ZORAWAR XYLO", "zx99@ybl"),
    ("UPI/412345678901/Aarav Sharma/aarav@ybl/HDFC/dinner", "Aarav Sharma", "aarav@ybl"),
    ("UPI-NEHA GUPTA-neha.g@okaxis-UTIB0001234-412345678901-Groceries", "NEHA GUPTA",
     "neha.g@okaxis"),
])
def test_narration_yields_person_and_vpa(found, narration, name, vpa):
    results = found(narration)
    assert ("PERSON", name) in results
    assert ("UPI_VPA", vpa) in results
    assert "AADHAAR" not in {t for t, _ in results}


@pytest.mark.parametrize("narration, names, references, accounts", [
    ("UPI/DR/412345678901/RAMESH KUMAR/SBIN/ramesh.kumar@oksbi/rent",
     ["RAMESH KUMAR"], ["412345678901"], []),
    ("NEFT/SBIN123456789012/GIRIK DUBE/HDFC BANK/salary", ["GIRIK DUBE"],
     ["SBIN123456789012"], []),
    ("IMPS/P2A/412345678901/Yahvi Iyer/ICICI Bank/", ["Yahvi Iyer"], ["412345678901"], []),
    ("MMT/IMPS/412345678901/Rent/OMAJA PUROHIT/SBIN", ["OMAJA PUROHIT"], ["412345678901"], []),
    ("RTGS/UTIB012345678901/HEMAL SETHI/AXIS", ["HEMAL SETHI"], ["UTIB012345678901"], []),
    ("IB FUNDS TRANSFER DR-123456789012-RAVI VERMA", ["RAVI VERMA"], [], ["123456789012"]),
    ("ATM/CASH WDL/MG ROAD BANGALORE/4321", [], [], []),
    ("UPI/P2M/412345678901/JIO PREPAID/AXIS/jio@axisbank/recharge", [], ["412345678901"], []),
])
def test_parse_narrations(narration, names, references, accounts):
    text = f"30-06-26 | {narration} | 364.84"
    [parsed] = parse_narrations(text)
    assert [text[s:e] for s, e in parsed.names] == names
    assert [text[s:e] for s, e in parsed.references] == references
    assert [text[s:e] for s, e in parsed.accounts] == accounts


def test_prose_is_not_a_narration():
    assert parse_narrations("Paid via UPI to a friend, thanks") == []
