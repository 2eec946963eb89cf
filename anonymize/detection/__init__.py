"""PII detection: nijta's India recognizers for Presidio, and a fast path that agrees with them.

Usage::

    from anonymize.detection import PiiDetector, build_analyzer

    PiiDetector().detect_batch(remarks)                 # speed path, list of Findings per text
    build_analyzer().analyze(text, language="en")       # the same recognizers in stock Presidio
"""

from anonymize.detection.detector import PiiDetector
from anonymize.detection.engine import DEFAULT_SCORE_THRESHOLD, build_analyzer
from anonymize.detection.recognizers import nijta_recognizers

__all__ = ["DEFAULT_SCORE_THRESHOLD", "PiiDetector", "build_analyzer", "nijta_recognizers"]
