"""What every nijta recognizer shares: the per-text :class:`Scan` and the Presidio plumbing.

A :class:`Scan` is computed once per text: its tokens (:mod:`.shapes`), its context labels
(:mod:`.context`) and its narrations (:mod:`.narration`). Each recognizer is a stock Presidio
``LocalRecognizer`` whose ``analyze`` reads the scan (cached per text, so a stock
``AnalyzerEngine`` holding twenty nijta recognizers scans a text once) and returns results already
marked as context-enhanced: the recognizers score context themselves, so Presidio's
``LemmaContextAwareEnhancer`` leaves the scores alone. The fast path (``PiiDetector``) calls the
same :meth:`NijtaRecognizer.find` on its own scan, which is why the two agree exactly.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Mapping
from functools import lru_cache
from typing import Any, ClassVar, NamedTuple

from presidio_analyzer import AnalysisExplanation, LocalRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from anonymize.detection.recognizers.context import (
    REFERENCE,
    Labels,
    find_labels_joined,
    words_of,
)
from anonymize.detection.recognizers.joined import SEPARATOR, join
from anonymize.detection.recognizers.names import find_known_names_joined
from anonymize.detection.recognizers.narration import (
    Narration,
    parse_narrations,
    texts_with_narrations,
)
from anonymize.detection.recognizers.shapes import tokenize_joined

__all__ = [
    "Hit",
    "NijtaRecognizer",
    "Scan",
    "Scorer",
    "Token",
    "TokenRecognizer",
    "digits_of",
    "scan_text",
]

Hit = tuple[int, int, float]
"""``(start, end, score)`` of one finding of a recognizer's entity."""

_SEPARATORS = str.maketrans("", "", " -+")


def digits_of(raw: str) -> str:
    """``raw`` without spaces, dashes and plus signs."""
    return raw.translate(_SEPARATORS)


def _lower_same_length(text: str) -> str:
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    # A few characters (e.g. 'İ') lower-case to two; keep offsets aligned with the text.
    return "".join(ch if len(low := ch.lower()) != 1 else low for ch in text)


class Token(NamedTuple):
    """An identifier-shaped span of the text (see :mod:`.shapes` for the kinds)."""

    kind: str
    start: int
    end: int
    raw: str
    label: str | None
    """The context category describing the token: its narration slot, else the nearest label
    before it (see :mod:`.context`)."""


class Scan:
    """Everything the recognizers read from one text, computed once: identifier-shaped tokens
    (with the label describing each), context labels, known names and narrations."""

    __slots__ = ("labels", "names", "narrations", "text", "tokens")

    text: str
    tokens: list[Token]
    labels: Labels
    names: list[tuple[int, int]]
    """Spans of the known given names and surnames (Title or UPPER case), in order."""
    narrations: list[Narration]

    def __init__(self, text: str) -> None:
        self._assemble(*next(_stages([text])))

    @classmethod
    def batch(cls, texts: list[str]) -> list[Scan]:
        """``[Scan(t) for t in texts]``, with one regex pass per stage over the whole batch."""
        if len(texts) > 1 and any(SEPARATOR in text for text in texts):
            return [cls(text) for text in texts]
        scans = []
        for parts in _stages(texts):
            scan = cls.__new__(cls)
            scan._assemble(*parts)
            scans.append(scan)
        return scans

    def _assemble(
        self,
        text: str,
        raw_tokens: list[tuple[str, int, int, int]],
        labels: Labels,
        names: list[tuple[int, int]],
        narrations: list[Narration],
    ) -> None:
        self.text = text
        self.labels = labels
        self.names = names
        self.narrations = narrations
        before = labels.before
        tokens = []
        for kind, start, end, floor in raw_tokens:
            label = (narrations and _slot(narrations, start, end)) or before(start, floor)
            tokens.append(_new_token(Token, (kind, start, end, text[start:end], label)))
        self.tokens = tokens


def _stages(texts: list[str]) -> Iterator[tuple[Any, ...]]:
    """Per text: ``(text, raw tokens, labels, known names, narrations)``, each stage one regex
    pass over the texts joined (:mod:`.joined`)."""
    joined, starts = join(texts)
    with_narrations = texts_with_narrations(joined, starts)
    return zip(
        texts,
        tokenize_joined(joined, starts),
        find_labels_joined(_lower_same_length(joined), starts),
        find_known_names_joined(joined, starts),
        [parse_narrations(t) if i in with_narrations else [] for i, t in enumerate(texts)],
        strict=True,
    )


_new_token = tuple.__new__  # Token(...) without the generated __new__'s Python frame


def _slot(narrations: list[Narration], start: int, end: int) -> str | None:
    """The label a narration gives the span: 'reference' or 'account' for those fields."""
    for narration in narrations:
        if narration.start <= start < narration.end:
            if any(s <= start and end <= e for s, e in narration.references):
                return REFERENCE
            if any(s <= start and end <= e for s, e in narration.accounts):
                return "account"
    return None


@lru_cache(maxsize=16)
def scan_text(text: str) -> Scan:
    """The :class:`Scan` of ``text``, shared by the recognizers of one ``analyze`` call (the
    cache holds the last 16 texts in memory only, for the length of a few calls)."""
    return Scan(text)


Scorer = Callable[[Scan, Token], "float | None"]
"""Scores one token as a recognizer's entity; ``None`` when it is not one."""


class NijtaRecognizer(LocalRecognizer, ABC):
    """A Presidio recognizer for one nijta entity type; subclasses implement :meth:`find`."""

    ENTITY: ClassVar[str]
    CONTEXT: ClassVar[tuple[str, ...]] = ()
    """Label categories (see :data:`.context.CATEGORIES`) that confirm the entity."""

    def __init__(self, *, supported_language: str = "en", name: str | None = None) -> None:
        super().__init__(
            supported_entities=[self.ENTITY],
            name=name,
            supported_language=supported_language,
            context=words_of(self.CONTEXT),
        )

    def load(self) -> None:
        """Nothing to load: patterns are compiled at import."""

    @abstractmethod
    def find(self, scan: Scan) -> list[Hit]:
        """Every ``(start, end, score)`` of this recognizer's entity in the scanned text; the
        spans never overlap (``PiiDetector`` relies on it to skip duplicate removal)."""

    def analyze(
        self,
        text: str,
        entities: list[str] | None,
        nlp_artifacts: NlpArtifacts | None = None,
    ) -> list[RecognizerResult]:
        """Presidio entry point: :meth:`find` on the (cached) scan of ``text``."""
        if entities is not None and self.ENTITY not in entities:
            return []
        return [self._result(start, end, score) for start, end, score in self.find(scan_text(text))]

    def _result(self, start: int, end: int, score: float) -> RecognizerResult:
        explanation = AnalysisExplanation(
            recognizer=self.name,
            original_score=score,
            textual_explanation=f"{self.ENTITY} by nijta's {self.name} (shape, check and context)",
        )
        return RecognizerResult(
            entity_type=self.ENTITY,
            start=start,
            end=end,
            score=score,
            analysis_explanation=explanation,
            recognition_metadata={
                RecognizerResult.RECOGNIZER_NAME_KEY: self.name,
                RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
                # Context is already in the score; Presidio's enhancer must not add it again.
                RecognizerResult.IS_SCORE_ENHANCED_BY_CONTEXT_KEY: True,
            },
        )


class TokenRecognizer(NijtaRecognizer):
    """A recognizer that scores the scan's tokens of the kinds in :attr:`SCORERS`."""

    SCORERS: ClassVar[Mapping[str, Scorer]]
    """Token kind -> the function scoring a token of that kind as :attr:`ENTITY`."""

    def find(self, scan: Scan) -> list[Hit]:
        """The tokens that a scorer of their kind accepts, with its score."""
        hits = []
        scorers = self.SCORERS
        for token in scan.tokens:
            scorer = scorers.get(token.kind)
            if scorer is not None and (score := scorer(scan, token)):
                hits.append((token.start, token.end, score))
        return hits
