"""Uncertain parameters: draws respect ranges, follow their distribution, and are keyed by name."""

from __future__ import annotations

import numpy as np
import pytest
from pydantic import TypeAdapter

import sim
from sim.model.streams import Streams
from sim.scenario.draw import draw_parameters
from sim.scenario.params import Share, param
from tests.conftest import SMALL

share = TypeAdapter(Share)
rate = TypeAdapter(param(ge=0, le=1e12))


@pytest.mark.parametrize("spec, low, high, mean", [
    ({"dist": "uniform", "low": 0.2, "high": 0.6}, 0.2, 0.6, 0.4),
    ({"dist": "triangular", "low": 0.0, "mode": 0.3, "high": 0.6}, 0.0, 0.6, 0.3),
    ({"dist": "normal", "mean": 0.5, "sd": 0.1}, 0.0, 1.0, 0.5),
    ({"dist": "lognormal", "mean": 0.3, "sd": 0.05}, 0.0, 1.0, 0.3),
])
def test_draws_follow_the_distribution(spec, low, high, mean):
    distribution = share.validate_python(spec)
    draws = np.array([distribution.draw(u) for u in (np.arange(20_000) + 0.5) / 20_000])
    assert draws.min() >= low and draws.max() <= high
    assert draws.mean() == pytest.approx(mean, abs=0.005)


def test_normal_is_truncated_to_the_allowed_range_not_clipped():
    distribution = share.validate_python({"dist": "normal", "mean": 0.95, "sd": 0.1})
    draws = np.array([distribution.draw(u) for u in (np.arange(10_000) + 0.5) / 10_000])
    assert draws.max() <= 1.0
    assert (draws == 1.0).mean() < 0.001  # clipping would put ~31% of draws exactly at 1
    assert rate.validate_python({"dist": "normal", "mean": 1, "sd": 2}).draw(1e-9) >= 0


def test_fixed_numbers_accept_numeric_strings_but_not_booleans():
    assert share.validate_python("0.5") == 0.5
    with pytest.raises(ValueError, match="expected a number or a distribution"):
        share.validate_python(True)


def test_draws_are_keyed_by_parameter_path_and_replication(birth_decline):
    example = birth_decline
    streams = Streams(42, 0)
    _, draws = draw_parameters(example.spec, lambda path: streams.uniform_for("parameters", path))
    assert {key for key in draws if key.startswith("demography.birth_rate")} == {
        f"demography.birth_rate_per_1000_per_year.{year}" for year in (2025, 2026, 2027)}
    assert "demand.willingness_to_pay_median_yuan_per_month" in draws  # the defaults' own distributions
    wider = sim.load_scenario(example.path, overrides=[
        "demography.death_rate_per_1000_per_year={dist: uniform, low: 7.5, high: 8.5}"])
    _, more_draws = draw_parameters(wider.spec, lambda path: streams.uniform_for("parameters", path))
    assert set(more_draws) == {*draws, "demography.death_rate_per_1000_per_year"}
    assert all(more_draws[key] == value for key, value in draws.items())  # adding one shifts no other
    other_rep = Streams(42, 1)
    _, other = draw_parameters(example.spec, lambda path: other_rep.uniform_for("parameters", path))
    assert other != draws


def test_drawn_scenario_holds_only_numbers():
    scenario = sim.load_scenario(SMALL, overrides=[
        "demography.new_housing.occupancy_share={dist: triangular, low: 0.5, mode: 0.7, high: 0.9}"])
    streams = Streams(1, 0)
    spec, draws = draw_parameters(scenario.spec, lambda path: streams.uniform_for("parameters", path))
    assert isinstance(spec.demography.new_housing.occupancy_share, float)
    assert 0.5 <= draws["demography.new_housing.occupancy_share"] <= 0.9
    assert not isinstance(scenario.spec.demography.new_housing.occupancy_share, float)  # original untouched
