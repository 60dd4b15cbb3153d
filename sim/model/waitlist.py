"""The waitlist (排队等待): families who want care and have not found a place, by home street and month of age.

Each month the waiting families age with their children (those reaching 36 months, or whose child died or
moved away, leave); families who want care at today's net fee and access (effective demand) but have not
asked yet join, counted whole by random rounding; some waiting families give up (a monthly hazard). Families
are tracked as ``engaged`` once they have asked (enrolled, waiting, gave up or dropped out), so a family that
gave up does not queue again. Children who lose their place (their provider closed, or lacked carers) wait
again in their home streets.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numba import njit

from sim.model.numerics import apportion_into, binomial, groups

if TYPE_CHECKING:
    from sim.model.state import Context, State

FLOWS = ("joined", "gave_up", "waiting_aged_out")
RECORDS = ("waitlist",)


def age(ctx: Context, state: State) -> None:
    """Waiting families are a month older; children who died or moved away leave the demand they expressed."""
    state.flows["waiting_aged_out"] += age_waitlist(state.waiting, state.engaged, state.wait_months,
                                                    state.population.children)


def join(ctx: Context, state: State) -> None:
    """Families who want care now and have not asked yet join the waitlist (random rounding keeps small cells,
    a street's children of one month of age, unbiased); then the levers acting on the waitlist."""
    state.flows["joined"] += join_waitlist(state.month["effective"], state.engaged, state.waiting,
                                           ctx.uniforms("joining", state.waiting.shape))
    for act in ctx.hooks.after_joining:
        act(state)


def give_up(ctx: Context, state: State) -> None:
    """Waiting families give up with a monthly hazard (binomial per street and month of age)."""
    leaving = binomial(ctx.uniforms("give_up", state.waiting.shape), state.waiting,
                       ctx.spec.demand.give_up_per_month_share)
    state.flows["gave_up"] += leave_waitlist(state.waiting, state.wait_months, leaving, False)[0]


def wait_again(ctx: Context, state: State, streets: np.ndarray, children: np.ndarray) -> None:
    """Children (by age, one row per provider in ``streets``) who lost their place wait again in their home
    streets. Homes are not tracked per child, so they are spread over each district's streets in proportion
    to the families there who are engaged but not waiting (in care or gone), age by age; any beyond those
    families wait in the provider's street."""
    city = ctx.city
    return_to_waitlist(streets.astype(np.int64), np.ascontiguousarray(children, dtype=float), state.waiting,
                       state.engaged, state.population.children, city.street_district.astype(np.int64),
                       city.n_districts)


def record(ctx: Context, state: State) -> dict[str, np.ndarray]:
    return {"waitlist": state.waiting.sum(axis=1)}


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
def return_to_waitlist(provider_street: np.ndarray, children: np.ndarray, waiting: np.ndarray, engaged: np.ndarray,
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
    starts, streets = groups(street_district, n_districts)
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
            apportion_into(placed_back, room, shares)
            for k in range(len(homes)):
                back[homes[k], a] += shares[k]
            if total > placed_back:
                apportion_into(total - placed_back, origin, shares)
                for k in range(len(homes)):
                    back[homes[k], a] += shares[k]
    for s in range(n_streets):
        for a in range(ages):
            waiting[s, a] = min(waiting[s, a] + back[s, a], alive[s, a])
            engaged[s, a] = max(engaged[s, a], waiting[s, a])
