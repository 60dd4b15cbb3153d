"""A calibration from spec to folder: search, then run the fitted scenario once more to show the fit.

Folder (see docs/calibration.md): manifest.json (kind "calibration"), evaluations.csv (a line per evaluation, as it
finishes), fitted.csv (with each parameter's range over the plausible sets), plausible.csv (the parameter sets
fitting about as well as the best), overlay.yaml, fit.csv, fit_series.csv, backtest.csv (if the spec has a
backtest: over every plausible set, so that its band carries the fit's uncertainty) and the fit chart
fit_<language>.png.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from sim.calibration.fit import Objective, log_columns, read_log, search
from sim.calibration.outputs import (
    comparison_table,
    fitted_table,
    overlay_text,
    plausible_sets,
    simulated,
    with_plausible_ranges,
)
from sim.calibration.spec import CalibrationSpec
from sim.experiments.evaluators import open_evaluator
from sim.experiments.folder import RunLog, start_folder, write_atomically
from sim.experiments.points import PointReplication
from sim.folders import FOLDER_BYTES, check_room, locked
from sim.memory import check_memory
from sim.output import CSV_ENCODING
from sim.results import Result
from sim.runner import run

CHART_LANGUAGES = ("zh", "en")


@dataclass(frozen=True)
class CalibrationOutcome:
    fitted: pd.DataFrame
    loss: float
    fit: pd.DataFrame
    backtest: pd.DataFrame
    evaluations: int
    computed: int  # evaluations run by this call (the others were replayed from the log)


def run_calibration(spec: CalibrationSpec, out: Path, command: list[str], *, resume: bool = False,
                    force: bool = False, workers: int | None = None, scheduler: str | None = None,
                    progress: Callable[[int, int], None] | None = None, charts: bool = True) -> CalibrationOutcome:
    """Search (replaying a resumed folder's evaluations), then write every output. ``progress(evaluations,
    computed)`` is called after each batch."""
    model = PointReplication(spec.base, spec.keys, tuple(t.metric for t in spec.targets), spec.seed)
    check_room(out, FOLDER_BYTES)
    check_memory([spec.base.scenario], spec.reps, workers, scheduler)  # the fitted scenario's run keeps its reps
    with locked(out, command):
        with open_evaluator(model, workers, scheduler) as evaluator:  # first: an unreachable cluster leaves no folder
            folder = start_folder(
                out, "calibration", spec.planned(), command, resume=resume, force=force, spec=str(spec.path),
                name=spec.name, scenario_file=str(spec.base.scenario.path),
                overrides=list(spec.base.scenario.overrides), method=spec.method, reps=spec.reps, seed=spec.seed)
            log = RunLog(out / "evaluations.csv", log_columns(spec))
            with folder.running():
                objective = Objective(spec, evaluator, log, progress)
                best = search(spec, objective)
        with folder.running():
            loss = objective.cache[best].loss
            result = run(spec.base.with_values(dict(zip(spec.keys, best, strict=True))), spec.reps, spec.seed,
                         workers=workers, scheduler=scheduler)
            evaluations = read_log(log)
            plausible = plausible_sets(evaluations, spec.keys)
            fitted = with_plausible_ranges(fitted_table(spec, best), plausible)
            fit = comparison_table(result, spec.targets, weighted=True)
            ensemble = plausible_ensemble(spec, plausible, spec.reps, spec.seed, workers, scheduler, best=result) \
                if spec.backtest else [result]
            backtest = comparison_table(ensemble, spec.backtest, weighted=False)
            fitted.to_csv(out / "fitted.csv", index=False, encoding=CSV_ENCODING)
            plausible.to_csv(out / "plausible.csv", index=False, encoding=CSV_ENCODING)
            fit.to_csv(out / "fit.csv", index=False, encoding=CSV_ENCODING)
            if spec.backtest:
                backtest.to_csv(out / "backtest.csv", index=False, encoding=CSV_ENCODING)
            series = series_table(result, spec)
            series.to_csv(out / "fit_series.csv", index=False, encoding=CSV_ENCODING)
            write_atomically(out / "overlay.yaml", overlay_text(spec, best, out, loss))
            write_atomically(out / "evaluations.csv", evaluations.to_csv(index=False))
            if charts:
                from sim.charts.calibration import save_fit_charts  # matplotlib only when drawing

                save_fit_charts(out, spec.name, spec.seed, series, fit, backtest, CHART_LANGUAGES)
            folder.finish(loss=loss, fitted=dict(zip(spec.keys, best, strict=True)), evaluations=len(evaluations))
    return CalibrationOutcome(fitted, loss, fit, backtest, len(evaluations), objective.computed)


def plausible_ensemble(spec: CalibrationSpec, sets: pd.DataFrame, reps: int, seed: int, workers: int | None = None,
                       scheduler: str | None = None, best: Result | None = None) -> list[Result]:
    """``reps`` replications of every plausible parameter set (rows of ``sets``, best first), so that a band pooled
    over them carries the fit's uncertainty. Set i runs with root seed ``seed + i``: each set draws its own values
    of the behavioural parameters the calibration does not fit, so the pool holds as many draws of them as it holds
    runs (with one seed for all, every set would repeat the same ``reps`` draws and the band would understate what
    we don't know). ``best``, if given, is set 0's run (seed ``seed``), reused."""
    return [best if i == 0 and best is not None else
            run(spec.base.with_values({key: float(row[key]) for key in spec.keys}), reps, seed + i, workers=workers,
                scheduler=scheduler)
            for i, (_, row) in enumerate(sets.iterrows())]


def series_table(result: Result, spec: CalibrationSpec) -> pd.DataFrame:
    """Per indicator and geography of the targets and backtest, per month: simulated mean, p5 and p95."""
    frames, seen = [], set()
    for target in (*spec.targets, *spec.backtest):
        if (target.indicator, target.geography) in seen:
            continue
        seen.add((target.indicator, target.geography))
        values = simulated(result, target)
        frames.append(pd.DataFrame({"indicator": target.indicator, "geography": target.geography,
                                    "month": list(result.calendar.months), "mean": values.mean(axis=0),
                                    "p5": np.percentile(values, 5, axis=0), "p95": np.percentile(values, 95, axis=0)}))
    return pd.concat(frames, ignore_index=True)
