"""Demand for childcare (需求): stated need, then effective demand after price and access.

stated[s, a]    = children[s, a] × need share by age × trust[s] × the levers' factors (publicity), at most every
                  child;
effective[s, a] = stated[s, a] × P(willingness to pay ≥ net fee) × access[s], from the youngest age a class
                  admits (6 months; younger children's families are counted in stated need only).

Trust: families state need more often where the places of their district have passed a public check (quality
evaluation, joint inspection) lately: trust = 1 + uplift × the share of the district's licensed places that
passed one within the memory.

Willingness to pay is log-normal: P(WTP ≥ f) = Φ(−ln(f / median) / σ). The net fee a street's families
weigh is the capacity-weighted fee of inclusive places in their district (the places they queue for
first), or of market places where the district has no inclusive ones, less any fee subsidy. Access is 1
where the street has places and the other-street acceptance share where it has none (raised by the levers that
show families the places in other streets: a share of those who would not look beyond their street now do).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from scipy import special

from sim.model.bands import ADMITTED_FROM

if TYPE_CHECKING:
    from sim.model.state import Context, State

RECORDS = ("demand_stated", "demand_effective")


def willing_share(net_fee: np.ndarray, median: float, sigma: float) -> np.ndarray:
    """Share of families whose willingness to pay is at least ``net_fee`` (yuan/month)."""
    fee = np.maximum(np.asarray(net_fee, float), 1e-9)
    return special.ndtr(-np.log(fee / max(median, 1e-9)) / sigma)


def mean_fee_by_district(places: np.ndarray, net_fee: np.ndarray, district: np.ndarray, n_districts: int
                         ) -> np.ndarray:
    """Place-weighted net fee of each district's providers (``places`` per provider); NaN where it has none."""
    total = np.bincount(district, places, minlength=n_districts)
    paid = np.bincount(district, places * net_fee, minlength=n_districts)
    return np.divide(paid, total, out=np.full(n_districts, np.nan), where=total > 0)


def district_price(capacity: np.ndarray, net_fee: np.ndarray, inclusive: np.ndarray, district: np.ndarray,
                   n_districts: int, fallback: float) -> np.ndarray:
    """Net fee families of each district weigh: capacity-weighted over inclusive places, else market places,
    else the city's average, else ``fallback``."""
    places = capacity.sum(axis=1)
    inclusive_fee = mean_fee_by_district(places * inclusive, net_fee, district, n_districts)
    market_fee = mean_fee_by_district(places * ~inclusive, net_fee, district, n_districts)
    price = np.where(np.isnan(inclusive_fee), market_fee, inclusive_fee)
    city = np.sum(places * net_fee) / places.sum() if places.sum() > 0 else fallback
    return np.where(np.isnan(price), city, price)


def net_fee(ctx: Context, state: State) -> np.ndarray:
    """Fee families pay after what the levers take off it (subsidies passed on to them), per provider."""
    providers = state.providers
    fee = providers.fee[: providers.n]
    for reduction in ctx.hooks.fee_reductions:
        fee = fee - reduction(providers)
    return np.maximum(fee, 0.0)


def trust(ctx: Context, state: State, capacity: np.ndarray) -> np.ndarray:
    """Per street: 1 + uplift × the share of its district's licensed places (``capacity``, providers × bands)
    whose provider passed a public check within the memory."""
    settings, providers, city = ctx.spec.demand, state.providers, ctx.city
    n = providers.n
    places = capacity.sum(axis=1)
    checked = providers.checked[:n]
    recent = (checked >= 0) & (ctx.month - checked < settings.trust_memory_months)
    total = np.bincount(providers.district, places, minlength=city.n_districts)
    passed = np.bincount(providers.district, places * recent, minlength=city.n_districts)
    share = np.divide(passed, total, out=np.zeros(city.n_districts), where=total > 0)
    return 1 + settings.trust_need_uplift_share * share[city.street_district]


def other_street_acceptance(ctx: Context) -> float:
    """Share of families who accept a place in another street of their district, with the levers' gains."""
    accepting = float(ctx.spec.demand.other_street_acceptance_share)
    for gain in ctx.hooks.other_street_gains:
        accepting += (1 - accepting) * gain()
    return accepting


def demand(ctx: Context, state: State, capacity: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Stated and effective demand by street and age, each provider's net fee and the fee each district's
    families weigh, with places ``capacity`` (providers × bands)."""
    settings, providers, city = ctx.spec.demand, state.providers, ctx.city
    children = state.population.children
    factor = trust(ctx, state, capacity)
    for need_factor in ctx.hooks.need_factors:
        factor = factor * need_factor()
    stated = np.minimum(children * ctx.need_share * factor[:, None], children)
    fee = net_fee(ctx, state)
    price = district_price(capacity, fee, providers.inclusive[: providers.n], providers.district, city.n_districts,
                           ctx.spec.providers.entry.inclusive_fee_yuan_per_month)
    willing = willing_share(price, settings.willingness_to_pay_median_yuan_per_month,
                            settings.willingness_to_pay_sigma)[city.street_district]
    access = np.where(providers.streets_with_places(capacity, city.n_streets), 1.0, other_street_acceptance(ctx))
    effective = stated * (willing * access)[:, None]
    effective[:, :ADMITTED_FROM] = 0.0  # no class admits children this young yet: their families wait to ask
    return stated, effective, fee, price


def step(ctx: Context, state: State) -> None:
    """This month's stated and effective demand, net fees and prices, for the steps that follow."""
    stated, effective, fee, price = demand(ctx, state, state.capacity)
    state.month.update(stated=stated, effective=effective, net_fee=fee, price=price)
    state.last_effective = effective


def unmet_need(ctx: Context, state: State) -> np.ndarray:
    """Effective demand (last month's, or now's before the first month) not covered by places, built or coming,
    per street: where levers build first."""
    effective = state.last_effective if state.last_effective is not None else \
        demand(ctx, state, state.providers.capacity())[1]
    return np.maximum(effective.sum(axis=1) - state.providers.places_by_street(ctx.city.n_streets, True), 0)


def record(ctx: Context, state: State) -> dict[str, np.ndarray]:
    return {"demand_stated": state.month["stated"].sum(axis=1),
            "demand_effective": state.month["effective"].sum(axis=1)}
