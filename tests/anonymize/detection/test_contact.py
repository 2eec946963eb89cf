"""Phones, e-mail, PIN codes, IPs, device IDs, locations, vehicles and dates of birth."""

import pytest
from stdnum import luhn

from anonymize.detection import PiiDetector


@pytest.fixture(scope="module")
def found():
    detector = PiiDetector(use_installed_model=False)
    return lambda text: [(f.type, text[f.start:f.end]) for f in detector.detect(text)]


@pytest.mark.parametrize("phone", [
    "+91 98765 43210", "+91-9876543210", "+919876543210", "+91 9876543210", "09876543210",
    "0 98765 43210", "91 98765 43210", "919876543210", "98765-43210", "98765 43210",
    "987 654 3210", "9876 543 210", "9876543210", "6000000000",
])
def test_phone_forms(found, phone):
    assert found(f"mobile {phone} pe call karo") == [("PHONE_IN", phone)]


def test_phone_without_a_label(found):
    assert found("bhej diye 9876543210 pe") == [("PHONE_IN", "9876543210")]


@pytest.mark.parametrize("text", [
    "number 5876543210",  # mobiles start with 6-9
    "number 98765432101",  # eleven digits, no 0 prefix
    "ticket 9876543210",  # a reference label
    "Rs 9876543210",  # an amount
    "pay 9876543210@ybl",  # the VPA's digits
    "helpline 1800 123 4567",
])
def test_not_phones(found, text):
    assert "PHONE_IN" not in {t for t, _ in found(text)}


def test_email_without_network(found):
    assert found("write to asha.rao+kyc@example.co.in.") == [
        ("EMAIL", "asha.rao+kyc@example.co.in")]


@pytest.mark.parametrize("text, value", [
    ("PIN 560001", "560001"),
    ("pincode: 560 001", "560 001"),
    ("Koramangala, Bengaluru - 560034", "560034"),
    ("Pune 411001", "411001"),
])
def test_pincodes(found, text, value):
    assert found(text) == [("PINCODE", value)]


@pytest.mark.parametrize("text", ["Rs 560001", "otp 560001", "pin 960001", "code 560001"])
def test_not_pincodes(found, text):
    assert found(text) == []


@pytest.mark.parametrize("ip", ["192.168.1.10", "2001:db8::1", "fe80::1", "2409:40f2:1:2:3:4:5:6"])
def test_ip_addresses(found, ip):
    assert found(f"login ip {ip}") == [("IP_ADDRESS", ip)]


def test_not_ip_addresses(found):
    assert found("version 999.1.1.1 at 10:30:45") == []


def test_device_ids(found):
    imei = "35686800004141"
    imei += luhn.calc_check_digit(imei)
    text = (f"device id 550e8400-e29b-41d4-a716-446655440000, imei {imei}, "
            "mac a4:5e:60:d2:1f:9c, android id f3a9c2e7b1d5e601")
    assert [t for t, _ in found(text)] == ["DEVICE_ID"] * 4


def test_imei_needs_its_label(found):
    imei = "35686800004141"
    imei += luhn.calc_check_digit(imei)
    assert "DEVICE_ID" not in {t for t, _ in found(f"number {imei}")}


@pytest.mark.parametrize("geo", ["12.9716, 77.5946", "12.971600,77.594600", "-33.8688, 151.2093"])
def test_geo_locations(found, geo):
    assert found(f"GPS {geo}") == [("GEO_LOCATION", geo)]


def test_lone_coordinate_needs_a_label(found):
    assert found("lat 12.9716") == [("GEO_LOCATION", "12.9716")]
    assert found("paid 12.9716") == []


@pytest.mark.parametrize("plate", [
    "MH 12 AB 1234", "MH12AB1234", "KA-01-AB-1234", "DL3CAB1234", "22BH1234AB", "22 BH 1234 AA",
])
def test_vehicle_registrations(found, plate):
    assert found(f"vehicle {plate}") == [("VEHICLE_REG_IN", plate)]


@pytest.mark.parametrize("text", ["vehicle XX 12 AB 1234", "vehicle MH 00 AB 1234",
                                  "vehicle 19BH1234AB"])
def test_not_vehicle_registrations(found, text):
    assert found(text) == []


@pytest.mark.parametrize("text, value", [
    ("DOB 12/03/1985", "12/03/1985"),
    ("date of birth: 1985-03-12", "1985-03-12"),
    ("born on 02-Feb-1972", "02-Feb-1972"),
    ("janam tithi 12 Mar 1985", "12 Mar 1985"),
])
def test_dates_of_birth(found, text, value):
    assert found(text) == [("DATE_OF_BIRTH", value)]


def test_other_dates_are_not_birth_dates(found):
    assert found("txn date 12/03/2025, value date 2025-03-12") == []
    assert found("DOB 12/03/1885") == []  # implausible year
