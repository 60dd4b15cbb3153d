"""Shared fixtures: the small test city (3 districts, 6 streets) and the example city."""

from __future__ import annotations

from pathlib import Path

import pytest

import sim

ROOT = Path(__file__).resolve().parent.parent
SMALL = ROOT / "tests" / "data" / "small" / "scenario.yaml"
EXAMPLE = ROOT / "scenarios" / "example_city.yaml"


@pytest.fixture(scope="session")
def small() -> sim.Scenario:
    return sim.load_scenario(SMALL)


@pytest.fixture(scope="session")
def example() -> sim.Scenario:
    return sim.load_scenario(EXAMPLE)
