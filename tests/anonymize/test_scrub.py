import re
from typing import ClassVar

import pyarrow as pa
import pytest

from anonymize.exceptions import InvalidValue
from anonymize.findings import Finding
from anonymize.keys import LocalKeyStore
from anonymize.tokens import Tokenizer
from anonymize.transforms.scrub import scrub, scrub_column


class StubDetector:
    """VPAs and Indian mobiles by regex; enough to drive scrub without the real detector."""

    PATTERNS: ClassVar[dict[str, str]] = {
        "UPI_VPA": r"[\w.]+@[a-z]+\b", "PHONE_IN": r"\+91 \d{5} \d{5}"}

    def detect(self, text: str) -> list[Finding]:
        return [Finding(m.start(), m.end(), kind, 0.9) for kind, pattern in self.PATTERNS.items()
                for m in re.finditer(pattern, text)]


TEXT = "refund to asha.rao@oksbi, call +91 98450 12763"


def test_scrub_replaces_each_finding_by_its_type():
    assert scrub(TEXT, StubDetector()) == "refund to <UPI_VPA>, call <PHONE_IN>"


def test_scrub_by_token_joins_with_the_structured_columns(key_file):
    tokenizer = Tokenizer(LocalKeyStore(key_file))
    out = scrub(TEXT, StubDetector(), mode="token", tokenizer=tokenizer)
    vpa, mobile = tokenizer.tokenize("upi_vpa", "asha.rao@oksbi"), tokenizer.tokenize(
        "mobile", "9845012763")
    assert out == f"refund to {vpa}, call {mobile}"


def test_types_without_a_domain_fall_back_to_the_type(key_file):
    tokenizer = Tokenizer(LocalKeyStore(key_file))
    findings = [Finding(0, 4, "PERSON", 0.8), Finding(12, 19, "PHONE_IN", 0.5)]
    assert scrub("Asha called no digits", findings, mode="token",
                 tokenizer=tokenizer) == "<PERSON> called <PHONE_IN>ts"


def test_overlaps_go_to_the_higher_score_then_the_longer_span():
    text = "id 2341 2341 2346 end"
    findings = [Finding(3, 17, "AADHAAR", 0.9), Finding(3, 7, "PINCODE", 0.4),
                Finding(8, 17, "PHONE_IN", 0.9)]
    assert scrub(text, findings) == "id <AADHAAR> end"


def test_scrub_column_keeps_nulls():
    out = scrub_column(pa.array([TEXT, None, "nothing here"]), StubDetector())
    assert out.to_pylist() == ["refund to <UPI_VPA>, call <PHONE_IN>", None, "nothing here"]


def test_bad_findings_and_missing_tokenizer_are_refused():
    with pytest.raises(InvalidValue, match="detector is wrong"):
        scrub("short", [Finding(2, 40, "EMAIL", 1.0)])
    with pytest.raises(ValueError, match="tokenizer"):
        scrub(TEXT, StubDetector(), mode="token")


def test_a_batch_detector_is_called_once_per_column():
    class Batched(StubDetector):
        calls = 0

        def detect_batch(self, texts):
            Batched.calls += 1
            return [[] if t is None else self.detect(t) for t in texts]

    out = scrub_column(pa.array([TEXT, None]), Batched())
    assert out.to_pylist() == ["refund to <UPI_VPA>, call <PHONE_IN>", None]
    assert Batched.calls == 1

