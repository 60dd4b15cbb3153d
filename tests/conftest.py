"""Shared fixtures: the small test city (3 districts, 6 streets) and the example city."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

import sim

pytest_plugins = ["tests.chart_results"]  # the result folders the chart and map tests draw from

ROOT = Path(__file__).resolve().parent.parent
SMALL = ROOT / "tests" / "data" / "small" / "scenario.yaml"
EXAMPLE = ROOT / "scenarios" / "example_city" / "baseline.yaml"
BIRTH_DECLINE = ROOT / "scenarios" / "example_city" / "birth_decline.yaml"


@pytest.fixture(scope="session")
def small() -> sim.Scenario:
    return sim.load_scenario(SMALL)


@pytest.fixture(scope="session")
def example() -> sim.Scenario:
    return sim.load_scenario(EXAMPLE)


@pytest.fixture(scope="session")
def birth_decline() -> sim.Scenario:
    return sim.load_scenario(BIRTH_DECLINE)


# CI explores the same examples on every run, so a red build is reproducible; developers' runs keep
# exploring new ones.
settings.register_profile("ci", derandomize=True, deadline=None)
if os.environ.get("CI"):
    settings.load_profile("ci")
