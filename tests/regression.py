"""The fixed-seed regression baseline (回归基线): every city-level indicator of the example city at each year end,
in each of two replications of seed 1, kept at full precision in ``tests/data/regression_example_city.csv``.

``test_regression`` fails when a change moves any of them. When a change is meant to move them (a new
mechanism, a corrected default, other random numbers), regenerate the file with ``make baseline`` and say in
the commit why the numbers moved; the diff of the CSV shows by how much.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

import sim

ROOT = Path(__file__).resolve().parent.parent
SCENARIO = ROOT / "scenarios" / "example_city" / "baseline.yaml"
BASELINE = Path(__file__).resolve().parent / "data" / "regression_example_city.csv"
SEED, REPS = 1, 2
KEY = ["indicator", "month", "replication"]


def current() -> pd.DataFrame:
    """The example city's city-level year-end indicators as the model computes them now."""
    annual = sim.run(sim.load_scenario(SCENARIO), reps=REPS, seed=SEED).annual
    city = annual[annual["level"] == "city"].astype({"indicator": str, "month": str})
    return city[[*KEY, "value"]].sort_values(KEY).reset_index(drop=True)


def main() -> None:
    current().to_csv(BASELINE, index=False, float_format="%.12g")
    print(f"wrote {BASELINE.relative_to(ROOT)}: check its diff and say in the commit why the numbers moved")


if __name__ == "__main__":
    main()
