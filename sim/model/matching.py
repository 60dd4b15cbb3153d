"""Monthly matching of waiting children to free places (入托匹配).

Order: places in the family's own street first, then in other streets of its district (for families who
accept the distance); within each, inclusive and public places before market-rate ones, which only
families able to pay the market fee accept. Within a pass, dedicated classes (乳儿班, 托小班, 托大班) are
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
          district_matrix: np.ndarray, market_acceptance: np.ndarray, other_street_acceptance: np.ndarray
          ) -> Placement:
    """Place ``waiting`` children (streets × ages) into ``free`` places (providers × bands).

    ``market_acceptance`` and ``other_street_acceptance`` are per-street shares of waiting families who
    take a market-rate place and a place in another street of the district; ``district_matrix`` is the
    streets × districts membership matrix.
    """
    before = waiting
    waiting = waiting.copy()
    free = free.copy()
    n_streets, ages = waiting.shape
    placed = np.zeros((len(free), len(BANDS), ages))
    street_district = np.argmax(district_matrix, axis=1)
    provider_district = street_district[provider_street]
    stages = ((provider_street, n_streets, np.ones(n_streets), None),
              (provider_district, district_matrix.shape[1], other_street_acceptance, district_matrix))
    for provider_pool, n_pools, distance_acceptance, home_matrix in stages:
        for market in (False, True):
            tier_acceptance = market_acceptance if market else np.ones(n_streets)
            members = provider_market == market
            for bands in (DEDICATED, MIXED):
                accepting = np.floor(waiting * (distance_acceptance * tier_acceptance)[:, None])
                if not accepting.any() or not (free[members][:, bands] > 0).any():
                    continue
                waiting -= _pass(accepting, free, provider_pool, n_pools, bands, members, placed, home_matrix)
    return Placement(placed, before - waiting)


def _pass(accepting: np.ndarray, free: np.ndarray, provider_pool: np.ndarray, n_pools: int, bands: list[int],
          members: np.ndarray, placed: np.ndarray, home_matrix: np.ndarray | None) -> np.ndarray:
    """One pass over pools (streets, or districts given ``home_matrix``) and ``bands``; updates ``free`` and
    ``placed`` and returns the children taken from each home street (streets × ages)."""
    ages = accepting.shape[1]
    admits = ADMITS[bands]  # bands in one pass admit disjoint ages, or there is only one band
    pooled = accepting if home_matrix is None else home_matrix.T @ accepting
    children = pooled[:, None, :] * admits[None, :, :]
    slot_provider, slot_band = np.nonzero((free[:, bands] > 0) & members[:, None])
    if len(slot_provider) == 0:
        return np.zeros_like(accepting)
    slot_free = free[slot_provider, np.asarray(bands)[slot_band]]
    group = provider_pool[slot_provider] * len(bands) + slot_band
    capacity = np.bincount(group, slot_free, minlength=n_pools * len(bands))
    flat_children = children.reshape(-1, ages)
    amount = np.minimum(capacity, flat_children.sum(axis=1))
    active = np.flatnonzero(amount > 0)  # pools with both children and places: usually few after month one
    take = np.zeros_like(flat_children)
    take[active] = take_oldest(flat_children[active], amount[active])
    counts = apportion(take.sum(axis=1), slot_free, group)
    dealing = np.flatnonzero(counts > 0)
    dealt = deal_in_order(take, counts[dealing], group[dealing])
    provider, band = slot_provider[dealing], np.asarray(bands)[slot_band[dealing]]
    placed[provider, band] += dealt
    free[provider, band] -= counts[dealing]
    taken_by_pool = take.reshape(n_pools, len(bands), ages).sum(axis=1)
    if home_matrix is None:
        return taken_by_pool
    home_pool = np.argmax(home_matrix, axis=1)
    cells = np.flatnonzero((accepting * (taken_by_pool[home_pool] > 0)).ravel())
    group = (home_pool[:, None] * ages + np.arange(ages)[None, :]).ravel()[cells]
    taken = np.zeros(accepting.size)
    taken[cells] = apportion(taken_by_pool.ravel(), accepting.ravel()[cells], group)
    return taken.reshape(accepting.shape)

