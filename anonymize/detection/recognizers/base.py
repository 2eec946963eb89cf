"""What every nijta recognizer shares: the per-text :class:`Scan` and the Presidio plumbing.

A :class:`Scan` is computed once per text, or once per batch of texts joined together: its
tokens (:mod:`.shapes`), its context labels (:mod:`.context`), its known names (:mod:`.names`)
and its narrations (:mod:`.narration`). Each recognizer is a stock Presidio
``LocalRecognizer`` whose ``analyze`` reads the scan (cached per text, so a stock
``AnalyzerEngine`` holding twenty nijta recognizers scans a text once) and returns results already
marked as context-enhanced: the recognizers score context themselves, so Presidio's
``LemmaContextAwareEnhancer`` leaves the scores alone. The fast path (``PiiDetector``) calls the
same :meth:`NijtaRecognizer.find` on a scan of a whole batch, which is why the two agree exactly.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache
from typing import ClassVar, Final

from mypy_extensions import mypyc_attr
from presidio_analyzer import AnalysisExplanation, RecognizerResult
from presidio_analyzer.local_recognizer import LocalRecognizer
from presidio_analyzer.nlp_engine import NlpArtifacts

from anonymize.detection.recognizers.context import REFERENCE, Labels, find_labels, words_of
from anonymize.detection.recognizers.joined import SEPARATOR, join
from anonymize.detection.recognizers.names import known_names_regex
from anonymize.detection.recognizers.narration import (
    HEAD_ALTERNATIVES,
    Narration,
    parse_narrations,
)
from anonymize.detection.recognizers.shapes import Token, tokenize

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


def digits_of(raw: str) -> str:
    """``raw`` without spaces, dashes and plus signs. Three ``replace`` calls: the scorers call
    it for every number token, and ``str.translate`` with a deletion table is several times
    slower (it looks every character up in the table)."""
    return raw.replace(" ", "").replace("-", "").replace("+", "")


def _lower_same_length(text: str) -> str:
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    # A few characters (e.g. 'İ') lower-case to two; keep offsets aligned with the text.
    return "".join(ch if len(low := ch.lower()) != 1 else low for ch in text)


class Scan:
    """Everything the recognizers read from a text, computed once: identifier-shaped tokens
    (with the label describing each), context labels, known names and narrations.

    The text may also be a batch of texts joined by :func:`.joined.join` (see :meth:`joined`):
    every stage then runs once over the whole batch and every position is one in the joined
    text. That is what makes the fast path fast: no per-text objects, lists or calls, only
    per-match work. It finds what the scans of the single texts find, because no pattern
    crosses a NUL and a token's label window stops at the start of its text (``floor``).

    ``lowered``: the text in lower case (same length), when the caller has it; the labels are
    found in it.
    """

    __slots__ = ("labels", "names", "narrations", "starts", "text", "tokens")

    text: str
    starts: Sequence[int]
    """Where each text of a joined batch starts (``(0,)`` for a single text)."""
    tokens: list[Token]
    labels: Labels
    names: list[tuple[int, int]]
    """Spans of the known given names and surnames (Title or UPPER case), in order; names one
    space apart form one span."""
    narrations: list[Narration]

    def __init__(
        self, text: str, starts: Sequence[int] = (0,), lowered: str | None = None
    ) -> None:
        self.text = text
        self.starts = starts
        if lowered is None or len(lowered) != len(text):
            lowered = _lower_same_length(text)
        self.labels = find_labels(lowered)
        heads: list[re.Match[str]] = []
        self.names = _names_and_heads(text, heads)
        self.narrations = parse_narrations(text, starts, heads)
        self.tokens = tokenize(text, starts, self.labels)
        _label_narration_slots(self.narrations, self.tokens)

    @classmethod
    def joined(cls, texts: list[str]) -> Scan:
        """One scan of ``texts`` joined by :func:`.joined.join`; none may hold a NUL (it would
        read as the edge of a text)."""
        joined, starts = join(texts)
        if joined.count(SEPARATOR) != len(texts) - 1:
            raise ValueError("a text holding a NUL character cannot be scanned joined")
        # Lower-cased text by text: ``str.lower`` is much faster on an all-ASCII string, and
        # one '₹' would make the whole joined batch a non-ASCII string.
        return cls(joined, starts, SEPARATOR.join(map(str.lower, texts)))


_NAMES_AND_HEADS: Final = known_names_regex(HEAD_ALTERNATIVES)
"""Known names and narration heads, both found at capital letters: one regex pass for both."""


def _names_and_heads(text: str, heads: list[re.Match[str]]) -> list[tuple[int, int]]:
    """The spans of the runs of known names in ``text``; its narration heads go to ``heads``."""
    names = []
    for match in _NAMES_AND_HEADS.finditer(text):
        if text[match.end() - 1] in _HEAD_ENDS:
            heads.append(match)
        else:
            names.append(match.span())
    return names


_HEAD_ENDS: Final = "/-:"
"""The characters a narration head ends with (its field separator), and no name does."""


def _label_narration_slots(narrations: list[Narration], tokens: list[Token]) -> None:
    """Label each token within a narration's reference or account field 'reference' or
    'account', whatever label stands before it. A batch holds far fewer such fields than
    tokens, so each field looks up its tokens (tokens are in order and do not overlap: those in
    a field are a run from the first one starting in it)."""
    for narration in narrations:
        for fields, slot in ((narration.references, REFERENCE), (narration.accounts, "account")):
            for start, end in fields:
                i = _first_starting_at(tokens, start)
                while i < len(tokens) and tokens[i].end <= end:
                    tokens[i] = tokens[i].with_label(slot)
                    i += 1


def _first_starting_at(tokens: list[Token], position: int) -> int:
    """The index of the first token starting at or after ``position`` (tokens are in order).
    ``bisect_left(tokens, position, key=...)``, but compiled (see ..compiled) a token's start is
    read as a struct field, where a key function looks it up by name."""
    low, high = 0, len(tokens)
    while low < high:
        middle = (low + high) // 2
        if tokens[middle].start < position:
            low = middle + 1
        else:
            high = middle
    return low


@lru_cache(maxsize=16)
def scan_text(text: str) -> Scan:
    """The :class:`Scan` of ``text``, shared by the recognizers of one ``analyze`` call (the
    cache holds the last 16 texts in memory only, for the length of a few calls)."""
    return Scan(text)


Scorer = Callable[[Scan, Token], "float | None"]
"""Scores one token as a recognizer's entity; ``None`` when it is not one."""


# Compiled by mypyc (see ..compiled), a class deriving from Presidio's ABCs must stay a plain
# Python class: as a native class it would share its base's ABC caches and answer isinstance
# wrongly. So must every subclass, hence the same decorator on each recognizer.
@mypyc_attr(native_class=False)
class NijtaRecognizer(LocalRecognizer, ABC):
    """A Presidio recognizer for one nijta entity type; subclasses implement :meth:`find`."""

    ENTITY: ClassVar[str]
    CONTEXT: ClassVar[tuple[str, ...]] = ()
    """Label categories (see :data:`.context.CATEGORIES`) that confirm the entity."""

    def __init__(self, *, supported_language: str = "en", name: str | None = None) -> None:
        super().__init__(
            supported_entities=[self.ENTITY],
            name=name,  # type: ignore[arg-type]  # Presidio's own default is None
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
        name: str = self.name  # type: ignore[has-type]  # set by Presidio's __init__
        explanation = AnalysisExplanation(
            recognizer=name,
            original_score=score,
            textual_explanation=f"{self.ENTITY} by nijta's {name} (shape, check and context)",
        )
        return RecognizerResult(
            entity_type=self.ENTITY,
            start=start,
            end=end,
            score=score,
            analysis_explanation=explanation,
            recognition_metadata={
                RecognizerResult.RECOGNIZER_NAME_KEY: name,
                RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
                # Context is already in the score; Presidio's enhancer must not add it again.
                RecognizerResult.IS_SCORE_ENHANCED_BY_CONTEXT_KEY: True,
            },
        )


@mypyc_attr(native_class=False)
class TokenRecognizer(NijtaRecognizer):
    """A recognizer that scores the scan's tokens of the kinds in :attr:`SCORERS`."""

    SCORERS: ClassVar[Mapping[str, Scorer]]
    """Token kind -> the function scoring a token of that kind as :attr:`ENTITY`."""
    LABELS_AGAINST: ClassVar[frozenset[str]] = frozenset()
    """Labels under which every scorer returns ``None`` (they rule the entity out)."""
    LABELS_NEEDED: ClassVar[frozenset[str] | None] = None
    """When set, the only labels under which a scorer can score a token."""

    @classmethod
    def may_score(cls, label: str | None) -> bool:
        """Whether a token under ``label`` can score at all. The scorers decide the same by
        themselves; ``PiiDetector`` asks this once per label so that it does not call them for
        the many tokens a label rules out (most numbers are references, amounts, accounts)."""
        if cls.LABELS_NEEDED is not None:
            return label in cls.LABELS_NEEDED
        return label not in cls.LABELS_AGAINST

    def find(self, scan: Scan) -> list[Hit]:
        """The tokens that a scorer of their kind accepts, with its score."""
        hits = []
        scorers = self.SCORERS
        for token in scan.tokens:
            scorer = scorers.get(token.kind)
            if scorer is not None and (score := scorer(scan, token)):
                hits.append((token.start, token.end, score))
        return hits
