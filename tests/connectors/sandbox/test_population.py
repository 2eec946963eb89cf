"""The synthetic population must look like real Indian KYC data to every validator downstream:
checksummed Aadhaar numbers, well-formed PANs and IFSCs, unique contact and account keys."""

from __future__ import annotations

import re
from datetime import date

import pandas as pd
import pytest
from stdnum.in_ import aadhaar, pan

from connectors.sandbox.india_geo import BANKS, CITIES, IFSC_PATTERN
from connectors.sandbox.population import AGE_REFERENCE_DATE, COLUMNS, generate_population


@pytest.fixture(scope="module")
def population() -> pd.DataFrame:
    return generate_population()


def _age(born: date) -> int:
    before_birthday = (AGE_REFERENCE_DATE.month, AGE_REFERENCE_DATE.day) < (born.month, born.day)
    return AGE_REFERENCE_DATE.year - born.year - before_birthday


def test_has_requested_size_and_columns(population: pd.DataFrame) -> None:
    assert len(population) == 2000
    assert tuple(population.columns) == COLUMNS
    assert population["customer_id"].iloc[0] == "C000001"
    assert population["customer_id"].is_unique
    assert all(isinstance(d, date) for d in population["date_of_birth"])
    assert population.drop(columns="date_of_birth").map(lambda v: isinstance(v, str)).all().all()


def test_every_aadhaar_passes_stdnum_and_is_unique(population: pd.DataFrame) -> None:
    numbers = population["aadhaar"]
    assert numbers.map(aadhaar.is_valid).all()
    assert numbers.str.fullmatch(r"[2-9]\d{11}").all()
    assert numbers.is_unique


def test_every_pan_is_an_individual_pan_with_surname_initial(population: pd.DataFrame) -> None:
    assert population["pan"].map(pan.is_valid).all()
    assert (population["pan"].str[3] == "P").all()
    surname_initials = population["name"].str.split().str[-1].str[0].str.upper()
    assert (population["pan"].str[4] == surname_initials).mean() > 0.99


@pytest.mark.parametrize("column", ["mobile", "aadhaar", "vpa", "account_number"])
def test_identifiers_are_unique(population: pd.DataFrame, column: str) -> None:
    assert population[column].is_unique


def test_contact_and_bank_fields_are_well_formed(population: pd.DataFrame) -> None:
    assert population["mobile"].str.fullmatch(r"[6-9]\d{9}").all()
    assert population["account_number"].str.fullmatch(r"[1-9]\d{8,17}").all()
    assert population["bank_ifsc"].str.fullmatch(IFSC_PATTERN).all()
    assert population["vpa"].str.fullmatch(r"[a-z0-9.]+@[a-z]+").all()
    assert population["gender"].isin(["F", "M"]).all()


def test_vpa_handle_usually_belongs_to_the_customers_bank(population: pd.DataFrame) -> None:
    handles_by_code = {b.ifsc_code: set(b.vpa_handles) for b in BANKS}
    handles = population["vpa"].str.split("@").str[1]
    banks = population["bank_ifsc"].str[:4]
    own = [h in handles_by_code[b] for h, b in zip(handles, banks, strict=True)]
    assert 0.75 < sum(own) / len(own) < 0.95
    styles = population["vpa"].str.split("@").str[0]
    assert styles.str.fullmatch(r"\d{10}").mean() > 0.05  # mobile-number VPAs exist
    assert styles.str.contains(".", regex=False).mean() > 0.3  # firstname.surname style


def test_pincode_lies_in_the_city_range(population: pd.DataFrame) -> None:
    ranges = {(c.state, c.name): (c.pincode_low, c.pincode_high) for c in CITIES}
    for state, city, pincode in population[["state", "city", "pincode"]].itertuples(index=False):
        low, high = ranges[(state, city)]
        assert re.fullmatch(r"[1-9]\d{5}", pincode) and low <= int(pincode) <= high


def test_ages_span_12_to_80_with_a_few_minors(population: pd.DataFrame) -> None:
    ages = population["date_of_birth"].map(_age)
    assert ages.between(12, 80).all()
    assert 0.03 <= (ages < 18).mean() <= 0.10
    assert ages.max() >= 70


def test_same_seed_same_people_other_seed_other_people(population: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(generate_population(seed=20261128), population)
    other = generate_population(seed=7)
    assert not other["aadhaar"].isin(population["aadhaar"]).any()
    assert (other["name"] != population["name"]).mean() > 0.9


def test_small_population_is_valid() -> None:
    small = generate_population(50, seed=3)
    assert len(small) == 50
    assert small["aadhaar"].map(aadhaar.is_valid).all()
    assert small["pan"].map(pan.is_valid).all()
    assert small[["mobile", "aadhaar", "vpa", "account_number"]].nunique().eq(50).all()
