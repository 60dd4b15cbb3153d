"""The population engine: conservation, determinism, birth counts against the Poisson variance, CRN."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import sim
from sim.model.bands import AGES
from sim.model.engine import simulate
from sim.model.numerics import district_sums
from sim.model.population import birth_rate_per_month, initial_population
from sim.model.streams import Streams
from sim.runner import run_replication
from sim.scenario.city import City
from sim.scenario.draw import draw_parameters
from sim.scenario.months import month_number
from sim.scenario.schema import ScenarioSpec
from tests.conftest import SMALL


def run_streets(scenario_spec: ScenarioSpec, city: City, seed: int = 1, rep: int = 0):
    streams = Streams(seed, rep)
    spec, _ = draw_parameters(scenario_spec, lambda path: streams.uniform_for("parameters", path))
    simulation = simulate(spec, city, streams)
    return spec, simulation.values, simulation.initial


def previous(stock: np.ndarray, start: np.ndarray) -> np.ndarray:
    """Stock at the start of each month: the initial stock, then each month's end."""
    return np.vstack([start[None, :], stock[:-1]])


def assert_conserved(values: dict[str, np.ndarray], initial: dict[str, np.ndarray]) -> None:
    children, population = values["children_0_3"], values["population"]
    change = children - previous(children, initial["children_0_3"])
    flows = (values["births"] - values["child_deaths"] - values["children_aged_out"]
             + values["child_net_migration"])
    np.testing.assert_allclose(change, flows, atol=1e-6)
    change = population - previous(population, initial["population"])
    flows = (values["births"] - values["deaths"] + values["net_migration"] + values["new_housing_residents"]
             - values["relocated_to_new_housing"])
    np.testing.assert_allclose(change, flows, atol=1e-6)


def test_children_and_residents_conserved_every_month_and_street(small):
    _, values, initial = run_streets(small.spec, small.city)
    assert values["births"].sum() > 0 and values["children_aged_out"].sum() > 0
    assert values["new_housing_residents"].sum() > 0 and values["child_deaths"].sum() > 0
    assert (values["child_net_migration"] < 0).any()  # county B loses residents
    assert_conserved(values, initial)


def test_relocations_stay_within_their_district(small):
    _, values, _ = run_streets(small.spec, small.city)
    city = small.city
    moved_in = district_sums(city, values["new_housing_residents"])
    relocated = district_sums(city, values["relocated_to_new_housing"])
    share = small.spec.demography.new_housing.relocated_within_district_share
    np.testing.assert_allclose(relocated, np.round(moved_in * share), atol=1e-6)


def test_same_seed_same_tables_other_seed_other_tables(small):
    first, again, other = (sim.run(small, reps=3, seed=s) for s in (7, 7, 8))
    assert first.monthly.equals(again.monthly) and first.annual.equals(again.annual)
    assert not first.monthly["value"].equals(other.monthly["value"])


def test_replication_depends_only_on_seed_and_index(small):
    alone = run_replication(small, 11, 4)
    in_batch = sim.run(small, reps=5, seed=11)
    np.testing.assert_array_equal(alone.monthly, in_batch._monthly[4])


def test_births_match_the_rate_within_poisson_tolerance():
    """Given the residents at the start of a month, births are Poisson(residents × rate / 12): summed over
    street-months and replications, observed − expected is within 4 standard deviations (√expected)."""
    scenario = sim.load_scenario(SMALL, overrides=["demography.birth_rate_per_1000_per_year={2020: 7.5}"])
    rate = birth_rate_per_month(scenario.spec.demography, month_number(scenario.spec.horizon.start))
    assert rate == pytest.approx(7.5 / 1000 / 12)
    observed = expected = 0.0
    for rep in range(40):
        _, values, initial = run_streets(scenario.spec, scenario.city, seed=3, rep=rep)
        observed += values["births"].sum()
        expected += (previous(values["population"], initial["population"]) * rate).sum()
    assert abs(observed - expected) < 4 * np.sqrt(expected), (observed, expected)


def test_seasonality_shifts_births_between_months():
    winter = [3.0] + [1.0] * 11
    scenario = sim.load_scenario(SMALL, overrides=[f"demography.birth_seasonality_by_month={winter}"])
    result = sim.run(scenario, reps=30, seed=2)
    births = result.values("births")
    january, february = births[:, 0].sum(), births[:, 1].sum()
    assert january > 2.4 * february  # expected ratio 3; Poisson noise on ~2,000 births is ~2%


def test_without_deaths_or_migration_children_only_age():
    scenario = sim.load_scenario(SMALL, overrides=[
        "demography.infant_mortality_per_1000_births=0", "demography.child_mortality_per_1000_per_year=0",
        "demography.net_migration_by_district_per_1000_per_year={}", "demography.net_migration_per_1000_per_year=0",
        "demography.new_housing.occupancy_share=0"])
    _, values, _ = run_streets(scenario.spec, scenario.city)
    for name in ("child_deaths", "child_net_migration", "new_housing_residents", "net_migration"):
        assert not values[name].any(), name
    # A child born in month t leaves exactly 36 months later.
    np.testing.assert_array_equal(values["children_aged_out"][AGES:], values["births"][:-AGES])


def test_initial_children_scale_to_the_streets_file_when_given(small):
    city = small.city
    with_counts = dataclasses.replace(city, children_0_3=np.array([900.0, 0, 400, 50, 700, 300]))
    children = initial_population(small.spec, with_counts).children.sum(axis=1)
    np.testing.assert_allclose(children, [900, 0, 400, 50, 700, 300], atol=AGES)


def test_common_random_numbers_make_births_monotone_in_the_birth_rate():
    """With the same seed, a higher birth rate never gives fewer births in any street and month."""
    low, high = (sim.load_scenario(SMALL, overrides=[f"demography.birth_rate_per_1000_per_year={{2020: {r}}}"])
                 for r in (5.0, 5.5))
    for rep in range(5):
        _, low_values, _ = run_streets(low.spec, low.city, seed=9, rep=rep)
        _, high_values, _ = run_streets(high.spec, high.city, seed=9, rep=rep)
        assert (high_values["births"] >= low_values["births"]).all()
        assert high_values["births"].sum() > low_values["births"].sum()


def test_distributions_are_drawn_once_per_replication_within_their_range(birth_decline):
    result = sim.run(birth_decline, reps=12, seed=5)
    draws = result.parameters.pivot(index="replication", columns="parameter", values="value")
    rate_2025 = draws["demography.birth_rate_per_1000_per_year.2025"]
    assert rate_2025.between(4.9, 5.9).all() and rate_2025.nunique() == 12


# --- invariants on generated cities (hypothesis) ---------------------------------------------------

@st.composite
def cities_and_specs(draw):
    n_districts = draw(st.integers(1, 3))
    n_streets = draw(st.integers(1, 6))
    street_district = np.array([draw(st.integers(0, n_districts - 1)) for _ in range(n_streets)])
    population = np.array([draw(st.integers(0, 150_000)) for _ in range(n_streets)], dtype=float)
    housing = tuple((draw(st.integers(0, n_streets - 1)), f"2025-{draw(st.integers(1, 12)):02d}",
                     draw(st.integers(0, 20_000))) for _ in range(draw(st.integers(0, 4))))
    district_ids = tuple(f"D{i}" for i in range(n_districts))
    city = City(district_ids=district_ids, district_names_zh=district_ids, district_names_en=district_ids,
                district_kinds=("county",) * n_districts, street_ids=tuple(f"S{i}" for i in range(n_streets)),
                street_names_zh=("s",) * n_streets, street_names_en=("s",) * n_streets,
                street_kinds=("street",) * n_streets, street_district=street_district, population=population,
                new_housing=housing)
    rate = st.floats(0, 30)
    spec = ScenarioSpec.model_validate({
        "meta": {"name": "generated"},
        "horizon": {"start": "2025-01", "end": f"202{draw(st.integers(5, 7))}-{draw(st.integers(1, 12)):02d}"},
        "geography": {"districts_csv": "-", "streets_csv": "-"},
        "demography": {
            "birth_rate_per_1000_per_year": {2024: draw(rate), 2026: draw(rate)},
            "infant_mortality_per_1000_births": draw(st.floats(0, 50)),
            "child_mortality_per_1000_per_year": draw(st.floats(0, 10)),
            "death_rate_per_1000_per_year": draw(st.floats(0, 30)),
            "net_migration_per_1000_per_year": draw(st.floats(-60, 60)),
            "net_migration_by_district_per_1000_per_year": {"D0": draw(st.floats(-200, 200))},
            "new_housing": {"move_in_lag_months": draw(st.integers(0, 12)),
                            "occupancy_share": draw(st.floats(0, 1)),
                            "relocated_within_district_share": draw(st.floats(0, 1)),
                            "children_0_3_per_1000_newcomers": draw(st.floats(0, 100))},
        },
    })
    return spec, city


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cities_and_specs(), st.integers(0, 2**32 - 1))
def test_generated_cities_conserve_people_and_stay_non_negative(case, seed):
    spec, city = case
    _, values, initial = run_streets(spec, city, seed=seed)
    assert_conserved(values, initial)
    for name in ("population", "children_0_3", "births", "child_deaths", "children_aged_out", "deaths",
                 "new_housing_residents", "relocated_to_new_housing"):
        assert (values[name] >= -1e-9).all(), name
    assert (values["children_0_3"] <= values["population"] + 1e-6).all()


def test_district_sums_add_each_district_s_streets(small):
    city = small.city
    values = np.arange(2 * 3 * city.n_streets, dtype=float).reshape(2, 3, city.n_streets)
    sums = district_sums(city, values)
    assert sums.shape == (2, 3, city.n_districts)
    for d in range(city.n_districts):
        np.testing.assert_array_equal(sums[..., d], values[..., city.street_district == d].sum(axis=-1))
    np.testing.assert_array_equal(district_sums(city, values[0, 0]), sums[0, 0])
