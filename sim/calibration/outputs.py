"""What a calibration writes besides its log: the fitted values, the overlay scenario, the fit and the backtest."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.calibration.spec import CITY, CalibrationSpec, Target
from sim.errors import shown_path
from sim.results import Result
from sim.scenario import layers


def fitted_table(spec: CalibrationSpec, fitted: Sequence[float]) -> pd.DataFrame:
    """parameter, low, high, start, fitted (and the scenario's own value, for comparison)."""
    return pd.DataFrame({"parameter": list(spec.keys),
                         "low": [p.parameter.low for p in spec.parameters],
                         "high": [p.parameter.high for p in spec.parameters],
                         "start": [p.start for p in spec.parameters],
                         "scenario_value": [p.parameter.base for p in spec.parameters],
                         "fitted": list(fitted)})


# Parameter sets whose loss is within this factor of the best fit the observations about as well: the fit's
# uncertainty. At most PLAUSIBLE_SETS of them (the lowest losses) carry it into the backtest.
PLAUSIBLE_FACTOR = 2.0
PLAUSIBLE_SETS = 20


def plausible_sets(evaluations: pd.DataFrame, keys: Sequence[str]) -> pd.DataFrame:
    """The parameter sets fitting about as well as the best (loss ≤ PLAUSIBLE_FACTOR × the best), lowest first."""
    best = evaluations["loss"].min()
    found = evaluations[evaluations["loss"] <= PLAUSIBLE_FACTOR * best].sort_values("loss")
    return found[["evaluation", *keys, "loss"]].head(PLAUSIBLE_SETS).reset_index(drop=True)


def with_plausible_ranges(fitted: pd.DataFrame, plausible: pd.DataFrame) -> pd.DataFrame:
    """fitted.csv with each parameter's 10th percentile, median and 90th percentile over the plausible sets."""
    quantiles = plausible[list(fitted["parameter"])].quantile([0.1, 0.5, 0.9])
    return fitted.assign(plausible_p10=quantiles.loc[0.1].to_numpy(), plausible_median=quantiles.loc[0.5].to_numpy(),
                         plausible_p90=quantiles.loc[0.9].to_numpy(), plausible_sets=len(plausible))


def simulated(result: Result, target: Target) -> np.ndarray:
    """The target's indicator in each replication and month: replications × months."""
    if target.geography == CITY:
        return result.values(target.indicator)
    return result.values(target.indicator, "district")[:, :, target.metric.geography - 1]


def comparison_table(results: Mapping[str, Result | Sequence[Result]], targets: Sequence[Target],
                     weighted: bool) -> pd.DataFrame:
    """Per target: observed, simulated mean, p5 and p95 at its month, error and relative error; over the
    replications of its scenario's result (``results`` by scenario name), or of a sequence of them pooled (an
    ensemble of parameter sets), then with ``fit_share``: how much of the pooled variance lies between the sets
    (:func:`between_share`)."""
    rows = []
    for target in targets:
        result = results[target.scenario]
        by_set = [simulated(r, target)[:, target.metric.index]
                  for r in ([result] if isinstance(result, Result) else result)]
        values = np.concatenate(by_set)
        mean = float(np.mean(values))
        row: dict[str, Any] = {"target": target.name, "scenario": target.scenario, "indicator": target.indicator,
                               "geography": target.geography, "date": target.date, "observed": target.value,
                               "observed_id": target.observed}
        if weighted:
            row["weight"] = target.weight
        row.update(simulated_mean=mean, simulated_p5=float(np.percentile(values, 5)),
                   simulated_p95=float(np.percentile(values, 95)), error=mean - target.value,
                   relative_error=(mean - target.value) / target.value)
        if not isinstance(result, Result):
            row["fit_share"] = between_share(by_set)
        rows.append(row)
    return pd.DataFrame(rows)


def between_share(groups: Sequence[np.ndarray]) -> float:
    """The share of the pooled variance of ``groups`` that lies between their means: for an ensemble of plausible
    parameter sets, how much of the band is the fit's uncertainty rather than the other behavioural parameters'
    draws and chance (NaN without spread, or with a single set, whose fit's uncertainty the band does not hold)."""
    if len(groups) < 2:
        return float("nan")
    values = np.concatenate(groups)
    total = float(np.var(values))
    between = float(sum(len(g) * (np.mean(g) - np.mean(values)) ** 2 for g in groups)) / len(values)
    return between / total if total > 0 else float("nan")


def share_text(share: float) -> str:
    """A fit's share of a band as printed: "—" where it is not measured (NaN)."""
    return "—" if np.isnan(share) else f"{share:.0%}"


def overlay_name(scenario: str) -> str:
    """overlay.yaml, or overlay_<scenario>.yaml in a calibration of several scenarios."""
    return f"overlay_{scenario}.yaml" if scenario else "overlay.yaml"


def overlay_text(spec: CalibrationSpec, scenario: str, fitted: Sequence[float], out: Path, loss: float) -> str:
    """A scenario that ``extends:`` the calibrated ``scenario`` (path relative to ``out``, where it is written) and
    sets the spec's ``set`` overrides and the fitted values."""
    values = {p.key: int(value) if p.parameter.integer else float(value)
              for p, value in zip(spec.parameters, fitted, strict=True)}
    day = datetime.now(UTC).date().isoformat()
    header = (f"# Calibrated by `tuoyu calibrate {shown_path(spec.path)}` on {day} ({spec.method}, {spec.reps} "
              f"replications, seed {spec.seed}; loss {loss:.6g}).\n"
              f"# Targets: {', '.join(t.name for t in spec.targets)}.\n"
              f"# Run it as a scenario, or extend it: extends: {shown_path(out / overlay_name(scenario))}\n")
    base = spec.bases[scenario].scenario
    return layers.overlay_text(base.path, base.overrides, values, out, header)
