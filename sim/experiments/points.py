"""A sweep's model: the scenario with one point's parameter values applied, run for a few replications.

The scenario's YAML and CSVs are read once; a point only re-validates the settings with its values set
(as ``--set`` would) and reuses the city's arrays, so thousands of points do not re-read files.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from sim.errors import shown_path
from sim.experiments.metrics import Metric, point_value
from sim.runner import run_replication
from sim.scenario.layers import apply_overrides, load_layers
from sim.scenario.load import Scenario, load_scenario
from sim.scenario.validate import validate_spec
from sim.scenario.yamlio import Locations


def yaml_value(value: float) -> str:
    """A number as ``--set`` reads it back exactly (``1e-05`` alone would be read as text by YAML 1.1)."""
    plain = value.item() if hasattr(value, "item") else value  # NumPy numbers → Python's, which YAML knows
    return yaml.safe_dump(plain).removesuffix("\n...\n").strip()


@dataclass(frozen=True)
class BaseScenario:
    """A validated scenario and the data it was validated from, to apply a point's values to."""

    scenario: Scenario
    data: dict[str, Any]
    locations: Locations

    @classmethod
    def load(cls, path: Path, overrides: Sequence[str] = ()) -> BaseScenario:
        scenario = load_scenario(path, overrides)
        data, locations, _ = load_layers(Path(path))
        return cls(scenario, apply_overrides(data, locations, list(overrides)), locations)

    def with_values(self, values: Mapping[str, float]) -> Scenario:
        """The scenario with each key set to its value; raises InputError if a value is not allowed there."""
        overrides = [f"{key}={yaml_value(value)}" for key, value in values.items()]
        locations = dict(self.locations)
        data = apply_overrides(self.data, locations, overrides)
        spec = validate_spec(data, locations, shown_path(self.scenario.path))
        return dataclasses.replace(self.scenario, spec=spec, overrides=(*self.scenario.overrides, *overrides))


@dataclass(frozen=True)
class Points:
    """Task: one point's parameter values (in ``keys`` order) → each metric's mean over ``reps`` replications.
    Every point uses replications 0…reps−1 of the root seed: common random numbers across points."""

    base: BaseScenario
    keys: tuple[str, ...]
    metrics: tuple[Metric, ...]
    reps: int
    seed: int

    def __call__(self, values: Sequence[float]) -> np.ndarray:
        scenario = self.base.with_values(dict(zip(self.keys, values, strict=True)))
        return point_value(self.metrics, [run_replication(scenario, self.seed, r) for r in range(self.reps)])
