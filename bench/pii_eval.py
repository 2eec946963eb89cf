"""PII detection, nijta vs vanilla Presidio: accuracy and throughput on one labelled corpus.

Why both in one run: absolute speeds on a shared machine are noisy (±30 % between identical
runs, see ../shared/reference/baselines.md §1), so only the ratio of two detectors measured
side by side means something. Accuracy is scored by span overlap on the seeded corpus of
``anonymize.evaluation.corpus`` (Indian fintech text with hard negatives).

Presidio runs as a user would run it offline: its default registry plus the six India
recognizers (shipped disabled), a blank spaCy pipeline (no NER model can be downloaded), at its
default threshold 0 and at 0.5. nijta runs ``anonymize.detection.PiiDetector``; if that cannot
be imported yet, nijta is reported as null.

Usage::

    .venv/bin/python bench/pii_eval.py [--n 3000] [--seed 20261128] [--n-timed 1000] [--repeats 2]

Progress goes to stderr; one JSON line goes to stdout.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Sequence
from typing import Any

from anonymize.detection.nlp import offline_nlp_engine
from anonymize.evaluation import (
    DEFAULT_SEED,
    DEFAULT_SIZE,
    PRESIDIO_TYPE_MAP,
    LabelledText,
    corpus_stats,
    generate_corpus,
    score,
)
from anonymize.findings import Finding

_Detect = Callable[[list[str]], list[list[Finding]]]


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _records_per_s(detect: _Detect, texts: list[str], repeats: int) -> float:
    """Best of ``repeats`` single-process passes over ``texts``."""
    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        detect(texts)
        best = min(best, time.perf_counter() - started)
    return round(len(texts) / best, 1)


def presidio_detector(score_threshold: float) -> _Detect:
    """Vanilla Presidio (default registry + India recognizers) as a batch detect function.

    The threshold is set the way a user sets it, as the engine's ``default_score_threshold``
    (no stock recognizer has its own); Presidio's default is 0.
    """
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.predefined_recognizers import (
        InAadhaarRecognizer,
        InGstinRecognizer,
        InPanRecognizer,
        InPassportRecognizer,
        InVehicleRegistrationRecognizer,
        InVoterRecognizer,
    )

    analyzer = AnalyzerEngine(nlp_engine=offline_nlp_engine(use_installed_model=False),
                              default_score_threshold=score_threshold)
    for recognizer in (InPanRecognizer, InAadhaarRecognizer, InVehicleRegistrationRecognizer,
                       InPassportRecognizer, InVoterRecognizer, InGstinRecognizer):
        analyzer.registry.add_recognizer(recognizer())

    def detect(texts: list[str]) -> list[list[Finding]]:
        return [[Finding(r.start, r.end, r.entity_type, r.score)
                 for r in analyzer.analyze(text, language="en")]
                for text in texts]

    return detect


def nijta_detector() -> _Detect | None:
    """nijta's detector, or ``None`` when ``anonymize.detection.PiiDetector`` is not there yet."""
    try:
        from anonymize.detection import PiiDetector
    except ImportError as exc:
        _log(f"nijta: PiiDetector not importable ({exc}); reporting null")
        return None
    return PiiDetector().detect_batch


def run_presidio(corpus: Sequence[LabelledText], timed: list[str],
                 repeats: int) -> dict[str, Any]:
    """Presidio's reports at thresholds 0 and 0.5 and its throughput at its default (0)."""
    texts = [item.text for item in corpus]
    detectors = {"thr0": presidio_detector(0.0), "thr0.5": presidio_detector(0.5)}
    result: dict[str, Any] = {}
    for label, detect in detectors.items():
        _log(f"presidio {label}: analyzing {len(texts)} texts")
        result[label] = score(corpus, detect(texts), type_map=PRESIDIO_TYPE_MAP).to_dict()
        _log(f"presidio {label}: {_summary(result[label])}")
    _log(f"presidio: timing {len(timed)} texts, best of {repeats}")
    result["records_per_s"] = _records_per_s(detectors["thr0"], timed, repeats)
    _log(f"presidio: {result['records_per_s']} records/s")
    return result


def run_nijta(corpus: Sequence[LabelledText], timed: list[str],
              repeats: int) -> dict[str, Any] | None:
    """nijta's report and throughput, or ``None`` when its detector is not available."""
    detect = nijta_detector()
    if detect is None:
        return None
    _log(f"nijta: detecting {len(corpus)} texts")
    report = score(corpus, detect([item.text for item in corpus])).to_dict()
    _log(f"nijta: {_summary(report)}")
    _log(f"nijta: timing {len(timed)} texts, best of {repeats}")
    records_per_s = _records_per_s(detect, timed, repeats)
    _log(f"nijta: {records_per_s} records/s")
    return {"report": report, "records_per_s": records_per_s}


def _summary(report: dict[str, Any]) -> str:
    return (f"identifier P={report['identifier_precision']} R={report['identifier_recall']}"
            f" (any type {report['identifier_recall_any']}), person R={report['person_recall']},"
            f" hard negatives flagged {report['hard_negatives_flagged']}")


def main(argv: Sequence[str] | None = None) -> dict[str, Any]:
    """Run the benchmark and print its JSON line; returns the same dict."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=DEFAULT_SIZE, help="corpus size")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="corpus seed")
    parser.add_argument("--n-timed", type=int, default=1000, help="texts in the timed subset")
    parser.add_argument("--repeats", type=int, default=2, help="timed passes; best one counts")
    args = parser.parse_args(argv)

    corpus = generate_corpus(args.n, seed=args.seed)
    timed = [item.text for item in corpus[: args.n_timed]]
    _log(f"corpus: {args.n} texts, seed {args.seed}")
    presidio = run_presidio(corpus, timed, args.repeats)
    nijta = run_nijta(corpus, timed, args.repeats)
    result = {
        "corpus": {"seed": args.seed, "timed": len(timed), **corpus_stats(corpus)},
        "presidio": presidio,
        "nijta": nijta,
        "speedup": (round(nijta["records_per_s"] / presidio["records_per_s"], 2)
                    if nijta else None),
    }
    print(json.dumps(result))
    return result


if __name__ == "__main__":
    main()
