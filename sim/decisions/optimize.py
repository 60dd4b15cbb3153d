"""``tuoyu optimize``: the cheapest package of lever settings that meets every target with high probability.

1. **Search.** Optuna's TPE sampler (constraints handled as Optuna's constrained TPE does: a trial's constraint
   values ≤ 0 are feasible) proposes candidates in batches of ``search.batch``; each gets a cheap screen of
   ``search.screen_reps`` replications, and is told its mean public cost and, per constraint, how far the
   screen's probability falls short of the level. The study lives in ``study.db`` (SQLite), and the sampler is
   seeded afresh for every trial from the spec's seed and the trial's number, so that what it proposes depends
   only on the trials before it: a resumed study proposes what the uninterrupted one would have. The city's plan
   (and the scenario's own settings) are enqueued as the first candidates.
2. **Racing.** The cheapest candidates the screen has not ruled out climb the ladder of replications
   (``search.reps``) one by one, cheapest first, until one is decided feasible at the top rung: the
   recommendation (see :mod:`sim.decisions.estimates`).
3. **Comparison.** The baseline and the city's plan get the top rung's replications too (the same random
   numbers), for the brief.

Every replication of every package is a row of replications.csv, appended as it finishes; a resumed run reads
it back and computes only what is missing, so the tables do not depend on where it was stopped, nor on the
number of workers (every replication's random numbers come from the seed and its index).
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.decisions.estimates import FEASIBLE, INFEASIBLE, Estimate
from sim.decisions.evaluate import BASELINE, PACKAGE, PLAN, Evaluator, Layout, package_overrides
from sim.decisions.levers import CHOICE, INTEGER, Decision
from sim.decisions.spec import APPROPRIATIONS, OptimizeSpec
from sim.errors import InputError
from sim.experiments.evaluators import evaluate, open_evaluator
from sim.experiments.folder import RunLog, start_folder
from sim.folders import FOLDER_BYTES, check_room, locked
from sim.memory import check_memory

Values = tuple[float, ...]
Key = tuple[int, Values]  # (which scenario, the package's coordinates)
STUDY = "optimize"


@dataclass
class Rows:
    """replications.csv: one row per (scenario, package, replication), appended and flushed as each finishes, and
    held in memory by key for the estimates."""

    spec: OptimizeSpec
    layout: Layout
    path: Path
    found: dict[Key, dict[int, np.ndarray]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.columns = ["row", "scenario", *(f"decision:{k}" for k in self.spec.keys), "replication",
                        *self.layout.columns]
        self.log = RunLog(self.path, self.columns)
        logged = self.log.read()
        self.count = len(logged)
        if self.count:
            exact = pd.read_csv(self.path, dtype=str, encoding="utf-8").map(float).to_numpy()  # repr round-trips
            k = len(self.spec.keys)
            for line in exact:
                which = int(line[1])
                key = (which, tuple(float(v) for v in line[2:2 + k]) if which == PACKAGE else ())
                self.found.setdefault(key, {})[int(line[2 + k])] = line[3 + k:].copy()

    def missing(self, key: Key, reps: int) -> list[int]:
        have = self.found.get(key, {})
        return [r for r in range(reps) if r not in have]

    def keep(self, key: Key, replication: int, values: np.ndarray) -> None:
        self.found.setdefault(key, {})[replication] = values
        which, package = key
        coordinates = package if which == PACKAGE else (math.nan,) * len(self.spec.keys)
        self.log.append([self.count, which, *coordinates, replication, *values.tolist()])
        self.count += 1

    def table(self, key: Key, reps: int) -> np.ndarray:
        """Replications 0…reps−1 of a package, replications × columns."""
        have = self.found[key]
        return np.stack([have[r] for r in range(reps)])

    def reps(self, key: Key) -> int:
        """How many replications from 0 on the package has, without a gap."""
        have = self.found.get(key, {})
        n = 0
        while n in have:
            n += 1
        return n


@dataclass
class Run:
    """One optimisation in progress: the spec, the evaluator, the rows, and how to report."""

    spec: OptimizeSpec
    layout: Layout
    rows: Rows
    evaluator: Any
    report: Callable[[str], None]
    computed: int = 0

    def ensure(self, wanted: Sequence[tuple[Key, int]]) -> None:
        """Run what is missing for each (package, replications) wanted, all at once on the evaluator."""
        tasks = [(key[0], key[1], r) for key, reps in dict.fromkeys(wanted) for r in self.rows.missing(key, reps)]
        tasks = list(dict.fromkeys(tasks))
        if not tasks:
            return
        evaluate(self.evaluator, tasks, lambda position, values: self.rows.keep(
            (tasks[position][0], tasks[position][1]), tasks[position][2], values))
        self.computed += len(tasks)

    def estimate(self, key: Key, reps: int) -> Estimate:
        table = self.rows.table(key, reps)
        return Estimate.of(table[:, self.layout.index("cost")], held(self.spec, self.layout, table))


def held(spec: OptimizeSpec, layout: Layout, table: np.ndarray) -> np.ndarray:
    """Per replication and constraint, 1 where it holds: each target, then (budget: appropriations) no payment
    waiting for money."""
    columns = [layout.index(f"met:{i}") for i in range(len(spec.targets))]
    if spec.budget == APPROPRIATIONS:
        columns.append(layout.index("budget_ok"))
    return table[:, columns]


def constraint_names(spec: OptimizeSpec) -> list[str]:
    return [t.label for t in spec.targets] + (["spending within appropriations"] if spec.budget == APPROPRIATIONS
                                              else [])


@dataclass(frozen=True)
class OptimizeOutcome:
    candidates: pd.DataFrame
    front: pd.DataFrame
    recommended: Values | None
    estimates: dict[str, Estimate]   # recommended, plan, baseline (those there are), at the top rung
    notes: list[str]
    computed: int                    # replications run by this call
    evaluations: int                 # replications in all


def distributions(spec: OptimizeSpec) -> dict[str, Any]:
    """Optuna's search space: whole numbers on their grid, amounts (on a grid if a step is given), choices by index."""
    import optuna

    found = {}
    for d in spec.decisions:
        if d.kind == INTEGER:
            found[d.key] = optuna.distributions.IntDistribution(int(d.low), int(d.high), step=int(d.step or 1))
        elif d.kind == CHOICE:
            found[d.key] = optuna.distributions.CategoricalDistribution(list(range(len(d.choices))))
        else:
            found[d.key] = optuna.distributions.FloatDistribution(d.low, d.high, step=d.step)
    return found


def sampler(spec: OptimizeSpec, number: int) -> Any:
    """The sampler for trial ``number``: seeded from the spec's seed and the number alone (resume-safe)."""
    import optuna

    seed = (spec.seed * 1_000_003 + number * 7_919) % 2**32
    return optuna.samplers.TPESampler(seed=seed, n_startup_trials=spec.search.startup_trials, multivariate=True,
                                      constant_liar=True)


def snapped(decision: Decision, value: Any) -> float | None:
    """A plan's setting as a coordinate of the search, or None where the search cannot hold it (outside the bounds,
    off the grid, a choice not listed)."""
    if decision.kind == CHOICE:
        return float(decision.choices.index(value)) if value in decision.choices else None
    if not isinstance(value, int | float) or isinstance(value, bool) or not decision.low <= value <= decision.high:
        return None
    step = decision.step or (1.0 if decision.kind == INTEGER else None)
    if step is not None and abs((value - decision.low) / step - round((value - decision.low) / step)) > 1e-9:
        return None
    return float(value)


def plan_values(spec: OptimizeSpec, scenario: Any) -> tuple[Values | None, list[str]]:
    """The coordinates of a scenario's own settings of the decisions, or None with the reason."""
    resolved = scenario.spec.model_dump(mode="json")
    values = []
    for d in spec.decisions:
        settings = set()
        for key in d.keys:
            node: Any = resolved
            for part in key.split("."):
                node = node.get(part) if isinstance(node, dict) else None
            settings.add(json.dumps(node))
        if len(settings) != 1:
            return None, [f"the plan sets {d.key} differently by year, so it is not tried as a candidate itself"]
        node_value = json.loads(next(iter(settings)))
        coordinate = snapped(d, node_value)
        if coordinate is None:
            return None, [f"the plan's {d.key} ({node_value!r}) lies outside the decision's bounds or grid, so it is "
                          f"not tried as a candidate itself"]
        values.append(coordinate)
    return tuple(values), []


def run_optimize(spec: OptimizeSpec, out: Path, command: list[str], *, resume: bool = False, force: bool = False,
                 workers: int | None = None, scheduler: str | None = None,
                 report: Callable[[str], None] | None = None, charts: bool = True) -> OptimizeOutcome:
    """Search, race, compare, write every table, the overlay, the charts and the briefs into ``out``."""
    import optuna

    from sim.decisions import outputs

    layout = Layout.of(spec)
    model = Evaluator(spec, layout)
    check_room(out, FOLDER_BYTES)
    check_memory([spec.base.scenario], 0, workers, scheduler)  # a worker keeps one replication at a time
    say = report or (lambda message: None)
    notes = list(spec.notes)
    with open_evaluator(model, workers, scheduler) as evaluator, locked(out, command):
        folder = start_folder(
            out, "optimize", spec.planned(), command, resume=resume, force=force, spec=str(spec.path), name=spec.name,
            scenario_file=str(spec.base.scenario.path), overrides=list(spec.base.scenario.overrides), seed=spec.seed,
            decisions=[d.manifest() for d in spec.decisions], constraints=constraint_names(spec), level=spec.level,
            libraries=libraries())
        with folder.running():
            run = Run(spec, layout, Rows(spec, layout, out / "replications.csv"), evaluator, say)
            optuna.logging.set_verbosity(optuna.logging.WARNING)
            storage = f"sqlite:///{(out / 'study.db').resolve().as_posix()}"
            study = optuna.create_study(storage=storage, study_name=STUDY, direction="minimize",
                                        load_if_exists=resume, sampler=sampler(spec, 0))
            plan, why = plan_values(spec, spec.plan) if spec.plan is not None else (None, [])
            own, _ = plan_values(spec, spec.base.scenario)
            notes += why
            if not resume or not study.trials:
                for values in dict.fromkeys(v for v in (plan, own) if v is not None):
                    study.enqueue_trial({d.key: (int(v) if d.kind != "number" else v)
                                         for d, v in zip(spec.decisions, values, strict=True)})
            search(run, study, notes)
            recommended = race(run, study, notes)
            top = spec.search.final_reps
            others = [(which, scenario) for which, scenario in ((BASELINE, spec.baseline), (PLAN, spec.plan))
                      if scenario is not None]
            run.ensure([((which, ()), top) for which, _ in others])
            estimates = {name: run.estimate((which, ()), top)
                         for which, name in ((BASELINE, "baseline"), (PLAN, "plan")) if which in dict(others)}
            if recommended is not None:
                estimates["recommended"] = run.estimate((PACKAGE, recommended), top)
            outcome = outputs.write(run, study, recommended, estimates, notes, out, charts=charts)
            folder.finish(notes=notes, recommended=None if recommended is None else outputs.package_dict(
                spec, recommended), replications=run.rows.count)
    return outcome


def libraries() -> dict[str, str]:
    from importlib import metadata

    return {name: metadata.version(name) for name in ("optuna", "SQLAlchemy")}


def candidate_of(spec: OptimizeSpec, params: dict[str, Any]) -> Values:
    return tuple(float(params[d.key]) for d in spec.decisions)


def search(run: Run, study: Any, notes: list[str]) -> None:
    """Ask, screen and tell in batches until ``search.trials`` candidates were proposed; a batch cut short by an
    interruption is finished first, with the candidates it had already proposed."""
    import optuna
    from optuna.trial import TrialState

    spec, space = run.spec, distributions(run.spec)
    batch, trials = spec.search.batch, spec.search.trials
    screen = spec.search.screen_reps
    while True:
        existing = study.get_trials(deepcopy=False)
        running = [t for t in existing if t.state == TrialState.RUNNING]
        if not running and len([t for t in existing if t.state != TrialState.WAITING]) >= trials:
            return
        start = (running[0].number // batch) * batch if running else len(
            [t for t in existing if t.state != TrialState.WAITING])
        end = min(start + batch, trials) if not running else max(min(start + batch, trials), running[-1].number + 1)
        asked: list[Any] = list(running)
        in_batch = len([t for t in existing if start <= t.number < end and t.state != TrialState.WAITING])
        while start + in_batch < end:
            study.sampler = sampler(spec, start + in_batch)
            asked.append(study.ask(space))
            in_batch += 1
        valid = []
        for trial in asked:
            values = candidate_of(spec, trial.params)
            try:
                spec.base.with_values(package_overrides(spec, values))
            except InputError as err:  # settings each allowed but not together (shares that add up past 1)
                notes.append(f"candidate {trial.params} is not a valid scenario: {err.problems[0].message}")
                study.tell(trial.number, state=TrialState.FAIL)
                continue
            valid.append((trial, values))
        run.ensure([((PACKAGE, values), screen) for _, values in valid])
        for trial, values in valid:
            estimate = run.estimate((PACKAGE, values), screen)
            handle = trial if isinstance(trial, optuna.Trial) else optuna.Trial(study, trial._trial_id)
            already = study._storage.get_trial(handle._trial_id).constraints
            for name, violation in zip(constraint_names(spec), estimate.violations(spec.level), strict=True):
                if name not in already:
                    handle.set_constraint(name, violation)
            if spec.total_yuan is not None and "total budget" not in already:
                handle.set_constraint("total budget", (estimate.cost - spec.total_yuan) / spec.total_yuan)
            study.tell(trial.number, estimate.cost)
        done = len([t for t in study.get_trials(deepcopy=False) if t.state.is_finished()])
        best = cheapest_screened(run, study)
        run.report(f"search: {done} of {trials} candidates screened ({screen} replications each)"
                   + (f"; cheapest that meets every constraint on the screen: {best / 1e4:,.0f} 万元" if best else ""))


def cheapest_screened(run: Run, study: Any) -> float | None:
    costs = [t.value for t in study.get_trials(deepcopy=False) if t.state.name == "COMPLETE"
             and all(v <= 0 for v in t.constraints.values())]
    return min(costs) if costs else None


def search_candidates(run: Run, study: Any) -> list[Values]:
    """The distinct packages the search screened, in the order first proposed."""
    found: dict[Values, None] = {}
    for trial in study.get_trials(deepcopy=False):
        if trial.state.name == "COMPLETE":
            found.setdefault(candidate_of(run.spec, trial.params), None)
    return list(found)


def race(run: Run, study: Any, notes: list[str]) -> Values | None:
    """The cheapest candidate decided feasible at the top rung, racing the cheapest screened ones in turn (at most
    ``search.front_runners``); None if none is."""
    spec = run.spec
    ladder = spec.search.ladder
    screened = [(run.estimate((PACKAGE, v), ladder[0]), i, v) for i, v in enumerate(search_candidates(run, study))]
    alive = sorted((e.cost, i, v) for e, i, v in screened
                   if e.status(spec.level, final=False, total_yuan=spec.total_yuan) != INFEASIBLE)
    for position, (_, _, values) in enumerate(alive[:spec.search.front_runners], start=1):
        status = INFEASIBLE
        for rung, reps in enumerate(ladder):
            run.ensure([((PACKAGE, values), reps)])
            estimate = run.estimate((PACKAGE, values), reps)
            status = estimate.status(spec.level, final=rung == len(ladder) - 1, total_yuan=spec.total_yuan)
            if status == INFEASIBLE:
                break
        run.report(f"racing: front-runner {position} ({estimate.cost / 1e4:,.0f} 万元) is {status} after "
                   f"{estimate.reps} replications; lowest probability {min(estimate.probability):.0%}")
        if status == FEASIBLE:
            return values
    raced = min(len(alive), spec.search.front_runners)
    notes.append(f"no package meets every constraint with probability ≥ {spec.level:g}: of {len(screened)} screened, "
                 f"{len(alive)} were not ruled out by the screen and the {raced} cheapest of them failed when raced; "
                 f"widen the decisions' bounds, raise search.trials or search.front_runners, or lower the level")
    return None
