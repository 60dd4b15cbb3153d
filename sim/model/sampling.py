"""Poisson and binomial counts by inverse transform of given uniform numbers.

numpy's samplers consume a varying number of uniforms per draw, so two scenarios with the same seed
but a different birth rate drift apart after the first draw. Inverting the CDF of one uniform per cell
instead keeps the noise aligned: with the same uniforms a higher rate never gives fewer births, so
scenario differences show the policy effect and not noise.

The count is the smallest k with CDF(k) ≥ u, as ``scipy.stats.poisson.ppf`` / ``binom.ppf`` give
(tested). Small means (most cells) are summed from zero in compiled code; large ones start from a
Cornish–Fisher guess with one CDF evaluation there, then step along the mass function's recurrence.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from scipy import special

from sim.model import kernels


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
    done = kernels.poisson_small(np.ascontiguousarray(u).ravel(), lam.ravel(), out)  # a compiled sum from zero
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
    done = kernels.binomial_small(np.ascontiguousarray(u).ravel(), n.ravel(), _per_cell(p, u.shape),
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
