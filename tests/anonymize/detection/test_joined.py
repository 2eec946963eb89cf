"""Cursor: which joined text a position falls in, for positions in order and out of order."""

import random
from bisect import bisect_right

from anonymize.detection.recognizers.joined import Cursor, join


def test_cursor_finds_the_text_of_each_position_in_order_and_out_of_order():
    rng = random.Random(3)
    texts = ["".join(rng.choice("ab ") for _ in range(rng.randrange(0, 6))) for _ in range(60)]
    joined, starts = join(texts)
    in_order = range(len(joined))
    shuffled = rng.sample(range(len(joined)), len(joined))
    for positions in (in_order, shuffled):
        cursor = Cursor(starts)
        for position in positions:
            i = cursor.seek(position)
            assert i == bisect_right(starts, position) - 1
            end = starts[i + 1] if i + 1 < len(starts) else None
            assert cursor.start == starts[i] <= position and (end is None or position < end)
            assert end is None or cursor.bound == end


def test_cursor_steps_over_empty_texts():
    _, starts = join(["ab", "", "", "cd"])  # texts start at 0, 3, 4, 5
    cursor = Cursor(tuple(starts))  # any sequence of starts
    assert (cursor.start, cursor.bound) == (0, 3)
    assert [cursor.seek(p) for p in (0, 5, 6)] == [0, 3, 3]
    assert cursor.seek(3) == 1  # backwards: still the right text
    assert (cursor.start, cursor.bound) == (3, 4)
