"""IFSC, bank accounts, card numbers and UPI VPAs (never e-mail addresses)."""

import pytest
from stdnum import luhn

from anonymize.detection import PiiDetector


@pytest.fixture(scope="module")
def found():
    detector = PiiDetector(use_installed_model=False)
    return lambda text: [(f.type, text[f.start:f.end]) for f in detector.detect(text)]


def _card(prefix: str, length: int = 16) -> str:
    body = prefix + "0" * (length - 1 - len(prefix))
    return body + luhn.calc_check_digit(body)


@pytest.mark.parametrize("text, value", [
    ("IFSC SBIN0001234", "SBIN0001234"),
    ("branch code HDFC0AB1234 please", "HDFC0AB1234"),
    ("ifsc: sbin0001234", "sbin0001234"),
])
def test_ifsc(found, text, value):
    assert found(text) == [("IFSC", value)]


@pytest.mark.parametrize("text", ["code SBIN1001234", "code SBIN0ABCDEF", "SBIN00012345"])
def test_not_ifsc(found, text):
    assert "IFSC" not in {t for t, _ in found(text)}


@pytest.mark.parametrize("text, value", [
    ("A/C no 12345678901", "12345678901"),
    ("acct: 123456789", "123456789"),
    ("khata number 123456789012345678 hai", "123456789012345678"),
    ("refund isi khate mein daalo: 1340091904", "1340091904"),
    ("my a/c 9876543210", "9876543210"),  # the label beats the phone shape
    ("IB FUNDS TRANSFER DR-123456789012-RAVI VERMA", "123456789012"),
])
def test_bank_account_is_context_led(found, text, value):
    assert ("BANK_ACCOUNT", value) in found(text)


@pytest.mark.parametrize("text", [
    "reference 12345678901",
    "12345678901 was the id",
    "account 12345678",  # eight digits: too short
    "a/c XXXXXXXX1234",  # masked
])
def test_not_bank_account(found, text):
    assert "BANK_ACCOUNT" not in {t for t, _ in found(text)}


@pytest.mark.parametrize("number", [
    "4111 1111 1111 1111", "4111111111111111", "4111-1111-1111-1111",
    _card("60"), _card("65"), _card("81"), _card("82"), _card("508"),  # RuPay
    _card("5105"), _card("2221"), _card("37", 15),
])
def test_card_numbers(found, number):
    assert found(f"card {number}") == [("CARD_NUMBER", number)]


@pytest.mark.parametrize("text", [
    "card 4111 1111 1111 1112",  # Luhn fails
    "card " + _card("1"),  # no network starts with 1
    "card XXXX XXXX XXXX 1111",  # masked
    "a/c 4111111111111111",  # an account label wins
])
def test_not_card_numbers(found, text):
    assert "CARD_NUMBER" not in {t for t, _ in found(text)}


@pytest.mark.parametrize("vpa", [
    "ramesh.kumar@oksbi", "asha123@ybl", "9876543210@paytm", "9876543210-2@upi",
    "asha_rao@okhdfcbank", "shop.12345@kotak811",
])
def test_vpas(found, vpa):
    assert found(f"UPI id {vpa} please") == [("UPI_VPA", vpa)]


@pytest.mark.parametrize("email", [
    "ramesh@gmail.com", "asha.rao@yahoo.co.in", "r.kumar@kumar-associates.co.in",
])
def test_dotted_domain_is_email_not_vpa(found, email):
    assert found(f"mail {email}") == [("EMAIL", email)]


def test_mobile_vpa_is_not_a_phone(found):
    assert found("pay 9876543210@ybl") == [("UPI_VPA", "9876543210@ybl")]


def test_vpa_in_dash_narration_stops_at_the_name_field(found):
    text = "UPI-ASHA RAO-9876543210-1@kotak-UTIB0001234-412345678901-fees"
    assert ("UPI_VPA", "9876543210-1@kotak") in found(text)
    assert ("IFSC", "UTIB0001234") in found(text)
