"""Sensitivity of each metric to each parameter, by method (the columns of a sweep's analysis.csv):

- oat: the metric at each parameter's low and high value, the swing between them (a tornado chart);
- sobol: first-order and total-order indices with the half-width of their 95% interval (SALib, bootstrap);
- morris: μ, μ* (mean absolute elementary effect) with its 95% interval, σ (SALib);
- lhs, grid: Spearman rank correlation and standardised regression coefficient of the metric on the parameters.

Notes flag what a reader should not trust: an interval wider than ``WIDE`` or an index whose interval
reaches zero.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from SALib.analyze import morris, sobol
from scipy import stats

from sim.experiments.parameters import Parameter
from sim.experiments.samplers import MORRIS_LEVELS, problem

WIDE = 0.1  # half-width of a Sobol index's 95% interval beyond which the estimate is too rough to rank by
RESAMPLES = 1000
COLUMNS = {
    "oat": ["metric", "parameter", "low", "high", "base", "output_low", "output_high", "output_base", "swing"],
    "sobol": ["metric", "parameter", "S1", "S1_conf", "ST", "ST_conf"],
    "morris": ["metric", "parameter", "mu", "mu_star", "mu_star_conf", "sigma"],
    "lhs": ["metric", "parameter", "spearman", "src"],
    "grid": ["metric", "parameter", "spearman", "src"],
}


def analyse(method: str, parameters: Sequence[Parameter], points: np.ndarray, outputs: pd.DataFrame,
            seed: int) -> tuple[pd.DataFrame, list[str]]:
    """analysis.csv's rows for every metric (a column of ``outputs``, one row per point) and the notes."""
    rows: list[dict] = []
    notes: list[str] = []
    for metric in outputs.columns:
        y = outputs[metric].to_numpy(dtype=float)
        if not np.isfinite(y).all():
            notes.append(f"{metric}: some runs have no value (a ratio with nothing to divide by); not analysed")
            continue
        if np.ptp(y) == 0:
            notes.append(f"{metric}: the same in every run; no parameter moves it within these ranges")
            continue
        found = _ANALYSES[method](parameters, points, y, seed)
        block = [{"metric": metric, "parameter": p.key, **values} for p, values in zip(parameters, found, strict=True)]
        if method == "oat":  # a tornado: the largest swing on top
            block.sort(key=lambda row: -row["swing"])
        rows += block
        notes += _notes(method, metric, parameters, found)
    return pd.DataFrame(rows, columns=COLUMNS[method]), notes


def _oat(parameters: Sequence[Parameter], points: np.ndarray, y: np.ndarray, seed: int) -> list[dict]:
    return [{"low": p.low, "high": p.high, "base": p.base, "output_low": y[1 + 2 * i],
             "output_high": y[2 + 2 * i], "output_base": y[0], "swing": abs(y[2 + 2 * i] - y[1 + 2 * i])}
            for i, p in enumerate(parameters)]


def _sobol(parameters: Sequence[Parameter], points: np.ndarray, y: np.ndarray, seed: int) -> list[dict]:
    found = sobol.analyze(problem(parameters), y, calc_second_order=False, num_resamples=RESAMPLES,
                          conf_level=0.95, seed=seed)
    return [{key: float(found[key][i]) for key in ("S1", "S1_conf", "ST", "ST_conf")} for i in range(len(parameters))]


def _morris(parameters: Sequence[Parameter], points: np.ndarray, y: np.ndarray, seed: int) -> list[dict]:
    found = morris.analyze(problem(parameters), points, y, num_resamples=RESAMPLES, conf_level=0.95,
                           num_levels=MORRIS_LEVELS, seed=seed)
    return [{key: float(found[key][i]) for key in ("mu", "mu_star", "mu_star_conf", "sigma")}
            for i in range(len(parameters))]


def _correlations(parameters: Sequence[Parameter], points: np.ndarray, y: np.ndarray, seed: int) -> list[dict]:
    spread = points.std(axis=0)
    varied = spread > 0
    standardised = (points[:, varied] - points[:, varied].mean(axis=0)) / spread[varied]
    design = np.column_stack([np.ones(len(y)), standardised])
    coefficients = np.linalg.lstsq(design, (y - y.mean()) / y.std(), rcond=None)[0][1:]
    src = np.full(len(parameters), np.nan)
    src[varied] = coefficients
    return [{"spearman": float(stats.spearmanr(points[:, i], y).statistic) if varied[i] else np.nan,
             "src": float(src[i])} for i in range(len(parameters))]


_ANALYSES = {"oat": _oat, "sobol": _sobol, "morris": _morris, "lhs": _correlations, "grid": _correlations}


def _notes(method: str, metric: str, parameters: Sequence[Parameter], found: list[dict]) -> list[str]:
    notes = []
    for parameter, values in zip(parameters, found, strict=True):
        if method == "sobol":
            for index in ("S1", "ST"):
                estimate, half = values[index], values[f"{index}_conf"]
                if half > WIDE:
                    notes.append(f"{metric}: {index} of {parameter.key} is {estimate:.2f} ± {half:.2f}, a wide "
                                 f"interval; a larger n (or more --reps) narrows it")
                elif estimate - half <= 0:
                    notes.append(f"{metric}: {index} of {parameter.key} ({estimate:.3f} ± {half:.3f}) is "
                                 f"indistinguishable from zero")
        elif method == "morris":
            estimate, half = values["mu_star"], values["mu_star_conf"]
            if estimate - half <= 0:
                notes.append(f"{metric}: μ* of {parameter.key} ({estimate:.3g} ± {half:.3g}) is "
                             f"indistinguishable from zero")
            elif half > estimate / 2:
                notes.append(f"{metric}: μ* of {parameter.key} is {estimate:.3g} ± {half:.3g}, a wide interval; "
                             f"more trajectories (n) narrow it")
    return notes
