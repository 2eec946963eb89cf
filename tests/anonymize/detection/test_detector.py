"""PiiDetector's API, and its agreement with the stock Presidio engine."""

import pandas as pd
import pyarrow as pa
import pytest

import anonymize.detection as detection
from anonymize.detection import PiiDetector, build_analyzer
from anonymize.detection.detector import remove_duplicates
from anonymize.findings import Finding

SAMPLES = [
    # Not real identifiers: python-stdnum's documented examples or made-up shapes.
    "Aadhaar 2341 2341 2346, PAN ACUPA7085R, mobile +91 98765 43210",
    "UPI/DR/412345678902/RAMESH KUMAR/SBIN/ramesh.kumar@oksbi/rent",
    "Dear Aarav Sharma, a/c no 12345678901 (IFSC SBIN0001234) is credited",
    "passport J8369854 and an unlabelled one J8369855",
    "no personal data here",
]


@pytest.fixture(scope="module")
def detector():
    return PiiDetector(use_installed_model=False)


def test_public_api_is_exported():
    assert detection.__all__ == sorted(detection.__all__)
    assert {"PiiDetector", "build_analyzer", "nijta_recognizers"} <= set(detection.__all__)


def test_detect_returns_sorted_findings(detector):
    findings = detector.detect(SAMPLES[0])
    assert findings == sorted(findings, key=lambda f: (f.start, f.end, f.type))
    assert [f.type for f in findings] == ["AADHAAR", "PAN", "PHONE_IN"]
    assert findings[0] == Finding(8, 22, "AADHAAR", 1.0)


def test_detect_batch_keeps_order_and_maps_none_to_empty(detector):
    results = detector.detect_batch([SAMPLES[0], None, "", SAMPLES[1]])
    assert results == [detector.detect(SAMPLES[0]), [], [], detector.detect(SAMPLES[1])]


def test_detect_batch_accepts_any_iterable(detector):
    assert detector.detect_batch(iter(SAMPLES)) == [detector.detect(t) for t in SAMPLES]


def test_a_batch_longer_than_a_chunk_equals_text_by_text(detector):
    # Chunks are scanned joined: the texts either side of each chunk boundary, the empty and
    # missing ones, and a chunk holding a NUL (scanned text by text) must not change a finding.
    from anonymize.detection.detector import BATCH_CHUNK

    texts = [SAMPLES[i % len(SAMPLES)] if i % 7 else None for i in range(2 * BATCH_CHUNK + 3)]
    texts[BATCH_CHUNK + 5] = "nul \0 " + SAMPLES[0]
    # Not real identifiers: python-stdnum's documented examples or made-up shapes.
    texts[BATCH_CHUNK - 1], texts[BATCH_CHUNK] = "PAN ACUPA7085R", "Aadhaar 2341 2341 2346"
    assert detector.detect_batch(texts) == [detector.detect(t) if t else [] for t in texts]


@pytest.mark.parametrize("column", [
    pa.array([SAMPLES[0], None, SAMPLES[1]]),
    pa.chunked_array([[SAMPLES[0]], [None, SAMPLES[1]]]),
    pd.Series([SAMPLES[0], None, SAMPLES[1]]),
])
def test_detect_column(detector, column):
    assert detector.detect_column(column) == [detector.detect(SAMPLES[0]), [],
                                              detector.detect(SAMPLES[1])]


def test_detect_column_reads_numbers_as_text(detector):
    expected = [[Finding(0, 10, "PHONE_IN", 0.75)], []]
    assert detector.detect_column(pd.Series([9876543210, None])) == expected  # float + NaN
    assert detector.detect_column(pa.array([9876543210, None])) == expected


@pytest.mark.parametrize("threshold", [0.0, 0.3, 0.5, 0.8, 0.95])
def test_same_findings_as_the_stock_engine_at_any_threshold(threshold):
    analyzer = build_analyzer(use_installed_model=False)
    fast = PiiDetector(score_threshold=threshold, use_installed_model=False)
    for text in SAMPLES:
        slow = sorted((r.start, r.end, r.entity_type, round(r.score, 6))
                      for r in analyzer.analyze(text, language="en", score_threshold=threshold))
        assert [(f.start, f.end, f.type, round(f.score, 6)) for f in fast.detect(text)] == slow


def test_threshold_drops_low_scores():
    text = SAMPLES[3]
    assert [f.type for f in PiiDetector(use_installed_model=False).detect(text)] == [
        "PASSPORT_IN"]
    low = PiiDetector(score_threshold=0.3, use_installed_model=False).detect(text)
    assert [f.type for f in low] == ["PASSPORT_IN", "PASSPORT_IN"]


def test_remove_duplicates_matches_presidio():
    hits = [
        (0, 10, "PERSON", 0.85), (0, 10, "PERSON", 0.85),  # exact repeat
        (2, 5, "PERSON", 0.6),  # contained, lower score: dropped
        (3, 8, "PERSON", 0.9),  # contained, higher score: kept
        (2, 5, "PHONE_IN", 0.5),  # other type: kept
        (20, 30, "PERSON", 0.0),  # zero score: dropped
    ]
    assert sorted(remove_duplicates(hits)) == [
        (0, 10, "PERSON", 0.85), (2, 5, "PHONE_IN", 0.5), (3, 8, "PERSON", 0.9)]


def test_installed_model_path_runs_presidio_spacy_recognizer(monkeypatch):
    # Stand in for an en_core_web_* package with the blank pipeline (no NER, so no names):
    # the model path (SpacyRecognizer, batched NLP, duplicate removal) must agree with Presidio.
    from anonymize.detection import nlp, recognizers

    blank = str(nlp._blank_model_path())
    monkeypatch.setattr(nlp, "installed_spacy_model", lambda: blank)
    monkeypatch.setattr(recognizers, "installed_spacy_model", lambda: blank)
    analyzer = build_analyzer(use_installed_model=True)
    fast = PiiDetector(use_installed_model=True)
    assert "SpacyRecognizer" in {r.name for r in analyzer.registry.recognizers}
    for text, findings in zip(SAMPLES, fast.detect_batch(SAMPLES), strict=True):
        slow = sorted((r.start, r.end, r.entity_type, round(r.score, 6))
                      for r in analyzer.analyze(text, language="en"))
        assert [(f.start, f.end, f.type, round(f.score, 6)) for f in findings] == slow
        assert fast.detect(text) == findings
