"""Texts joined by NUL characters, so that one regex pass serves a whole batch.

Each regex pass has a fixed cost per call and runs faster while its compiled program stays in the
CPU caches, so a :class:`~.base.Scan` of a batch runs each stage (tokens, labels, names,
narrations) once over the texts joined by :data:`SEPARATOR` and keeps every position in the
joined text. No pattern matches a NUL, and to every look-around a NUL reads like the start or end
of a text, so a match never crosses texts and is the same as in the text alone. Only what
depends on where a text starts (a token's label window, a narration's last field) asks a
:class:`Cursor`.

Usage::

    joined, starts = join(texts)
    cursor = Cursor(starts)
    for match in pattern.finditer(joined):
        if match.start() >= cursor.bound:
            i = cursor.seek(match.start())      # the text holding the match starts at starts[i]
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from typing import Final

__all__ = ["SEPARATOR", "Cursor", "join"]

SEPARATOR = "\0"
"""Between two joined texts (a text holding one is scanned on its own)."""
_NOWHERE: Final = 1 << 61  # past any position; Final: a C constant when compiled


def join(texts: list[str]) -> tuple[str, list[int]]:
    """The texts joined by :data:`SEPARATOR`, and where each one starts."""
    starts, position = [], 0
    for text in texts:
        starts.append(position)
        position += len(text) + 1
    return SEPARATOR.join(texts), starts


class Cursor:
    """Which joined text a position falls in, for matches visited in order."""

    __slots__ = ("_text", "bound", "start", "starts")

    def __init__(self, starts: Sequence[int]) -> None:
        self.starts = list(starts)  # compiled, a list is indexed in C; any sequence is not
        self._text = 0
        self.start = starts[0]
        """Where the current text starts."""
        self.bound = starts[1] if len(starts) > 1 else _NOWHERE
        """Where the current text ends: positions below it are in the current text."""

    def seek(self, position: int) -> int:
        """The index of the text holding ``position``, which becomes the current text."""
        starts, i = self.starts, self._text
        if position < starts[i]:  # not in order after all: search from the start
            i = bisect_right(starts, position) - 1
        # Step to the text, rather than bisect: positions come in order, so each pass steps
        # over each text once, and compiled (see ..compiled) a step is a C integer comparison.
        last = len(starts) - 1
        while i < last and starts[i + 1] <= position:
            i += 1
        self._text = i
        self.start = starts[i]
        self.bound = starts[i + 1] if i < last else _NOWHERE
        return i
