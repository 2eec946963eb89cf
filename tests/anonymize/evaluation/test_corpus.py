import ipaddress
import re
import uuid
from collections import Counter
from datetime import datetime
from itertools import pairwise

import pytest
from stdnum import luhn
from stdnum.in_ import aadhaar, epic, gstin, pan, vid

from anonymize.evaluation.corpus import (
    HARD_NEGATIVE_KINDS,
    corpus_stats,
    generate_corpus,
    read_jsonl,
    write_jsonl,
)
from anonymize.findings import ENTITY_TYPES, IDENTIFIER_TYPES


@pytest.fixture(scope="module")
def corpus():
    return generate_corpus()


def _digits(value: str) -> str:
    return re.sub(r"[\s-]", "", value)


def _is_card(value: str) -> bool:
    number = _digits(value)
    return (len(number) == 16 and luhn.is_valid(number)
            and re.match(r"4|5[1-5]|2[2-7]|60|65|81|82|508", number) is not None)


def _is_device_id(value: str) -> bool:
    if re.fullmatch(r"\d{15}", value):
        return luhn.is_valid(value)
    if re.fullmatch(r"[0-9a-f]{16}", value):
        return True
    return str(uuid.UUID(value)) == value


def _is_geo(value: str) -> bool:
    lat, lon = (float(part) for part in value.split(","))
    return 8 <= lat <= 37 and 68 <= lon <= 97


def _is_date(value: str) -> bool:
    formats = ("%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d", "%d %b %Y", "%d.%m.%Y", "%d-%b-%Y")
    return any(_parses(value, f) for f in formats)


def _parses(value: str, fmt: str) -> bool:
    try:
        datetime.strptime(value, fmt)
    except ValueError:
        return False
    return True


VALIDATORS = {
    "AADHAAR": aadhaar.is_valid,
    "AADHAAR_VID": vid.is_valid,
    "PAN": pan.is_valid,
    "GSTIN": gstin.is_valid,
    "VOTER_ID": epic.is_valid,
    "CARD_NUMBER": _is_card,
    "IFSC": lambda v: re.fullmatch(r"[A-Z]{4}0[A-Z0-9]{6}", v),
    "UPI_VPA": lambda v: re.fullmatch(r"[a-z0-9.\-_]{2,256}@[a-z][a-z]{2,64}", v),
    "EMAIL": lambda v: re.fullmatch(r"[a-z0-9._]+@[a-z0-9-]+(\.[a-z]+)+", v),
    "PHONE_IN": lambda v: re.fullmatch(r"(\+91[\s-]?|0)?[6-9]\d{4}[\s-]?\d{5}", v),
    "BANK_ACCOUNT": lambda v: re.fullmatch(r"[1-9]\d{8,17}", v),
    "PASSPORT_IN": lambda v: re.fullmatch(r"[A-PR-WY][1-9]\d{6}", v),
    "DRIVING_LICENCE_IN": lambda v: re.fullmatch(r"[A-Z]{2}[0-9]{2}[\s-]?(19|20)\d{2}\d{7}", v),
    "VEHICLE_REG_IN": lambda v: re.fullmatch(
        r"[A-Z]{2}[0-9]{1,2}[A-Z]{1,3}[0-9]{4}|[0-9]{2}BH[0-9]{4}[A-HJ-NP-Z]{2}", _digits(v)),
    "PINCODE": lambda v: re.fullmatch(r"[1-8]\d{2} ?\d{3}", v),
    "DATE_OF_BIRTH": _is_date,
    "IP_ADDRESS": ipaddress.ip_address,
    "DEVICE_ID": _is_device_id,
    "GEO_LOCATION": _is_geo,
    "PERSON": lambda v: re.fullmatch(r"[A-Z][A-Za-z’]+( [A-Z][A-Za-z’]*)*", v),
    "ADDRESS": lambda v: len(v) > 8 and "\n" not in v,
}

# Words that precede a value of these types, so its type is knowable from the text.
CUES = {
    "BANK_ACCOUNT": r"a/c|account|khat",
    "DATE_OF_BIRTH": r"dob|date of birth|born on|janam tithi",
    "DEVICE_ID": r"device|imei",
}


def test_same_seed_same_corpus_other_seed_other_corpus():
    assert generate_corpus(200, seed=7) == generate_corpus(200, seed=7)
    assert generate_corpus(200, seed=7) != generate_corpus(200, seed=8)


def test_spans_are_exact_valid_values_of_their_type(corpus):
    assert set(VALIDATORS) == set(ENTITY_TYPES)
    for item in corpus:
        assert "\n" not in item.text
        for span in item.spans:
            value = item.text[span.start:span.end]
            assert value == value.strip() and value, (item.id, span)
            assert VALIDATORS[span.type](value), (item.id, span.type, value)
            if span.type in CUES:
                assert re.search(CUES[span.type], item.text[:span.start], re.I), (item.id, value)


def test_every_identifier_type_is_well_represented(corpus):
    counts = Counter(span.type for item in corpus for span in item.spans)
    assert {t: counts[t] for t in IDENTIFIER_TYPES if counts[t] < 30} == {}
    assert counts["PERSON"] >= 1000 and counts["ADDRESS"] >= 30


def test_vpas_with_mobile_numbers_are_vpas_only(corpus):
    mobile_vpas = [item.text[s.start:s.end] for item in corpus for s in item.spans
                   if s.type == "UPI_VPA" and re.match(r"[6-9]\d{9}", item.text[s.start:])]
    assert len(mobile_vpas) >= 30


def test_no_two_labelled_regions_overlap(corpus):
    for item in corpus:
        regions = sorted([(s.start, s.end) for s in item.spans]
                         + [(n.start, n.end) for n in item.hard_negatives])
        assert all(a[1] <= b[0] for a, b in pairwise(regions)), item.id


def test_hard_negatives_cover_every_kind(corpus):
    kinds = Counter(n.kind for item in corpus for n in item.hard_negatives)
    assert set(kinds) == set(HARD_NEGATIVE_KINDS)
    assert kinds["RRN"] >= 500 and kinds["UTR"] >= 100 and kinds["UAN"] >= 30


def test_some_rrns_pass_verhoeff_and_sit_in_rrn_context(corpus):
    rrns = [(item.text, n) for item in corpus for n in item.hard_negatives if n.kind == "RRN"]
    assert all(re.fullmatch(r"\d{12}", text[n.start:n.end]) for text, n in rrns)
    lookalikes = [(text, n) for text, n in rrns if aadhaar.is_valid(text[n.start:n.end])]
    assert 0.05 < len(lookalikes) / len(rrns) < 0.2
    cue = re.compile(r"\b(ref|rrn|utr) ?(no\.?)?[ :]*$", re.I)
    narration = re.compile(r"\b(UPI|IMPS)[/-]")
    assert all(cue.search(text[:n.start]) or narration.search(text[:n.start])
               for text, n in lookalikes)


def test_hard_negatives_other_than_rrns_fail_identifier_checks(corpus):
    for item in corpus:
        for negative in item.hard_negatives:
            value = item.text[negative.start:negative.end]
            if negative.kind != "RRN":
                assert not (aadhaar.is_valid(value) or pan.is_valid(value)), (item.id, value)


def test_jsonl_round_trip(tmp_path):
    corpus = generate_corpus(50, seed=11)
    write_jsonl(corpus, tmp_path / "corpus.jsonl")
    assert read_jsonl(tmp_path / "corpus.jsonl") == corpus


def test_stats_count_spans_and_negatives():
    corpus = generate_corpus(100, seed=5)
    stats = corpus_stats(corpus)
    assert stats["texts"] == 100
    assert sum(stats["spans"].values()) == sum(len(item.spans) for item in corpus)
    assert 30 <= stats["chars"]["min"] <= stats["chars"]["mean"] <= stats["chars"]["max"] <= 250
