"""PII detection, nijta vs vanilla Presidio: accuracy and throughput on one labelled corpus.

Why both in one run: absolute speeds on a shared machine are noisy (±30 % between identical
runs, see ../shared/reference/baselines.md §1), so only the ratio of two detectors measured
side by side means something. Accuracy is scored by span overlap on the seeded corpus of
``anonymize.evaluation.corpus`` (Indian fintech text with hard negatives).

Presidio runs as a user would run it offline: its default registry plus the six India
recognizers (shipped disabled), a blank spaCy pipeline (no NER model can be downloaded), at its
default threshold 0 and at 0.5. nijta runs ``anonymize.detection.PiiDetector``; if that cannot
be imported, nijta is reported as null. ``nijta.compiled`` says whether its modules ran compiled
by mypyc (see ``anonymize/detection/compiled.py``) or as plain Python (``NIJTA_PURE_PYTHON=1``).

Usage::

    .venv/bin/python bench/pii_eval.py [--n 3000] [--seed 20261128] [--n-timed 1000] [--repeats 5]

Progress goes to stderr; one JSON line goes to stdout.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from typing import Any

from anonymize.detection.compiled import active_build
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


def _seconds(detect: _Detect, texts: list[str]) -> float:
    started = time.perf_counter()
    detect(texts)
    return time.perf_counter() - started


def _interleaved_throughput(detects: dict[str, _Detect], texts: list[str],
                            rounds: int) -> dict[str, Any]:
    """Records/s of each engine, timed in alternating passes so load on a shared machine hits
    both alike; the speed-up is the median of the per-round ratios."""
    seconds: dict[str, list[float]] = {name: [] for name in detects}
    for _ in range(rounds):
        for name, detect in detects.items():
            seconds[name].append(_seconds(detect, texts))
    rates = {name: [len(texts) / s for s in times] for name, times in seconds.items()}
    result: dict[str, Any] = {name: round(statistics.median(r), 1) for name, r in rates.items()}
    if len(detects) == 2:
        first, second = rates.values()
        result["speedups"] = [round(b / a, 2) for a, b in zip(first, second, strict=True)]
    return result


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


def run_presidio(corpus: Sequence[LabelledText]) -> dict[str, Any]:
    """Presidio's reports at thresholds 0 and 0.5, and its detector at its default (0)."""
    texts = [item.text for item in corpus]
    detectors = {"thr0": presidio_detector(0.0), "thr0.5": presidio_detector(0.5)}
    result: dict[str, Any] = {}
    for label, detect in detectors.items():
        _log(f"presidio {label}: analyzing {len(texts)} texts")
        result[label] = score(corpus, detect(texts), type_map=PRESIDIO_TYPE_MAP).to_dict()
        _log(f"presidio {label}: {_summary(result[label])}")
    result["detect"] = detectors["thr0"]
    return result


def run_nijta(corpus: Sequence[LabelledText]) -> dict[str, Any] | None:
    """nijta's report and detector, or ``None`` when its detector is not available."""
    detect = nijta_detector()
    if detect is None:
        return None
    _log(f"nijta: detecting {len(corpus)} texts")
    report = score(corpus, detect([item.text for item in corpus])).to_dict()
    _log(f"nijta: {_summary(report)}")
    return {"report": report, "compiled": active_build() is not None, "detect": detect}


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
    parser.add_argument("--repeats", type=int, default=5,
                        help="timed rounds, each one pass of every engine in turn")
    args = parser.parse_args(argv)

    corpus = generate_corpus(args.n, seed=args.seed)
    timed = [item.text for item in corpus[: args.n_timed]]
    _log(f"corpus: {args.n} texts, seed {args.seed}")
    presidio = run_presidio(corpus)
    nijta = run_nijta(corpus)
    detects = {"presidio": presidio.pop("detect")}
    if nijta:
        detects["nijta"] = nijta.pop("detect")
    _log(f"timing {len(timed)} texts: {args.repeats} rounds of {', '.join(detects)} in turn")
    throughput = _interleaved_throughput(detects, timed, args.repeats)
    presidio["records_per_s"] = throughput["presidio"]
    if nijta:
        nijta["records_per_s"] = throughput["nijta"]
    speedups = throughput.get("speedups")
    result = {
        "corpus": {"seed": args.seed, "timed": len(timed), **corpus_stats(corpus)},
        "presidio": presidio,
        "nijta": nijta,
        "speedup": round(statistics.median(speedups), 2) if speedups else None,
        "speedup_per_round": speedups,
    }
    print(json.dumps(result))
    return result


if __name__ == "__main__":
    main()
