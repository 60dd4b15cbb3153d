"""tuoyu-sim: a discrete-event model of a city's childcare (托育) system for children aged 0–3.

    import sim
    scenario = sim.load_scenario("scenarios/example_city/baseline.yaml", overrides=["horizon.end=2026-12"])
    result = sim.run(scenario, reps=50, seed=1)
    result.monthly      # tidy table: replication, month, level, geography, indicator, value
    result.summary()    # mean, p5, p50, p95 per indicator and year
"""

from sim.errors import InputError, Problem
from sim.indicators import INDICATORS
from sim.results import Result
from sim.runner import run, run_replication
from sim.scenario.load import Scenario, load_scenario

__version__ = "0.1.0"

__all__ = [
           "INDICATORS",
           "InputError",
           "Problem",
           "Result",
           "Scenario",
           "__version__",
           "load_scenario",
           "run",
           "run_replication",
]
