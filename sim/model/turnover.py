"""Provider accounts, exit and entry (机构运营、退出与进入).

cost    = staff employed × wage + (rent − rent relief) × places + fixed cost
revenue = fee × enrolled + payments per enrolled child (operating subsidy) + per-place payments to operators

Each month every licensed provider's accounts are settled and the levers' payments requested; the
government covers public institutions' deficits. Private providers (民办) close with a monthly probability
once they have made losses, or had low occupancy, for long enough. Private entry by district is Poisson with
rate max × W / (W + W½) × pull, W the district's waitlist and the pull the mean of exp(β × margin) over a new
inclusive and a new market-rate centre, whose margins (``entry_margin``) the levers' payments raise: per
child, per place and month, and once at opening; an entrant is inclusive with probability
logistic(γ × (inclusive margin − market margin)).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from scipy import special

from sim.model.bands import CLASS_SIZE
from sim.model.lifecycle import close, develop_together, new_provider
from sim.model.numerics import poisson
from sim.model.providers import BUILDING, OPEN, PRIVATE_TYPES, REGISTERING, with_rows
from sim.model.workforce import staff_for
from sim.scenario.market_schema import Economics, Entry
from sim.scenario.params import draw_value
from sim.scenario.policy_schema import PUBLIC_OPERATING_DEFICIT
from sim.scenario.workforce_schema import Workforce

if TYPE_CHECKING:
    from sim.model.state import Context, State

FLOWS = ("private_entries",)
GRACE_MONTHS = 6  # a new provider is not judged on losses or occupancy before it has had time to fill
# Private centres starting in one district in one month: 500 a year, more than the institutions of any district
# (China's ~100,000 childcare institutions spread over ~2,800 counties and districts, 2024).
ENTRIES_PER_DISTRICT_MONTH_MAX = 500 / 12


def monthly_cost(staff: np.ndarray, places: np.ndarray, economics: Economics, wage: float,
                 rent_relief_per_place: np.ndarray | float) -> np.ndarray:
    rent = np.maximum(economics.rent_yuan_per_place_per_month - rent_relief_per_place, 0.0)
    return staff * wage + places * rent + economics.fixed_cost_yuan_per_month


def entry_margin(fee: float, occupancy: np.ndarray, subsidy_per_child: float, construction_subsidy: float,
                 economics: Economics, entry: Entry, workforce: Workforce, rent_relief_per_place: float
                 ) -> np.ndarray:
    """Expected monthly profit per place of a new private centre at each expected ``occupancy``, as a share
    of its cost, with the fit-out cost net of the construction subsidy spread over the payback period."""
    occupancy = np.asarray(occupancy, float)
    classes = np.array(entry.classes.as_list(), float)
    places = float(classes @ CLASS_SIZE)
    if places <= 0:
        return np.full(occupancy.shape, -1.0)
    enrolled = classes * CLASS_SIZE * occupancy[:, None]
    staff = staff_for(enrolled, workforce.min_carers_per_open_class)
    cost = monthly_cost(staff, np.full(len(occupancy), places), economics, workforce.carer_wage_yuan_per_month,
                        rent_relief_per_place)
    revenue = (fee + subsidy_per_child) * enrolled.sum(axis=1)
    fit_out = max(entry.fit_out_cost_yuan_per_place - construction_subsidy, 0.0) * places / entry.payback_months
    return (revenue - cost - fit_out) / cost


def settle(ctx: Context, state: State) -> None:
    """Revenue − cost per provider this month (into ``state.month["profit"]``): the levers' payments per child
    and to operators, rent relief, transfers to families and public institutions' deficits are requested."""
    providers, t, spending = state.providers, ctx.month, ctx.spending
    n = providers.n
    licensed = providers.licensed()
    children = state.enrolled_bands.sum(axis=1)
    places = state.capacity.sum(axis=1)
    street = providers.street[:n]
    everyone = np.arange(n)
    revenue = state.month["net_fee"] * children
    for payment in ctx.hooks.paid("child_month"):
        rate = payment.rate()
        if rate:
            paid = children * payment.eligible.mask(providers) * rate
            revenue += paid
            spending.request_many(t, payment.item, street, paid, everyone)
    operator_payment = providers.payment_per_place[:n] * places
    revenue += operator_payment
    for item, paid_to in state.operator_payments.items():  # one payment per item and month, itemised by provider
        paid_to = np.asarray(paid_to)
        spending.request_many(t, item, street[paid_to], operator_payment[paid_to], paid_to)
    relief = np.zeros(n)
    for payment in ctx.hooks.paid("place_month"):
        rate = payment.rate()
        if rate:
            eligible = licensed & payment.eligible.mask(providers)
            relief = relief + eligible * rate
            spending.request_many(t, payment.item, street, places * rate * eligible, everyone)
    staff = providers.certified[:n] + providers.uncertified[:n]
    cost = monthly_cost(staff, places, ctx.spec.providers.economics, ctx.spec.workforce.carer_wage_yuan_per_month,
                        relief) * licensed
    for transfer in ctx.hooks.transfers:
        transfer(state)
    # Public institutions do not close on losses: the government covers their operating deficit.
    deficit = np.maximum(cost - revenue, 0) * (licensed & providers.is_type("public"))
    spending.request_many(t, PUBLIC_OPERATING_DEFICIT.name, street, deficit, everyone)
    state.month["profit"] = revenue + deficit - cost


def close_losers(ctx: Context, state: State) -> None:
    """Private providers past the loss or low-occupancy threshold close with a monthly probability."""
    providers, rules = state.providers, ctx.spec.providers.exit
    n = providers.n
    judged = (providers.status[:n] == OPEN) & providers.is_type(*PRIVATE_TYPES) \
        & (ctx.month - np.where(providers.opened[:n] < 0, -GRACE_MONTHS, providers.opened[:n]) >= GRACE_MONTHS)
    places = state.capacity.sum(axis=1)
    occupancy = np.divide(state.enrolled_bands.sum(axis=1), places, out=np.zeros(n), where=places > 0)
    profit = state.month["profit"]
    providers.loss_months[:n] = np.where(judged & (profit < 0), providers.loss_months[:n] + 1, 0)
    providers.low_months[:n] = np.where(judged & (occupancy < rules.low_occupancy_share),
                                        providers.low_months[:n] + 1, 0)
    failing = judged & ((providers.loss_months[:n] >= rules.loss_months_to_close)
                        | (providers.low_months[:n] >= rules.low_occupancy_months_to_close))
    closing = failing & (ctx.uniforms("closures", n) < rules.closure_per_month_share)
    close(ctx, state, np.flatnonzero(closing))


def _incentives(ctx: Context, type_: str, inclusive: bool) -> tuple[float, float, float]:
    """What the levers would pay a new private centre of this kind: per enrolled child-month, once per place at
    opening, and per place-month of rent."""
    return tuple(sum(payment.rate() for payment in ctx.hooks.paid(basis) if payment.eligible.covers(type_, inclusive))
                 for basis in ("child_month", "place_at_opening", "place_month"))


def _entry_pull(ctx: Context, state: State) -> tuple[np.ndarray, np.ndarray]:
    """Each district's pull on private investors (the mean of exp(β × margin) over a new inclusive and a new
    market-rate centre at the district's private occupancy) and the chance an entrant is inclusive."""
    spec, city, providers = ctx.spec, ctx.city, state.providers
    entry, economics = spec.providers.entry, spec.providers.economics
    places = state.capacity.sum(axis=1)
    private = providers.is_type(*PRIVATE_TYPES) & providers.licensed()
    occupied = np.bincount(providers.district, state.enrolled_bands.sum(axis=1) * private, minlength=city.n_districts)
    capacity = np.bincount(providers.district, places * private, minlength=city.n_districts)
    occupancy = np.where(capacity > 0, occupied / np.maximum(capacity, 1), 0.5)
    per_child, once, relief = _incentives(ctx, "private_inclusive", True)
    margin_inclusive = entry_margin(entry.inclusive_fee_yuan_per_month, occupancy, per_child, once, economics, entry,
                                    spec.workforce, relief)
    per_child, once, relief = _incentives(ctx, "private_market", False)
    margin_market = entry_margin(entry.market_fee_yuan_per_month, occupancy, per_child, once, economics, entry,
                                 spec.workforce, relief)
    # Both kinds of centre attract investors: the pull is the mean of their exp(sensitivity × margin).
    pull = (np.exp(entry.margin_sensitivity * np.clip(margin_inclusive, -1, 1))
            + np.exp(entry.margin_sensitivity * np.clip(margin_market, -1, 1))) / 2
    return pull, special.expit(entry.inclusive_choice_sensitivity * (margin_inclusive - margin_market))


def enter(ctx: Context, state: State) -> None:
    """New private providers by district (see the module's rule); each starts fitting out in the street of its
    district where most families wait."""
    entry, city = ctx.spec.providers.entry, ctx.city
    waiting = np.bincount(city.street_district, state.waiting.sum(axis=1), minlength=city.n_districts)
    u_count, u_kind = ctx.uniforms("entry", (2, city.n_districts))
    pull, inclusive_share = _entry_pull(ctx, state)
    # At most ENTRIES_PER_DISTRICT_MONTH_MAX: an extreme sensitivity and margin would otherwise ask for millions
    # of centres, which no district could hold and no run would finish.
    rates = np.minimum(entry.max_entries_per_district_per_year / 12 * waiting / (
        waiting + entry.waitlist_half_saturation_children + 1e-9) * pull, ENTRIES_PER_DISTRICT_MONTH_MAX)
    entrants = poisson(u_count, rates)
    streets = _start_private(ctx, state, entrants, u_kind < inclusive_share, "entry", _full_schedule)
    np.add.at(state.flows["private_entries"], streets, entrants[entrants > 0])


def pipeline(ctx: Context, state: State) -> None:
    """At the start, the private centres that recent growth puts in the pipeline: the places of
    ``warm_start.recent_growth_share_per_year`` over the months a centre takes to fit out and register, less the
    places the city's file lists as being built or registered, in the districts in proportion to their places,
    each at a random point of its fit-out and registration."""
    growth = ctx.spec.warm_start.recent_growth_share_per_year
    city, providers, lifecycle = ctx.city, state.providers, ctx.spec.providers.lifecycle
    if growth <= 0:
        return
    months = _central(lifecycle.fit_out_months) + _central(lifecycle.registration_months)
    licensed = providers.places_by_street(city.n_streets)
    coming = providers.places_by_street(city.n_streets, include_pipeline=True) - licensed
    wanted = max(growth * licensed.sum() * months / 12 - coming.sum(), 0.0)
    by_district = np.bincount(city.street_district, licensed, minlength=city.n_districts)
    centre = float(np.array(ctx.spec.providers.entry.classes.as_list()) @ CLASS_SIZE)
    if wanted <= 0 or by_district.sum() <= 0 or centre <= 0:
        return
    u_count, u_kind = ctx.uniforms("pipeline", (2, city.n_districts))
    entrants = np.floor(wanted * by_district / by_district.sum() / centre + u_count)
    _, inclusive_share = _entry_pull(ctx, state)
    _start_private(ctx, state, entrants, u_kind < inclusive_share, "pipeline", _remaining_schedule)


def _central(value: object) -> float:
    """A parameter's value, or its distribution's median."""
    return draw_value(value, lambda: 0.5)


def _full_schedule(ctx: Context, key: tuple[object, ...]) -> tuple[tuple[int, int], ...]:
    lifecycle = ctx.spec.providers.lifecycle
    return ((BUILDING, ctx.lead_time("build", lifecycle.fit_out_months, *key, "fit_out")),
            (REGISTERING, ctx.lead_time("registration", lifecycle.registration_months, *key, "registration")))


def _remaining_schedule(ctx: Context, key: tuple[object, ...]) -> tuple[tuple[int, int], ...]:
    """A centre found at a random point of its fit-out and registration: what it has left of each."""
    (_, fit_out), (_, registration) = _full_schedule(ctx, key)
    done = int(ctx.streams.uniform_for("pipeline progress", *key) * (fit_out + registration))
    return ((BUILDING, max(fit_out - done, 0)), (REGISTERING, registration - max(done - fit_out, 0)))


def _start_private(ctx: Context, state: State, entrants: np.ndarray, inclusive: np.ndarray, name: str,
                   schedule_of) -> np.ndarray:
    """Start ``entrants`` private centres in each district, in its street where most families wait, inclusive
    where ``inclusive`` says, each through the stages ``schedule_of(ctx, key)`` gives; returns the streets."""
    entry, city, providers = ctx.spec.providers.entry, ctx.city, state.providers
    street_waiting = state.waiting.sum(axis=1)
    schedules: dict[tuple[tuple[int, int], ...], list[int]] = {}  # entrants with the same schedule develop together
    chosen = []
    for d in np.flatnonzero(entrants):
        streets = city.district_streets[d]
        street = int(streets[np.argmax(street_waiting[streets])])
        chosen.append(street)
        kind_inclusive = bool(inclusive[d])
        for _ in range(int(entrants[d])):
            key = ctx.event(f"{name} {d}")
            i = new_provider(ctx, state, street, "private_inclusive" if kind_inclusive else "private_market",
                             kind_inclusive, entry.inclusive_fee_yuan_per_month if kind_inclusive
                             else entry.market_fee_yuan_per_month, entry.classes.as_list(), "private_entry", None)
            schedules.setdefault(schedule_of(ctx, key), []).append(i)
    for schedule, members in schedules.items():
        develop_together(ctx, state, members, list(schedule))
    # Entrants hold no places or children yet (they open months later): the month's arrays grow by zeros.
    state.capacity = with_rows(state.capacity, providers.n)
    state.enrolled_bands = with_rows(state.enrolled_bands, providers.n)
    return np.array(chosen, dtype=np.intp)
