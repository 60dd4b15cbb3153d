"""Helpers shared by the model tests."""

from __future__ import annotations

import numpy as np

import sim
from sim.model.engine import build
from sim.model.streams import Streams
from sim.scenario.draw import draw_parameters


def drawn(scenario: sim.Scenario, seed: int = 1, rep: int = 0):
    streams = Streams(seed, rep)
    spec, _ = draw_parameters(scenario.spec, lambda path: streams.uniform_for("parameters", path))
    return spec, streams


def staff_flows_balance(values: dict[str, np.ndarray], initial_stock: float) -> None:
    """Carers employed + certified job-seekers + new entrants in training change by inflows − outflows."""
    def city(name: str) -> np.ndarray:
        return values[name].sum(axis=1)

    stock = city("staff_employed") + city("staff_job_seekers") + city("staff_trainees_entrants")
    inflows = city("staff_graduates") + city("staff_hired_uncertified") + city("staff_training_entrants")
    outflows = (city("staff_attrition") + city("staff_job_seeker_exits") + city("staff_training_failed")
                + city("staff_laid_off"))
    np.testing.assert_allclose(np.diff(np.concatenate([[initial_stock], stock])), inflows - outflows, atol=1e-6)


def initial_staff_stock(scenario: sim.Scenario, seed: int = 1) -> float:
    spec, streams = drawn(scenario, seed)
    _, _, state, _ = build(spec, scenario.city, streams)
    providers = state.providers
    return float(providers.certified[: providers.n].sum() + providers.uncertified[: providers.n].sum()
                 + state.staff.job_seekers.sum())
