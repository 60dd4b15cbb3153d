"""One package in one replication, reduced to what a decision needs: a row of numbers.

Task ``(scenario, values, replication)``: scenario 0 is the spec's scenario with a candidate package's ``values``
applied (the decisions' coordinates), 1 and 2 the baseline and the city's plan as they are. Replication r uses
the random streams (seed, r) whatever the package: common random numbers, so two packages differ by their
levers, not by chance, and the probability that a target is met is compared on the same draws.

The row holds the public cost (what the objective counts, and services and transfers apart), the payments by
fund and year (services only, from the replication's ledger), whether each constrained target is met at its
deadline and its value there, whether no payment had to wait for money, a few indicators at the horizon for
the brief, and the value each uncertain parameter took (what ``tuoyu discover`` looks for failure in).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from sim import targets as target_tables
from sim.decisions.spec import OptimizeSpec
from sim.indicators import INDICATORS
from sim.model.spending import TRANSFERS
from sim.results import Calendar, Result
from sim.runner import run_replication
from sim.scenario.budget_schema import FUNDS
from sim.scenario.draw import draw_parameters
from sim.scenario.load import Scenario

PACKAGE, BASELINE, PLAN = 0, 1, 2
# What the brief says a package buys: the city's value at the horizon's last month.
OUTCOMES = ("places_per_1000", "places_licensed", "places_inclusive", "enrolled", "enrolment_rate", "waitlist",
            "certification_rate", "streets_with_centre_share")
OTHER_FUND = "unbudgeted"  # payments without a budget section (paid when made), or paid anyway as a deficit
PAYERS = (*FUNDS, OTHER_FUND)
CACHE_SIZE = 32

Task = tuple[int, tuple[float, ...], int]


def package_overrides(spec: OptimizeSpec, values: Sequence[float]) -> dict[str, Any]:
    """The scenario keys a candidate sets, and their values."""
    found: dict[str, Any] = {}
    for decision, value in zip(spec.decisions, values, strict=True):
        found.update(decision.overrides(value))
    return found


def with_targets(scenario: Scenario, spec: OptimizeSpec) -> Scenario:
    """The scenario judged by the spec's constrained targets (the baseline's and the plan's own may differ)."""
    judged = scenario.spec.model_copy(update={"default_targets": False, "targets": list(spec.targets)})
    return dataclasses.replace(scenario, spec=judged)


@dataclass(frozen=True)
class Layout:
    """The columns of a row, fixed for an optimisation."""

    years: tuple[int, ...]
    targets: int
    draws: tuple[str, ...]
    columns: tuple[str, ...] = field(init=False)

    def __post_init__(self) -> None:
        columns = ["cost", "services", "transfers", "budget_ok", "deferred_max",
                   *(f"met:{i}" for i in range(self.targets)), *(f"value:{i}" for i in range(self.targets)),
                   *(f"paid:{payer}:{year}" for payer in PAYERS for year in self.years),
                   *(f"outcome:{name}" for name in OUTCOMES), *(f"draw:{key}" for key in self.draws)]
        object.__setattr__(self, "columns", tuple(columns))

    @classmethod
    def of(cls, spec: OptimizeSpec) -> Layout:
        """The years of the horizon, the targets and the uncertain parameters any evaluated scenario can draw (a
        lever switched on by a decision brings its own): those of the scenario with every decision at its high end,
        of the scenario itself, the baseline and the plan."""
        calendar = Calendar.of(spec.base.scenario.spec.horizon.start, spec.base.scenario.spec.horizon.end)
        highest = spec.base.with_values(package_overrides(spec, [d.high for d in spec.decisions]))
        scenarios = [spec.base.scenario, highest]
        scenarios += [s for s in (spec.baseline, spec.plan) if s is not None]
        keys: dict[str, None] = {}
        for scenario in scenarios:
            keys.update(dict.fromkeys(draw_parameters(scenario.spec, lambda path: 0.5)[1]))
        return cls(calendar.years, len(spec.targets), tuple(keys))

    def index(self, column: str) -> int:
        return self.columns.index(column)


@dataclass
class Evaluator:
    """The model a worker runs: task → row (see the module's note). Scenarios built for a package are kept for the
    next tasks of the same package (a candidate's replications come in a row)."""

    spec: OptimizeSpec
    layout: Layout
    _built: dict[tuple[int, tuple[float, ...]], Scenario] = field(default_factory=dict, repr=False)

    def __getstate__(self) -> dict[str, Any]:
        return {"spec": self.spec, "layout": self.layout, "_built": {}}

    def scenario(self, which: int, values: tuple[float, ...]) -> Scenario:
        key = (which, values)
        if key not in self._built:
            if len(self._built) >= CACHE_SIZE:
                self._built.clear()
            if which == PACKAGE:
                scenario = self.spec.base.with_values(package_overrides(self.spec, values))
            else:
                scenario = self.spec.baseline if which == BASELINE else self.spec.plan
            self._built[key] = with_targets(scenario, self.spec)
        return self._built[key]

    def __call__(self, task: Task) -> np.ndarray:
        which, values, replication = task
        scenario = self.scenario(which, values)
        tables = run_replication(scenario, self.spec.seed, replication, keep_ledger=True)
        return row(self.spec, self.layout, scenario, tables)


def row(spec: OptimizeSpec, layout: Layout, scenario: Scenario, tables: Any) -> np.ndarray:
    """The replication ``tables`` of ``scenario`` as a row of ``layout``."""
    values = np.full(len(layout.columns), np.nan)

    def put(column: str, value: float) -> None:
        values[layout.index(column)] = value

    result = Result(scenario, spec.seed, [tables])
    names = list(INDICATORS)
    city = tables.monthly[:, :, 0]  # indicators × months
    services = float(city[names.index("spend_total")].sum())
    transfers = float(sum(city[names.index(f"transfer_{item}")].sum() for item in TRANSFERS))
    paid = _paid_by_fund_year(tables.ledger, scenario, layout.years)
    chosen = [PAYERS.index(f) for f in spec.funds] + [PAYERS.index(OTHER_FUND)]
    budgeted = scenario.spec.budget is not None and bool(scenario.spec.budget.funds)
    cost = float(paid[0][chosen].sum()) if budgeted else services
    if spec.transfers:
        cost += float(paid[1][chosen].sum()) if budgeted else transfers
    put("cost", cost)
    put("services", services)
    put("transfers", transfers)
    # Within the appropriations: no request is still waiting for money when a fiscal year ends (a payment due before
    # the year's money arrives in spring waits a few weeks, and that is how budgets work), and nothing was paid as a
    # deficit; half a yuan is rounding, not a payment waiting.
    calendar = Calendar.of(scenario.spec.horizon.start, scenario.spec.horizon.end)
    year_ends = [calendar.months.index(month) for month in calendar.year_end_months.values()]
    deferred = city[names.index("spend_deferred")]
    deficit = float(tables.funds.deficit.sum()) if tables.funds is not None else 0.0
    put("deferred_max", float(deferred[year_ends].max()))
    put("budget_ok", float(deferred[year_ends].max() <= 0.5 and deficit <= 0.5))
    judged = target_tables.by_replication(result)
    for i, target in enumerate(spec.targets):
        found = judged[judged["target"] == target.label].iloc[0]
        put(f"met:{i}", float(bool(found["met_at_deadline"])))
        put(f"value:{i}", np.nan if found["value_at_deadline"] is None else float(found["value_at_deadline"]))
    for p, payer in enumerate(PAYERS):
        for y, year in enumerate(layout.years):
            put(f"paid:{payer}:{year}", float(paid[0][p, y]))
    for name in OUTCOMES:
        put(f"outcome:{name}", float(city[names.index(name), -1]))
    for key, value in tables.draws.items():
        if f"draw:{key}" in layout.columns:
            put(f"draw:{key}", float(value))
    return values


def _paid_by_fund_year(ledger: list[tuple[int, str, str, int, int, float]], scenario: Scenario,
                       years: tuple[int, ...]) -> tuple[np.ndarray, np.ndarray]:
    """Payments for services and transfers to families, payers × years, from the replication's ledger."""
    calendar = Calendar.of(scenario.spec.horizon.start, scenario.spec.horizon.end)
    year_of = np.array([years.index(int(month[:4])) for month in calendar.months])
    services, transfers = np.zeros((len(PAYERS), len(years))), np.zeros((len(PAYERS), len(years)))
    for month, fund, item, _street, _provider, amount in ledger:
        payer = PAYERS.index(fund) if fund in FUNDS else len(FUNDS)
        (transfers if item in TRANSFERS else services)[payer, year_of[month]] += amount
    return services, transfers
