"""Providers' lifecycle (托育机构): planned → building → registering (备案) → ready → open → (rectifying) → closed.

Changes of status are SimPy events at their own times: a transition due in month t fires before that
month's steps (``engine.MONTH``), so a provider that opens in month t can take children in month t. A provider
built and registered waits for carers: it opens in the first month its hiring gives it the carers for the
opening share of its places (``workforce.staff_to_open``), and the levers' payments at opening are made then.
A closing provider's children wait again and its carers look for work. Each month the providers' places are
recorded by street, type and class band, with street-centre coverage and childcare deserts (more than
``DESERT_CHILDREN_PER_PLACE`` children under 3 per licensed place).
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from typing import TYPE_CHECKING

import numpy as np
import simpy

from sim.model import workforce
from sim.model.bands import ADMITS, BANDS, CLASS_SIZE
from sim.model.clock import StartOfMonth
from sim.model.numerics import group_sums
from sim.model.providers import BUILDING, CLOSED, OPEN, ORIGINS, REGISTERING, TYPES
from sim.model.waitlist import look_again_near, wait_again
from sim.scenario.city import ProviderSeed

if TYPE_CHECKING:
    from sim.model.state import Context, State

DESERT_CHILDREN_PER_PLACE = 3.0  # a street with more children under 3 per licensed place is a "childcare desert"

FLOWS = ("openings", "closures", "displaced", "places_added", *(f"places_added_{origin}" for origin in ORIGINS[1:]),
         *(f"opening_payments_{origin}" for origin in ORIGINS[1:]))
RECORDS = ("places_licensed", "places_inclusive", "providers_open", "streets_with_centre", "urban_streets",
           "childcare_desert", *(f"places_{name}" for name in TYPES), *(f"places_{band}" for band in BANDS))


def develop(env: simpy.Environment, set_status: Callable[[int], None], stages: list[tuple[int, int]],
            on_ready: Callable[[], None]) -> Generator[simpy.Event, None, None]:
    """Take a provider through ``stages`` (status, whole months), then hand it over as ready to open."""
    for status, months in stages:
        set_status(status)
        if months > 0:
            yield StartOfMonth(env, months)
    on_ready()



def add_existing(ctx: Context, state: State, seed: ProviderSeed) -> None:
    """A provider of the city's file: open now, or still being built or registered (its remaining durations
    drawn for it)."""
    if seed.status == "open":
        state.providers.add(seed.street, seed.type, seed.inclusive, seed.fee_yuan_per_month, seed.classes,
                            "existing", OPEN)
        return
    lifecycle = ctx.spec.providers.lifecycle
    registration = (REGISTERING, ctx.whole_months(lifecycle.registration_months, seed.provider_id, "registration"))
    stages = [registration] if seed.status == "registering" else \
        [(BUILDING, ctx.whole_months(lifecycle.fit_out_months, seed.provider_id, "fit_out")), registration]
    new_provider(ctx, state, seed.street, seed.type, seed.inclusive, seed.fee_yuan_per_month, seed.classes,
                 "existing", stages)


def new_provider(ctx: Context, state: State, street: int, type_: str, inclusive: bool, fee: float,
                 classes: list[int] | tuple[int, ...], origin: str, stages: list[tuple[int, int]] | None,
                 payment_per_place: float = 0.0, payment_item: str = "") -> int:
    """Create a provider and start its lifecycle through ``stages`` (None: the caller drives it); returns its
    index. Once built and registered it waits for carers, and opens in the first month it has them
    (``open_staffed``). A lever may pay its operator ``payment_per_place`` a month under ``payment_item``."""
    i = state.providers.add(street, type_, inclusive, fee, classes, origin)
    state.providers.payment_per_place[i] = payment_per_place
    if payment_item:
        state.operator_payments.setdefault(payment_item, []).append(i)
    if stages is not None:
        develop_together(ctx, state, [i], stages)
    return i


def develop_together(ctx: Context, state: State, members: list[int], stages: list[tuple[int, int]]) -> None:
    """Take new providers that share a schedule through ``stages`` together (one lifecycle process), then
    they wait for carers."""
    members_at = np.array(members)

    def set_status(status: int) -> None:
        state.providers.status[members_at] = status

    ctx.env.process(develop(ctx.env, set_status, stages, lambda: state.awaiting_staff.extend(members)))


def open_staffed(ctx: Context, state: State) -> None:
    """Providers ready to open hire together; those with the carers they need open now (and are paid what the
    levers pay at opening), the rest wait."""
    if not state.awaiting_staff:
        return
    providers = state.providers
    ready = np.array(state.awaiting_staff)
    staffed = workforce.staff_to_open(ctx, state, ready)
    at_opening = ctx.hooks.paid("place_at_opening")
    for i in ready[staffed]:
        providers.status[i] = OPEN
        providers.opened[i] = ctx.month
        state.flows["openings"][providers.street[i]] += 1
        places = float(providers.classes[i] @ CLASS_SIZE)
        origin = ORIGINS[providers.origin[i]]
        count_added(state, int(i), places, origin)
        admitted = np.flatnonzero(ADMITS[providers.classes[i] > 0].any(axis=0))
        look_again_near(ctx, state, int(providers.street[i]), admitted, ("opening", int(i), ctx.month))
        for payment in at_opening:
            kind = (TYPES[providers.type[i]], bool(providers.inclusive[i]), bool(providers.existed[i]))
            if payment.eligible.covers(*kind):
                amount = places * payment.rate()
                ctx.spending.request(ctx.month, payment.item, int(providers.street[i]), amount, int(i))
                if origin != "existing":  # part of what the lever's (or private entry's) new places cost
                    state.flows[f"opening_payments_{origin}"][providers.street[i]] += amount
    state.awaiting_staff = ready[~staffed].tolist()
    state.capacity = providers.capacity()


def count_added(state: State, i: int, places: float, origin: str) -> None:
    """Places that opened or a new class added, credited to the lever (or private entry) that made them."""
    if origin != "existing":
        street = state.providers.street[i]
        state.flows[f"places_added_{origin}"][street] += places
        state.flows["places_added"][street] += places


def add_class(ctx: Context, state: State, i: int, band: int, origin: str) -> None:
    """A class added to an open provider by a lever (expansion, a kindergarten's new 托班): hidden families of
    the street with children of its ages may look again."""
    state.providers.classes[i, band] += 1
    count_added(state, i, CLASS_SIZE[band], origin)
    look_again_near(ctx, state, int(state.providers.street[i]), np.flatnonzero(ADMITS[band]),
                    ("class", i, band, ctx.month))


def close(ctx: Context, state: State, closing: np.ndarray) -> None:
    """Close providers ``closing``: their children wait again, their carers look for work."""
    if len(closing) == 0:
        return
    providers = state.providers
    street = providers.street[closing]
    wait_again(ctx, state, street, providers.enrolled[closing].sum(axis=1))
    np.add.at(state.flows["displaced"], street, providers.enrolled[closing].sum(axis=(1, 2)))
    np.add.at(state.flows["closures"], street, 1)
    providers.enrolled[closing] = 0
    providers.status[closing] = CLOSED
    providers.closed[closing] = ctx.month
    for by_band in (state.capacity, state.enrolled_bands):  # this month's places and children, kept current
        by_band[closing[closing < len(by_band)]] = 0
    for i in closing:
        workforce.release(ctx, state, int(i))


def record(ctx: Context, state: State) -> dict[str, np.ndarray]:
    """Places (licensed, inclusive, by type and class band), providers open, street-centre coverage and
    childcare deserts, by street."""
    providers, city, capacity = state.providers, ctx.city, state.capacity
    n = providers.n
    street = providers.street[:n]
    places = capacity.sum(axis=1)
    licensed = providers.licensed()
    # One pass over the providers for every per-street sum (bincount column by column costs more).
    sums = group_sums(street, np.column_stack([places, places * providers.inclusive[:n], licensed,
                                              licensed * providers.is_type("community_centre"), capacity]),
                      city.n_streets)
    places_licensed = sums[:, 0]
    children = state.population.children.sum(axis=1)
    values = {
        "places_licensed": places_licensed,
        "places_inclusive": sums[:, 1],
        "providers_open": sums[:, 2],
        "streets_with_centre": (sums[:, 3] > 0) * ctx.urban,
        "urban_streets": ctx.urban,
        "childcare_desert": ((children > DESERT_CHILDREN_PER_PLACE * places_licensed) & (children > 0)) * 1.0,
    }
    by_type = group_sums(street * len(TYPES) + providers.type[:n], places[:, None],
                         city.n_streets * len(TYPES)).reshape(city.n_streets, len(TYPES))
    for t, name in enumerate(TYPES):
        values[f"places_{name}"] = by_type[:, t]
    for b, band in enumerate(BANDS):
        values[f"places_{band}"] = sums[:, 4 + b]
    return values
