"""Children in care (在托), held per provider, class band and month of age.

Each month enrolled children age a month (those reaching 36 months leave for kindergarten); children who
outgrow their class band move up to the next band (or a mixed class from 18 months) where the provider has
room, otherwise they stay in their class until room frees up; and some leave care early with a monthly
hazard (the number is binomial per provider; the oldest leave first).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numba import njit

from sim.model.bands import BAND_AGES, BANDS, NEXT_BAND
from sim.model.numerics import binomial

if TYPE_CHECKING:
    from sim.model.state import Context, State

FLOWS = ("enrolled_aged_out", "dropouts")
RECORDS = ("enrolled",)


def age(ctx: Context, state: State) -> None:
    """Enrolled children are a month older; those reaching 36 months leave."""
    providers = state.providers
    aged_out = age_one_month(providers.enrolled[: providers.n], state.enrolled_bands)
    state.flows["enrolled_aged_out"] += np.bincount(providers.street[: providers.n], aged_out,
                                                    minlength=ctx.city.n_streets)


def move_up(ctx: Context, state: State) -> None:
    """Children who outgrow their class band move to the next band, or a mixed class, where there is room."""
    enrolled = state.providers.enrolled[: state.providers.n]
    for band, successor in NEXT_BAND.items():
        move_up_band(enrolled, state.enrolled_bands, state.capacity, BANDS.index(band), BANDS.index(successor),
                     BAND_AGES[successor][0], BANDS.index("mixed"), BAND_AGES["mixed"][0])


def drop_out(ctx: Context, state: State) -> None:
    """Enrolled children leave care with a monthly hazard, the oldest first."""
    providers = state.providers
    enrolled = providers.enrolled[: providers.n]
    leaving = binomial(ctx.uniforms("dropouts", providers.n), state.enrolled_bands.sum(axis=1),
                       ctx.spec.demand.dropout_per_month_share)
    remove_oldest(enrolled, leaving, state.enrolled_bands)
    state.flows["dropouts"] += np.bincount(providers.street[: providers.n], leaving, minlength=ctx.city.n_streets)


def record(ctx: Context, state: State) -> dict[str, np.ndarray]:
    """Children in care, counted at the provider's street."""
    providers = state.providers
    return {"enrolled": np.bincount(providers.street[: providers.n], state.enrolled_bands.sum(axis=1),
                                    minlength=ctx.city.n_streets)}


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


@njit(cache=True)
def move_up_band(enrolled: np.ndarray, by_band: np.ndarray, capacity: np.ndarray, band: int, successor: int,
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
