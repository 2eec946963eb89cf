"""A stock Presidio ``AnalyzerEngine`` holding exactly nijta's recognizers.

No Presidio default recognizer is loaded: the US/UK ones flag Indian numbers (UTRs as driver
licences, accounts as US bank numbers), the e-mail one may call the network through
``tldextract``, and every entity nijta reports is in its own vocabulary. The NLP engine is the
offline one (:func:`anonymize.detection.nlp.offline_nlp_engine`). The engine's default score
threshold is the detector's, so ``analyze(text, language="en")`` and
``PiiDetector().detect(text)`` return the same findings.

Usage::

    analyzer = build_analyzer()
    # Not real identifiers: python-stdnum's documented examples or made-up shapes.
    results = analyzer.analyze("PAN ACUPA7085R", language="en")
"""

from __future__ import annotations

from presidio_analyzer import AnalyzerEngine, RecognizerRegistry

from anonymize.detection.nlp import offline_nlp_engine
from anonymize.detection.recognizers import nijta_recognizers

__all__ = ["DEFAULT_SCORE_THRESHOLD", "build_analyzer"]

DEFAULT_SCORE_THRESHOLD = 0.5
"""Findings scoring below this are dropped, by the analyzer and by the detector alike."""


def build_analyzer(
    *,
    use_installed_model: bool = True,
    score_threshold: float = DEFAULT_SCORE_THRESHOLD,
) -> AnalyzerEngine:
    """A stock ``AnalyzerEngine`` (English) with nijta's recognizers and the offline NLP engine.

    Args:
        use_installed_model: use an installed ``en_core_web_*`` spaCy model (NER for PERSON)
            when there is one; otherwise a blank tokenizer-only pipeline.
        score_threshold: the engine's default threshold (``analyze`` may override it).
    """
    registry = RecognizerRegistry(supported_languages=["en"])
    for recognizer in nijta_recognizers(use_installed_model=use_installed_model):
        registry.add_recognizer(recognizer)
    return AnalyzerEngine(
        registry=registry,
        nlp_engine=offline_nlp_engine(use_installed_model=use_installed_model),
        supported_languages=["en"],
        default_score_threshold=score_threshold,
    )
