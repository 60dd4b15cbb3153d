"""``make backtest``: the histories (Hebei and the nation's stand-in from end-2020) run at every parameter set the
history calibration found to fit what Hebei knew by end-2022 about as well as its best
(``calibration/hebei_history_plausible.csv``, from ``tuoyu calibrate calibration/hebei_history.yaml``), against
the fit targets and against what came after, kept out of the fit. The band pools the sets' replications, each
set with its own draws of the parameters not fitted, so it carries the fit's uncertainty and theirs; each row
says how much of its variance lies between the sets (the fit's share). A figure, not a test.

    python -m sim.calibration.backtest [--reps N] [--seed S] [--workers W]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd

from sim.calibration.outputs import comparison_table
from sim.calibration.run import plausible_ensemble
from sim.calibration.spec import load_calibration
from sim.output import CSV_ENCODING

CALIBRATION = Path(__file__).resolve().parents[2] / "calibration"
SPEC, SETS = CALIBRATION / "hebei_history.yaml", CALIBRATION / "hebei_history_plausible.csv"


def backtest(reps: int, seed: int, workers: int | None) -> pd.DataFrame:
    """One row per fit target and backtest observation: observed, simulated mean (p5–p95) over every plausible
    set's replications, error."""
    spec = load_calibration(SPEC)
    results = plausible_ensemble(spec, pd.read_csv(SETS, encoding=CSV_ENCODING), reps, seed, workers)
    fit = comparison_table(results, spec.targets, weighted=False).assign(role="fitted")
    kept_out = comparison_table(results, spec.backtest, weighted=False).assign(role="kept out of the fit")
    return pd.concat([fit, kept_out], ignore_index=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reps", type=int, default=4)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=None)
    args = parser.parse_args()
    table = backtest(args.reps, args.seed, args.workers)
    sets = len(pd.read_csv(SETS, encoding=CSV_ENCODING))
    print(f"Backtest: {SPEC.name}, {sets} plausible parameter sets × {args.reps} replications, seed {args.seed}")
    for row in table.itertuples():
        print(f"  {row.role:20s} {row.scenario:7s} {row.observed_id:30s} {row.date}: observed {row.observed:8.4g}, "
              f"simulated {row.simulated_mean:8.4g} (p5–p95 {row.simulated_p5:.4g}–{row.simulated_p95:.4g}), error "
              f"{row.error:+.3g} ({row.relative_error:+.1%}); fit {row.fit_share:.0%} of the band's variance")


if __name__ == "__main__":
    main()
