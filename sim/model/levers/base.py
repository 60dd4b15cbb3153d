"""Pieces the levers share: when a lever acts (dated steps through the year), how a publicly supported provider
is built (instalments that wait for money → 备案 → ready to open), and the rate of a dated payment."""

from __future__ import annotations

from collections.abc import Callable, Generator
from typing import TYPE_CHECKING

import numpy as np
import simpy

from sim.model.bands import BANDS, CLASS_SIZE
from sim.model.clock import StartOfMonth, after
from sim.model.lifecycle import close, new_provider
from sim.model.providers import BUILDING, OPEN, PRIVATE_TYPES, RECTIFYING, REGISTERING
from sim.scenario.market_schema import ClassCounts
from sim.scenario.months import month_number

if TYPE_CHECKING:
    from sim.model.state import Context, State

Process = Generator[simpy.Event, None, None]


def start(ctx: Context, processes: Callable[[], object]) -> None:
    """Start every SimPy process the generator function ``processes`` yields, in order."""
    for process in processes():
        ctx.env.process(process)


def at(ctx: Context, month: int, action: Callable[[], None]) -> Process:
    """Run ``action`` at horizon month ``month`` (skipped if it lies before the start)."""
    if month >= ctx.month:
        yield from after(ctx.env, month - ctx.month, action)


def spread(ctx: Context, counts: dict[int, int]) -> list[int]:
    """Months (from t = 0) at which yearly counts start, spread evenly through each year."""
    months = []
    for year, count in counts.items():
        first = month_number(f"{year}-01") - ctx.start
        months += [first + (k * 12) // count for k in range(count)]
    return sorted(m for m in months if 0 <= m < ctx.months)


def dated_rate(ctx: Context, settings: object, attribute: str) -> Callable[[], float]:
    """This month's value of a dated lever's setting: 0 outside its start and end."""
    def rate() -> float:
        return float(getattr(settings, attribute)) if ctx.in_force(settings.start, settings.end) else 0.0
    return rate


def construct(ctx: Context, item: str, street: int, total: float, months: int, provider: int) -> Process:
    """Build for ``months``, paying ``total`` in equal monthly instalments: a month of work starts only once
    its instalment is paid, so a fund that runs dry delays the project."""
    for _ in range(months):
        payment = ctx.spending.request(ctx.month, item, street, total / months, provider) if total else None
        if payment is not None:
            yield payment
        yield StartOfMonth(ctx.env, 1)
    if months == 0 and total:  # a works with no duration is still paid for
        payment = ctx.spending.request(ctx.month, item, street, total, provider)
        if payment is not None:
            yield payment


def places_of(classes: ClassCounts | np.ndarray) -> float:
    counts = classes.as_list() if isinstance(classes, ClassCounts) else classes
    return float(np.asarray(counts, float) @ CLASS_SIZE)


def build(ctx: Context, state: State, street: int, type_: str, fee: float, classes: list[int], origin: str,
          build_months: object, item: str = "", cost: float = 0.0, **kwargs: object) -> int:
    """Start a publicly supported provider: construction (paid in instalments, waiting for money) → 备案 →
    ready to open once staffed."""
    key = ctx.event(origin)
    building = ctx.lead_time("build", build_months, *key, "build")
    registration = ctx.lead_time("registration", ctx.spec.providers.lifecycle.registration_months, *key,
                                 "registration")
    i = new_provider(ctx, state, street, type_, True, fee, classes, origin, None, **kwargs)

    def project() -> Process:
        state.providers.status[i] = BUILDING
        yield from construct(ctx, item, street, cost if item else 0.0, building, i)
        state.providers.status[i] = REGISTERING
        if registration:
            yield StartOfMonth(ctx.env, registration)
        state.awaiting_staff.append(i)

    ctx.env.process(project())
    return i


def register_existing(ctx: Context, state: State, street: int, inclusive: bool, fee: float,
                      classes: list[int], origin: str, months: object, key: tuple[object, ...]) -> int:
    """An existing unregistered centre registers (备案) as a private provider (inclusive or market-rate): its
    places are licensed, not built (``providers.existed``); it opens once registered (``months``, drawn for
    the event ``key``) and staffed."""
    i = new_provider(ctx, state, street, "private_inclusive" if inclusive else "private_market", inclusive, fee,
                     classes, origin, [(REGISTERING, ctx.lead_time("registration", months, *key))])
    state.providers.existed[i] = True
    return i


def check(ctx: Context, state: State, checked: np.ndarray, fail_share: float, close_share: float, draws: str,
          item: str, yuan_per_provider: float) -> None:
    """A public check of the providers ``checked`` (a mask): each fails with ``fail_share``; a failing private
    provider closes with ``close_share``, any other failing one rectifies with its capacity frozen (admitting no
    one) for the rectification time; those that pass are marked (families' trust, ``demand.trust``). Each
    provider checked is paid for under ``item``. ``draws`` names the random numbers."""
    providers = state.providers
    n = providers.n
    u_fail, u_close = ctx.uniforms(draws, n), ctx.uniforms(f"{draws}, closure", n)
    failed = checked & (u_fail < fail_share)
    closing = failed & providers.is_type(*PRIVATE_TYPES) & (u_close < close_share)
    close(ctx, state, np.flatnonzero(closing))
    for i in np.flatnonzero(failed & ~closing):
        providers.status[i] = RECTIFYING
        months = max(ctx.lead_time("rectification", ctx.spec.providers.lifecycle.rectification_months,
                                   "rectification", ctx.month, int(i)), 1)
        ctx.env.process(after(ctx.env, months, lambda i=int(i): _reopen(state, i)))
    providers.checked[:n][checked & ~failed] = ctx.month
    who = np.flatnonzero(checked)
    ctx.spending.request_many(ctx.month, item, providers.street[who], np.full(len(who), float(yuan_per_provider)),
                              who)


def _reopen(state: State, i: int) -> None:
    if state.providers.status[i] == RECTIFYING:
        state.providers.status[i] = OPEN


def mixed_classes(places: float) -> list[int]:
    """Mixed classes (18–36 months) for about ``places`` places, at least one."""
    mixed = max(1, round(places / CLASS_SIZE[BANDS.index("mixed")]))
    return [0, 0, 0, mixed]
