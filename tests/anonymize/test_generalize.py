from datetime import date

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from anonymize.exceptions import InvalidValue
from anonymize.transforms.generalize import (
    age_band_column,
    bucket_column,
    geohash,
    geohash_column,
    pincode_column,
)

AS_OF = date(2026, 4, 1)


@pytest.mark.parametrize(("lat", "lon", "precision", "expected"), [
    (57.64911, 10.40744, 11, "u4pruydqqvj"),  # the reference example of geohash.org
    (12.9716, 77.5946, 4, "tdr1"),  # Bengaluru
    (-90.0, -180.0, 3, "000"),
    (90.0, 180.0, 3, "zzz"),
])
def test_geohash_known_values(lat, lon, precision, expected):
    assert geohash(lat, lon, precision) == expected


def _reference_geohash(lat: float, lon: float, precision: int) -> str:
    """The textbook one-point bisection, to check the vectorised one against."""
    ranges, code, chars = [[-180.0, 180.0], [-90.0, 90.0]], 0, ""
    for bit in range(5 * precision):
        low_high, value = ranges[bit % 2], (lon, lat)[bit % 2]
        mid = (low_high[0] + low_high[1]) / 2
        code = code * 2 + int(value >= mid)
        low_high[int(value < mid)] = mid
        if bit % 5 == 4:
            chars, code = chars + "0123456789bcdefghjkmnpqrstuvwxyz"[code], 0
    return chars


def test_geohash_column_matches_the_one_point_bisection():
    rng = np.random.default_rng(7)
    lat, lon = rng.uniform(-90, 90, 500), rng.uniform(-180, 180, 500)
    out = geohash_column(pa.array(lat), pa.array(lon), precision=9).to_pylist()
    assert out == [_reference_geohash(a, o, 9) for a, o in zip(lat, lon, strict=True)]


def test_geohash_column_defaults_to_precision_4_and_keeps_nulls():
    out = geohash_column(pa.array([12.9716, None, 12.9716]), pa.array([77.5946, 77.0, None]))
    assert out.to_pylist() == ["tdr1", None, None]


def test_geohash_refuses_impossible_coordinates():
    with pytest.raises(InvalidValue, match="row 1"):
        geohash_column(pa.array([0.0, 95.0]), pa.array([0.0, 0.0]))
    with pytest.raises(InvalidValue, match="precision"):
        geohash(0.0, 0.0, 13)


def test_age_bands_at_the_as_of_date():
    births = pa.array(["2001-04-01", "2001-04-02", "2008-04-01", "2008-04-02", "1961-04-01",
                       None])
    assert age_band_column(births, as_of=AS_OF).to_pylist() == [
        "25-34", "18-24", "18-24", "<18", "65+", None]


def test_age_bands_from_dates_and_timestamps_with_custom_edges():
    births = pa.array(pd.to_datetime(["1990-06-15", "1970-01-01"], utc=True))
    assert age_band_column(births, as_of=AS_OF, edges=(30, 50)).to_pylist() == ["30-49", "50+"]
    assert age_band_column(pa.array([date(1990, 6, 15)]), as_of=AS_OF).to_pylist() == ["35-44"]


def test_birth_dates_after_as_of_or_unparseable_are_refused():
    with pytest.raises(InvalidValue, match="after the as-of date"):
        age_band_column(pa.array(["2027-01-01"]), as_of=AS_OF)
    with pytest.raises(InvalidValue, match="ISO") as caught:
        age_band_column(pa.array(["15/06/1990"]), as_of=AS_OF)
    assert "15/06/1990" not in str(caught.value)


def test_pincode_keeps_the_sorting_district():
    codes = pa.array(["560001", " 110 001", None])
    assert pincode_column(codes).to_pylist() == ["560", "110", None]
    assert pincode_column(pa.array([400001])).to_pylist() == ["400"]
    with pytest.raises(InvalidValue, match="row 0"):
        pincode_column(pa.array(["56001"]))


def test_amount_buckets_are_half_open():
    amounts = pa.array([-5.0, 0.0, 99.99, 100.0, 4999.0, 100000.0, None])
    assert bucket_column(amounts).to_pylist() == [
        "<0", "0-100", "0-100", "100-500", "1000-5000", "100000+", None]
    assert bucket_column(pa.array([2.5, 7]), edges=(0.5, 5)).to_pylist() == ["0.5-5", "5+"]


def test_bad_bucket_edges_and_nan_amounts_are_refused():
    with pytest.raises(InvalidValue, match="increasing"):
        bucket_column(pa.array([1.0]), edges=(10, 5))
    with pytest.raises(InvalidValue, match="NaN"):
        bucket_column(pa.array([float("nan")]))
    with pytest.raises(InvalidValue, match="numbers"):
        bucket_column(pa.array(["100"]))
