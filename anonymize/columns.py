"""Arrow column helpers shared by the transforms: type checks and row-naming errors.

Transforms take string columns; a number in an identifier column usually means a source lost
leading zeros, so it is refused rather than guessed at. Errors name rows by position and
never quote a value.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from anonymize.exceptions import InvalidValue

__all__ = ["check_rows", "fixed_width_strings", "rows_where", "string_column"]

_SHOWN_ROWS = 5


def string_column(column: pa.Array | pa.ChunkedArray, *, what: str) -> pa.StringArray:
    """``column`` as one string array; an all-null column of any type is accepted."""
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks()
    kind = column.type
    if pa.types.is_dictionary(kind):
        column, kind = column.dictionary_decode(), kind.value_type
    if pa.types.is_null(kind):
        return pa.nulls(len(column), pa.string())
    if pa.types.is_large_string(kind) or pa.types.is_string_view(kind):
        return column.cast(pa.string())
    if not pa.types.is_string(kind):
        raise InvalidValue(f"{what} takes strings, got a column of {kind}; cast it to string "
                           "at the source (numbers lose leading zeros)")
    return column


def rows_where(mask: pa.BooleanArray | pa.ChunkedArray) -> str:
    """The rows where ``mask`` is true, for an error message: ``rows 3, 7 (2 in all)``."""
    rows = pc.indices_nonzero(mask.fill_null(False)).to_pylist()
    shown = ", ".join(str(r) for r in rows[:_SHOWN_ROWS])
    if len(rows) > _SHOWN_ROWS:
        return f"rows {shown} ({len(rows)} in all)"
    return f"row {shown}" if len(rows) == 1 else f"rows {shown}"


def check_rows(bad: pa.BooleanArray, message: str) -> None:
    """Raise :class:`InvalidValue` naming the rows where ``bad`` is true, if any."""
    if pc.any(bad.fill_null(False)).as_py():
        raise InvalidValue(f"{message}: {rows_where(bad)}")


def fixed_width_strings(chars: np.ndarray, valid: np.ndarray | None = None) -> pa.StringArray:
    """A string array from an ``(n, width)`` array of ASCII codes, built without a Python loop.

    Rows where the boolean array ``valid`` is false become null (their characters are ignored).
    """
    rows, width = chars.shape
    offsets = np.arange(0, (rows + 1) * width, width, dtype=np.int32)
    data = pa.py_buffer(np.ascontiguousarray(chars, np.uint8))
    if valid is None or valid.all():
        return pa.Array.from_buffers(pa.string(), rows, [None, pa.py_buffer(offsets), data])
    return pa.Array.from_buffers(pa.string(), rows, [
        pa.array(valid, pa.bool_()).buffers()[1], pa.py_buffer(offsets), data],
        null_count=int(rows - valid.sum()))
