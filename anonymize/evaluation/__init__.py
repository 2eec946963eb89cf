"""Measuring PII detectors: a labelled Indian-fintech corpus and span-overlap scoring.

Usage::

    from anonymize.evaluation import generate_corpus, score
    corpus = generate_corpus()
    report = score(corpus, detector.detect_batch([item.text for item in corpus]))
"""

from anonymize.evaluation.corpus import (
    DEFAULT_SEED,
    DEFAULT_SIZE,
    HARD_NEGATIVE_KINDS,
    HardNegative,
    LabelledSpan,
    LabelledText,
    corpus_stats,
    generate_corpus,
    read_jsonl,
    write_jsonl,
)
from anonymize.evaluation.scoring import (
    OTHER,
    PRESIDIO_TYPE_MAP,
    EvaluationReport,
    TypeScore,
    score,
)

__all__ = [
    "DEFAULT_SEED",
    "DEFAULT_SIZE",
    "HARD_NEGATIVE_KINDS",
    "OTHER",
    "PRESIDIO_TYPE_MAP",
    "EvaluationReport",
    "HardNegative",
    "LabelledSpan",
    "LabelledText",
    "TypeScore",
    "corpus_stats",
    "generate_corpus",
    "read_jsonl",
    "score",
    "write_jsonl",
]
