"""What the mechanisms of one replication share: a ``Context`` they read (the clock, the scenario, the city,
the random streams, where indicators and payments go, and what the levers add to the rules) and a ``State``
of plain arrays they update. Mechanisms are functions of the two; none holds a reference to another.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import simpy

from sim.model.population import Demographics, Population
from sim.model.providers import Providers
from sim.model.record import MonthFlows, MonthlyRecord
from sim.model.spending import SpendingLog
from sim.model.streams import Streams
from sim.scenario.city import PROVIDER_TYPES, City
from sim.scenario.months import month_number
from sim.scenario.params import draw_value
from sim.scenario.schema import ScenarioSpec


@dataclass(frozen=True)
class Eligible:
    """Which providers a payment goes to: providers of these types, only their inclusive (普惠) ones if
    ``inclusive_only``, and not existing centres that registered (their places licensed, not built) if
    ``built_only``."""

    types: tuple[str, ...] = PROVIDER_TYPES
    inclusive_only: bool = False
    built_only: bool = False

    def mask(self, providers: Providers) -> np.ndarray:
        """Each provider's eligibility (the ``providers.n`` that exist)."""
        n = providers.n
        chosen = providers.is_type(*self.types)
        if self.inclusive_only:
            chosen &= providers.inclusive[:n]
        if self.built_only:
            chosen &= ~providers.existed[:n]
        return chosen

    def covers(self, type_: str, inclusive: bool, existed: bool = False) -> bool:
        """Whether a provider of this type and kind would be eligible (a prospective entrant, say)."""
        return type_ in self.types and (inclusive or not self.inclusive_only) and not (existed and self.built_only)


@dataclass(frozen=True)
class ProviderPayment:
    """Money a lever pays providers: ``rate()`` yuan this month (0 when the lever is not in force) per enrolled
    child-month (revenue), per licensed place-month (relief of the rent they pay) or per place when a provider
    opens; ``item`` names the spending line."""

    item: str
    basis: Literal["child_month", "place_month", "place_at_opening"]
    eligible: Eligible
    rate: Callable[[], float]


@dataclass
class Hooks:
    """Where the levers enter the mechanisms' rules, filled as the levers are installed (in registry order).

    ``payments``: money to providers (see ``ProviderPayment``); ``fee_reductions``: what families no longer pay,
    per provider; ``need_factors``: factors on stated need this month (a number, or one per street);
    ``other_street_gains``: shares of the families who would not look beyond their street who now do;
    ``after_joining``: actions on the waitlist once families have joined it; ``transfers``: payments to families;
    ``required_certified_share``: the share of counted carers who must be certified in a calendar month;
    ``self_certification``: extra monthly shares of uncertified carers certifying on their own in a calendar month;
    ``lead_times``: factors on the lead times of a kind (``build``, ``registration``, ``rectification``) now."""

    payments: list[ProviderPayment] = field(default_factory=list)
    fee_reductions: list[Callable[[Providers], np.ndarray | float]] = field(default_factory=list)
    need_factors: list[Callable[[], np.ndarray | float]] = field(default_factory=list)
    other_street_gains: list[Callable[[], float]] = field(default_factory=list)
    after_joining: list[Callable[[State], None]] = field(default_factory=list)
    transfers: list[Callable[[State], None]] = field(default_factory=list)
    required_certified_share: list[Callable[[int], float]] = field(default_factory=list)
    self_certification: list[Callable[[int], float]] = field(default_factory=list)
    lead_times: list[Callable[[str], float]] = field(default_factory=list)

    def paid(self, basis: str) -> list[ProviderPayment]:
        return [payment for payment in self.payments if payment.basis == basis]


@dataclass(eq=False)
class Context:
    """What a replication's mechanisms read: the SimPy environment (t in months from the scenario start), the
    scenario with its parameters drawn, the city, the random streams, the record of indicators, the spending
    log and the levers' hooks. It also numbers the month's events, so each has its own random draws."""

    env: simpy.Environment
    spec: ScenarioSpec
    city: City
    streams: Streams
    record: MonthlyRecord
    spending: SpendingLog
    demography: Demographics  # the population's rules
    need_share: np.ndarray  # share of families wanting formal care, by month of age
    urban: np.ndarray  # 1 for urban streets (街道), 0 for towns
    pro_rata: np.ndarray  # each street's share of its district's residents
    city_share: np.ndarray  # each street's share of the city's residents
    hooks: Hooks = field(default_factory=Hooks)
    events: dict[tuple[str, int], int] = field(default_factory=dict)
    offset: int = 0  # months before the start while the market warms up (negative), then 0

    def __post_init__(self) -> None:
        self.start = month_number(self.spec.horizon.start)
        self.months = self.spec.horizon.months

    @property
    def month(self) -> int:
        """Months since the start (negative while the market warms up before it)."""
        return int(self.env.now) + self.offset

    def calendar_month(self, t: int | None = None) -> int:
        return self.start + (self.month if t is None else t)

    def in_force(self, start: str, end: str | None) -> bool:
        """Whether a dated lever applies this month."""
        now = self.calendar_month()
        return month_number(start) <= now and (end is None or now <= month_number(end))

    def uniforms(self, name: str, size: int | tuple[int, ...]) -> np.ndarray:
        """This month's uniform numbers for mechanism ``name`` (common to scenarios for the same seed)."""
        return self.streams.uniforms((name, self.month), size)

    def event(self, origin: str) -> tuple[str, int, int]:
        """A key naming the next event of ``origin`` this month, for its own random draws."""
        count = self.events.get((origin, self.month), 0)
        self.events[(origin, self.month)] = count + 1
        return origin, self.month, count

    def whole_months(self, value: object, *key: object) -> int:
        """A duration in whole months; a distribution is drawn for each event, named by ``key``."""
        return max(0, round(draw_value(value, lambda: self.streams.uniform_for("duration", *key))))

    def lead_time(self, kind: str, value: object, *key: object) -> int:
        """A lead time of ``kind`` (``build``, ``registration`` or ``rectification``) in whole months, drawn as
        ``whole_months`` draws it and shortened by the levers in force that shorten it (部门协同, the platform)."""
        months = draw_value(value, lambda: self.streams.uniform_for("duration", *key))
        for factor in self.hooks.lead_times:
            months *= factor(kind)
        return max(0, round(months))


@dataclass(eq=False)
class StaffPools:
    """Carers not employed, by district: certified job-seekers, and people in training (new entrants, and
    uncertified carers who stay employed meanwhile)."""

    job_seekers: np.ndarray
    trainees_new: np.ndarray
    trainees_upskill: np.ndarray


@dataclass(eq=False)
class State:
    """The state of one replication, as plain arrays.

    Families who ever expressed demand (``engaged``: enrolled, waiting, hidden or dropped out), those
    ``waiting``, the months they have waited and those who gave up waiting (``hidden``) are held by home street
    and month of age. Children in care
    are held per provider (``providers.enrolled``); ``enrolled_bands``, ``capacity`` (licensed places) and
    ``usable`` (places the counted carers cover) by provider and class band are kept current through the
    month. ``month`` holds what one step of the month hands to the next (demand, prices, profits)."""

    population: Population
    providers: Providers
    waiting: np.ndarray
    engaged: np.ndarray
    wait_months: np.ndarray
    hidden: np.ndarray
    staff: StaffPools
    flows: MonthFlows
    capacity: np.ndarray = field(default_factory=lambda: np.zeros((0, 4)))
    enrolled_bands: np.ndarray = field(default_factory=lambda: np.zeros((0, 4)))
    usable: np.ndarray = field(default_factory=lambda: np.zeros((0, 4)))
    awaiting_staff: list[int] = field(default_factory=list)  # built and registered, waiting for carers
    operator_payments: dict[str, list[int]] = field(default_factory=dict)  # item → providers paid per place
    last_effective: np.ndarray | None = None  # last month's effective demand (streets × ages)
    month: dict[str, np.ndarray] = field(default_factory=dict)
