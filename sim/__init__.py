"""tuoyu-sim: a discrete-event model of a city's childcare (托育) system for children aged 0–3.

    import sim
    scenario = sim.load_scenario("scenarios/example_city/baseline.yaml", overrides=["horizon.end=2026-12"])
    result = sim.run(scenario, reps=50, seed=1)
    result.monthly      # tidy table: replication, month, level, geography, indicator, value
    result.summary()    # mean, p5, p50, p95 per indicator and year
    result.at("places_per_1000", "2025-12")   # each replication's value at a month end
    folder = sim.load_results("results/example_city/baseline")   # a saved folder's tables (no matplotlib)
"""

from importlib import metadata

from sim.errors import InputError, Problem
from sim.indicators import INDICATORS
from sim.result_folders import load as load_results
from sim.results import Result
from sim.runner import run, run_replication
from sim.scenario.load import Scenario, load_scenario

try:  # the version is the installed package's (pyproject.toml holds it, once)
    __version__ = metadata.version("tuoyu-sim")
except metadata.PackageNotFoundError:  # run from a checkout that is not installed
    __version__ = "0+unknown"

__all__ = [
           "INDICATORS",
           "InputError",
           "Problem",
           "Result",
           "Scenario",
           "__version__",
           "load_results",
           "load_scenario",
           "run",
           "run_replication",
]
