"""Embedded reference tables for the synthetic Indian sandbox.

The sandbox must run offline and carry no real personal data, so the little geography and
banking knowledge it needs lives here as literals: which pincodes belong to which city, which
IFSC bank codes exist, which UPI handles those banks' customers typically use, and how long
their account numbers are. The values are public reference facts, not data about anyone.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class City:
    """A city with the contiguous range of delivery pincodes it is sampled from."""

    state: str
    name: str
    pincode_low: int
    pincode_high: int
    weight: float  # relative share of the synthetic population living here


@dataclass(frozen=True)
class Bank:
    """A bank as seen from UPI: its IFSC prefix, the VPA handles its customers use, and the
    length of its savings account numbers."""

    ifsc_code: str
    name: str
    vpa_handles: tuple[str, ...]
    account_digits: int
    weight: float  # relative share of customers banking here


CITIES: tuple[City, ...] = (
    City("Maharashtra", "Mumbai", 400001, 400104, 12.0),
    City("Maharashtra", "Pune", 411001, 411062, 5.0),
    City("Maharashtra", "Nagpur", 440001, 440037, 2.0),
    City("Delhi", "New Delhi", 110001, 110096, 12.0),
    City("Karnataka", "Bengaluru", 560001, 560117, 10.0),
    City("Tamil Nadu", "Chennai", 600001, 600130, 7.0),
    City("Tamil Nadu", "Coimbatore", 641001, 641050, 2.0),
    City("West Bengal", "Kolkata", 700001, 700160, 7.0),
    City("Telangana", "Hyderabad", 500001, 500100, 7.0),
    City("Gujarat", "Ahmedabad", 380001, 380061, 5.0),
    City("Gujarat", "Surat", 395001, 395023, 3.0),
    City("Gujarat", "Vadodara", 390001, 390025, 2.0),
    City("Rajasthan", "Jaipur", 302001, 302039, 3.0),
    City("Uttar Pradesh", "Lucknow", 226001, 226031, 3.0),
    City("Uttar Pradesh", "Kanpur", 208001, 208027, 2.0),
    City("Uttar Pradesh", "Noida", 201301, 201310, 2.0),
    City("Haryana", "Gurugram", 122001, 122018, 2.0),
    City("Madhya Pradesh", "Indore", 452001, 452020, 2.0),
    City("Madhya Pradesh", "Bhopal", 462001, 462047, 2.0),
    City("Bihar", "Patna", 800001, 800030, 2.0),
    City("Punjab", "Ludhiana", 141001, 141017, 1.5),
    City("Chandigarh", "Chandigarh", 160001, 160036, 1.0),
    City("Kerala", "Kochi", 682001, 682041, 1.5),
    City("Kerala", "Thiruvananthapuram", 695001, 695043, 1.0),
    City("Andhra Pradesh", "Visakhapatnam", 530001, 530053, 1.5),
    City("Assam", "Guwahati", 781001, 781040, 1.0),
    City("Odisha", "Bhubaneswar", 751001, 751031, 1.0),
    City("Jharkhand", "Ranchi", 834001, 834012, 1.0),
)

BANKS: tuple[Bank, ...] = (
    Bank("SBIN", "State Bank of India", ("oksbi", "sbi"), 11, 22.0),
    Bank("HDFC", "HDFC Bank", ("okhdfcbank", "hdfcbank"), 14, 16.0),
    Bank("ICIC", "ICICI Bank", ("okicici", "ibl", "icici"), 12, 13.0),
    Bank("UTIB", "Axis Bank", ("okaxis", "axl", "axisbank"), 15, 10.0),
    Bank("KKBK", "Kotak Mahindra Bank", ("kotak",), 10, 6.0),
    Bank("PUNB", "Punjab National Bank", ("pnb",), 16, 7.0),
    Bank("BARB", "Bank of Baroda", ("barodampay",), 14, 6.0),
    Bank("YESB", "Yes Bank", ("ybl", "yesbank"), 15, 6.0),
    Bank("PYTM", "Paytm Payments Bank", ("paytm", "ptyes"), 12, 5.0),
    Bank("IBKL", "IDBI Bank", ("idbi",), 16, 3.0),
    Bank("CNRB", "Canara Bank", ("cnrb",), 13, 4.0),
    Bank("UBIN", "Union Bank of India", ("unionbank",), 15, 2.0),
)

APP_HANDLES: tuple[str, ...] = ("ybl", "okaxis", "okhdfcbank", "okicici", "oksbi", "paytm", "ibl")
"""Handles of the big third-party UPI apps, which customers of any bank may use."""

IFSC_PATTERN = r"^[A-Z]{4}0[A-Z0-9]{6}$"
"""Shape of an IFSC: bank code, a reserved zero, then a six-character branch code."""
