"""Monthly matching of waiting children to free places (入托匹配).

Order: places in the family's own street first, then in other streets of its district (for families who
accept the distance). Within each, families able to pay the market fee who prefer market-rate providers
take market places first; then everyone takes inclusive and public places; then the other families able
to pay the market fee take the market places left. Within a pass, dedicated classes (乳儿班, 托小班, 托大班) are
filled before mixed classes; a class admits only its entry ages, and the oldest waiting children are
placed first. Children are dealt to the providers of a pool in proportion to their free places.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from numba import njit

from sim.model.bands import AGES, BAND_AGES, BANDS
from sim.model.demand import mean_fee_by_district, other_street_acceptance, willing_share
from sim.model.numerics import apportion_into, groups
from sim.model.providers import OPEN
from sim.model.waitlist import leave_waitlist

if TYPE_CHECKING:
    from sim.model.state import Context, State

FLOWS = ("placed", "wait_months_placed")

DEDICATED = [BANDS.index("infant"), BANDS.index("toddler"), BANDS.index("older")]
MIXED = [BANDS.index("mixed")]
DEDICATED_BAND_OF_AGE = np.full(AGES, -1, dtype=np.int64)
for _band in DEDICATED:
    DEDICATED_BAND_OF_AGE[slice(*BAND_AGES[BANDS[_band]])] = _band


@dataclass
class Placement:
    """What a month's matching did: children placed by provider and band, and by home street and age."""

    by_provider: np.ndarray
    by_home: np.ndarray


def match(waiting: np.ndarray, free: np.ndarray, enrolled: np.ndarray, provider_street: np.ndarray,
          provider_market: np.ndarray, street_district: np.ndarray, n_districts: int, market_acceptance: np.ndarray,
          other_street_acceptance: np.ndarray, market_preference: float, rounding: np.ndarray) -> Placement:
    """Place ``waiting`` children (streets × ages) into ``free`` places (providers × bands): they are added to
    ``enrolled`` (providers × bands × ages) in place.

    ``market_acceptance`` and ``other_street_acceptance`` are per-street shares of waiting families who
    take a market-rate place and a place in another street of the district; ``street_district`` holds each
    street's district (of ``n_districts``). ``market_preference`` of the families able to pay the market fee
    look at market-rate places before inclusive ones. The number of accepting families in a street and month
    of age is rounded at random with the uniforms ``rounding`` (streets × ages), so small cells keep their
    expected share.
    """
    remaining, room = waiting.copy(), free.copy()
    match_stages(remaining, room, np.asarray(provider_street, np.int64), provider_market.astype(np.int64),
                 np.asarray(street_district, np.int64), n_districts,
                 np.ascontiguousarray(market_acceptance, float), np.ascontiguousarray(other_street_acceptance, float),
                 float(market_preference), rounding, enrolled, DEDICATED_BAND_OF_AGE, MIXED[0], BAND_AGES["mixed"][0])
    return Placement(free - room, waiting - remaining)


def step(ctx: Context, state: State) -> None:
    """Match waiting children to the free usable places of open providers (rectifying ones admit no one)."""
    providers, city, demand = state.providers, ctx.city, ctx.spec.demand
    net_fee, price = state.month["net_fee"], state.month["price"]
    n = providers.n
    free = np.maximum(state.usable - state.enrolled_bands, 0)
    free[providers.status[:n] != OPEN] = 0
    market = ~providers.inclusive[:n]
    median, sigma = demand.willingness_to_pay_median_yuan_per_month, demand.willingness_to_pay_sigma
    market_places = state.capacity.sum(axis=1) * market
    market_fee = mean_fee_by_district(market_places, net_fee, providers.district, city.n_districts)
    market_fee[np.isnan(market_fee)] = 0.0  # no market places in the district: nothing to refuse
    market_acceptance = np.clip(willing_share(market_fee, median, sigma) /
                                np.maximum(willing_share(price, median, sigma), 1e-9), 0, 1)
    other_street = np.where(providers.streets_with_places(state.capacity, city.n_streets),
                            other_street_acceptance(ctx), 1.0)
    placement = match(state.waiting, free, providers.enrolled[:n], providers.street[:n], market,
                      city.street_district, city.n_districts, market_acceptance[city.street_district], other_street,
                      demand.market_preference_share, ctx.uniforms("matching", state.waiting.shape))
    state.flows["wait_months_placed"] += leave_waitlist(state.waiting, state.wait_months, placement.by_home, True)[1]
    state.enrolled_bands = state.enrolled_bands + placement.by_provider
    state.flows["placed"] += np.bincount(providers.street[:n], placement.by_provider.sum(axis=1),
                                         minlength=city.n_streets)


@njit(cache=True)
def place_pass(accepting: np.ndarray, free: np.ndarray, provider_pool: np.ndarray, provider_tier: np.ndarray,
               n_pools: int, placed: np.ndarray, home_pool: np.ndarray, dedicated_band_of_age: np.ndarray,
               mixed_band: int, mixed_from: int) -> np.ndarray:
    """One matching pass; ``accepting[tier, street, age]`` children queue for places of that tier in their
    pool (``home_pool[street]``: the street itself, or its district). In each pool and tier, dedicated
    classes take the oldest children of their ages, then mixed classes the oldest left from ``mixed_from``
    months; each class band's children go to the pool's providers in proportion to their free places (whole
    children, leftovers in index order) and are dealt oldest first in provider order. Updates ``free`` and
    ``placed`` (providers × bands × ages); returns the children taken from each home street (streets × ages)."""
    tiers, n_streets, ages = accepting.shape
    n_bands = free.shape[1]
    n_groups = n_pools * tiers
    children = np.zeros((n_groups, ages))
    for t in range(tiers):
        for s in range(n_streets):
            g = home_pool[s] * tiers + t
            for a in range(ages):
                children[g, a] += accepting[t, s, a]
    provider_group = provider_pool * tiers + provider_tier
    starts, members = groups(provider_group, n_groups)
    street_starts, streets = groups(home_pool, n_pools)
    largest, most_homes = 1, 1
    for g in range(n_groups):
        largest = max(largest, starts[g + 1] - starts[g])
    for pool in range(n_pools):
        most_homes = max(most_homes, street_starts[pool + 1] - street_starts[pool])
    # Buffers reused across groups: allocation inside the loops would dominate.
    take = np.empty((n_bands, ages))
    # Running totals of what a pool takes, by age and by band (whole children: equal to sums taken afterwards).
    taken_of_age = np.empty(ages)
    taken_of_band = np.empty(n_bands)
    left = np.empty(n_bands)
    room = np.empty(largest)
    counts = np.empty(largest)
    weights = np.empty(most_homes)
    shares = np.empty(most_homes)
    taken = np.zeros((n_streets, ages))
    for g in range(n_groups):
        size = starts[g + 1] - starts[g]
        if size == 0 or children[g].sum() <= 0:
            continue
        group_members = members[starts[g]:starts[g + 1]]
        left[:] = 0.0
        for k in range(size):
            for b in range(n_bands):
                left[b] += free[group_members[k], b]
        if left.sum() <= 0:
            continue
        take[:] = 0.0
        taken_of_age[:] = 0.0
        taken_of_band[:] = 0.0
        any_taken = False
        for a in range(ages - 1, -1, -1):
            b = dedicated_band_of_age[a]
            if b >= 0 and children[g, a] > 0 and left[b] > 0:
                x = min(children[g, a], left[b])
                take[b, a] = x
                taken_of_age[a] += x
                taken_of_band[b] += x
                left[b] -= x
                any_taken = True
        for a in range(ages - 1, mixed_from - 1, -1):
            rest = children[g, a] - taken_of_age[a]
            if rest > 0 and left[mixed_band] > 0:
                x = min(rest, left[mixed_band])
                take[mixed_band, a] = x
                taken_of_age[a] += x
                taken_of_band[mixed_band] += x
                left[mixed_band] -= x
                any_taken = True
        if not any_taken:  # children and free places of different ages: nothing to deal or send home
            continue
        for b in range(n_bands):
            total = taken_of_band[b]
            if total <= 0:
                continue
            for k in range(size):
                room[k] = free[group_members[k], b]
            apportion_into(total, room[:size], counts[:size])
            k = 0
            for a in range(ages - 1, -1, -1):
                x = take[b, a]
                while x > 0 and k < size:
                    given = min(x, counts[k])
                    if given > 0:
                        p = group_members[k]
                        placed[p, b, a] += given
                        free[p, b] -= given
                        counts[k] -= given
                        x -= given
                    if counts[k] <= 0:
                        k += 1
        pool, t = g // tiers, g % tiers
        homes = streets[street_starts[pool]:street_starts[pool + 1]]
        n_homes = len(homes)
        for a in range(ages):
            total = taken_of_age[a]
            if total <= 0:
                continue
            if n_homes == 1:
                taken[homes[0], a] += total
                continue
            for k in range(n_homes):
                weights[k] = accepting[t, homes[k], a]
            apportion_into(total, weights[:n_homes], shares[:n_homes])
            for k in range(n_homes):
                taken[homes[k], a] += shares[k]
    return taken


@njit(cache=True)
def match_stages(waiting: np.ndarray, free: np.ndarray, provider_street: np.ndarray, provider_tier: np.ndarray,
                 street_district: np.ndarray, n_districts: int, market_acceptance: np.ndarray,
                 other_street_acceptance: np.ndarray, market_preference: float, rounding: np.ndarray,
                 placed: np.ndarray, dedicated_band_of_age: np.ndarray, mixed_band: int, mixed_from: int) -> None:
    """The rule of ``match``: the own street, then the district for families accepting the distance;
    in each, a first pass (market-preferring families to market places, the rest to inclusive ones) and a
    second (families able to pay the market fee to market places left). Families are counted at random
    rounding ``floor(x + u)``. Updates ``waiting``, ``free`` and ``placed`` in place."""
    n_streets, ages = waiting.shape
    accepting = np.empty((2, n_streets, ages))
    own_street = np.ones(n_streets)
    streets = np.arange(n_streets)
    district_of_provider = street_district[provider_street]
    for stage in range(2):
        distance = own_street if stage == 0 else other_street_acceptance
        home_pool = streets if stage == 0 else street_district
        provider_pool = provider_street if stage == 0 else district_of_provider
        n_pools = n_streets if stage == 0 else n_districts
        for second in range(2):
            any_accepting = False
            for s in range(n_streets):
                for a in range(ages):
                    reach = waiting[s, a] * distance[s]
                    if second == 0:
                        everyone = np.floor(reach + rounding[s, a])
                        to_market = min(np.floor(reach * (market_acceptance[s] * market_preference)
                                                 + rounding[s, a]), everyone)
                        accepting[0, s, a] = everyone - to_market
                        accepting[1, s, a] = to_market
                    else:
                        accepting[0, s, a] = 0.0
                        accepting[1, s, a] = np.floor(waiting[s, a] * (distance[s] * market_acceptance[s])
                                                      + rounding[s, a])
                    any_accepting = any_accepting or accepting[0, s, a] != 0 or accepting[1, s, a] != 0
            if any_accepting:
                taken = place_pass(accepting, free, provider_pool, provider_tier, n_pools, placed, home_pool,
                                   dedicated_band_of_age, mixed_band, mixed_from)
                for s in range(n_streets):
                    for a in range(ages):
                        waiting[s, a] -= taken[s, a]
