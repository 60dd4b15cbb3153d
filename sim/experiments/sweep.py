"""``tuoyu sweep``: run a scenario at many parameter points, stream the results, analyse their sensitivity.

Folder (see docs/experiments.md): manifest.json, plan.csv (written first), runs.csv (a line per finished point,
in the order they finish; sorted by run and copied to runs.parquet at the end), analysis.csv.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from sim.errors import InputError, Problem, shown_path
from sim.experiments.analysis import analyse
from sim.experiments.evaluators import evaluate, open_evaluator
from sim.experiments.folder import RunLog, start_folder, write_atomically
from sim.experiments.points import Points
from sim.experiments.samplers import sample
from sim.experiments.spec import SweepSpec
from sim.folders import FOLDER_BYTES, check_room, locked
from sim.memory import check_memory
from sim.output import CSV_ENCODING


@dataclass(frozen=True)
class SweepOutcome:
    runs: pd.DataFrame
    analysis: pd.DataFrame
    notes: list[str]
    computed: int  # points run by this call (fewer than planned when resuming)


def run_sweep(spec: SweepSpec, out: Path, command: list[str], *, resume: bool = False, force: bool = False,
              workers: int | None = None, scheduler: str | None = None,
              started: Callable[[int, int, str], None] | None = None,
              progress: Callable[[int], None] | None = None) -> SweepOutcome:
    """Plan, run what is not done yet, analyse. ``started(planned, already_done, executor)`` is called once the
    work is known and ``progress(done)`` as points finish."""
    points = sample(spec.method, spec.parameters, spec.n, spec.seed)
    keys = [p.key for p in spec.parameters]
    metrics = [m.name for m in spec.metrics]
    model = Points(spec.base, tuple(keys), spec.metrics, spec.reps, spec.seed)
    check_room(out, FOLDER_BYTES)
    check_memory([spec.base.scenario], 0, workers, scheduler)  # a worker keeps one replication at a time
    # The executor first: a cluster that cannot be reached leaves no folder behind.
    with open_evaluator(model, workers, scheduler) as evaluator, \
            locked(out, command):
        folder = start_folder(
            out, "sweep", spec.planned(), command, resume=resume, force=force, method=spec.method, n=spec.n,
            reps=spec.reps, seed=spec.seed, scenario_name=spec.base.scenario.name,
            scenario_file=str(spec.base.scenario.path), overrides=list(spec.base.scenario.overrides),
            parameters=[p.manifest() for p in spec.parameters], metrics=metrics, runs=len(points))
        if resume:
            _check_plan(out / "plan.csv", points)
        if not (out / "plan.csv").exists():
            plan = pd.DataFrame(points, columns=keys)
            plan.insert(0, "run", np.arange(len(points)))
            plan.to_csv(out / "plan.csv", index=False, encoding=CSV_ENCODING)
        log = RunLog(out / "runs.csv", ["run", *keys, *metrics])
        done = set(log.read()["run"])
        todo = [run for run in range(len(points)) if run not in done]
        with folder.running():
            evaluate(evaluator, [tuple(points[run]) for run in todo],
                     lambda position, values: log.append([todo[position], *points[todo[position]], *values]),
                     already=len(done), started=started, progress=progress)
            runs = log.read().sort_values("run").reset_index(drop=True)
            analysis, notes = analyse(spec.method, spec.parameters, points, runs[metrics], spec.seed)
            notes = [note for p in spec.parameters if (note := p.note())] + notes
            write_atomically(out / "runs.csv", "\ufeff" + runs.to_csv(index=False))
            runs.to_parquet(out / "runs.parquet", index=False)
            analysis.to_csv(out / "analysis.csv", index=False, encoding=CSV_ENCODING)
            folder.finish(notes=notes)
    return SweepOutcome(runs, analysis, notes, len(todo))


def _check_plan(path: Path, points: np.ndarray) -> None:
    """The points drawn again must be those planned (a sampler of another SALib version might draw others)."""
    if not path.exists():
        return
    planned = pd.read_csv(path, encoding=CSV_ENCODING).drop(columns="run").to_numpy(dtype=float)
    if planned.shape != points.shape or not np.allclose(planned, points, rtol=1e-12, atol=0):
        raise InputError([Problem(f"--resume {shown_path(path.parent)}", "its plan.csv holds other points than the "
                                  "same settings give now (another version of SALib?); start a new sweep")])
