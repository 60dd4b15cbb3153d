"""One replication: a SimPy environment with one process per mechanism, stepping month by month.

The engine takes a scenario whose uncertain parameters have already been drawn, the city and the
replication's random streams, and returns monthly values per street. It does no file I/O.

Within a month: lifecycle transitions due that month (openings, completions, evaluations) fire first, then
the population process, then the market. Levers start before both, so a lever acting in the first month
is seen by that month's market.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import simpy

from sim.indicators import base_indicators
from sim.model.city import City
from sim.model.funds import Funds
from sim.model.levers import start_levers
from sim.model.market import Market
from sim.model.population import initial_population, population_process
from sim.model.record import MonthlyRecord
from sim.model.spending import ITEMS, SpendingLog
from sim.model.streams import Streams
from sim.scenario.budget_schema import FUNDS
from sim.scenario.schema import ScenarioSpec


@dataclass
class Simulation:
    """One replication's output: ``values[indicator]`` (months × streets), the initial stocks by street, and
    the payments as ledger rows (month, fund, item, street, provider, yuan) when kept, and the funds' accounts."""

    values: dict[str, np.ndarray]
    initial: dict[str, np.ndarray]
    ledger: list[tuple[int, str, str, int, int, float]] = field(default_factory=list)
    funds: FundAccounts | None = None


@dataclass
class FundAccounts:
    """Each fund's opening balance and its monthly appropriations, payments, lapses and closing balances
    (funds × months), and the deficit paid without money (allow_deficit)."""

    opening: np.ndarray
    flows: dict[str, np.ndarray]
    closing: np.ndarray
    deficit: np.ndarray


class Environment(simpy.Environment):
    """SimPy's environment, keeping the processes it starts so that ``close`` can end those still waiting."""

    def __init__(self) -> None:
        super().__init__()
        self.processes: list[simpy.Process] = []

    def process(self, generator: simpy.events.ProcessGenerator) -> simpy.Process:
        process = super().process(generator)
        self.processes.append(process)
        return process

    def close(self) -> None:
        """End every process still waiting (at the horizon) and drop the events still scheduled. A waiting
        process and the event it waits for refer to each other, and the process's frame to the market, the
        record and the population: without this a replication's state (≈ 140 MB for the province) would stay
        in memory until Python's cyclic garbage collector runs, which counts objects, not bytes, and can
        leave it for many replications."""
        for process in self.processes:
            process._generator.close()  # SimPy has no public way to end a process without stepping it
        self.processes.clear()
        self._queue.clear()


def build(spec: ScenarioSpec, city: City, streams: Streams, keep_ledger: bool = False
          ) -> tuple[Environment, Market, MonthlyRecord, SpendingLog, dict[str, np.ndarray]]:
    """The environment with every process started, ready to run (tests add observers before running)."""
    months = spec.horizon.months
    record = MonthlyRecord(base_indicators(), months, city.n_streets)
    population = initial_population(spec, city)
    initial = {"population": population.residents.copy(), "children_0_3": population.children.sum(axis=1)}
    env = Environment()
    funds = Funds(env, spec.budget, spec.horizon.start, months) if spec.budget is not None else None
    spending = SpendingLog(env, months, city.n_streets, keep_rows=keep_ledger, funds=funds)
    market = Market(env, spec, city, population, streams, record, spending, city.providers)
    start_levers(market)
    env.process(population_process(env, population, spec, city, streams, record))
    env.process(market.process())
    return env, market, record, spending, initial


def simulate(spec: ScenarioSpec, city: City, streams: Streams, keep_ledger: bool = False) -> Simulation:
    """Run one replication to the horizon."""
    env, market, record, spending, initial = build(spec, city, streams, keep_ledger)
    env.run(until=spec.horizon.months)
    env.close()
    for item in ITEMS:
        record.values[f"spend_{item}"] = spending.by_street[item]
    record.values["spend_total"] = sum(spending.by_street[item] for item in ITEMS)
    record.values["spend_cumulative"] = np.cumsum(record.values["spend_total"], axis=0)
    record.values["transfer_household_subsidy"] = spending.by_street["household_subsidy"]
    funds = spending.funds
    if funds is None:
        return Simulation(record.values, initial, spending.rows)
    closing = funds.closing
    for index, fund in enumerate(FUNDS):  # city-wide balances, shown in streets pro rata to residents
        record.values[f"fund_balance_{fund}"] = closing[index][:, None] * market.workforce.share_of_city[None, :]
    return Simulation(record.values, initial, spending.rows, FundAccounts(
        funds.opening.copy(), {flow: values.copy() for flow, values in funds.flows.items()}, closing,
        funds.deficit.copy()))
