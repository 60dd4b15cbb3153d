"""Replications of one scenario: draw parameters, simulate, aggregate; the same seed gives the same tables."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sim.experiments.evaluators import evaluate, open_evaluator
from sim.model.engine import simulate
from sim.model.streams import Streams
from sim.results import Calendar, ReplicationTables, Result, reduce_replication
from sim.scenario.draw import draw_parameters
from sim.scenario.load import Scenario

LEDGER_REPLICATIONS = 1  # payments are kept row by row for the first replication(s) only
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
class Replications:
    """The model an evaluator runs for ``tuoyu run`` and ``tuoyu compare``: task (scenario index, replication)
    → that replication's tables. Every scenario's replication r uses the same random streams (seed, r)."""

    scenarios: tuple[Scenario, ...]
    seed: int

    def __call__(self, task: tuple[int, int]) -> ReplicationTables:
        scenario, replication = task
        return run_replication(self.scenarios[scenario], self.seed, replication)


def run(scenario: Scenario, reps: int = 1, seed: int = 0, progress: Callable[[int], None] | None = None,
        workers: int | None = None, scheduler: str | None = None) -> Result:
    """Run ``reps`` replications with root ``seed`` (and their twins, ``twins_for(reps)``); ``progress(done)`` is
    called as they finish.

    By default they run in this process; ``workers`` > 1 runs them in a local process pool, ``scheduler``
    (``tcp://host:port``) on a Dask cluster; the tables are the same either way."""
    if reps < 1:
        raise ValueError(f"reps must be at least 1, got {reps}")
    tasks = replication_tasks(0, reps)
    tables: list[ReplicationTables | None] = [None] * len(tasks)
    workers = 1 if workers is None and scheduler is None else workers
    with open_evaluator(Replications((scenario,), seed), workers, scheduler) as evaluator:
        evaluate(evaluator, tasks, tables.__setitem__, progress=progress)
    return Result(scenario, seed, tables[:reps], twins=tables[reps:])


def replication_tasks(scenario: int, reps: int) -> list[tuple[int, int]]:
    """The tasks of a scenario's replications, then of their twins."""
    return [(scenario, r) for r in range(reps)] + [(scenario, TWIN + j) for j in range(twins_for(reps))]
