"""Generic numerics of the model: whole-number apportioning, per-group sums, counts drawn by inverting a
CDF at given uniform numbers, and the keyed uniform numbers themselves. Mechanism-specific compiled loops
live with their mechanism; these are the helpers they share.

**Whole numbers.** Children and carers must stay whole and an allocation must never exceed the room it
fills: shares are rounded down and the few left over go to members with room, in index order.

**Counts.** Poisson and binomial counts by inverse transform of given uniform numbers.

numpy's samplers consume a varying number of uniforms per draw, so two scenarios with the same seed
but a different birth rate drift apart after the first draw. Inverting the CDF of one uniform per cell
instead keeps the noise aligned: with the same uniforms a higher rate never gives fewer births, so
scenario differences show the policy effect and not noise.

The count is the smallest k with CDF(k) ≥ u, as ``scipy.stats.poisson.ppf`` / ``binom.ppf`` give
(tested). Small means (most cells) are summed from zero in compiled code; large ones start from a
Cornish–Fisher guess with one CDF evaluation there, then step along the mass function's recurrence.

**Sums.** Per-group sums are added member by member in index order, so district totals are the same on
every machine whatever its linear-algebra library does with threads.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
from numba import njit
from scipy import special

if TYPE_CHECKING:
    from sim.scenario.city import City

@njit(cache=True)
def groups(keys: np.ndarray, n_groups: int) -> tuple[np.ndarray, np.ndarray]:
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
def apportion_into(total: float, weights: np.ndarray, out: np.ndarray) -> None:
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
    """``apportion_into`` for each group: group g's whole ``totals[g]`` split among its members (in index
    order) in proportion to their ``weights``, never above a weight."""
    starts, members = groups(group, len(totals))
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
        apportion_into(totals[g], room[:size], shares[:size])
        for k in range(size):
            out[members[starts[g] + k]] = shares[k]
    return out


def apportion(totals: np.ndarray, weights: np.ndarray, group: np.ndarray) -> np.ndarray:
    """Split each group's whole ``totals[g]`` (at most the group's total weight) among its members in
    proportion to ``weights``, never giving a member more than its weight: each gets the whole part of its
    share, and the few left over go to the members with room, in index order."""
    return apportion_by_group(np.ascontiguousarray(totals, float), np.ascontiguousarray(weights, float),
                              np.ascontiguousarray(group, np.int64))


def district_sums(city: City, values: np.ndarray) -> np.ndarray:
    """District totals of per-street ``values`` (the last axis), added in street order."""
    if values.ndim == 1:
        return np.bincount(city.street_district, values, minlength=city.n_districts)
    return group_sums(city.street_district, values.reshape(-1, city.n_streets).T, city.n_districts).T.reshape(
        *values.shape[:-1], city.n_districts)


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


def _invert(u: np.ndarray, k: np.ndarray, cdf: np.ndarray, pmf: np.ndarray,
            ratio: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
    """Step k from a guess to the smallest k with CDF(k) ≥ u; ``ratio(k)`` = pmf(k + 1) / pmf(k)."""
    while True:
        down = (k > 0) & (pmf > 0) & (cdf - pmf >= u)
        if not down.any():
            break
        k = np.where(down, k - 1, k)
        cdf = np.where(down, cdf - pmf, cdf)
        with np.errstate(divide="ignore", invalid="ignore"):  # cells that stay put may sit at k = n
            pmf = np.where(down, pmf / ratio(k), pmf)
    while True:
        up = cdf < u
        if not up.any():
            break
        following = pmf * ratio(k)
        k = np.where(up, k + 1, k)
        pmf = np.where(up, following, pmf)
        cdf = np.where(up, cdf + following, cdf)
    return k


def _guess(u: np.ndarray, mean: np.ndarray, sd: np.ndarray, skew: np.ndarray) -> np.ndarray:
    z = special.ndtri(u)
    return np.maximum(np.floor(mean + sd * z + skew * (z * z - 1) / 6 * sd), 0)


def poisson(u: np.ndarray, lam: np.ndarray | float) -> np.ndarray:
    """Poisson(lam) counts at uniforms ``u``; ``lam`` broadcasts to the shape of ``u``."""
    u = np.asarray(u, float)
    lam = _every_cell(lam, u.shape)
    out = np.zeros(u.size)
    done = poisson_small(np.ascontiguousarray(u).ravel(), lam.ravel(), out)  # a compiled sum from zero
    if done.all():
        return out.reshape(u.shape)
    out = out.reshape(u.shape)
    todo = ~done.reshape(u.shape) & (u >= np.exp(-lam))
    if todo.any():
        uu, ll = u[todo], lam[todo]
        sd = np.sqrt(ll)
        k = _guess(uu, ll, sd, 1 / sd)
        pmf = np.exp(k * np.log(ll) - ll - special.gammaln(k + 1))
        out[todo] = _invert(uu, k, special.pdtr(k, ll), pmf, lambda k: ll / (k + 1))
    return out


def _every_cell(values: np.ndarray | float, shape: tuple[int, ...]) -> np.ndarray:
    """``values`` as a contiguous array of ``shape``, copied or broadcast only when it is not one already."""
    values = np.asarray(values, float)
    if values.shape == shape:
        return np.ascontiguousarray(values)
    return np.ascontiguousarray(np.broadcast_to(values, shape))


def _per_cell(values: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """A single value as it is (the compiled pass reads it for every cell); others spread over the cells."""
    return values.ravel() if values.size == 1 else _every_cell(values, shape).ravel()


def binomial(u: np.ndarray, n: np.ndarray, p: np.ndarray | float) -> np.ndarray:
    """Binomial(n, p) counts at uniforms ``u``; ``n`` whole numbers ≥ 0 and ``p`` in [0, 1] broadcast to ``u``."""
    u = np.asarray(u, float)
    p = np.asarray(p, float)
    if not p.any():
        return np.zeros(u.shape)
    n = _every_cell(n, u.shape)
    out = np.zeros(u.size)
    # log(1 − p) before broadcasting (p is often one value, or one per age or street); p = 1 is certain
    log_q = np.full(p.shape, -np.inf)
    np.log1p(-p, out=log_q, where=p < 1)
    done = binomial_small(np.ascontiguousarray(u).ravel(), n.ravel(), _per_cell(p, u.shape),
                                  _per_cell(log_q, u.shape), out)
    if done.all():
        return out.reshape(u.shape)
    out = out.reshape(u.shape)
    with np.errstate(divide="ignore", invalid="ignore"):
        p, log_q = np.broadcast_to(p, u.shape), np.broadcast_to(log_q, u.shape)
        certain = p >= 1
        out[certain] = n[certain]
        todo = (n > 0) & ~certain & (u >= np.exp(n * log_q)) & ~done.reshape(u.shape)
    if todo.any():
        uu, nn, pp = u[todo], n[todo], p[todo]
        sd = np.sqrt(nn * pp * (1 - pp))
        k = np.minimum(_guess(uu, nn * pp, sd, (1 - 2 * pp) / sd), nn)
        pmf = np.exp(special.gammaln(nn + 1) - special.gammaln(k + 1) - special.gammaln(nn - k + 1)
                     + k * np.log(pp) + (nn - k) * np.log1p(-pp))
        cdf = np.ones(k.shape)
        below = k < nn
        cdf[below] = special.betainc(nn[below] - k[below], k[below] + 1, 1 - pp[below])
        odds = pp / (1 - pp)
        out[todo] = np.minimum(_invert(uu, k, cdf, pmf, lambda k: (nn - k) / (k + 1) * odds), nn)
    return out


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
