"""nijta's Presidio recognizers for Indian fintech PII, one module per family.

Every recognizer is a stock Presidio ``LocalRecognizer`` for one entity of nijta's vocabulary
(:data:`anonymize.findings.ENTITY_TYPES`), so any ``AnalyzerEngine`` takes them through
``registry.add_recognizer``. They share one tokenization and one context model per text
(:mod:`.base`), which is what lets :class:`anonymize.detection.PiiDetector` reproduce their
results exactly in one pass.

Usage::

    registry = RecognizerRegistry()
    for recognizer in nijta_recognizers():
        registry.add_recognizer(recognizer)
"""

from __future__ import annotations

from presidio_analyzer import EntityRecognizer
from presidio_analyzer.predefined_recognizers import SpacyRecognizer

from anonymize.detection.nlp import installed_spacy_model
from anonymize.detection.recognizers.banking import (
    BankAccountRecognizer,
    CardNumberRecognizer,
    IfscRecognizer,
    UpiVpaRecognizer,
)
from anonymize.detection.recognizers.base import NijtaRecognizer, Scan, TokenRecognizer
from anonymize.detection.recognizers.contact import (
    DeviceIdRecognizer,
    EmailRecognizer,
    GeoLocationRecognizer,
    IpAddressRecognizer,
    PhoneRecognizer,
    PincodeRecognizer,
)
from anonymize.detection.recognizers.dates import DateOfBirthRecognizer
from anonymize.detection.recognizers.national_ids import (
    AadhaarRecognizer,
    AadhaarVidRecognizer,
    DrivingLicenceRecognizer,
    GstinRecognizer,
    PanRecognizer,
    PassportRecognizer,
    VoterIdRecognizer,
)
from anonymize.detection.recognizers.person import PersonRecognizer
from anonymize.detection.recognizers.vehicle import VehicleRegistrationRecognizer

__all__ = [
    "AadhaarRecognizer",
    "AadhaarVidRecognizer",
    "BankAccountRecognizer",
    "CardNumberRecognizer",
    "DateOfBirthRecognizer",
    "DeviceIdRecognizer",
    "DrivingLicenceRecognizer",
    "EmailRecognizer",
    "GeoLocationRecognizer",
    "GstinRecognizer",
    "IfscRecognizer",
    "IpAddressRecognizer",
    "NijtaRecognizer",
    "PanRecognizer",
    "PassportRecognizer",
    "PersonRecognizer",
    "PhoneRecognizer",
    "PincodeRecognizer",
    "Scan",
    "TokenRecognizer",
    "UpiVpaRecognizer",
    "VehicleRegistrationRecognizer",
    "VoterIdRecognizer",
    "nijta_recognizers",
]

_RECOGNIZER_CLASSES: tuple[type[NijtaRecognizer], ...] = (
    AadhaarRecognizer,
    AadhaarVidRecognizer,
    PanRecognizer,
    GstinRecognizer,
    VoterIdRecognizer,
    PassportRecognizer,
    DrivingLicenceRecognizer,
    IfscRecognizer,
    BankAccountRecognizer,
    CardNumberRecognizer,
    UpiVpaRecognizer,
    PhoneRecognizer,
    EmailRecognizer,
    PincodeRecognizer,
    IpAddressRecognizer,
    DeviceIdRecognizer,
    GeoLocationRecognizer,
    VehicleRegistrationRecognizer,
    DateOfBirthRecognizer,
    PersonRecognizer,
)


def nijta_recognizers(*, use_installed_model: bool = True) -> list[EntityRecognizer]:
    """One fresh instance of every nijta recognizer.

    With ``use_installed_model`` and an ``en_core_web_*`` package installed, Presidio's
    ``SpacyRecognizer`` for PERSON is added (it reads the NER of the engine's spaCy model).
    """
    recognizers: list[EntityRecognizer] = [cls() for cls in _RECOGNIZER_CLASSES]
    if use_installed_model and installed_spacy_model():
        recognizers.append(SpacyRecognizer(supported_entities=["PERSON"]))
    return recognizers
