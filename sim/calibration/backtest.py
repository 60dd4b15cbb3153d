"""``make backtest``: each history calibration's scenarios run at every parameter set it found to fit what was
known by end-2022 about as well as its best (``calibration/<spec>_plausible.csv``, from ``tuoyu calibrate
calibration/<spec>.yaml``), against the fit targets and against what came after, kept out of the fit:

- ``hebei_history``: Hebei from end-2020 (the model's defaults come from its sets), and the nation's stand-in at
  Hebei's sets;
- ``national_history``: the nation's stand-in at the sets fitted to the nation's own 2021–22.

The band pools the sets' replications, each set with its own draws of the parameters not fitted, so it carries
the fit's uncertainty and theirs; each row says how much of its variance lies between the sets (the fit's
share). A figure, not a test.

    python -m sim.calibration.backtest [--spec NAME …] [--reps N] [--seed S] [--workers W]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd

from sim.calibration.outputs import comparison_table, share_text
from sim.calibration.run import plausible_ensemble
from sim.calibration.spec import load_calibration
from sim.output import CSV_ENCODING

CALIBRATION = Path(__file__).resolve().parents[2] / "calibration"
SPECS = ("hebei_history", "national_history")


def plausible_sets(name: str) -> pd.DataFrame:
    """The parameter sets the calibration ``name`` kept (its committed ``<name>_plausible.csv``)."""
    return pd.read_csv(CALIBRATION / f"{name}_plausible.csv", encoding=CSV_ENCODING)


def backtest(name: str, reps: int, seed: int, workers: int | None) -> pd.DataFrame:
    """One row per fit target and backtest observation of the calibration ``name``: observed, simulated mean
    (p5–p95) over every plausible set's replications, error."""
    spec = load_calibration(CALIBRATION / f"{name}.yaml")
    results = plausible_ensemble(spec, plausible_sets(name), reps, seed, workers)
    fit = comparison_table(results, spec.targets, weighted=False).assign(role="fitted")
    kept_out = comparison_table(results, spec.backtest, weighted=False).assign(role="kept out of the fit")
    return pd.concat([fit, kept_out], ignore_index=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--spec", action="append", choices=SPECS, help="a history calibration (default: each)")
    parser.add_argument("--reps", type=int, default=4)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=None)
    args = parser.parse_args()
    for name in args.spec or SPECS:
        table = backtest(name, args.reps, args.seed, args.workers)
        print(f"Backtest: {name}.yaml, {len(plausible_sets(name))} plausible parameter sets × {args.reps} "
              f"replications, seed {args.seed}")
        for row in table.itertuples():
            print(f"  {row.role:20s} {row.scenario or '':7s} {row.observed_id:30s} {row.date}: observed "
                  f"{row.observed:8.4g}, simulated {row.simulated_mean:8.4g} (p5–p95 {row.simulated_p5:.4g}–"
                  f"{row.simulated_p95:.4g}), error {row.error:+.3g} ({row.relative_error:+.1%}); fit "
                  f"{share_text(row.fit_share)} of the band's variance")


if __name__ == "__main__":
    main()
