"""Replications of one scenario: draw parameters, simulate, aggregate; the same seed gives the same tables."""

from __future__ import annotations

from collections.abc import Callable

from sim.model.engine import simulate
from sim.model.streams import Streams
from sim.results import Calendar, ReplicationTables, Result, reduce_replication
from sim.scenario.draw import draw_parameters
from sim.scenario.load import Scenario

LEDGER_REPLICATIONS = 1  # payments are kept row by row for the first replication(s) only


def run_replication(scenario: Scenario, seed: int, replication: int) -> ReplicationTables:
    """Replication ``replication`` of ``scenario``; depends only on the scenario, the seed and the index."""
    streams = Streams(seed, replication)
    spec, draws = draw_parameters(scenario.spec, lambda path: streams.uniform_for("parameters", path))
    simulation = simulate(spec, scenario.city, streams, keep_ledger=replication < LEDGER_REPLICATIONS)
    calendar = Calendar.of(spec.horizon.start, spec.horizon.end)
    tables = reduce_replication(simulation.values, scenario.city, calendar, draws)
    tables.ledger = simulation.ledger
    tables.funds = simulation.funds
    return tables


def run(scenario: Scenario, reps: int = 1, seed: int = 0,
        progress: Callable[[int], None] | None = None) -> Result:
    """Run ``reps`` replications with root ``seed``; ``progress(done)`` is called after each."""
    if reps < 1:
        raise ValueError(f"reps must be at least 1, got {reps}")
    tables = []
    for replication in range(reps):
        tables.append(run_replication(scenario, seed, replication))
        if progress is not None:
            progress(replication + 1)
    return Result(scenario, seed, tables)
