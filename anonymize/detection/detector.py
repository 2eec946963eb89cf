"""The speed path: nijta's recognizers without Presidio's per-call machinery.

``AnalyzerEngine.analyze`` runs the spaCy pipeline, calls every recognizer, deep-copies the
results for context enhancement and builds explanation objects: about 2-3 ms per short record.
:class:`PiiDetector` holds the same recognizer objects but calls their scoring functions
directly on one :class:`~anonymize.detection.recognizers.Scan` per chunk of texts joined together
(three regex passes over the whole chunk: tokens, labels, and known names with narration heads,
so the Python work is per match, not per text; a token's scorers are looked up by its kind and
label, so those its label rules out are never called), applies the engine's threshold, splits the
hits back by text and applies Presidio's duplicate removal. Its findings equal those of
``build_analyzer(use_installed_model=False).analyze(...)``, score for score
(``tests/anonymize/detection/test_equivalence.py`` checks a whole corpus).

Usage::

    detector = PiiDetector()
    # Not real identifiers: python-stdnum's documented examples or made-up shapes.
    detector.detect("Aadhaar 2341 2341 2346")      # [Finding(8, 22, 'AADHAAR', 1.0)]
    detector.detect_column(table.column("remarks"))
"""

from __future__ import annotations

import gc
import math
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from itertools import groupby
from typing import TYPE_CHECKING, Any, Final, TypeVar

import pyarrow as pa
from presidio_analyzer.predefined_recognizers import SpacyRecognizer

from anonymize.detection.engine import DEFAULT_SCORE_THRESHOLD
from anonymize.detection.nlp import offline_nlp_engine
from anonymize.detection.recognizers import NijtaRecognizer, TokenRecognizer
from anonymize.detection.recognizers import nijta_recognizers as _nijta_recognizers

# Scan from its own module, not the package: compiled (see .compiled), the package is not, and
# a type imported through it reads as Any (every token's attributes looked up by name). The
# recognizer classes above must read as Any: mypyc would test isinstance against these Presidio
# subclasses by exact type.
from anonymize.detection.recognizers.base import Hit, Scan, Scorer
from anonymize.detection.recognizers.context import CATEGORIES
from anonymize.detection.recognizers.joined import SEPARATOR, Cursor
from anonymize.findings import Finding

if TYPE_CHECKING:
    import pandas as pd
    from presidio_analyzer.nlp_engine import NlpEngine

__all__ = ["BATCH_CHUNK", "PiiDetector"]

BATCH_CHUNK = 1024
"""Texts scanned together: each stage runs over a chunk's texts at once, and only one chunk's
intermediate scans are held in memory, however long the column. Measured on the evaluation
corpus: 1,024 texts per chunk run ~3% faster than 256 (per-chunk work), and more gain little."""

_Hit = tuple[int, int, str, float]  # start, end, entity, score
_T = TypeVar("_T", bound=tuple)


def remove_duplicates(hits: list[_Hit]) -> list[_Hit]:
    """Presidio's ``EntityRecognizer.remove_duplicates`` on plain tuples: drop exact repeats,
    zero scores, and any hit contained in a hit of the same type with an equal or higher score.
    """
    ordered = sorted(set(hits), key=lambda h: (h[2], h[0], h[0] - h[1], -h[3]))
    kept: list[_Hit] = []
    for _, same_type in groupby(ordered, key=lambda h: h[2]):
        active: list[_Hit] = []
        for hit in same_type:
            if hit[3] == 0:
                continue
            active = [a for a in active if a[1] >= hit[0]]
            if any(hit[0] >= a[0] and hit[1] <= a[1] and hit[3] <= a[3] for a in active):
                continue
            kept.append(hit)
            active.append(hit)
    return kept


_new_tuple: Final = tuple.__new__  # Finding(...) without the generated __new__'s Python frame


def _findings(hits: list[_Hit]) -> list[Finding]:
    """Sorted findings, after Presidio's duplicate removal."""
    hits = remove_duplicates(hits)
    hits.sort()
    return [_new_tuple(Finding, hit) for hit in hits]


def _by_text(
    hits: list[_Hit], starts: Sequence[int], kind: type[_T] = tuple  # type: ignore[assignment]
) -> list[list[_T]]:
    """The hits of a joined scan per text, sorted, each a ``kind`` (a tuple, or a tuple subclass
    such as :class:`Finding`) of ``(start, end, entity, score)`` with positions in its own
    text."""
    per_text: list[list[_T]] = [[] for _ in starts]
    found, base = per_text[0], 0
    cursor = Cursor(starts)
    hits.sort()  # by start: each text's hits in a row, and in order
    for start, end, entity, score in hits:
        if start >= cursor.bound:
            found, base = per_text[cursor.seek(start)], cursor.start
        found.append(_new_tuple(kind, (start - base, end - base, entity, score)))
    return per_text


@contextmanager
def _cyclic_gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector for a batch. A batch allocates tens of thousands of
    small tuples that never form cycles (reference counting frees them); in a process that holds
    millions of objects (spaCy, Spark, a corpus), each collection they trigger walks all of
    those, which can halve throughput. The collector is restored, never forced on."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _as_text(value: Any) -> str | None:
    """A column value as text: ``None``/NaN stay missing; integral floats lose their ``.0``."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, float):
        if math.isnan(value):
            return None
        if value.is_integer():
            return str(int(value))
    return str(value)


_Dispatch = dict[str, dict[str | None, tuple[tuple[str, Scorer], ...]]]


def _dispatch(recognizers: list[TokenRecognizer]) -> _Dispatch:
    """Token kind -> label -> ``(entity, scorer)`` of the recognizers that may score a token of
    that kind under that label (:meth:`TokenRecognizer.may_score`): looked up per token, it
    spares the calls that the label alone rules out."""
    labels = (None, *CATEGORIES)
    kinds = {kind for recognizer in recognizers for kind in recognizer.SCORERS}
    return {kind: {label: tuple((r.ENTITY, r.SCORERS[kind]) for r in recognizers
                                if kind in r.SCORERS and r.may_score(label))
                   for label in labels}
            for kind in kinds}


class PiiDetector:
    """Finds PII in text with nijta's recognizers, fast enough for every row of a column.

    Args:
        score_threshold: findings scoring below it are dropped (as the analyzer does).
        use_installed_model: also run an installed ``en_core_web_*`` spaCy model's NER for
            PERSON (much slower); without one, or with ``False``, no model runs.
    """

    def __init__(
        self,
        *,
        score_threshold: float = DEFAULT_SCORE_THRESHOLD,
        use_installed_model: bool = True,
    ) -> None:
        self.score_threshold = score_threshold
        self._finders: list[tuple[str, Callable[[Scan], list[Hit]]]] = []
        self._spacy: SpacyRecognizer | None = None
        recognizers = _nijta_recognizers(use_installed_model=use_installed_model)
        token_recognizers = [r for r in recognizers if isinstance(r, TokenRecognizer)]
        for recognizer in recognizers:
            if isinstance(recognizer, TokenRecognizer):
                continue  # called per token, through the dispatch table
            if isinstance(recognizer, NijtaRecognizer):
                self._finders.append((recognizer.ENTITY, recognizer.find))
            elif isinstance(recognizer, SpacyRecognizer):
                self._spacy = recognizer
        self._dispatch = _dispatch(token_recognizers)
        # One source per entity never yields two overlapping hits of it (tokens are disjoint,
        # finders return disjoint spans), so Presidio's duplicate removal has nothing to do
        # unless two sources share an entity (spaCy and the name finder both give PERSON).
        sources = [r.ENTITY for r in recognizers if isinstance(r, NijtaRecognizer)]
        self._dedupe = self._spacy is not None or len(sources) != len(set(sources))
        self._nlp: NlpEngine | None = (
            offline_nlp_engine(use_installed_model=True) if self._spacy else None
        )

    def detect(self, text: str) -> list[Finding]:
        """The findings in ``text``, sorted by (start, end, type)."""
        return self._detect_many([text], None)[0] if text else []

    def detect_batch(self, texts: Iterable[str | None]) -> list[list[Finding]]:
        """The findings of each text (``[]`` for ``None``), in input order."""
        texts = list(texts)
        present = [text for text in texts if text]
        found: list[list[Finding]] = []
        with _cyclic_gc_paused():
            for i in range(0, len(present), BATCH_CHUNK):
                chunk = present[i : i + BATCH_CHUNK]
                artifacts = self._nlp_batch(chunk) if self._spacy is not None else None
                found.extend(self._detect_many(chunk, artifacts))
        findings = iter(found)
        return [next(findings) if text else [] for text in texts]

    def detect_column(
        self, column: pa.Array | pa.ChunkedArray | pd.Series
    ) -> list[list[Finding]]:
        """The findings of each value of an Arrow array or a pandas Series (nulls give ``[]``;
        numbers are read as their decimal text)."""
        values = column.to_pylist() if isinstance(column, pa.Array | pa.ChunkedArray) else (
            column.tolist())
        return self.detect_batch(_as_text(value) for value in values)

    def _nlp_batch(self, texts: Sequence[str]) -> list[Any]:
        assert self._nlp is not None
        return [artifacts for _, artifacts in self._nlp.process_batch(texts, language="en")]

    def _detect_many(
        self, texts: list[str], nlp_artifacts: list[Any] | None
    ) -> list[list[Finding]]:
        """Findings per text. The texts are scanned joined (each stage is one pass over the
        whole batch, see :class:`Scan`) and the hits split back by text at the end."""
        if any(SEPARATOR in text for text in texts):  # joined, a NUL would read as a text edge
            scans = [Scan(text) for text in texts]
        else:
            scans = [Scan.joined(texts)]
        if not self._dedupe:  # the hits are final: make the findings while splitting them
            return [found for scan in scans
                    for found in _by_text(self._hits(scan), scan.starts, Finding)]
        per_text = [hits for scan in scans
                    for hits in _by_text(self._hits(scan), scan.starts, tuple)]
        if self._spacy is not None:
            artifacts = nlp_artifacts or [None] * len(texts)
            for text, hits, nlp in zip(texts, per_text, artifacts, strict=True):
                hits.extend(self._spacy_hits(text, nlp))
        return [_findings(hits) for hits in per_text]

    def _hits(self, scan: Scan) -> list[_Hit]:
        """Every hit in the scan at or above the threshold: each token scored by the scorers of
        its kind that its label does not rule out, then the finders' hits."""
        threshold = self.score_threshold
        dispatch = self._dispatch
        hits: list[_Hit] = []
        for token in scan.tokens:
            by_label = dispatch.get(token.kind)
            if by_label is not None:
                for entity, scorer in by_label[token.label]:
                    score = scorer(scan, token)
                    if score and score >= threshold:
                        hits.append((token.start, token.end, entity, score))
        for entity, find in self._finders:
            hits.extend((start, end, entity, score) for start, end, score in find(scan)
                        if score and score >= threshold)
        return hits

    def _spacy_hits(self, text: str, nlp_artifacts: Any) -> list[_Hit]:
        assert self._nlp is not None and self._spacy is not None
        if nlp_artifacts is None:
            nlp_artifacts = self._nlp.process_text(text, "en")
        return [
            (result.start, result.end, result.entity_type, result.score)
            for result in self._spacy.analyze(text, ["PERSON"], nlp_artifacts)
            if result.score >= self.score_threshold
        ]
