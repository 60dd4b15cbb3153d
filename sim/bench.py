"""``make bench``: speed of the example city, printed as figures (no pass/fail; tests never time code).

    python -m sim.bench [--reps N]
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import sim
from sim.runner import run_replication

EXAMPLE = Path(__file__).resolve().parent.parent / "scenarios" / "example_city" / "baseline.yaml"


def _timed(function, *args) -> float:
    start = time.perf_counter()
    function(*args)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reps", type=int, default=50, help="replications to time")
    parser.add_argument("--scenario", type=Path, default=EXAMPLE)
    args = parser.parse_args()

    load_s = _timed(sim.load_scenario, args.scenario)
    scenario = sim.load_scenario(args.scenario)
    run_replication(scenario, 0, 0)  # warm-up: imports, caches
    per_rep = [_timed(run_replication, scenario, 0, rep) for rep in range(args.reps)]
    result_s = _timed(sim.run, scenario, args.reps, 0)
    tables_s = _timed(lambda: sim.run(scenario, 1, 0).monthly)

    city = scenario.city
    print(f"scenario: {scenario.name} ({city.n_districts} districts, {city.n_streets} streets, "
          f"{city.population.sum():,.0f} residents, {scenario.spec.horizon.months} months)")
    print(f"load scenario and CSVs:          {load_s * 1000:8.1f} ms")
    print(f"one replication, median of {args.reps}:  {statistics.median(per_rep) * 1000:8.1f} ms "
          f"(min {min(per_rep) * 1000:.1f}, max {max(per_rep) * 1000:.1f})   target ≤ 20 ms")
    print(f"sim.run with {args.reps} replications:     {result_s:8.2f} s  ({args.reps / result_s:.1f} replications/s)")
    print(f"one replication incl. tidy table: {tables_s * 1000:8.1f} ms")


if __name__ == "__main__":
    main()
