"""``tuoyu compare``: several scenarios with common random numbers and their paired differences.

Replication r of every scenario uses the same random streams (root seed, r), so the difference of two
scenarios' replication r is the policy's effect with the noise they share taken out; its spread across
replications is far narrower than the spread of either scenario.

Folder (see docs/experiments.md): manifest.json; scenarios/<name>/ an ordinary run folder per scenario;
comparison.csv, differences.csv and targets.csv. While running, finished replications are kept one file
each under replications/<name>/ so that an interrupted comparison resumes where it stopped.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

from sim import excel, targets
from sim.errors import InputError, Problem, shown_path
from sim.experiments.evaluators import evaluate, open_evaluator
from sim.experiments.folder import ReplicationStore, start_folder
from sim.folders import check_room, locked
from sim.indicators import INDICATORS
from sim.memory import check_memory
from sim.output import CSV_ENCODING, results_bytes, save
from sim.results import PERCENTILES, Result, split_variance
from sim.runner import Replications, replication_tasks, twins_for
from sim.scenario.load import Scenario, load_scenario


@dataclass(frozen=True)
class CompareOutcome:
    results: list[Result]
    comparison: pd.DataFrame
    differences: pd.DataFrame
    targets: pd.DataFrame
    computed: int  # replications run by this call


def folder_names(files: Sequence[Path]) -> list[str]:
    """A sub-folder per scenario, named after its file; a repeated name gets _2, _3 …"""
    names: list[str] = []
    for file in files:
        name, k = file.stem, 2
        while name in names:
            name, k = f"{file.stem}_{k}", k + 1
        names.append(name)
    return names


def load_scenarios(files: Sequence[Path], overrides: Sequence[str]) -> list[Scenario]:
    """Every scenario (``--set`` applied to each); they must share the horizon to be compared month by month."""
    if len(files) < 2:
        raise InputError([Problem("tuoyu compare", f"give at least two scenario files, got {len(files)}")])
    scenarios = [load_scenario(file, overrides) for file in files]
    reference = scenarios[0].spec.horizon
    problems = [Problem(shown_path(file), f"horizon {s.spec.horizon.start}–{s.spec.horizon.end} differs from the "
                                          f"first scenario's {reference.start}–{reference.end}", "horizon")
                for file, s in zip(files, scenarios, strict=True)
                if (s.spec.horizon.start, s.spec.horizon.end) != (reference.start, reference.end)]
    if problems:
        raise InputError(problems)
    return scenarios


def run_compare(files: Sequence[Path], overrides: Sequence[str], reps: int, seed: int, out: Path,
                command: list[str], *, resume: bool = False, force: bool = False, workers: int | None = None,
                scheduler: str | None = None, started: Callable[[int, int, str], None] | None = None,
                progress: Callable[[int], None] | None = None) -> CompareOutcome:
    """Run (or finish) the comparison into ``out``; callbacks as for :func:`sim.experiments.sweep.run_sweep`."""
    began = datetime.now(UTC)
    scenarios = load_scenarios(files, overrides)
    names = folder_names(files)
    labels = scenario_labels(scenarios, names)
    planned = {"scenarios": [s.spec.model_dump(mode="json") for s in scenarios], "reps": reps, "seed": seed}
    # A replication is kept twice on disk while running (its store, then its scenario's run folder).
    check_room(out, 2 * sum(results_bytes(scenario, reps) for scenario in scenarios))
    check_memory(scenarios, reps + twins_for(reps), workers, scheduler)
    # The executor first: a cluster that cannot be reached leaves no folder behind.
    with open_evaluator(Replications(tuple(scenarios), seed), workers, scheduler) as evaluator, \
            locked(out, command):
        folder = start_folder(
            out, "compare", planned, command, resume=resume, force=force, reps=reps, seed=seed,
            overrides=list(overrides),
            scenarios=[{"name": s.name, "label": label, "file": str(s.path), "folder": f"scenarios/{name}"}
                       for s, name, label in zip(scenarios, names, labels, strict=True)])
        stores = [ReplicationStore(out / "replications" / name) for name in names]
        done = [store.done() for store in stores]
        tasks = replication_tasks(0, reps)
        todo = [(s, r) for _, r in tasks for s in range(len(scenarios)) if r not in done[s]]
        with folder.running():
            evaluate(evaluator, todo,
                     lambda position, tables: stores[todo[position][0]].save(todo[position][1], tables),
                     already=len(scenarios) * len(tasks) - len(todo), started=started, progress=progress)
            results = [Result(scenario, seed, [store.load(r) for _, r in tasks[:reps]],
                              twins=[store.load(r) for _, r in tasks[reps:]])
                       for scenario, store in zip(scenarios, stores, strict=True)]
            for result, name in zip(results, names, strict=True):
                save(result, out / "scenarios" / name, True, began, command)
            comparison, differences = comparison_table(results, labels), differences_table(results, labels)
            target_table = targets_table(results, labels)
            for frame, name in ((comparison, "comparison"), (differences, "differences"), (target_table, "targets")):
                frame.to_csv(out / f"{name}.csv", index=False, encoding=CSV_ENCODING)
            sheets = excel.compare_sheets(results, labels, comparison, differences, target_table)
            excel.write_workbook(out / "summary.xlsx", sheets)
            sheets[0].frame.to_csv(out / "summary_wide.csv", index=False, encoding=CSV_ENCODING)
            shutil.rmtree(out / "replications", ignore_errors=True)
            folder.finish(notes=[f"{r.scenario.name}: {note}" for r in results for note in r.notes()])
    return CompareOutcome(results, comparison, differences, target_table, len(todo))


def scenario_labels(scenarios: Sequence[Scenario], names: Sequence[str]) -> list[str]:
    """What the tables call each scenario: its name, with its folder when two scenarios share a name."""
    counts = pd.Series([s.name for s in scenarios]).value_counts()
    return [s.name if counts[s.name] == 1 else f"{s.name} ({name})" for s, name in zip(scenarios, names, strict=True)]


def _city_years(result: Result) -> np.ndarray:
    """replications × indicators × years of city values."""
    return np.stack([result.annual_values(name) for name in INDICATORS], axis=1)


def _frame(result: Result, stats_by_name: dict[str, np.ndarray]) -> pd.DataFrame:
    periods = list(result.calendar.year_end_months.values())
    frame = pd.DataFrame({"indicator": np.repeat(list(INDICATORS), len(periods)),
                          "period": np.tile(periods, len(INDICATORS))})
    for key, values in stats_by_name.items():
        frame[key] = values.ravel()
    return frame


def _spread(values: np.ndarray) -> dict[str, np.ndarray]:
    found = {"mean": values.mean(axis=0)}
    for q, quantile in zip(PERCENTILES, np.percentile(values, PERCENTILES, axis=0), strict=True):
        found[f"p{q}"] = quantile
    return found


def comparison_table(results: Sequence[Result], labels: Sequence[str]) -> pd.DataFrame:
    """Per scenario, indicator and year end (the horizon's last month included): mean, p5, p50, p95."""
    return _blocks([_frame(r, _spread(_city_years(r))) for r in results], labels)


def _blocks(frames: list[pd.DataFrame], labels: Sequence[str]) -> pd.DataFrame:
    for frame, label in zip(frames, labels, strict=True):
        frame.insert(0, "scenario", label)
    return pd.concat(frames, ignore_index=True)


def differences_table(results: Sequence[Result], labels: Sequence[str]) -> pd.DataFrame:
    """Per scenario after the first: the paired differences from the first (same replication, same random
    numbers): their mean, p5, p50, p95, a 95% t-interval for the mean difference, and the share of their spread
    from what we don't know (the parameters) rather than chance, from the twin replications."""
    reference = results[0]
    frames = []
    for result in results[1:]:
        paired = _city_years(result) - _city_years(reference)
        found = _spread(paired)
        n = len(paired)
        half = (stats.t.ppf(0.975, n - 1) * paired.std(axis=0, ddof=1) / np.sqrt(n)) if n > 1 \
            else np.full(paired.shape[1:], np.nan)
        found["ci_low"], found["ci_high"] = found["mean"] - half, found["mean"] + half
        twins, reference_twins = result.twin_city_years(), reference.twin_city_years()
        if twins is not None and reference_twins is not None:
            split = split_variance(paired, twins - reference_twins, paired, list(INDICATORS),
                                   list(result.calendar.years), result.calendar.year_end_months)
            found["parameter_share"] = split["parameter_share"].to_numpy().reshape(paired.shape[1:])
        frame = _frame(result, found)
        frame.insert(0, "reference", labels[0])
        frames.append(frame)
    return _blocks(frames, labels[1:])


def targets_table(results: Sequence[Result], labels: Sequence[str]) -> pd.DataFrame:
    """Each scenario's target table, one block per scenario."""
    return _blocks([targets.table(r) for r in results], labels)
