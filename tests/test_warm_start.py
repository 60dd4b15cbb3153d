"""The warm start: the market begins in a state its own dynamics hold, so with flat births and no lever the
first months show no start-up transient; the warm-up is common to scenarios with the same seed."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

import sim
from sim.indicators import INDICATORS
from sim.model.engine import build
from tests.conftest import EXAMPLE
from tests.helpers import drawn

STEADY = ["demography.birth_rate_per_1000_per_year={2000: 5.9}", "demography.net_migration_per_1000_per_year=0",
          "geography.new_housing_csv=null", "policies={}", "budget=null", "horizon.end=2026-12",
          "providers.entry.max_entries_per_district_per_year=0", "providers.exit.closure_per_month_share=0",
          "warm_start.recent_growth_share_per_year=0"]
# Trends by construction: residents fall (5.9 births against 8.2 deaths per 1,000), money adds up; and the
# certified share starts at the scenario's value (an input, as places are) and moves with the workforce's flows.
TRENDING = {"population", "places_per_1000", "children_0_3_per_1000", "spend_cumulative", "staff_certified",
            "staff_uncertified", "certification_rate"}


def steady_city(*overrides: str) -> sim.Scenario:
    """The example city with flat births, no lever, no migration or new housing, and its providers as they are
    (no entry, exit or pipeline)."""
    scenario = sim.load_scenario(EXAMPLE, overrides=[*STEADY, *overrides])
    open_only = tuple(p for p in scenario.city.providers if p.status == "open")
    return dataclasses.replace(scenario, city=dataclasses.replace(scenario.city, providers=open_only))


def start_up_transients(result: sim.Result) -> list[str]:
    """Indicators whose mean over the first three months lies outside the 5–95% range of the months of the
    second year (all replications)."""
    out = []
    for name in INDICATORS:
        values = result.values(name)
        if name in TRENDING or not np.nanmax(np.abs(values)) > 0:
            continue
        low, high = np.nanpercentile(values[:, 12:24], [5, 95])
        first = np.nanmean(values[:, :3])
        if not low - 1e-9 <= first <= high + 1e-9:
            out.append(f"{name}: first months {first:.4g}, second year {low:.4g}–{high:.4g}")
    return out


@pytest.fixture(scope="module")
def warm():
    return sim.run(steady_city(), reps=8, seed=1)


def test_with_flat_births_and_no_lever_every_indicator_starts_within_its_band_of_the_following_year(warm):
    assert start_up_transients(warm) == []


def test_a_cold_start_shows_the_transient_the_warm_start_removes():
    cold = sim.run(steady_city("warm_start.burn_in_months=0"), reps=8, seed=1)
    found = start_up_transients(cold)
    assert any(line.startswith("waitlist:") for line in found)
    assert any(line.startswith("enrolment_rate:") for line in found)


def test_the_warm_start_is_common_to_scenarios_with_the_same_seed(example):
    """The warm-up runs before any lever is installed: a policy package starts from the baseline's state."""
    plan = sim.load_scenario(EXAMPLE.parent / "three_year_plan.yaml")
    states = []
    for scenario in (example, plan):
        spec, streams = drawn(scenario, seed=4)
        states.append(build(spec, scenario.city, streams)[2])
    base, other = states
    n = base.providers.n  # the plan's levers may already have added providers at t = 0
    np.testing.assert_array_equal(base.waiting, other.waiting)
    np.testing.assert_array_equal(base.providers.enrolled[:n], other.providers.enrolled[:n])
    np.testing.assert_array_equal(base.providers.certified[:n], other.providers.certified[:n])
    assert base.providers.enrolled[:n].sum() > 0 and base.waiting.sum() > 0
