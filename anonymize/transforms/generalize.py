"""Generalisation: keep what a model needs (an age band, a region, a size) and drop the rest.

A date of birth becomes an age band at an as-of date, a PIN code its first three digits (the
sorting district), a latitude/longitude pair a coarse geohash (precision 4 is a cell of about
39 km × 20 km), an amount the bucket it falls in. Band labels: ``<18`` below the first edge,
``18-24`` between edges (ages inclusive), ``65+`` from the last edge; amount buckets are
half-open, ``100-500`` meaning 100 ≤ amount < 500. All of it is vectorised over the column.

Usage::

    age_band_column(dob, as_of=date(2026, 4, 1))          # ["25-34", "<18", …]
    geohash_column(lat, lon, precision=4)                  # ["tdr1", …]
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from itertools import pairwise

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from anonymize.columns import check_rows, fixed_width_strings, string_column
from anonymize.exceptions import InvalidValue

__all__ = [
    "DEFAULT_AGE_EDGES",
    "DEFAULT_AMOUNT_EDGES",
    "DEFAULT_GEOHASH_PRECISION",
    "age_band_column",
    "bucket_column",
    "geohash",
    "geohash_column",
    "pincode_column",
]

DEFAULT_AGE_EDGES = (18, 25, 35, 45, 55, 65)
DEFAULT_AMOUNT_EDGES = (0, 100, 500, 1_000, 5_000, 10_000, 50_000, 100_000)
DEFAULT_GEOHASH_PRECISION = 4
MAX_GEOHASH_PRECISION = 12  # 60 bits: the code fits a uint64
_BASE32 = np.frombuffer(b"0123456789bcdefghjkmnpqrstuvwxyz", np.uint8)


def age_band_column(column: pa.Array | pa.ChunkedArray, *, as_of: date,
                    edges: Sequence[int] = DEFAULT_AGE_EDGES) -> pa.Array:
    """Age bands at ``as_of`` of a column of birth dates (dates, timestamps or ISO strings)."""
    _check_edges(edges)
    births = _dates(column)
    years, months, days = (pc.fill_null(f(births), 0).to_numpy() for f in
                           (pc.year, pc.month, pc.day))
    not_yet = (months > as_of.month) | ((months == as_of.month) & (days > as_of.day))
    ages = as_of.year - years - not_yet
    check_rows(pc.and_(births.is_valid(), pa.array(ages < 0)),
               f"dates of birth after the as-of date {as_of.isoformat()}")
    labels = [f"<{edges[0]}"] + [f"{lo}-{hi - 1}" for lo, hi in pairwise(edges)]
    return _labelled(ages, edges, [*labels, f"{edges[-1]}+"], births.is_valid())


def bucket_column(column: pa.Array | pa.ChunkedArray,
                  edges: Sequence[float] = DEFAULT_AMOUNT_EDGES) -> pa.Array:
    """The half-open bucket of each amount between ``edges``."""
    _check_edges(edges)
    amounts = _floats(column, what="an amount bucket")
    values = amounts.to_numpy(zero_copy_only=False)
    check_rows(pc.is_nan(amounts), "amounts that are NaN")
    names = [_number(e) for e in edges]
    labels = [f"<{names[0]}"] + [f"{lo}-{hi}" for lo, hi in pairwise(names)]
    return _labelled(values, edges, [*labels, f"{names[-1]}+"], amounts.is_valid())


def pincode_column(column: pa.Array | pa.ChunkedArray) -> pa.Array:
    """The first three digits (the sorting district) of each six-digit PIN code."""
    if pa.types.is_integer(column.type):
        column = column.cast(pa.string())
    codes = pc.replace_substring_regex(string_column(column, what="a PIN code"), r"\s", "")
    check_rows(pc.invert(pc.match_substring_regex(codes, r"^[1-9][0-9]{5}$")),
               "values that are no six-digit PIN code")
    return pc.utf8_slice_codeunits(codes, 0, 3)


def geohash_column(latitude: pa.Array | pa.ChunkedArray, longitude: pa.Array | pa.ChunkedArray,
                   *, precision: int = DEFAULT_GEOHASH_PRECISION) -> pa.Array:
    """Geohashes of ``precision`` characters; null where either coordinate is null."""
    if not 1 <= precision <= MAX_GEOHASH_PRECISION:
        raise InvalidValue(f"geohash precision is 1 to {MAX_GEOHASH_PRECISION}, not {precision}")
    lat, lon = _floats(latitude, what="a latitude"), _floats(longitude, what="a longitude")
    present = pc.and_(lat.is_valid(), lon.is_valid())
    check_rows(pc.and_(present, pc.invert(pc.and_(_within(lat, 90), _within(lon, 180)))),
               "coordinates outside latitude ±90 / longitude ±180")
    code = _interleaved_bisection(pc.fill_null(lat, 0.0).to_numpy(),
                                  pc.fill_null(lon, 0.0).to_numpy(), 5 * precision)
    shifts = np.arange(precision - 1, -1, -1, dtype=np.uint64) * np.uint64(5)
    chars = _BASE32[(code[:, None] >> shifts) & np.uint64(31)]
    return fixed_width_strings(chars, present.to_numpy(zero_copy_only=False))


def geohash(latitude: float, longitude: float, precision: int = DEFAULT_GEOHASH_PRECISION) -> str:
    """The geohash of one point."""
    column = geohash_column(pa.array([latitude]), pa.array([longitude]), precision=precision)
    return str(column[0].as_py())


def _interleaved_bisection(lat: np.ndarray, lon: np.ndarray, bits: int) -> np.ndarray:
    """Geohash bits, most significant first: even bits halve longitude, odd ones latitude."""
    bounds = {False: [np.full(len(lon), -180.0), np.full(len(lon), 180.0)],
              True: [np.full(len(lat), -90.0), np.full(len(lat), 90.0)]}
    code = np.zeros(len(lat), np.uint64)
    for bit in range(bits):
        is_lat = bit % 2 == 1
        low, high = bounds[is_lat]
        mid = (low + high) / 2
        upper = (lat if is_lat else lon) >= mid
        code = (code << np.uint64(1)) | upper.astype(np.uint64)
        bounds[is_lat] = [np.where(upper, mid, low), np.where(upper, high, mid)]
    return code


def _check_edges(edges: Sequence[float]) -> None:
    if not edges or any(b <= a for a, b in pairwise(edges)):
        raise InvalidValue(f"bucket edges must be non-empty and increasing, got {list(edges)}")


def _labelled(values: np.ndarray, edges: Sequence[float], labels: list[str],
              valid: pa.BooleanArray) -> pa.Array:
    index = np.searchsorted(np.asarray(edges, float), values, side="right")
    return pa.array(np.asarray(labels, object)[index], pa.string(),
                    mask=pc.invert(valid).to_numpy(zero_copy_only=False))


def _dates(column: pa.Array | pa.ChunkedArray) -> pa.Array:
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks()
    if pa.types.is_timestamp(column.type) or pa.types.is_date(column.type):
        return column
    try:
        return string_column(column, what="a date of birth").cast(pa.date32())
    except pa.ArrowInvalid:
        raise InvalidValue("dates of birth must be dates, timestamps or ISO strings "
                           "(YYYY-MM-DD)") from None


def _floats(column: pa.Array | pa.ChunkedArray, *, what: str) -> pa.Array:
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks()
    if not (pa.types.is_integer(column.type) or pa.types.is_floating(column.type)
            or pa.types.is_decimal(column.type) or pa.types.is_null(column.type)):
        raise InvalidValue(f"{what} takes numbers, got a column of {column.type}")
    return column.cast(pa.float64())


def _within(values: pa.Array, limit: float) -> pa.BooleanArray:
    return pc.and_(pc.greater_equal(values, -limit), pc.less_equal(values, limit))


def _number(edge: float) -> str:
    return str(int(edge)) if float(edge).is_integer() else str(edge)
