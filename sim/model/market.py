"""The childcare market, month by month: demand, waitlists, matching, provider economics, exits and entry.

Each month, after the population has aged: enrolled and waiting children age one month (those reaching
36 months leave); children outgrowing a class band move up where the provider has room; some enrolled
children drop out; carers leave, graduate and are hired, and the carers who count toward the ratios set
each provider's usable places (``workforce``); stated and effective demand are computed; families newly
wanting care join the waitlist; some waiting families give up; waiting children are matched to free usable
places; providers' accounts are settled, private providers with sustained losses or low occupancy close
(their children wait again) and new private providers enter where waitlists and margins are large
(``turnover``).

Families who ever expressed demand (``engaged``: enrolled, waiting, gave up or dropped out) are tracked by
home street and age, so a family that gave up does not queue again. Enrolled children are held by
provider; a child placed in another street is counted in the provider's street.
"""

from __future__ import annotations

from collections.abc import Generator

import numpy as np
import simpy

from sim.indicators import DESERT_CHILDREN_PER_PLACE, PLACES_ADDED_ZH
from sim.model import kernels, sampling
from sim.model.allocate import apportion
from sim.model.bands import AGES, BAND_AGES, BANDS, CLASS_SIZE, NEXT_BAND, by_age
from sim.model.city import City
from sim.model.demand import awareness, district_price, mean_fee_by_district, willing_share
from sim.model.lifecycle import develop
from sim.model.matching import match
from sim.model.population import Population
from sim.model.providers import (
    BUILDING,
    CLOSED,
    OPEN,
    ORIGINS,
    PLANNED,
    REGISTERING,
    TYPES,
    Providers,
    ProviderSeed,
)
from sim.model.record import MonthFlows, MonthlyRecord
from sim.model.spending import SpendingLog
from sim.model.streams import Streams
from sim.model.turnover import close_losers, enter, settle_accounts
from sim.model.workforce import Workforce, counted, staff_for
from sim.scenario.months import month_number
from sim.scenario.params import draw_value
from sim.scenario.schema import ScenarioSpec

# Flows summed per street during a month, recorded at its end.
FLOWS = ("placed", "wait_months_placed", "gave_up", "dropouts", "enrolled_aged_out", "displaced",
         "waiting_aged_out", "openings", "closures", "joined", "private_entries", "places_added",
         *(f"places_added_{lever}" for lever in PLACES_ADDED_ZH))


class Market:
    """State of the market in one replication, and the levers' handles on it."""

    def __init__(self, env: simpy.Environment, spec: ScenarioSpec, city: City, population: Population,
                 streams: Streams, record: MonthlyRecord, spending: SpendingLog, seeds: tuple[ProviderSeed, ...]):
        self.env, self.spec, self.city, self.population = env, spec, city, population
        self.record, self.spending = record, spending
        self.start = month_number(spec.horizon.start)
        # Room for the existing providers and the entrants of a few years, so the arrays rarely grow.
        self.providers = Providers(city.street_district, capacity=2 * len(seeds) + 64)
        shape = (city.n_streets, AGES)
        self.waiting, self.engaged, self.wait_months = np.zeros(shape), np.zeros(shape), np.zeros(shape)
        self.streams = streams
        self.events: dict[tuple[str, int], int] = {}
        self.flows = MonthFlows(FLOWS, city.n_streets)
        self.need_share = by_age(spec.demand.stated_need_share.model_dump())
        self.payment_per_place = np.zeros(0)  # lever payments to operators, yuan per place per month
        self.paid_providers: dict[str, list[int]] = {}  # spending item → providers paid per place by a lever
        self.campaigns: list[tuple[int, float]] = []
        self.last_effective: np.ndarray | None = None
        self.voucher_carry = 0.0
        self.awaiting_staff: list[int] = []  # built and registered, waiting for carers
        for seed in seeds:
            self._add_seed(seed)
        self.capacity = self.providers.capacity()  # places by provider and band, refreshed each month
        self.enrolled_bands = self.providers.enrolled_by_band()
        self.urban = np.array([kind == "street" for kind in city.street_kinds], dtype=float)  # 街道, not towns
        self.workforce = Workforce(self)
        self.workforce.staff_initial()
        self.usable = self.capacity.copy()  # places the counted carers cover, by provider and band

    # --- time and randomness ----------------------------------------------------------------------------
    @property
    def month(self) -> int:
        return int(self.env.now)

    def calendar_month(self, t: int | None = None) -> int:
        return self.start + (self.month if t is None else t)

    def lever_value(self, lever: str, attribute: str) -> float:
        """A dated lever's setting this month, or 0 where the lever is off or not in force."""
        settings = getattr(self.spec.policies, lever)
        if settings is None or not self.active(settings.start, settings.end):
            return 0.0
        return float(getattr(settings, attribute))

    def active(self, start: str, end: str | None) -> bool:
        """Whether a dated lever applies this month."""
        now = self.calendar_month()
        return month_number(start) <= now and (end is None or now <= month_number(end))

    def uniforms(self, name: str, size) -> np.ndarray:
        """This month's uniform numbers for mechanism ``name`` (common to scenarios for the same seed)."""
        return self.streams.uniforms((name, self.month), size)

    def event(self, origin: str) -> tuple[str, int, int]:
        """A key naming the next event of ``origin`` this month, for its own random draws."""
        count = self.events.get((origin, self.month), 0)
        self.events[(origin, self.month)] = count + 1
        return origin, self.month, count

    def whole_months(self, value, *key: object) -> int:
        """A duration in whole months; a distribution is drawn for each event, named by ``key``."""
        return max(0, round(draw_value(value, lambda: self.streams.uniform_for("duration", *key))))

    # --- providers ----------------------------------------------------------------------------------------
    def _add_seed(self, seed: ProviderSeed) -> None:
        if seed.status == "open":
            self.providers.add(seed.street, seed.type, seed.inclusive, seed.fee_yuan_per_month, seed.classes,
                               "existing", OPEN)
            self._grow_payments()
            return
        lifecycle = self.spec.providers.lifecycle
        registration = (REGISTERING, self.whole_months(lifecycle.registration_months, seed.provider_id,
                                                       "registration"))
        stages = [registration] if seed.status == "registering" else \
            [(BUILDING, self.whole_months(lifecycle.fit_out_months, seed.provider_id, "fit_out")), registration]
        self.new_provider(seed.street, seed.type, seed.inclusive, seed.fee_yuan_per_month, seed.classes,
                          "existing", stages)

    def new_provider(self, street: int, type_: str, inclusive: bool, fee: float, classes, origin: str,
                     stages: list[tuple[int, int]] | None, payment_per_place: float = 0.0,
                     payment_item: str = "") -> int:
        """Create a provider and start its lifecycle process through ``stages`` (None: the caller drives it);
        returns its index. Once built and registered it waits for carers, and opens in the first month it has
        them (``_open_staffed``)."""
        i = self.providers.add(street, type_, inclusive, fee, classes, origin)
        self._grow_payments()
        self.payment_per_place[i] = payment_per_place
        if payment_item:
            self.paid_providers.setdefault(payment_item, []).append(i)

        if stages is not None:
            self.develop([i], stages)
        return i

    def develop(self, members: list[int], stages: list[tuple[int, int]]) -> None:
        """Take new providers that share a schedule through ``stages`` together (one lifecycle process), then
        they wait for carers."""
        members_at = np.array(members)

        def set_status(status: int) -> None:
            self.providers.status[members_at] = status

        self.env.process(develop(self.env, set_status, stages, lambda: self.awaiting_staff.extend(members)))

    def _open_staffed(self) -> None:
        """Providers ready to open hire together; those with the carers they need open now, the rest wait."""
        if not self.awaiting_staff:
            return
        ready = np.array(self.awaiting_staff)
        staffed = self.workforce.staff_to_open(ready)
        for i in ready[staffed]:
            self.providers.status[i] = OPEN
            self.providers.opened[i] = self.month
            self.flows["openings"][self.providers.street[i]] += 1
            self.count_added(int(i), float(self.providers.classes[i] @ CLASS_SIZE),
                             ORIGINS[self.providers.origin[i]])
            self._pay_construction_subsidy(int(i))
        self.awaiting_staff = ready[~staffed].tolist()
        self.capacity = self.providers.capacity()

    def count_added(self, i: int, places: float, lever: str) -> None:
        """Places that opened or a new class added, credited to the lever (or entry) that made them."""
        if lever in PLACES_ADDED_ZH:
            self.flows[f"places_added_{lever}"][self.providers.street[i]] += places
            self.flows["places_added"][self.providers.street[i]] += places

    def add_class(self, i: int, band: int, lever: str) -> None:
        """A class added to an open provider by a lever (expansion, a kindergarten's new 托班)."""
        self.providers.classes[i, band] += 1
        self.count_added(i, CLASS_SIZE[band], lever)

    def _grow_payments(self) -> None:
        if len(self.payment_per_place) < self.providers.n:
            grown = np.zeros(len(self.providers.street))
            grown[: len(self.payment_per_place)] = self.payment_per_place
            self.payment_per_place = grown

    def _pay_construction_subsidy(self, i: int) -> None:
        providers = self.providers
        if providers.inclusive[i]:
            places = float(providers.classes[i] @ CLASS_SIZE)
            self.spending.request(self.month, "construction_subsidy", int(providers.street[i]),
                                  places * self.lever_value("construction_subsidy", "yuan_per_place"), i)

    def places_by_street(self, include_pipeline: bool = False) -> np.ndarray:
        """Licensed places per street, with places still being built or registered if asked."""
        providers = self.providers
        n = providers.n
        counted = providers.licensed()
        if include_pipeline:
            counted |= np.isin(providers.status[:n], (PLANNED, BUILDING, REGISTERING))
        places = providers.classes[:n] @ CLASS_SIZE * counted
        return np.bincount(providers.street[:n], places, minlength=self.city.n_streets)

    def streets_with_places(self, capacity: np.ndarray) -> np.ndarray:
        """Streets where some provider holds places (``capacity``: providers × bands)."""
        providers = self.providers
        return np.bincount(providers.street[: providers.n], capacity.sum(axis=1), minlength=self.city.n_streets) > 0

    def unmet_need(self) -> np.ndarray:
        """Effective demand (last month's, or now's before the first month) not covered by places, built or
        coming, per street: where levers build first."""
        effective = self.last_effective if self.last_effective is not None else \
            self._demand(self.providers.capacity())[1]
        return np.maximum(effective.sum(axis=1) - self.places_by_street(include_pipeline=True), 0)

    def neediest_street(self) -> int:
        return int(np.argmax(self.unmet_need()))

    def has_centre(self, street: int) -> bool:
        """Whether the street has a community centre, open or coming."""
        providers = self.providers
        n = providers.n
        return bool(np.any(providers.is_type("community_centre") & (providers.status[:n] != CLOSED)
                           & (providers.street[:n] == street)))

    def close(self, closing: np.ndarray) -> None:
        """Close providers ``closing``: their children wait again, their carers look for work."""
        if len(closing) == 0:
            return
        providers = self.providers
        street = providers.street[closing]
        self.return_to_waitlist(street, providers.enrolled[closing].sum(axis=1))
        np.add.at(self.flows["displaced"], street, providers.enrolled[closing].sum(axis=(1, 2)))
        np.add.at(self.flows["closures"], street, 1)
        providers.enrolled[closing] = 0
        providers.status[closing] = CLOSED
        providers.closed[closing] = self.month
        for by_band in (self.capacity, self.enrolled_bands):  # this month's places and children, kept current
            by_band[closing[closing < len(by_band)]] = 0
        for i in closing:
            self.workforce.release(int(i))

    def return_to_waitlist(self, streets: np.ndarray, children: np.ndarray) -> None:
        """Children (by age, one row per provider in ``streets``) who lost their place wait again in their home
        streets. Homes are not tracked per child, so they are spread over each district's streets in proportion
        to the families there who are engaged but not waiting (in care or gone), age by age; any beyond those
        families wait in the provider's street."""
        kernels.wait_again(streets.astype(np.int64), np.ascontiguousarray(children, dtype=float), self.waiting,
                           self.engaged, self.population.children, self.city.street_district.astype(np.int64),
                           self.city.n_districts)

    # --- the monthly process ------------------------------------------------------------------------------
    def process(self) -> Generator[simpy.Event, None, None]:
        while True:
            self.capacity = self.providers.capacity()  # lifecycle events since last month may have changed it
            self.enrolled_bands = _grown(self.enrolled_bands, self.providers.n)  # levers may have added providers
            self._open_staffed()
            self._age()
            self._move_up()
            self._drop_out()
            self.workforce.leave()
            self.workforce.graduate()
            self.workforce.hire_all()
            self.usable, self.enrolled_bands = self.workforce.usable()
            stated, effective, net_fee, price = self._demand()
            self.last_effective = effective
            self._join(effective)
            self._vouchers(stated)
            self._give_up()
            self._match(net_fee, price)
            profit = settle_accounts(self, net_fee)
            close_losers(self, profit)
            enter(self)
            # Entrants hold no places or children yet (they open months later): the month's arrays grow by zeros.
            self.capacity, self.enrolled_bands = _grown(self.capacity, self.providers.n), \
                _grown(self.enrolled_bands, self.providers.n)
            self._record(stated, effective)
            yield self.env.timeout(1)

    def _age(self) -> None:
        providers = self.providers
        aged_out = kernels.age_one_month(providers.enrolled[: providers.n], self.enrolled_bands)
        self.flows["enrolled_aged_out"] += np.bincount(providers.street[: providers.n], aged_out,
                                                       minlength=self.city.n_streets)
        # Children who died or moved away leave the demand they expressed with them.
        self.flows["waiting_aged_out"] += kernels.age_waitlist(self.waiting, self.engaged, self.wait_months,
                                                               self.population.children)

    def _move_up(self) -> None:
        """Children who outgrow their class band move to the next band (or a mixed class from 18 months)
        where the provider has room; otherwise they stay in their class until room frees up."""
        enrolled = self.providers.enrolled[: self.providers.n]
        for band, successor in NEXT_BAND.items():
            kernels.move_up(enrolled, self.enrolled_bands, self.capacity, BANDS.index(band), BANDS.index(successor),
                            BAND_AGES[successor][0], BANDS.index("mixed"), BAND_AGES["mixed"][0])

    def _drop_out(self) -> None:
        """Enrolled children leave care with a monthly hazard (the number is binomial per provider; the
        oldest leave first)."""
        providers = self.providers
        enrolled = providers.enrolled[: providers.n]
        leaving = sampling.binomial(self.uniforms("dropouts", providers.n), self.enrolled_bands.sum(axis=1),
                                    self.spec.demand.dropout_per_month_share)
        kernels.remove_oldest(enrolled, leaving, self.enrolled_bands)
        self.flows["dropouts"] += np.bincount(providers.street[: providers.n], leaving, minlength=self.city.n_streets)

    def _net_fee(self) -> np.ndarray:
        """Fee families pay after subsidies passed on to them, per provider."""
        providers = self.providers
        fee = providers.fee[: providers.n] - providers.inclusive[: providers.n] * \
            self.lever_value("operating_subsidy", "yuan_per_child_per_month") * \
            self.lever_value("operating_subsidy", "fee_pass_through_share")
        fee -= self.lever_value("household_subsidy", "yuan_per_child_per_year") / 12 * \
            self.lever_value("household_subsidy", "fee_effect_share")
        return np.maximum(fee, 0.0)

    def _demand(self, capacity: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Stated and effective demand by street and age, each provider's net fee and the fee each district's
        families weigh."""
        demand, providers, city = self.spec.demand, self.providers, self.city
        capacity = self.capacity if capacity is None else capacity
        children = self.population.children
        publicity = self.spec.policies.publicity
        uplift = awareness(self.month, self.campaigns, publicity.half_life_months) if publicity else 0.0
        stated = np.minimum(children * self.need_share * (1 + uplift), children)
        net_fee = self._net_fee()
        price = district_price(capacity, net_fee, providers.inclusive[: providers.n], providers.district,
                               city.n_districts, self.spec.providers.entry.inclusive_fee_yuan_per_month)
        willing = willing_share(price, demand.willingness_to_pay_median_yuan_per_month,
                                demand.willingness_to_pay_sigma)[city.street_district]
        access = np.where(self.streets_with_places(capacity), 1.0, demand.other_street_acceptance_share)
        return stated, stated * (willing * access)[:, None], net_fee, price

    def _join(self, effective: np.ndarray) -> None:
        # Random rounding keeps small cells (a street's children of one month of age) unbiased.
        self.flows["joined"] += kernels.join_waitlist(effective, self.engaged, self.waiting,
                                                      self.uniforms("joining", self.waiting.shape))

    def _vouchers(self, stated: np.ndarray) -> None:
        """二(二) Experience vouchers: the month's vouchers give trial months to families who want care but are
        priced out or far from places (spread in proportion to them); the retained share join the waitlist."""
        vouchers = self.spec.policies.vouchers
        if vouchers is None or not self.active(vouchers.start, vouchers.end):
            return
        undecided = np.floor(np.maximum(stated - self.engaged, 0))
        total = undecided.sum()
        if total <= 0:
            return
        trials = vouchers.vouchers_per_year / 12 * vouchers.trial_share
        self.spending.request_many(self.month, "vouchers", np.arange(self.city.n_streets),
                                   undecided.sum(axis=1) / total * trials * vouchers.value_yuan)
        self.voucher_carry += trials * vouchers.retention_share
        joining = min(np.floor(self.voucher_carry), total)
        self.voucher_carry -= joining
        cells = apportion(np.array([joining]), undecided.ravel(), np.zeros(undecided.size, np.intp))
        cells = cells.reshape(undecided.shape)
        self.waiting += cells
        self.engaged += cells
        self.flows["joined"] += cells.sum(axis=1)

    def _give_up(self) -> None:
        u = self.uniforms("give_up", self.waiting.shape)
        leaving = sampling.binomial(u, self.waiting, self.spec.demand.give_up_per_month_share)
        self.flows["gave_up"] += kernels.leave_waitlist(self.waiting, self.wait_months, leaving, False)[0]

    def _match(self, net_fee: np.ndarray, price: np.ndarray) -> None:
        providers, city, demand = self.providers, self.city, self.spec.demand
        n = providers.n
        free = np.maximum(self.usable - self.enrolled_bands, 0)
        free[providers.status[:n] != OPEN] = 0  # rectifying providers admit no one
        market = ~providers.inclusive[:n]
        median, sigma = demand.willingness_to_pay_median_yuan_per_month, demand.willingness_to_pay_sigma
        market_places = self.capacity.sum(axis=1) * market
        market_fee = mean_fee_by_district(market_places, net_fee, providers.district, city.n_districts)
        market_fee[np.isnan(market_fee)] = 0.0  # no market places in the district: nothing to refuse
        market_acceptance = np.clip(willing_share(market_fee, median, sigma) /
                                    np.maximum(willing_share(price, median, sigma), 1e-9), 0, 1)
        other_street = np.where(self.streets_with_places(self.capacity), demand.other_street_acceptance_share, 1.0)
        placement = match(self.waiting, free, providers.enrolled[:n], providers.street[:n], market,
                          city.street_district, city.n_districts, market_acceptance[city.street_district], other_street,
                          demand.market_preference_share, self.uniforms("matching", self.waiting.shape))
        self.flows["wait_months_placed"] += kernels.leave_waitlist(self.waiting, self.wait_months, placement.by_home,
                                                                   True)[1]
        self.enrolled_bands = self.enrolled_bands + placement.by_provider
        self.flows["placed"] += np.bincount(providers.street[:n], placement.by_provider.sum(axis=1),
                                            minlength=city.n_streets)

    def _record(self, stated: np.ndarray, effective: np.ndarray) -> None:
        providers, city = self.providers, self.city
        n = providers.n
        street = providers.street[:n]
        capacity = self.capacity
        places = capacity.sum(axis=1)
        usable = np.zeros_like(capacity)
        usable[: len(self.usable)] = self.usable[: len(capacity)]  # providers that entered this month have none
        licensed = providers.licensed()
        usable *= licensed[:, None]  # nor those that closed after their places were counted
        usable_places = usable.sum(axis=1)
        # One pass over the providers for every per-street sum (bincount column by column costs more).
        sums = kernels.group_sums(street, np.column_stack([
            places, usable_places, places * providers.inclusive[:n], self.enrolled_bands.sum(axis=1), licensed,
            licensed * providers.is_type("community_centre"), capacity]), city.n_streets)
        places_licensed = sums[:, 0]
        children = self.population.children.sum(axis=1)
        urban = self.urban
        values = {
            "places_licensed": places_licensed,
            "places_usable": sums[:, 1],
            "places_inclusive": sums[:, 2],
            "demand_stated": stated.sum(axis=1),
            "demand_effective": effective.sum(axis=1),
            "enrolled": sums[:, 3],
            "waitlist": self.waiting.sum(axis=1),
            "providers_open": sums[:, 4],
            "streets_with_centre": (sums[:, 5] > 0) * urban,
            "urban_streets": urban,
            "childcare_desert": ((children > DESERT_CHILDREN_PER_PLACE * places_licensed) & (children > 0)) * 1.0,
        }
        by_type = kernels.group_sums(street * len(TYPES) + providers.type[:n], places[:, None],
                                     city.n_streets * len(TYPES)).reshape(city.n_streets, len(TYPES))
        for t, name in enumerate(TYPES):
            values[f"places_{name}"] = by_type[:, t]
        for b, band in enumerate(BANDS):
            values[f"places_{band}"] = sums[:, 6 + b]
        values.update(self.flows.take())  # next month's flows start now: openings come before the market step
        workforce = self.spec.workforce
        needed = staff_for(self.enrolled_bands, workforce.min_carers_per_open_class)
        counting = counted(providers.certified[:n], providers.uncertified[:n], self.workforce.required_share())
        values.update(self.workforce.record(needed, counting * licensed, usable_places,
                                            self.workforce.planned(capacity, self.enrolled_bands)))
        values["spend_deferred"] = self.spending.pending.copy()
        if self.spending.funds is not None:
            self.spending.funds.year_end()
        self.record.add(self.month, **values)


def _grown(by_provider: np.ndarray, n: int) -> np.ndarray:
    """Rows for providers added since ``by_provider`` was computed, as zeros."""
    missing = n - len(by_provider)
    return by_provider if missing == 0 else np.concatenate([by_provider, np.zeros((missing, *by_provider.shape[1:]))])
