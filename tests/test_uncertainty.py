"""Bands that carry what we don't know: every unsourced behavioural parameter is drawn in each replication,
twin replications share a replication's parameters but not its chance, and the split of a band between the
two is right where it can be known."""

from __future__ import annotations

import numpy as np
import pytest

import sim
from sim.experiments.parameters import uncertain_parameters
from sim.experiments.points import BaseScenario
from sim.runner import TWIN, run_replication, twins_for
from sim.scenario.draw import draw_parameters
from sim.scenario.schema import ScenarioSpec
from tests.conftest import EXAMPLE, SMALL


def test_the_example_baseline_draws_its_unsourced_behavioural_parameters_in_every_replication(example):
    result = sim.run(example, reps=4, seed=3)
    drawn = set(result.parameters["parameter"])
    for key in ("demand.willingness_to_pay_median_yuan_per_month", "demand.return_at_new_band_share",
                "providers.exit.closure_per_month_share", "providers.entry.margin_sensitivity",
                "workforce.hiring_headroom_share", "workforce.certified_attrition_per_month_share",
                "policies.quality_evaluation.fail_share", "warm_start.recent_growth_share_per_year"):
        assert key in drawn, key
    per_replication = result.parameters.pivot(index="replication", columns="parameter", values="value")
    assert (per_replication.nunique() == 4).all()  # each replication its own draws


def test_a_twin_draws_the_parameters_of_the_replication_it_twins_and_its_own_chance(small):
    first, twin = run_replication(small, 5, 1), run_replication(small, 5, TWIN + 1)
    assert first.draws == twin.draws and first.draws
    births = list(sim.INDICATORS).index("births")
    assert not np.array_equal(first.monthly[births], twin.monthly[births])


def test_twins_are_a_quarter_of_the_replications_within_bounds():
    assert [twins_for(n) for n in (1, 3, 4, 8, 20, 100, 1000)] == [0, 0, 2, 2, 5, 25, 25]


def fixed(scenario: sim.Scenario) -> sim.Scenario:
    """The scenario with every uncertain parameter fixed at the value it draws at the median."""
    spec, _ = draw_parameters(scenario.spec, lambda path: 0.5)
    return sim.Scenario(spec=spec, city=scenario.city, path=scenario.path, files=scenario.files)


def test_with_every_parameter_fixed_the_bands_are_chance():
    """Parameters fixed: twins differ from their replication as much as replications differ from each other,
    so the share from parameters is small across indicators (a few twin pairs estimate it roughly)."""
    result = sim.run(fixed(sim.load_scenario(SMALL)), reps=40, seed=2)
    split = result.uncertainty()
    shares = split[(split["sd"] > 0) & split["parameter_share"].notna()]["parameter_share"]
    assert len(shares) > 20 and shares.median() < 0.5
    assert result.parameters.empty


def test_a_wide_uncertain_birth_rate_makes_the_births_band_almost_all_parameters():
    """Only the birth rate uncertain, over 3–12 per 1,000: a year's births differ between replications far more
    than chance moves them, so nearly all of their band is the parameter's."""
    scenario = fixed(sim.load_scenario(SMALL))
    spec = scenario.spec.model_dump(mode="json")
    spec["demography"]["birth_rate_per_1000_per_year"] = {"2024": {"dist": "uniform", "low": 3, "high": 12}}
    scenario = sim.Scenario(spec=ScenarioSpec.model_validate(spec), city=scenario.city, path=scenario.path,
                            files=scenario.files)
    split = sim.run(scenario, reps=16, seed=4).uncertainty().set_index(["indicator", "year"])
    assert split.at[("births", 2025), "parameter_share"] > 0.9


def test_a_sweep_can_take_every_uncertain_parameter_over_its_range():
    found = {key: (low, high) for key, low, high in uncertain_parameters(BaseScenario.load(EXAMPLE, []))}
    assert found["demand.willingness_to_pay_median_yuan_per_month"] == (1250, 1650)
    assert found["workforce.hiring_headroom_share"] == (0.05, 0.2)
    assert len(found) >= 30


@pytest.mark.parametrize("spec", ["sweep_tornado.yaml", "sweep_sobol.yaml"])
def test_the_example_sweeps_include_every_uncertain_parameter(spec):
    from sim.experiments.spec import load_sweep

    sweep = load_sweep(EXAMPLE.parent / spec, [], None, None, [], None, None, [])
    found = {key for key, _, _ in uncertain_parameters(sweep.base)}
    assert found <= {p.key for p in sweep.parameters}
