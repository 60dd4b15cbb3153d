"""Imported by the process pool's fork server: one short replication of a tiny built-in city, so the compiled
loops are loaded once there and every worker forked from it starts with them (loading them costs each fresh
process about half a second)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from sim.runner import run_replication
from sim.scenario.city import City, ProviderSeed
from sim.scenario.load import Scenario
from sim.scenario.schema import ScenarioSpec


def warm_up() -> None:
    """Run a three-month replication of a two-street city with a public and a private provider."""
    seeds = tuple(ProviderSeed(f"P{i}", i, type_, inclusive, fee, (1, 2, 2, 1))
                  for i, (type_, inclusive, fee) in enumerate((("public", True, 1200.0),
                                                               ("private_market", False, 2500.0))))
    city = City(district_ids=("D",), district_names_zh=("D",), district_names_en=("D",), district_kinds=("county",),
                street_ids=("S0", "S1"), street_names_zh=("S0", "S1"), street_names_en=("S0", "S1"),
                street_kinds=("street", "town"), street_district=np.zeros(2, dtype=np.intp),
                population=np.array([60_000.0, 40_000.0]), providers=seeds)
    spec = ScenarioSpec.model_validate({
        "meta": {"name": "warm-up"}, "horizon": {"start": "2025-01", "end": "2025-03"},
        "geography": {"districts_csv": "-", "streets_csv": "-"},
        "demography": {"birth_rate_per_1000_per_year": {2025: 6.0}},
    })
    run_replication(Scenario(spec=spec, city=city, path=Path("."), files=()), 0, 0)


warm_up()
