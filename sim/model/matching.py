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

from sim.model.allocate import apportion
from sim.model.bands import AGES, BAND_AGES, BANDS

DEDICATED = [BANDS.index("infant"), BANDS.index("toddler"), BANDS.index("older")]
MIXED = [BANDS.index("mixed")]
DEDICATED_BAND_OF_AGE = np.full(AGES, -1)
for _band in DEDICATED:
    DEDICATED_BAND_OF_AGE[slice(*BAND_AGES[BANDS[_band]])] = _band


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
    and returns the children taken from each home street (streets × ages).

    Works on the non-empty cells only: a month has a few thousand waiting cells and free class slots, far
    fewer than pools × bands × ages."""
    tiers, n_streets, ages = accepting.shape
    tier, street, age = np.nonzero(accepting)
    count = accepting[tier, street, age]
    slot_provider, slot_band = np.nonzero(free > 0)
    if len(count) == 0 or len(slot_provider) == 0:
        return np.zeros((n_streets, ages))
    home_pool = None if home_matrix is None else np.argmax(home_matrix, axis=1)
    pool = (street if home_pool is None else home_pool[street]) * tiers + tier
    keys, cell_key = np.unique(pool * ages + age, return_inverse=True)  # children per (pool, age)
    children = np.bincount(cell_key, count)
    key_pool, key_age = keys // ages, keys % ages
    bands = len(BANDS)
    slot_group = (provider_pool[slot_provider] * tiers + provider_tier[slot_provider]) * bands + slot_band
    slot_free = free[slot_provider, slot_band]
    capacity = np.bincount(slot_group, slot_free, minlength=n_pools * tiers * bands)
    dedicated = DEDICATED_BAND_OF_AGE[key_age]
    has_band = dedicated >= 0
    taken = np.zeros_like(children)
    taken[has_band] = _oldest_first(children[has_band], key_pool[has_band] * bands + dedicated[has_band],
                                    key_age[has_band], capacity)
    mixed = key_age >= BAND_AGES["mixed"][0]
    taken_mixed = np.zeros_like(children)
    taken_mixed[mixed] = _oldest_first(children[mixed] - taken[mixed], key_pool[mixed] * bands + MIXED[0],
                                       key_age[mixed], capacity - np.bincount(
                                           key_pool[has_band] * bands + dedicated[has_band], taken[has_band],
                                           minlength=len(capacity)))
    entry_group = np.concatenate([key_pool[has_band] * bands + dedicated[has_band], key_pool[mixed] * bands + MIXED[0]])
    entry_age = np.concatenate([key_age[has_band], key_age[mixed]])
    entry_amount = np.concatenate([taken[has_band], taken_mixed[mixed]])
    totals = np.bincount(entry_group, entry_amount, minlength=len(capacity))
    slot_count = np.zeros_like(slot_free)
    busy = np.flatnonzero(totals[slot_group] > 0)  # slots of the groups that took children
    slot_count[busy] = apportion(totals, slot_free[busy], slot_group[busy])
    slot, entry, amount = _deal(entry_group, entry_age, entry_amount, slot_group, slot_count)
    np.add.at(placed, (slot_provider[slot], slot_band[slot], entry_age[entry]), amount)
    free[slot_provider, slot_band] -= slot_count
    per_key = taken + taken_mixed
    # A street pool has one cell per key; a district's children come from its streets pro rata.
    by_cell = per_key[cell_key] if home_pool is None else apportion(per_key, count, cell_key)
    out = np.zeros((n_streets, ages))
    np.add.at(out, (street, age), by_cell)
    return out


def _oldest_first(amount: np.ndarray, group: np.ndarray, age: np.ndarray, capacity: np.ndarray) -> np.ndarray:
    """How many of each entry's children a group's capacity takes, oldest first."""
    order = np.lexsort((-age, group))
    g, a = group[order], amount[order]
    before = np.cumsum(a) - a
    first = np.concatenate([[True], g[1:] != g[:-1]])
    before -= np.maximum.accumulate(np.where(first, before, 0.0))
    taken = np.empty_like(amount)
    taken[order] = np.clip(capacity[g] - before, 0, a)
    return taken


def _deal(entry_group: np.ndarray, entry_age: np.ndarray, entry_amount: np.ndarray, slot_group: np.ndarray,
          slot_count: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Deal each group's children (oldest first) to its slots in index order: (slot, entry, amount) triples.
    Both sides hold the same total per group, so their running totals meet at every group boundary."""
    entries = np.flatnonzero(entry_amount > 0)
    if len(entries) == 0:
        return np.zeros(0, np.intp), np.zeros(0, np.intp), np.zeros(0)
    entries = entries[np.lexsort((-entry_age[entries], entry_group[entries]))]
    slots = np.flatnonzero(slot_count > 0)
    slots = slots[np.argsort(slot_group[slots], kind="stable")]
    entry_end = np.cumsum(entry_amount[entries])
    slot_end = np.cumsum(slot_count[slots])
    points = np.union1d(entry_end, slot_end)
    starts = np.concatenate([[0.0], points[:-1]])
    return (slots[np.searchsorted(slot_end, starts, side="right")],
            entries[np.searchsorted(entry_end, starts, side="right")], points - starts)
