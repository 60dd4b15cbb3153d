"""The example city 示例市: its CSVs are what the generator makes, and it looks like a Hebei city."""

from __future__ import annotations

import subprocess
import sys

import sim
from sim.decisions.spec import load_optimize
from sim.experiments.spec import is_sweep_spec, load_sweep
from sim.scenario.yamlio import read_yaml
from tests.conftest import ROOT

CITY = ROOT / "scenarios" / "example_city"


def test_generator_reproduces_the_committed_csvs(tmp_path):
    subprocess.run([sys.executable, str(CITY / "generate_city.py"), "--out", str(tmp_path)],
                   check=True, capture_output=True)
    for name in ("districts.csv", "streets.csv", "new_housing.csv", "providers.csv"):
        assert (tmp_path / name).read_bytes() == (CITY / name).read_bytes(), name


def test_example_city_has_the_size_of_a_hebei_prefecture_city(example):
    city = example.city
    assert 6.5e6 < city.population.sum() < 7.5e6
    assert 14 <= city.n_districts <= 18 and 160 <= city.n_streets <= 200
    assert set(city.street_kinds) == {"street", "town"} and set(city.district_kinds) == {
        "urban_district", "county_level_city", "county"}
    assert city.new_housing


def test_example_city_births_and_children_are_plausible(example):
    """≈41,000 births a year at 5.9‰ for 7 M residents; ≈120,000 children under 3 at the start (facts §9)."""
    result = sim.run(example, reps=5, seed=1)
    births_2025 = result.values("births")[:, :12].sum(axis=1)
    assert (births_2025 > 30_000).all() and (births_2025 < 45_000).all()
    children = result.values("children_0_3")[:, 0]
    assert ((children > 105_000) & (children < 130_000)).all()


def test_every_committed_scenario_sweep_and_optimisation_spec_validates():
    files = sorted((ROOT / "scenarios").rglob("*.yaml"))
    specs = [path for path in files if is_sweep_spec(path)]  # sweep and optimisation specs name a scenario
    optimisations = [path for path in specs if "decisions" in read_yaml(path)[0]]
    assert len(files) - len(specs) >= 2 and optimisations and len(specs) > len(optimisations)
    for path in files:
        if path in optimisations:
            assert load_optimize(path).decisions, path
        elif path in specs:
            assert load_sweep(path, [], None, None, [], None, None, []).parameters, path
        else:
            assert sim.load_scenario(path).city.n_streets > 0, path


def test_birth_decline_layers_on_the_baseline(example, birth_decline):
    assert birth_decline.spec.demography.death_rate_per_1000_per_year == \
        example.spec.demography.death_rate_per_1000_per_year
    assert birth_decline.spec.geography == example.spec.geography  # CSV paths resolved against the base file
    low = sim.run(birth_decline, reps=8, seed=3).values("births").sum()
    high = sim.run(example, reps=8, seed=3).values("births").sum()
    assert low < high
