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

import numpy as np

from sim.model.allocate import apportion, deal_in_order, take_oldest
from sim.model.bands import ADMITS, BANDS

DEDICATED = [BANDS.index("infant"), BANDS.index("toddler"), BANDS.index("older")]
MIXED = [BANDS.index("mixed")]


@dataclass
class Placement:
    """What a month's matching did: children placed by provider, band and age, and by home street and age."""

    by_provider: np.ndarray
    by_home: np.ndarray


def match(waiting: np.ndarray, free: np.ndarray, provider_street: np.ndarray, provider_market: np.ndarray,
          district_matrix: np.ndarray, market_acceptance: np.ndarray, other_street_acceptance: np.ndarray,
          market_preference: float, rounding: np.ndarray) -> Placement:
    """Place ``waiting`` children (streets × ages) into ``free`` places (providers × bands).

    ``market_acceptance`` and ``other_street_acceptance`` are per-street shares of waiting families who
    take a market-rate place and a place in another street of the district; ``district_matrix`` is the
    streets × districts membership matrix. ``market_preference`` of the families able to pay the market fee
    look at market-rate places before inclusive ones. The number of accepting families in a street and month
    of age is rounded at random with the uniforms ``rounding`` (streets × ages), so small cells keep their
    expected share.
    """
    before = waiting
    waiting = waiting.copy()
    free = free.copy()
    n_streets, ages = waiting.shape
    placed = np.zeros((len(free), len(BANDS), ages))
    street_district = np.argmax(district_matrix, axis=1)
    provider_tier = provider_market.astype(np.intp)
    stages = ((provider_street, n_streets, np.ones(n_streets), None),
              (street_district[provider_street], district_matrix.shape[1], other_street_acceptance, district_matrix))
    for provider_pool, n_pools, distance_acceptance, home_matrix in stages:
        # First pass: families who prefer (and can pay for) market places queue for them, the rest for inclusive
        # places; second pass: families still waiting who can pay the market fee take market places left.
        reach = waiting * distance_acceptance[:, None]
        to_market = np.minimum(np.floor(reach * (market_acceptance * market_preference)[:, None] + rounding),
                               np.floor(reach + rounding))
        to_inclusive = np.floor(reach + rounding) - to_market
        waiting -= _pass(np.stack([to_inclusive, to_market]), free, provider_pool, provider_tier, n_pools,
                         placed, home_matrix)
        fallback = np.floor(waiting * (distance_acceptance * market_acceptance)[:, None] + rounding)
        waiting -= _pass(np.stack([np.zeros_like(fallback), fallback]), free, provider_pool, provider_tier, n_pools,
                         placed, home_matrix)
    return Placement(placed, before - waiting)


def _pass(accepting: np.ndarray, free: np.ndarray, provider_pool: np.ndarray, provider_tier: np.ndarray,
          n_pools: int, placed: np.ndarray, home_matrix: np.ndarray | None) -> np.ndarray:
    """One pass over pools (streets, or districts given ``home_matrix``) and tiers (0 inclusive, 1 market):
    ``accepting[tier]`` are the children (streets × ages) queueing for that tier. Dedicated classes take the
    oldest children of their ages, then mixed classes take from those left. Updates ``free`` and ``placed``
    and returns the children taken from each home street (streets × ages)."""
    if not accepting.any():
        return np.zeros(accepting.shape[1:])
    tiers, n_streets, ages = accepting.shape
    pooled = accepting if home_matrix is None else np.matmul(home_matrix.T, accepting)
    pooled = pooled.transpose(1, 0, 2).reshape(n_pools * tiers, ages)  # pool index = place pool × tiers + tier
    slot_pool_of_provider = provider_pool * tiers + provider_tier
    capacity = np.zeros((n_pools * tiers, len(BANDS)))
    np.add.at(capacity, slot_pool_of_provider, free)
    active = np.flatnonzero(capacity.any(axis=1) & pooled.any(axis=1))
    if len(active) == 0:
        return np.zeros((n_streets, ages))
    compact = np.full(n_pools * tiers, -1)
    compact[active] = np.arange(len(active))
    children, capacity = pooled[active], capacity[active]
    take = np.zeros((len(active), len(BANDS), ages))
    dedicated = children[:, None, :] * ADMITS[DEDICATED][None, :, :]  # disjoint ages: one step for three bands
    take[:, DEDICATED] = take_oldest(dedicated.reshape(-1, ages), np.minimum(
        capacity[:, DEDICATED], dedicated.sum(axis=2)).ravel()).reshape(dedicated.shape)
    mixed = (children - take.sum(axis=1)) * ADMITS[MIXED[0]]
    take[:, MIXED[0]] = take_oldest(mixed, np.minimum(capacity[:, MIXED[0]], mixed.sum(axis=1)))
    slot_provider, slot_band = np.nonzero(free > 0)
    slot_pool = compact[slot_pool_of_provider[slot_provider]]
    keep = slot_pool >= 0
    slot_provider, slot_band, slot_pool = slot_provider[keep], slot_band[keep], slot_pool[keep]
    group = slot_pool * len(BANDS) + slot_band
    flat_take = take.reshape(-1, ages)
    counts = apportion(flat_take.sum(axis=1), free[slot_provider, slot_band], group)
    dealing = np.flatnonzero(counts > 0)
    provider, band = slot_provider[dealing], slot_band[dealing]
    placed[provider, band] += deal_in_order(flat_take, counts[dealing], group[dealing])
    free[provider, band] -= counts[dealing]
    taken_by_pool = np.zeros((n_pools * tiers, ages))
    taken_by_pool[active] = take.sum(axis=1)
    taken_by_pool = taken_by_pool.reshape(n_pools, tiers, ages)
    if home_matrix is None:
        return taken_by_pool.sum(axis=1)
    home_pool = np.argmax(home_matrix, axis=1)
    # Children placed from a district pool are drawn from its streets in proportion to those queueing there.
    home_group = ((home_pool[None, :, None] * tiers + np.arange(tiers)[:, None, None]) * ages
                  + np.arange(ages)[None, None, :])
    cells = np.flatnonzero((accepting * (taken_by_pool.transpose(1, 0, 2)[:, home_pool] > 0)).ravel())
    taken = np.zeros(accepting.size)
    taken[cells] = apportion(taken_by_pool.ravel(), accepting.ravel()[cells], home_group.ravel()[cells])
    return taken.reshape(accepting.shape).sum(axis=0)
