"""A calibration from spec to folder: search, then run the fitted scenario once more to show the fit.

Folder (see docs/calibration.md): manifest.json (kind "calibration"), evaluations.csv (a line per evaluation, as it
finishes), fitted.csv (with each parameter's range over the plausible sets), plausible.csv (the parameter sets
fitting about as well as the best), overlay.yaml (overlay_<scenario>.yaml for each of several scenarios), fit.csv,
fit_series.csv, backtest.csv (if the spec has a backtest: over every plausible set, so that its band carries the
fit's uncertainty) and the fit chart fit_<language>.png.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from sim.calibration.fit import Objective, Replication, log_columns, read_log, search
from sim.calibration.outputs import (
    comparison_table,
    fitted_table,
    overlay_name,
    overlay_text,
    plausible_sets,
    simulated,
    with_plausible_ranges,
)
from sim.calibration.spec import CalibrationSpec
from sim.experiments.evaluators import open_evaluator
from sim.experiments.folder import RunLog, start_folder, write_atomically
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
    model = Replication.of(spec, spec.seed)
    check_room(out, FOLDER_BYTES)
    # The fitted scenarios' runs keep their replications.
    check_memory([base.scenario for base in spec.bases.values()], spec.reps, workers, scheduler)
    with locked(out, command):
        with open_evaluator(model, workers, scheduler) as evaluator:  # first: an unreachable cluster leaves no folder
            folder = start_folder(
                out, "calibration", spec.planned(), command, resume=resume, force=force, spec=str(spec.path),
                name=spec.name, scenario_file=str(spec.base.scenario.path),
                **({} if "" in spec.bases else
                   {"scenario_files": {name: str(base.scenario.path) for name, base in spec.bases.items()}}),
                overrides=list(spec.base.scenario.overrides), method=spec.method, reps=spec.reps, seed=spec.seed)
            log = RunLog(out / "evaluations.csv", log_columns(spec))
            with folder.running():
                objective = Objective(spec, evaluator, log, progress)
                best = search(spec, objective)
        with folder.running():
            loss = objective.cache[best].loss
            values = dict(zip(spec.keys, best, strict=True))
            results = {name: run(base.with_values(values), spec.reps, spec.seed, workers=workers, scheduler=scheduler)
                       for name, base in spec.bases.items()}
            evaluations = read_log(log)
            plausible = plausible_sets(evaluations, spec.keys)
            fitted = with_plausible_ranges(fitted_table(spec, best), plausible)
            fit = comparison_table(results, spec.targets, weighted=True)
            ensemble = plausible_ensemble(spec, plausible, spec.reps, spec.seed, workers, scheduler, best=results) \
                if spec.backtest else {}
            backtest = comparison_table(ensemble, spec.backtest, weighted=False)
            fitted.to_csv(out / "fitted.csv", index=False, encoding=CSV_ENCODING)
            plausible.to_csv(out / "plausible.csv", index=False, encoding=CSV_ENCODING)
            fit.to_csv(out / "fit.csv", index=False, encoding=CSV_ENCODING)
            if spec.backtest:
                backtest.to_csv(out / "backtest.csv", index=False, encoding=CSV_ENCODING)
            series = series_table(results, spec)
            series.to_csv(out / "fit_series.csv", index=False, encoding=CSV_ENCODING)
            for name in spec.bases:
                write_atomically(out / overlay_name(name), overlay_text(spec, name, best, out, loss))
            write_atomically(out / "evaluations.csv", evaluations.to_csv(index=False))
            if charts:
                from sim.charts.calibration import save_fit_charts  # matplotlib only when drawing

                save_fit_charts(out, spec.name, spec.seed, series, fit, backtest, CHART_LANGUAGES,
                                scenario_names(spec))
            folder.finish(loss=loss, fitted=dict(zip(spec.keys, best, strict=True)), evaluations=len(evaluations))
    return CalibrationOutcome(fitted, loss, fit, backtest, len(evaluations), objective.computed)


def plausible_ensemble(spec: CalibrationSpec, sets: pd.DataFrame, reps: int, seed: int, workers: int | None = None,
                       scheduler: str | None = None, best: dict[str, Result] | None = None) -> dict[str, list[Result]]:
    """By scenario, ``reps`` replications of every plausible parameter set (rows of ``sets``, best first), so that a
    band pooled over them carries the fit's uncertainty. Set i runs with root seed ``seed + i``: each set draws its
    own values of the behavioural parameters the calibration does not fit, so the pool holds as many draws of them
    as it holds runs (with one seed for all, every set would repeat the same ``reps`` draws and the band would
    understate what we don't know). ``best``, if given, is set 0's runs (seed ``seed``), reused."""
    ensemble: dict[str, list[Result]] = {name: [] for name in spec.bases}
    for i, (_, row) in enumerate(sets.iterrows()):
        values = {key: float(row[key]) for key in spec.keys}
        for name, base in spec.bases.items():
            ensemble[name].append(best[name] if i == 0 and best is not None else
                                  run(base.with_values(values), reps, seed + i, workers=workers, scheduler=scheduler))
    return ensemble


def scenario_names(spec: CalibrationSpec) -> dict[str, dict[str, str]]:
    """By scenario, its name in each chart language (the scenario's meta.name and name_en); empty for one."""
    if "" in spec.bases:
        return {}
    metas = {name: base.scenario.spec.meta for name, base in spec.bases.items()}
    return {name: {"zh": meta.name, "en": meta.name_en or meta.name} for name, meta in metas.items()}


def series_table(results: dict[str, Result], spec: CalibrationSpec) -> pd.DataFrame:
    """Per scenario, indicator and geography of the targets and backtest, per month: simulated mean, p5 and p95."""
    frames, seen = [], set()
    for target in (*spec.targets, *spec.backtest):
        key = (target.scenario, target.indicator, target.geography)
        if key in seen:
            continue
        seen.add(key)
        result = results[target.scenario]
        values = simulated(result, target)
        frames.append(pd.DataFrame({"scenario": target.scenario, "indicator": target.indicator,
                                    "geography": target.geography, "month": list(result.calendar.months),
                                    "mean": values.mean(axis=0), "p5": np.percentile(values, 5, axis=0),
                                    "p95": np.percentile(values, 95, axis=0)}))
    return pd.concat(frames, ignore_index=True)
