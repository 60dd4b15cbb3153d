"""The Hebei province scenario 河北省: its CSVs are what the generator makes, and its totals are the documented ones.

Only one test runs the province model, for one replication over two months.
"""

from __future__ import annotations

import subprocess
import sys
from collections import Counter

import numpy as np
import pytest

import sim
from tests.conftest import ROOT

PROVINCE = ROOT / "scenarios" / "hebei"
FILES = ("districts.csv", "streets.csv", "streets_2022.csv", "streets_2020.csv", "new_housing.csv", "providers.csv",
         "providers_2022.csv", "providers_2020.csv", "providers_nation_2020.csv")
CLASS_SIZES = np.array([10, 15, 20, 18])  # 乳儿班, 托小班, 托大班, mixed (NHC 2019)
CITY_CODES = {"SJZ", "TS", "QHD", "HD", "XT", "BD", "ZJK", "CD", "CZ", "LF", "HS", "XJ", "DZ"}


@pytest.fixture(scope="module")
def baseline() -> sim.Scenario:
    return sim.load_scenario(PROVINCE / "baseline.yaml")


@pytest.fixture(scope="module")
def backtest() -> sim.Scenario:
    return sim.load_scenario(PROVINCE / "backtest_2023.yaml")


def open_places_per_1000(scenario: sim.Scenario) -> float:
    city = scenario.city
    places = sum(int(CLASS_SIZES @ np.array(p.classes)) for p in city.providers if p.status == "open")
    return places * 1000 / city.population.sum()


def test_generator_reproduces_the_committed_csvs(tmp_path):
    script = PROVINCE / "generate_province.py"
    subprocess.run([sys.executable, str(script), "--out", str(tmp_path)], check=True, capture_output=True)
    for name in FILES:
        assert (tmp_path / name).read_bytes() == (PROVINCE / name).read_bytes(), name


def test_province_has_hebei_residents_and_units(baseline):
    """7,378万 residents (end-2024); 168 county-level units (47 / 20 / 101) in 13 cities; ≈2,000–2,250 units."""
    city = baseline.city
    assert abs(city.population.sum() - 73_780_000) <= 1_000
    assert city.n_districts == 168
    assert Counter(city.district_kinds) == {"urban_district": 47, "county_level_city": 20, "county": 101}
    assert {d.rstrip("0123456789") for d in city.district_ids} == CITY_CODES
    assert 2_000 <= city.n_streets <= 2_250
    assert Counter(city.street_kinds)["town"] == 1_970  # townships and towns, ≈2017 (facts: official, secondary)


def test_province_providers_at_the_documented_levels(baseline, backtest):
    """≈4.0 places per 1,000 at 2025-01 (assumption, ±3%); ≈3,705 institutions and 3.04 per 1,000 at end-2022."""
    assert 3.88 <= open_places_per_1000(baseline) <= 4.12
    assert 4_600 <= len(baseline.city.providers) <= 5_200
    assert abs(backtest.city.population.sum() - 74_200_000) <= 1_000
    assert len(backtest.city.providers) == 3_705
    assert 2.95 <= open_places_per_1000(backtest) <= 3.13
    ids_2025 = {p.provider_id for p in baseline.city.providers}
    assert {p.provider_id for p in backtest.city.providers} <= ids_2025  # the 2022 providers still exist in 2025


def test_the_histories_start_at_their_end_2020_levels():
    """Hebei from 2.19 places per 1,000 (derived) and the nation's stand-in from its 1.8 (NHC), on the same
    streets; the stand-in's providers are a subset of Hebei's, with the nation's births and target alone."""
    hebei = sim.load_scenario(PROVINCE / "history_2021.yaml")
    nation = sim.load_scenario(PROVINCE / "history_national.yaml")
    assert 2.12 <= open_places_per_1000(hebei) <= 2.26
    assert 1.75 <= open_places_per_1000(nation) <= 1.85
    assert {p.provider_id for p in nation.city.providers} < {p.provider_id for p in hebei.city.providers}
    assert nation.city.street_ids == hebei.city.street_ids
    assert nation.spec.demography.birth_rate_per_1000_per_year[2021] == 7.52
    assert [t.at_least for t in nation.spec.all_targets()] == [4.5]


def test_backtest_starts_at_end_2022_with_the_births_before_it(backtest):
    spec = backtest.spec
    assert (spec.horizon.start, spec.horizon.end) == ("2023-01", "2023-12")
    assert {2020, 2021, 2022, 2023} <= set(spec.demography.birth_rate_per_1000_per_year)
    assert spec.policies.household_subsidy is None  # from 2025-01 only


def test_province_model_runs_one_short_replication():
    """Children under 3 at 2023-01 come from 2020–2022 births (159万, statistical communiqués), less mortality."""
    scenario = sim.load_scenario(PROVINCE / "backtest_2023.yaml", overrides=["horizon.end=2023-02"])
    result = sim.run(scenario, reps=1, seed=1)
    children = result.values("children_0_3")[0, 0]
    assert 1_500_000 < children < 1_620_000
    assert 2.9 < result.values("places_per_1000")[0, 0] < 3.2
