"""PII detection: nijta's India recognizers for Presidio, and a fast path that agrees with them.

Usage::

    from anonymize.detection import PiiDetector, build_analyzer

    PiiDetector().detect_batch(remarks)                 # speed path, list of Findings per text
    build_analyzer().analyze(text, language="en")       # the same recognizers in stock Presidio

Both run compiled when ``python -m anonymize.detection.mypyc_build build`` has built the current
sources (see :mod:`.compiled`), else as plain Python, with the same findings.
"""

from anonymize.detection.compiled import use_compiled_modules

use_compiled_modules()  # before importing the modules it may load compiled

from anonymize.detection.detector import PiiDetector  # noqa: E402
from anonymize.detection.engine import DEFAULT_SCORE_THRESHOLD, build_analyzer  # noqa: E402
from anonymize.detection.recognizers import nijta_recognizers  # noqa: E402

__all__ = ["DEFAULT_SCORE_THRESHOLD", "PiiDetector", "build_analyzer", "nijta_recognizers"]
