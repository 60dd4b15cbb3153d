"""One replication: a SimPy environment in which the mechanisms step month by month (``MONTH``) and the
levers and the providers' lifecycle act at their own times.

The engine takes a scenario whose uncertain parameters have already been drawn, the city and the
replication's random streams, and returns monthly values per street. It does no file I/O.

Each month, first the events due at its start fire (SimPy events in the order they were scheduled: projects
finishing a stage, providers registering, lever actions, money arriving; see ``clock``), then the steps of
``MONTH`` run in order, then the month's indicators are recorded.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from dataclasses import dataclass, field

import numpy as np
import simpy

from sim.model import demand, enrolment, lifecycle, matching, population, probe, turnover, waitlist, workforce
from sim.model.bands import AGES, by_age
from sim.model.funds import Funds
from sim.model.levers import install_levers
from sim.model.providers import Providers, with_rows
from sim.model.record import MonthFlows, MonthlyRecord
from sim.model.spending import ITEMS, TRANSFERS, SpendingLog
from sim.model.state import Context, StaffPools, State
from sim.model.streams import Streams
from sim.scenario.budget_schema import FUNDS
from sim.scenario.city import City
from sim.scenario.schema import ScenarioSpec

Step = Callable[[Context, State], None]

# Indicators each mechanism records at month end, and the flows it adds up during the month.
RECORDERS = (lifecycle, enrolment, waitlist, demand, workforce)
FLOWS = (*waitlist.FLOWS, *matching.FLOWS, *enrolment.FLOWS, *lifecycle.FLOWS, *turnover.FLOWS, *workforce.FLOWS)


def record(ctx: Context, state: State) -> None:
    """The month's indicators by street: each mechanism's stocks, the month's flows, payments waiting for money.
    A budget's December lapse follows, after the balances were read."""
    values: dict[str, np.ndarray] = {}
    for mechanism in RECORDERS:
        values.update(mechanism.record(ctx, state))
    values.update(state.flows.take())  # next month's flows start now: openings come before the month's steps
    values["spend_deferred"] = ctx.spending.pending.copy()
    if ctx.spending.funds is not None:
        ctx.spending.funds.year_end()
    ctx.record.add(ctx.month, **values)


# The order of a month (after the events due at its start).
MONTH: tuple[tuple[str, Step], ...] = (
    ("population: births, deaths, migration, new housing, ageing", population.step),
    ("providers ready to open hire, and open if staffed", lifecycle.open_staffed),
    ("children in care age a month", enrolment.age),
    ("waiting families age a month", waitlist.age),
    ("children move up class bands", enrolment.move_up),
    ("children drop out of care", enrolment.drop_out),
    ("carers leave, certify on their own; job-seekers drift away", workforce.leave),
    ("graduates join the job-seekers (September)", workforce.graduate),
    ("providers hire", workforce.hire),
    ("counted carers set usable places; children beyond them wait again", workforce.cover),
    ("stated and effective demand, net fees", demand.step),
    ("families join the waitlist (and levers acting on it)", waitlist.join),
    ("waiting families give up", waitlist.give_up),
    ("waiting children are matched to free places", matching.step),
    ("providers' accounts are settled; payments requested", turnover.settle),
    ("private providers with sustained losses or low occupancy close", turnover.close_losers),
    ("private providers enter", turnover.enter),
    ("indicators are recorded; a budget's December lapse", record),
)


# The months before the start while the market warms up: the population and the providers stay as the data
# give them (no births, lifecycle, entry, exit, levers or money) and nothing is recorded.
WARM_UP: tuple[tuple[str, Step], ...] = tuple(
    (name, step) for name, step in MONTH
    if step not in (population.step, lifecycle.open_staffed, turnover.settle, turnover.close_losers, turnover.enter,
                    record))


def warm_up(ctx: Context, state: State, months: int) -> None:
    """Run ``WARM_UP`` for ``months`` months before the start (t = −months … −1, with their own random numbers,
    common to every scenario with the same seed: levers are not installed yet), then discard its flows. The
    market starts empty, its providers staffed for the headroom they keep: families ask, are placed, and
    providers hire for the children they take, so the market grows into the state its own dynamics hold (an
    arbitrary start, staff for half the places say, would take years to leave: carers leave at ≈ 2% a month)."""
    workforce.staff_initial(ctx, state)
    for ctx.offset in range(-months, 0):
        for _, step in WARM_UP:
            step(ctx, state)
    ctx.offset = 0
    workforce.certify_share(ctx, state)
    state.flows.take()


def recorded() -> tuple[str, ...]:
    """Every stock and flow a replication records, by street and month."""
    return (*population.RECORDS, *(name for mechanism in RECORDERS for name in mechanism.RECORDS), *FLOWS,
            "spend_deferred", *(f"spend_{item}" for item in ITEMS), "spend_total", "spend_cumulative",
            *(f"transfer_{item}" for item in TRANSFERS), *(f"fund_balance_{fund}" for fund in FUNDS))


@dataclass
class Simulation:
    """One replication's output: ``values[indicator]`` (months × streets), the stocks at the start by street
    (residents, children, children in care after the warm-up), and
    the payments as ledger rows (month, fund, item, street, provider, yuan) when kept, and the funds' accounts."""

    values: dict[str, np.ndarray]
    initial: dict[str, np.ndarray]
    ledger: list[tuple[int, str, str, int, int, float]] = field(default_factory=list)
    funds: FundAccounts | None = None
    probed: np.ndarray | None = None  # what a probe added, by district


@dataclass
class FundAccounts:
    """Each fund's opening balance and its monthly appropriations, payments, lapses and closing balances
    (funds × months), and the deficit paid without money (allow_deficit)."""

    opening: np.ndarray
    flows: dict[str, np.ndarray]
    closing: np.ndarray
    deficit: np.ndarray


class Environment(simpy.Environment):
    """SimPy's environment, keeping the generators of the processes it starts so that ``close`` can end those
    still waiting."""

    def __init__(self) -> None:
        super().__init__()
        self.generators: list[Generator[simpy.Event, object, object]] = []

    def process(self, generator: simpy.events.ProcessGenerator) -> simpy.Process:
        self.generators.append(generator)
        return super().process(generator)

    def close(self) -> None:
        """End every process still waiting (at the horizon). A waiting process's generator holds its frame, and
        the frame the state (≈ 140 MB for the province) while the event it waits for holds the process: without
        this the state would stay in memory until Python's cyclic garbage collector runs, which counts objects,
        not bytes, and can leave it for many replications."""
        for generator in self.generators:
            generator.close()
        self.generators.clear()


def months(ctx: Context, state: State, plan: tuple[tuple[str, Step], ...] = MONTH
           ) -> Generator[simpy.Event, None, None]:
    """The monthly process: the steps of the month's plan in order, every month."""
    while True:
        # Lifecycle events since last month may have changed the places; levers may have added providers.
        state.capacity = state.providers.capacity()
        state.enrolled_bands = with_rows(state.enrolled_bands, state.providers.n)
        for _, step in plan:
            step(ctx, state)
        yield ctx.env.timeout(1)


def build(spec: ScenarioSpec, city: City, streams: Streams, keep_ledger: bool = False,
          plan: tuple[tuple[str, Step], ...] = MONTH, probing: probe.Probe | None = None
          ) -> tuple[Environment, Context, State, dict[str, np.ndarray]]:
    """The environment with every process started, ready to run; the initial stocks by street (and, with a
    ``probing`` probe, ``initial["probed"]``: what it will have added, by district). Tests add observers as
    processes, or as steps of the ``plan``, before running."""
    horizon = spec.horizon.months
    env = Environment()
    funds = Funds(env, spec.budget, spec.horizon.start, horizon) if spec.budget is not None else None
    pro_rata, city_share = workforce.pro_rata_shares(city)
    ctx = Context(env, spec, city, streams, MonthlyRecord(list(recorded()), horizon, city.n_streets),
                  SpendingLog(env, horizon, city.n_streets, keep_rows=keep_ledger, funds=funds),
                  population.demographics(spec, city), by_age(spec.demand.stated_need_share.model_dump()),
                  np.array([kind == "street" for kind in city.street_kinds], dtype=float), pro_rata, city_share)
    people = population.initial_population(spec, city)
    initial = {"population": people.residents.copy(), "children_0_3": people.children.sum(axis=1)}
    shape = (city.n_streets, AGES)
    # Room for the existing providers and the entrants of a few years, so the arrays rarely grow.
    state = State(people, Providers(city.street_district, capacity=2 * len(city.providers) + 64), np.zeros(shape),
                  np.zeros(shape), np.zeros(shape), np.zeros(shape),
                  StaffPools(*(np.zeros(city.n_districts) for _ in range(3))),
                  MonthFlows(FLOWS, city.n_streets))
    for seed in city.providers:
        lifecycle.add_existing(ctx, state, seed)
    state.capacity = state.providers.capacity()
    state.enrolled_bands = state.providers.enrolled_by_band()
    state.usable = state.capacity.copy()
    warm_up(ctx, state, spec.warm_start.burn_in_months)
    turnover.pipeline(ctx, state)
    initial["enrolled"] = enrolment.record(ctx, state)["enrolled"]
    initial["hidden_waitlist"] = state.hidden.sum(axis=1)
    install_levers(ctx, state)
    if probing is not None:
        initial["probed"] = probe.install(ctx, state, probing)
    env.process(months(ctx, state, plan))
    return env, ctx, state, initial


def simulate(spec: ScenarioSpec, city: City, streams: Streams, keep_ledger: bool = False,
             probing: probe.Probe | None = None) -> Simulation:
    """Run one replication to the horizon (with a probe, see ``sim.model.probe``)."""
    env, ctx, _, initial = build(spec, city, streams, keep_ledger, probing=probing)
    env.run(until=spec.horizon.months)
    env.close()
    if probing is not None:
        probe.money_added(ctx, probing, initial["probed"])
    values, spending = ctx.record.values, ctx.spending
    for item in ITEMS:
        values[f"spend_{item}"] = spending.by_street[item]
    values["spend_total"] = sum(spending.by_street[item] for item in ITEMS)
    values["spend_cumulative"] = np.cumsum(values["spend_total"], axis=0)
    for item in TRANSFERS:
        values[f"transfer_{item}"] = spending.by_street[item]
    probed = initial.pop("probed", None)
    funds = spending.funds
    if funds is None:
        return Simulation(values, initial, spending.rows, probed=probed)
    closing = funds.closing
    for index, fund in enumerate(FUNDS):  # city-wide balances, shown in streets pro rata to residents
        values[f"fund_balance_{fund}"] = closing[index][:, None] * ctx.city_share[None, :]
    return Simulation(values, initial, spending.rows, FundAccounts(
        funds.opening.copy(), {flow: values.copy() for flow, values in funds.flows.items()}, closing,
        funds.deficit.copy()), probed)

