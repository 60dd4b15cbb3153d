"""``tuoyu calibrate``: search the parameters that bring the simulated targets closest to the observed ones.

The search runs on the unit cube (each parameter scaled from [low, high] to [0, 1], so Nelder–Mead's simplex
and differential evolution's mutations treat parameters of different units alike) with a seeded optimiser:
the same spec asks for the same candidates in the same order. Every evaluation is one candidate's ``reps``
replications of each of the spec's scenarios, spread over the evaluator's workers, with the same seeds for every
candidate (common random numbers: two candidates differ only by their parameters, so the loss surface is not
noise). Each evaluation is appended to evaluations.csv as it finishes; ``--resume`` reads it back as a cache, so
the optimiser replays the logged path without recomputing it and continues where the run stopped.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.optimize import differential_evolution, minimize

from sim.calibration.spec import CalibrationSpec, Target
from sim.experiments.evaluators import Evaluator, evaluate
from sim.experiments.folder import RunLog
from sim.experiments.metrics import Metric
from sim.experiments.points import BaseScenario
from sim.runner import run_replication

Point = tuple[float, ...]
# A target the model cannot compute at a candidate (a ratio over zero) counts as this relative error.
UNDEFINED_RELATIVE_ERROR = 10.0
SIMPLEX_STEP = 0.15  # Nelder–Mead's first simplex: the start and one step of this share of each range


def loss(targets: Sequence[Target], simulated: Sequence[float]) -> float:
    """Σ weight × ((simulated − observed) / observed)² over the targets."""
    total = 0.0
    for target, value in zip(targets, simulated, strict=True):
        error = (value - target.value) / target.value if np.isfinite(value) else UNDEFINED_RELATIVE_ERROR
        total += target.weight * error * error
    return total


@dataclass(frozen=True)
class Replication:
    """Task: (a candidate's values in ``keys`` order, scenario s, replication r) → the metrics of scenario s's
    targets in replication r of the root seed. A calibration spreads one candidate's replications of every scenario
    over the workers this way, and every candidate uses replications 0…reps−1: common random numbers across
    candidates."""

    bases: tuple[BaseScenario, ...]
    keys: tuple[str, ...]
    metrics: tuple[tuple[Metric, ...], ...]  # per scenario
    seed: int

    @classmethod
    def of(cls, spec: CalibrationSpec, seed: int) -> Replication:
        return cls(tuple(spec.bases.values()), spec.keys,
                   tuple(tuple(t.metric for t in spec.targets_in(name)) for name in spec.bases), seed)

    def __call__(self, task: tuple[Sequence[float], int, int]) -> np.ndarray:
        values, scenario, replication = task
        tables = run_replication(self.bases[scenario].with_values(dict(zip(self.keys, values, strict=True))),
                                 self.seed, replication)
        return np.array([m.value(tables) for m in self.metrics[scenario]])


@dataclass(frozen=True)
class Evaluation:
    number: int
    loss: float
    simulated: tuple[float, ...]


class Objective:
    """The loss of candidates, evaluated in batches on ``evaluator``, logged, and remembered by their values."""

    def __init__(self, spec: CalibrationSpec, evaluator: Evaluator, log: RunLog,
                 progress: Callable[[int, int], None] | None = None):
        self.spec = spec
        self.evaluator = evaluator
        self.log = log
        self.progress = progress
        self.cache: dict[Point, Evaluation] = {}
        self.computed = 0
        logged = read_log(log)
        for row in logged.to_dict("records"):
            point = tuple(float(row[key]) for key in spec.keys)
            self.cache[point] = Evaluation(int(row["evaluation"]), float(row["loss"]),
                                           tuple(float(row[t.name]) for t in spec.targets))

    def point(self, unit: Sequence[float]) -> Point:
        """Unit-cube coordinates → parameter values (whole numbers rounded)."""
        values = []
        for p, u in zip(self.spec.parameters, unit, strict=True):
            low, high = p.parameter.low, p.parameter.high
            value = low + float(np.clip(u, 0.0, 1.0)) * (high - low)
            values.append(float(round(value)) if p.parameter.integer else value)
        return tuple(values)

    def losses(self, units: Sequence[Sequence[float]]) -> list[float]:
        points = [self.point(u) for u in units]
        todo = list(dict.fromkeys(p for p in points if p not in self.cache))
        if todo:
            self._evaluate(todo)
        return [self.cache[p].loss for p in points]

    def _evaluate(self, todo: list[Point]) -> None:
        reps = self.spec.reps
        # Where each scenario's metrics go among the targets; a scenario with none (only backtest) is not run.
        columns = [self.spec.target_positions(name) for name in self.spec.bases]
        tasks = [(c, s, r) for c in range(len(todo)) for s in range(len(columns)) if columns[s] for r in range(reps)]
        values = np.full((len(todo), reps, len(self.spec.targets)), np.nan)

        def keep(position: int, result: np.ndarray) -> None:
            candidate, scenario, replication = tasks[position]
            values[candidate, replication, columns[scenario]] = result

        evaluate(self.evaluator, [(todo[c], s, r) for c, s, r in tasks], keep)
        for point, replications in zip(todo, values, strict=True):
            simulated = tuple(float(v) for v in replications.mean(axis=0))
            evaluation = Evaluation(len(self.cache), loss(self.spec.targets, simulated), simulated)
            self.cache[point] = evaluation
            self.log.append([evaluation.number, *point, evaluation.loss, *simulated])
            self.computed += 1
        if self.progress is not None:
            self.progress(len(self.cache), self.computed)


def read_log(log: RunLog) -> pd.DataFrame:
    """evaluations.csv with every number exactly as written (the cache's keys must match the optimiser's): each
    read by Python's ``float``, which round-trips ``repr``."""
    frame = pd.read_csv(log.path, dtype=str).apply(lambda column: column.map(float))
    frame["evaluation"] = frame["evaluation"].astype(int)
    return frame.sort_values("evaluation").reset_index(drop=True)


def log_columns(spec: CalibrationSpec) -> list[str]:
    return ["evaluation", *spec.keys, "loss", *(t.name for t in spec.targets)]


def most_evaluations(spec: CalibrationSpec) -> int | None:
    """Differential evolution's budget (fewer when it converges early or meets a candidate twice); Nelder–Mead's
    number of evaluations per iteration varies, so None."""
    return spec.popsize * len(spec.parameters) * (spec.maxiter + 1) if spec.method == "de" else None


def search(spec: CalibrationSpec, objective: Objective) -> Point:
    """Run the optimiser; the best candidate's parameter values."""
    span = [(p.parameter.high - p.parameter.low) for p in spec.parameters]
    start = np.array([(p.start - p.parameter.low) / s for p, s in zip(spec.parameters, span, strict=True)])
    bounds = [(0.0, 1.0)] * len(spec.parameters)
    if spec.method == "de":
        differential_evolution(lambda units: np.array(objective.losses(units.T)), bounds, maxiter=spec.maxiter,
                               popsize=spec.popsize, rng=spec.seed, x0=start, polish=False, vectorized=True,
                               updating="deferred", init="latinhypercube", tol=1e-6)
    else:
        simplex = [start] + [_step(start, i) for i in range(len(start))]
        minimize(lambda unit: objective.losses([unit])[0], start, method="Nelder-Mead", bounds=bounds,
                 options={"maxiter": spec.maxiter, "initial_simplex": np.array(simplex), "xatol": 1e-3,
                          "fatol": 1e-8})
    return min(objective.cache, key=lambda p: (objective.cache[p].loss, objective.cache[p].number))


def _step(start: np.ndarray, i: int) -> np.ndarray:
    """The start moved along parameter i, inwards when a full step would leave the unit cube."""
    vertex = start.copy()
    vertex[i] += SIMPLEX_STEP if start[i] + SIMPLEX_STEP <= 1.0 else -SIMPLEX_STEP
    return vertex
