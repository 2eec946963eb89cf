"""The fast path equals the stock AnalyzerEngine over the whole evaluation corpus."""

import random

from anonymize.detection import DEFAULT_SCORE_THRESHOLD, PiiDetector, build_analyzer
from anonymize.evaluation import generate_corpus


def test_detector_equals_stock_analyzer_on_the_evaluation_corpus():
    corpus = generate_corpus()
    texts = [item.text for item in corpus]
    analyzer = build_analyzer(use_installed_model=False)
    fast = PiiDetector(use_installed_model=False).detect_batch(texts)
    mismatches = []
    for item, findings in zip(corpus, fast, strict=True):
        slow = sorted(
            (r.start, r.end, r.entity_type, round(r.score, 6))
            for r in analyzer.analyze(item.text, language="en",
                                      score_threshold=DEFAULT_SCORE_THRESHOLD)
        )
        if [(f.start, f.end, f.type, round(f.score, 6)) for f in findings] != slow:
            mismatches.append(item.id)
    assert sum(map(len, fast)) > 2 * len(corpus)  # the corpus is dense: many findings compared
    assert mismatches == []


_FRAGMENTS = (
    # Not real identifiers: python-stdnum's documented examples or made-up shapes.
    "Mr ", "Aarav ", "SHARMA", " ", ", ", "/", "-", "a/c ", "Rs ", "12", "2341 2341 2346", "@",
    "x@y.com", "ravi@oksbi", "+91", "98765", "43210", "UPI/", "DR/", "IFSC ", "SBIN0001234",
    "ACUPA7085R", "\n", "pin ", "560001", "ref ", "412345678902", ".", "12.9716, 77.5946",
    "naam ", "Dear ", "MH 12 AB 1234", "DOB ", "12/03/1985", "\0",
)


def test_detector_equals_stock_analyzer_on_shuffled_fragments():
    # Odd joins of identifiers, labels and separators (a NUL included): batch, single text and
    # the stock engine must still agree.
    rng = random.Random(11)
    texts = ["".join(rng.choice(_FRAGMENTS) for _ in range(rng.randrange(1, 25)))
             for _ in range(200)]
    analyzer = build_analyzer(use_installed_model=False)
    detector = PiiDetector(use_installed_model=False)
    for text, findings in zip(texts, detector.detect_batch(texts), strict=True):
        slow = sorted((r.start, r.end, r.entity_type, round(r.score, 6))
                      for r in analyzer.analyze(text, language="en"))
        assert [(f.start, f.end, f.type, round(f.score, 6)) for f in findings] == slow, text
        assert detector.detect(text) == findings
