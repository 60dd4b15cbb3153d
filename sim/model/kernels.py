"""Compiled inner loops (numba) for the market's monthly bookkeeping.

The model holds hundreds of providers and thousands of (street, month-of-age) cells; NumPy spends most of
a month's time on the overhead of many small array operations there. These loops do the same work once,
in compiled code. Each function states the rule it implements; the tests check it against that rule.
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True)
def _groups(keys: np.ndarray, n_groups: int) -> tuple[np.ndarray, np.ndarray]:
    """Members of each group in index order, as (start offsets, members): a counting sort."""
    counts = np.zeros(n_groups + 1, np.int64)
    for key in keys:
        counts[key + 1] += 1
    starts = np.cumsum(counts)
    members = np.empty(len(keys), np.int64)
    filled = starts[:-1].copy()
    for i in range(len(keys)):
        members[filled[keys[i]]] = i
        filled[keys[i]] += 1
    return starts, members


@njit(cache=True)
def _apportion_into(total: float, weights: np.ndarray, out: np.ndarray) -> None:
    """Split a whole ``total`` (at most the sum of ``weights``) in proportion to the weights, never above a
    weight: each gets the whole part of its share, the few left over go to members with room in order."""
    weight_sum = weights.sum()
    if total <= 0 or weight_sum <= 0:
        out[:] = 0.0
        return
    given = 0.0
    for i in range(len(weights)):
        out[i] = min(np.floor(total * weights[i] / weight_sum + 1e-9), weights[i])
        given += out[i]
    left = total - given
    for i in range(len(weights)):
        if left <= 0:
            break
        extra = min(left, weights[i] - out[i])
        out[i] += extra
        left -= extra


@njit(cache=True)
def group_sums(group: np.ndarray, values: np.ndarray, n_groups: int) -> np.ndarray:
    """Column sums of ``values`` (members × columns) within each group: groups × columns (a bincount of many
    columns at once)."""
    out = np.zeros((n_groups, values.shape[1]))
    for i in range(values.shape[0]):
        for j in range(values.shape[1]):
            out[group[i], j] += values[i, j]
    return out


@njit(cache=True)
def apportion_by_group(totals: np.ndarray, weights: np.ndarray, group: np.ndarray) -> np.ndarray:
    """``_apportion_into`` for each group: group g's whole ``totals[g]`` split among its members (in index
    order) in proportion to their ``weights``, never above a weight."""
    starts, members = _groups(group, len(totals))
    largest = 1
    for g in range(len(totals)):
        largest = max(largest, starts[g + 1] - starts[g])
    room = np.empty(largest)
    shares = np.empty(largest)
    out = np.zeros(len(weights))
    for g in range(len(totals)):
        size = starts[g + 1] - starts[g]
        if size == 0:
            continue
        for k in range(size):
            room[k] = weights[members[starts[g] + k]]
        _apportion_into(totals[g], room[:size], shares[:size])
        for k in range(size):
            out[members[starts[g] + k]] = shares[k]
    return out


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
    groups = n_pools * tiers
    children = np.zeros((groups, ages))
    for t in range(tiers):
        for s in range(n_streets):
            g = home_pool[s] * tiers + t
            for a in range(ages):
                children[g, a] += accepting[t, s, a]
    provider_group = provider_pool * tiers + provider_tier
    starts, members = _groups(provider_group, groups)
    street_starts, streets = _groups(home_pool, n_pools)
    largest, most_homes = 1, 1
    for g in range(groups):
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
    for g in range(groups):
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
            _apportion_into(total, room[:size], counts[:size])
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
            _apportion_into(total, weights[:n_homes], shares[:n_homes])
            for k in range(n_homes):
                taken[homes[k], a] += shares[k]
    return taken


@njit(cache=True)
def match_stages(waiting: np.ndarray, free: np.ndarray, provider_street: np.ndarray, provider_tier: np.ndarray,
                 street_district: np.ndarray, n_districts: int, market_acceptance: np.ndarray,
                 other_street_acceptance: np.ndarray, market_preference: float, rounding: np.ndarray,
                 placed: np.ndarray, dedicated_band_of_age: np.ndarray, mixed_band: int, mixed_from: int) -> None:
    """The rule of ``matching.match``: the own street, then the district for families accepting the distance;
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


@njit(cache=True)
def _staff(children: np.ndarray, class_size: np.ndarray, children_per_carer: np.ndarray, min_per_class: float,
           per_health_worker: float) -> float:
    """Staff for one provider's children by band: carers by the ratios, at least ``min_per_class`` per open
    class, plus health workers (the rule of ``workforce.staff_for``)."""
    carers = 0.0
    total = 0.0
    for b in range(len(children)):
        total += children[b]
        open_classes = np.ceil(children[b] / class_size[b] - 1e-9)
        carers += max(open_classes * min_per_class, np.ceil(children[b] / children_per_carer[b] - 1e-9))
    return np.ceil(carers - 1e-9) + np.ceil(total / per_health_worker - 1e-9)


@njit(cache=True)
def staff_for_each(children: np.ndarray, class_size: np.ndarray, children_per_carer: np.ndarray,
                   min_per_class: float, per_health_worker: float) -> np.ndarray:
    """``_staff`` for every provider (providers × bands in)."""
    out = np.empty(children.shape[0])
    for p in range(children.shape[0]):
        out[p] = _staff(children[p], class_size, children_per_carer, min_per_class, per_health_worker)
    return out


@njit(cache=True)
def cover(enrolled: np.ndarray, capacity: np.ndarray, counting: np.ndarray, class_size: np.ndarray,
          children_per_carer: np.ndarray, min_per_class: float, per_health_worker: float
          ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Usable places by provider and band from the staff who count, the children each provider must let go
    (providers × ages, and their number per provider) and the children it keeps (providers × bands). A
    provider short of staff for its children keeps in each band the share its staff cover (fewer, the largest
    band first, until covered) and lets the oldest of the rest go; spare staff then open free places in
    proportion to what is free, as many as they cover. ``enrolled`` is updated."""
    n, n_bands, ages = enrolled.shape
    usable = np.zeros((n, n_bands))
    displaced = np.zeros((n, ages))
    kept = np.zeros((n, n_bands))
    let_go = np.zeros(n)
    # Buffers reused across providers: allocation inside the loop would dominate.
    buffers = np.zeros((5, n_bands))
    children, keep, free, extra, trial = buffers[0], buffers[1], buffers[2], buffers[3], buffers[4]
    for p in range(n):
        for b in range(n_bands):
            children[b] = enrolled[p, b].sum()
        needed = _staff(children, class_size, children_per_carer, min_per_class, per_health_worker)
        if needed > counting[p] + 1e-9 and children.sum() > 0:
            for b in range(n_bands):
                keep[b] = np.floor(children[b] * counting[p] / needed)
            while _staff(keep, class_size, children_per_carer, min_per_class, per_health_worker) > counting[p] \
                    + 1e-9 and keep.sum() > 0:
                keep[np.argmax(keep)] -= 1
            for b in range(n_bands):
                leaving = children[b] - keep[b]
                for a in range(ages - 1, -1, -1):
                    if leaving <= 0:
                        break
                    x = min(enrolled[p, b, a], leaving)
                    enrolled[p, b, a] -= x
                    displaced[p, a] += x
                    let_go[p] += x
                    leaving -= x
                children[b] = keep[b]
        spare = max(counting[p] - _staff(children, class_size, children_per_carer, min_per_class,
                                         per_health_worker), 0.0)
        total_free = 0.0
        for b in range(n_bands):
            free[b] = max(capacity[p, b] - children[b], 0.0)
            total_free += free[b]
        for b in range(n_bands):
            extra[b] = min(free[b], np.floor(spare * free[b] / total_free * children_per_carer[b])) \
                if total_free > 0 else 0.0
        while extra.sum() > 0:
            for b in range(n_bands):
                trial[b] = children[b] + extra[b]
            if _staff(trial, class_size, children_per_carer, min_per_class, per_health_worker) <= counting[p] + 1e-9:
                break
            for b in range(n_bands):
                extra[b] = np.floor(extra[b] * 0.8)
        for b in range(n_bands):
            usable[p, b] = min(children[b] + extra[b], capacity[p, b])
            kept[p, b] = children[b]
    return usable, displaced, let_go, kept


@njit(cache=True)
def age_waitlist(waiting: np.ndarray, engaged: np.ndarray, wait_months: np.ndarray, children: np.ndarray
                 ) -> np.ndarray:
    """Families waiting or engaged (streets × ages) are a month older, in place; those whose child died or
    moved away (beyond ``children``, already aged) leave, taking their share of the months waited. Returns
    the children per street who reached the last month of age while waiting."""
    n_streets, ages = waiting.shape
    aged_out = np.empty(n_streets)
    for s in range(n_streets):
        aged_out[s] = waiting[s, ages - 1]
        for a in range(ages - 1, -1, -1):
            w = waiting[s, a - 1] if a > 0 else 0.0
            e = engaged[s, a - 1] if a > 0 else 0.0
            m = wait_months[s, a - 1] if a > 0 else 0.0
            e = min(e, children[s, a])
            kept = min(w, e)
            engaged[s, a] = e
            wait_months[s, a] = m * (kept / w) if w > 0 else 0.0
            waiting[s, a] = kept
    return aged_out


@njit(cache=True)
def leave_waitlist(waiting: np.ndarray, wait_months: np.ndarray, leaving: np.ndarray, month_passes: bool
                   ) -> tuple[np.ndarray, np.ndarray]:
    """Children ``leaving`` (streets × ages: placed, or giving up) leave the waitlist, in place, taking their
    share of the months waited; if ``month_passes``, those still waiting have waited another month. Returns
    the children who left and the months they had waited, per street."""
    n_streets, ages = waiting.shape
    left_by_street = np.zeros(n_streets)
    waited_by_street = np.zeros(n_streets)
    for s in range(n_streets):
        for a in range(ages):
            w = waiting[s, a]
            waited = wait_months[s, a] * leaving[s, a] / w if w > 0 else 0.0
            left_by_street[s] += leaving[s, a]
            waited_by_street[s] += waited
            waiting[s, a] = w - leaving[s, a]
            wait_months[s, a] = wait_months[s, a] - waited + (waiting[s, a] if month_passes else 0.0)
    return left_by_street, waited_by_street


@njit(cache=True)
def join_waitlist(effective: np.ndarray, engaged: np.ndarray, waiting: np.ndarray, rounding: np.ndarray
                  ) -> np.ndarray:
    """Families who want care now (``effective``) but have not asked yet join the waitlist, in place, counted
    whole by random rounding floor(x + u); returns those joining per street."""
    n_streets, ages = waiting.shape
    joined = np.zeros(n_streets)
    for s in range(n_streets):
        for a in range(ages):
            joining = np.floor(max(effective[s, a] - engaged[s, a], 0.0) + rounding[s, a])
            waiting[s, a] += joining
            engaged[s, a] += joining
            joined[s] += joining
    return joined


@njit(cache=True)
def move_up(enrolled: np.ndarray, by_band: np.ndarray, capacity: np.ndarray, band: int, successor: int,
            outgrown_from: int, mixed: int, mixed_from: int) -> None:
    """Children of ``band`` aged ``outgrown_from`` months or more move, oldest first, to ``successor`` where the
    provider has room, then to its mixed classes from ``mixed_from`` months; the rest stay in their class.
    ``by_band`` (providers × bands) follows them."""
    n, _, ages = enrolled.shape
    for p in range(n):
        outgrown = 0.0
        for a in range(outgrown_from, ages):
            outgrown += enrolled[p, band, a]
        if outgrown <= 0:  # nobody to move: the provider's room need not be counted
            continue
        for target, first in ((successor, outgrown_from), (mixed, max(outgrown_from, mixed_from))):
            room = capacity[p, target] - by_band[p, target]
            for a in range(ages - 1, first - 1, -1):
                if room <= 0:
                    break
                x = min(enrolled[p, band, a], room)
                enrolled[p, band, a] -= x
                enrolled[p, target, a] += x
                by_band[p, band] -= x
                by_band[p, target] += x
                room -= x


@njit(cache=True)
def remove_oldest(enrolled: np.ndarray, leaving: np.ndarray, by_band: np.ndarray) -> None:
    """Each provider loses ``leaving`` children, the oldest first (across its class bands), also in ``by_band``."""
    n, n_bands, ages = enrolled.shape
    for p in range(n):
        left = leaving[p]
        for a in range(ages - 1, -1, -1):
            for b in range(n_bands):
                if left <= 0:
                    break
                x = min(enrolled[p, b, a], left)
                enrolled[p, b, a] -= x
                by_band[p, b] -= x
                left -= x


@njit(cache=True)
def wait_again(provider_street: np.ndarray, children: np.ndarray, waiting: np.ndarray, engaged: np.ndarray,
               alive: np.ndarray, street_district: np.ndarray, n_districts: int) -> None:
    """Children who lost their place (by age, one row per provider in ``provider_street``) wait again, in
    place: in each district and month of age in proportion to the families who are engaged but not waiting
    (whole children, leftovers in street order), any beyond those families in proportion to the streets of
    the providers they left; never more waiting than ``alive`` children, and every waiting family engaged."""
    n_streets, ages = waiting.shape
    by_street = np.zeros((n_streets, ages))
    for i in range(len(provider_street)):
        for a in range(ages):
            by_street[provider_street[i], a] += children[i, a]
    back = np.zeros((n_streets, ages))
    starts, streets = _groups(street_district, n_districts)
    for d in range(n_districts):
        homes = streets[starts[d]:starts[d + 1]]
        room = np.empty(len(homes))
        origin = np.empty(len(homes))
        shares = np.empty(len(homes))
        for a in range(ages):
            total = 0.0
            for k in range(len(homes)):
                s = homes[k]
                total += by_street[s, a]
                room[k] = max(engaged[s, a] - waiting[s, a], 0.0)
                origin[k] = by_street[s, a]
            if total <= 0:
                continue
            placed_back = min(total, room.sum())
            _apportion_into(placed_back, room, shares)
            for k in range(len(homes)):
                back[homes[k], a] += shares[k]
            if total > placed_back:
                _apportion_into(total - placed_back, origin, shares)
                for k in range(len(homes)):
                    back[homes[k], a] += shares[k]
    for s in range(n_streets):
        for a in range(ages):
            waiting[s, a] = min(waiting[s, a] + back[s, a], alive[s, a])
            engaged[s, a] = max(engaged[s, a], waiting[s, a])


SMALL_MEAN = 250.0  # below this mean a count is found by summing the mass function from zero


@njit(cache=True)
def poisson_small(u: np.ndarray, lam: np.ndarray, out: np.ndarray) -> np.ndarray:
    """The smallest k with P(X ≤ k) ≥ u for X ~ Poisson(lam), where lam ≤ SMALL_MEAN; returns which were done."""
    done = np.zeros(len(u), np.bool_)
    for i in range(len(u)):
        mean = lam[i]
        if mean > SMALL_MEAN:
            continue
        done[i] = True
        if mean <= 0:
            out[i] = 0.0
            continue
        pmf = np.exp(-mean)
        cdf = pmf
        k = 0
        while cdf < u[i] and pmf > 0:
            k += 1
            pmf *= mean / k
            cdf += pmf
        out[i] = k
    return done


@njit(cache=True)
def binomial_small(u: np.ndarray, n: np.ndarray, p: np.ndarray, log_q: np.ndarray, out: np.ndarray) -> np.ndarray:
    """The smallest k with P(X ≤ k) ≥ u for X ~ Binomial(n, p) by summing the mass function from zero, where
    P(X = 0) does not underflow; returns which were done. ``p`` and ``log_q`` = log(1 − p) hold one value
    per cell, or a single value for all. Above p = 1/2 it counts failures instead: X = n − Y with
    Y ~ Binomial(n, 1 − p), and X's quantile at u is n minus the smallest y with P(Y ≤ y) > 1 − u."""
    done = np.zeros(len(u), np.bool_)
    one_p = len(p) == 1
    for i in range(len(u)):
        j = 0 if one_p else i
        trials, chance = n[i], p[j]
        if trials <= 0 or chance <= 0:
            done[i] = True
            out[i] = 0.0
            continue
        flip = chance > 0.5
        if flip:
            if chance >= 1:
                continue
            chance, log_none, target = 1 - chance, trials * np.log(chance), 1 - u[i]
        else:
            log_none, target = trials * log_q[j], u[i]
        if log_none < -700:  # P(X = 0) underflows: the general way
            continue
        done[i] = True
        if not flip and target <= 1.0 + log_none:  # P(X = 0) = exp(log_none) ≥ 1 + log_none ≥ u: no exp needed
            out[i] = 0.0
            continue
        pmf = np.exp(log_none)
        cdf = pmf
        k = 0.0
        odds = chance / (1 - chance)
        while (cdf <= target if flip else cdf < target) and k < trials and pmf > 0:
            pmf *= (trials - k) / (k + 1) * odds
            k += 1
            cdf += pmf
        if flip:
            if cdf <= target:  # rounding kept the sum below a target within 1e-16 of 1: the general way
                done[i] = False
                continue
            k = trials - k
        out[i] = k
    return done


@njit(cache=True)
def age_one_month(enrolled: np.ndarray, by_band: np.ndarray) -> np.ndarray:
    """Every enrolled child is a month older, in place; returns the children per provider who reach the last
    month of age and leave (the array has no older month to hold them), and takes them from ``by_band``
    (providers × bands)."""
    n, n_bands, ages = enrolled.shape
    aged_out = np.zeros(n)
    for p in range(n):
        for b in range(n_bands):
            aged_out[p] += enrolled[p, b, ages - 1]
            by_band[p, b] -= enrolled[p, b, ages - 1]
            for a in range(ages - 1, 0, -1):
                enrolled[p, b, a] = enrolled[p, b, a - 1]
            enrolled[p, b, 0] = 0.0
    return aged_out


_GOLDEN_GAMMA = np.uint64(0x9E3779B97F4A7C15)


@njit(cache=True)
def keyed_uniforms(key: np.uint64, n: int) -> np.ndarray:
    """The first ``n`` numbers in (0, 1) of the SplitMix64 sequence started at ``key``: number i depends only on
    the key and i, so asking for more numbers never changes the first ones."""
    out = np.empty(n)
    state = np.uint64(key)
    for i in range(n):
        state += _GOLDEN_GAMMA
        z = (state ^ (state >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        z = z ^ (z >> np.uint64(31))
        out[i] = (float(z >> np.uint64(11)) + 0.5) / 9007199254740992.0  # 53 random bits, never 0 or 1
    return out

