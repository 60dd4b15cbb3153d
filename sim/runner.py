"""Replications of one scenario: draw parameters, simulate, aggregate; the same seed gives the same tables."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from sim.experiments.evaluators import evaluate, open_evaluator
from sim.model.engine import simulate
from sim.model.probe import RESOURCES, Probe
from sim.model.streams import Streams
from sim.results import Calendar, ReplicationTables, Result, reduce_replication
from sim.scenario.draw import draw_parameters
from sim.scenario.load import Scenario, load_scenario, override_texts

LEDGER_REPLICATIONS = 1  # payments are kept row by row for the first replication(s) only
DEFAULT_SEED = 1
"""The root seed when none is given, the same for the command line, sweeps, calibration and this API."""
# Replications from TWIN on are twins: replication TWIN + j draws the parameters of replication j and its own
# noise, so a pair shares what we don't know and differs only by chance (see ``Result.uncertainty``).
TWIN = 1_000_000


def twins_for(reps: int) -> int:
    """Twin replications a run adds to split its bands into parameter uncertainty and chance: a quarter of its
    replications, from 2 to 25 (none below 4 replications)."""
    return 0 if reps < 4 else min(max(2, reps // 4), 25)


def run_replication(scenario: Scenario, seed: int, replication: int, keep_ledger: bool = False) -> ReplicationTables:
    """Replication ``replication`` of ``scenario``; depends only on the scenario, the seed and the index. Its payments
    are kept row by row for the first replication(s), or for every one with ``keep_ledger``."""
    streams = Streams(seed, replication)
    drawing = Streams(seed, replication - TWIN) if replication >= TWIN else streams
    spec, draws = draw_parameters(scenario.spec, lambda path: drawing.uniform_for("parameters", path))
    simulation = simulate(spec, scenario.city, streams, keep_ledger=keep_ledger or replication < LEDGER_REPLICATIONS)
    calendar = Calendar.of(spec.horizon.start, spec.horizon.end)
    tables = reduce_replication(simulation.values, scenario.city, calendar, draws)
    tables.ledger = simulation.ledger
    tables.funds = simulation.funds
    return tables


@dataclass(frozen=True)
class ProbeOutcome:
    """A probed replication (see ``sim.model.probe``): the children in care by district, averaged over the
    months from the probe's first to the horizon's end, and what the probe added by district."""

    enrolled: np.ndarray
    added: np.ndarray


def run_probe(scenario: Scenario, seed: int, replication: int, resource: str, year: int) -> ProbeOutcome:
    """Replication ``replication`` with ``resource`` probed from the first month of the horizon's year ``year``
    (an index into its years) on: the same streams and parameters as the unprobed replication."""
    streams = Streams(seed, replication)
    spec, _ = draw_parameters(scenario.spec, lambda path: streams.uniform_for("parameters", path))
    first = Calendar.of(spec.horizon.start, spec.horizon.end).year_slices[year].start
    simulation = simulate(spec, scenario.city, streams, probing=Probe(resource, first))
    city = scenario.city
    enrolled = simulation.values["enrolled"][first:].mean(axis=0)
    return ProbeOutcome(np.bincount(city.street_district, enrolled, minlength=city.n_districts), simulation.probed)


def probe_tasks(scenario: Scenario, index: int, reps: int) -> list[tuple[int, int, str, int]]:
    """The probes of the marginal analysis: each resource (money only with a budget) in each year of the horizon,
    for replications 0 … reps − 1."""
    resources = [r for r in RESOURCES if r != "money" or scenario.spec.budget is not None]
    years = len(Calendar.of(scenario.spec.horizon.start, scenario.spec.horizon.end).years)
    return [(index, rep, resource, year) for rep in range(reps) for resource in resources for year in range(years)]


@dataclass(frozen=True)
class Replications:
    """The model an evaluator runs for ``tuoyu run`` and ``tuoyu compare``: task (scenario index, replication)
    → that replication's tables, or (scenario index, replication, resource, year) → that probe's outcome. Every
    scenario's replication r uses the same random streams (seed, r)."""

    scenarios: tuple[Scenario, ...]
    seed: int

    def __call__(self, task: tuple) -> ReplicationTables | ProbeOutcome:
        if len(task) == 4:
            scenario, replication, resource, year = task
            return run_probe(self.scenarios[scenario], self.seed, replication, resource, year)
        scenario, replication = task
        return run_replication(self.scenarios[scenario], self.seed, replication)


def run(scenario: Scenario | str | Path, reps: int = 1, seed: int = DEFAULT_SEED,
        progress: Callable[[int], None] | None = None, workers: int | None = None, scheduler: str | None = None,
        overrides: Mapping[str, Any] | Sequence[str] = (), binding_reps: int = 0) -> Result:
    """Run ``reps`` replications with root ``seed`` (and their twins, ``twins_for(reps)``), and the probes that
    measure what binds on the first ``binding_reps`` of them (``sim.binding``); ``progress(done)`` is called as
    tasks finish.

    ``scenario`` is a loaded scenario or a scenario file; ``overrides`` (``{"horizon.end": "2030-12"}`` or
    ``["horizon.end=2030-12"]``) are applied on top, as ``--set`` is, and validated. By default the replications
    run in this process; ``workers`` > 1 runs them in a local process pool, ``scheduler`` (``tcp://host:port``) on
    a Dask cluster; the tables are the same either way."""
    if reps < 1:
        raise ValueError(f"reps must be at least 1, got {reps}")
    if not 0 <= binding_reps <= reps:
        raise ValueError(f"binding_reps must be between 0 and reps ({reps}), got {binding_reps}")
    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario, overrides)
    elif overrides:  # the file again, with the overrides it was loaded with and these after them
        scenario = load_scenario(scenario.path, [*scenario.overrides, *override_texts(overrides)])
    tasks = run_tasks(scenario, 0, reps, binding_reps)
    outputs: list[object] = [None] * len(tasks)
    workers = 1 if workers is None and scheduler is None else workers
    with open_evaluator(Replications((scenario,), seed), workers, scheduler) as evaluator:
        evaluate(evaluator, tasks, outputs.__setitem__, progress=progress)
    return assemble(scenario, seed, tasks, outputs)


def run_tasks(scenario: Scenario, index: int, reps: int, binding_reps: int = 0) -> list[tuple]:
    """What ``run`` evaluates for scenario ``index``: its replications, their twins, then the probes of what binds
    on the first ``binding_reps`` replications (``len(run_tasks(…))`` counts them for progress bars)."""
    return [*replication_tasks(index, reps), *probe_tasks(scenario, index, binding_reps)]


def assemble(scenario: Scenario, seed: int, tasks: Sequence[tuple], outputs: Sequence[object]) -> Result:
    """The result of ``tasks`` (any of :func:`run_tasks`) from their ``outputs``, in the same order."""
    tables = [(task[1], out) for task, out in zip(tasks, outputs, strict=True) if len(task) == 2]
    probed = {task[1:]: out for task, out in zip(tasks, outputs, strict=True) if len(task) == 4}
    return Result(scenario, seed, [out for r, out in tables if r < TWIN], twins=[out for r, out in tables if r >= TWIN],
                  probes=probed)


def replication_tasks(scenario: int, reps: int) -> list[tuple[int, int]]:
    """The tasks of a scenario's replications, then of their twins."""
    return [(scenario, r) for r in range(reps)] + [(scenario, TWIN + j) for j in range(twins_for(reps))]
