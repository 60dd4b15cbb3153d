"""``make bench``: speed of the example city, printed as figures (no pass/fail; tests never time code).

    python -m sim.bench [--reps N] [--scenario FILE]
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import simpy

import sim
from sim.indicators import base_indicators
from sim.model.population import initial_population, population_process
from sim.model.record import MonthlyRecord
from sim.model.streams import Streams
from sim.runner import run_replication

EXAMPLE = Path(__file__).resolve().parent.parent / "scenarios" / "example_city" / "baseline.yaml"


def _timed(function, *args) -> float:
    start = time.perf_counter()
    function(*args)
    return time.perf_counter() - start


def _population_only(scenario: sim.Scenario, replication: int) -> None:
    spec, city = scenario.spec, scenario.city
    env = simpy.Environment()
    record = MonthlyRecord(base_indicators(), spec.horizon.months, city.n_streets)
    env.process(population_process(env, initial_population(spec, city), spec, city, Streams(0, replication), record))
    env.run(until=spec.horizon.months)


def _ms(seconds: list[float]) -> str:
    return f"{statistics.median(seconds) * 1000:7.1f} ms (min {min(seconds) * 1000:.1f}, max {max(seconds) * 1000:.1f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reps", type=int, default=20, help="replications to time")
    parser.add_argument("--scenario", type=Path, default=EXAMPLE)
    args = parser.parse_args()

    load_s = _timed(sim.load_scenario, args.scenario)
    scenario = sim.load_scenario(args.scenario)
    run_replication(scenario, 0, 0)  # warm-up: imports, caches
    population = [_timed(_population_only, scenario, rep) for rep in range(args.reps)]
    whole = [_timed(run_replication, scenario, 0, rep) for rep in range(args.reps)]
    tables_s = _timed(lambda: sim.run(scenario, 1, 0).monthly)

    city = scenario.city
    print(f"scenario: {scenario.name} ({city.n_districts} districts, {city.n_streets} streets, "
          f"{city.population.sum():,.0f} residents, {len(city.providers)} providers, "
          f"{scenario.spec.horizon.months} months)")
    print(f"load scenario and CSVs:             {load_s * 1000:7.1f} ms")
    print(f"population engine, one replication: {_ms(population)}   target ≤ 20 ms")
    print(f"whole model, one replication:       {_ms(whole)}   target ≤ 100 ms")
    print(f"whole model, replications per second: {1 / statistics.median(whole):.1f}")
    print(f"one replication incl. tidy tables:  {tables_s * 1000:7.1f} ms")


if __name__ == "__main__":
    main()
