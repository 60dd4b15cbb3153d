"""Administrative push toward the official places target (行政推动补足托位): at the start of every month from its
start, while the city's licensed places and those coming fall short of the target per 1,000 residents, a
share of the gap is started, in the districts furthest below the target (in proportion to their gaps), in the
street of each with the greatest unmet need: existing unregistered centres register (备案) as private inclusive
centres, kindergartens open 托班, public premises become community centres, each opening after the lag. The
push stops when the target is reached and resumes if the city falls below it."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.model.bands import BANDS, CLASS_SIZE
from sim.model.clock import StartOfMonth
from sim.model.demand import unmet_need
from sim.model.levers.base import Process, build, start
from sim.model.lifecycle import new_provider
from sim.model.numerics import district_sums
from sim.model.providers import BUILDING, REGISTERING
from sim.scenario.months import month_number
from sim.scenario.policy_schema import TargetPush

if TYPE_CHECKING:
    from sim.model.state import Context, State

KINDERGARTEN_CLASS = [0, 0, 1, 0]  # one 托大班 (24–36 months)
MIXED_CLASS = float(CLASS_SIZE[BANDS.index("mixed")])  # public premises become community centres of mixed classes


def install(ctx: Context, state: State, settings: TargetPush) -> None:
    city = ctx.city
    registered_classes = ctx.spec.providers.entry.classes.as_list()
    registered_places = float(np.array(registered_classes) @ CLASS_SIZE)
    class_places = float(np.array(KINDERGARTEN_CLASS) @ CLASS_SIZE)

    def district_gaps() -> np.ndarray:
        """Places each district lacks for the target, counting those coming (0 where it has enough)."""
        target = district_sums(city, state.population.residents) * settings.places_per_1000_residents / 1000
        places = district_sums(city, state.providers.places_by_street(city.n_streets, include_pipeline=True))
        return np.maximum(target - places, 0.0)

    def push() -> None:
        gaps = district_gaps()
        city_gap = settings.places_per_1000_residents * state.population.residents.sum() / 1000 - \
            state.providers.places_by_street(city.n_streets, include_pipeline=True).sum()
        if city_gap <= 0 or gaps.sum() <= 0:
            return
        started = gaps / gaps.sum() * min(city_gap, gaps.sum()) * settings.response_per_month_share
        u = ctx.uniforms("target push", (city.n_districts, 3))
        need = unmet_need(ctx, state)
        for d in np.flatnonzero(started):
            streets = city.district_streets[d]
            street = int(streets[np.argmax(need[streets])])
            registering = started[d] * settings.registration_share
            kindergarten = started[d] * settings.kindergarten_share
            public = started[d] - registering - kindergarten
            # Whole centres and classes, rounded at random so that small pushes keep their expected size.
            for _ in range(int(registering / registered_places + u[d, 0])):
                key = ctx.event("target push")
                i = new_provider(ctx, state, street, "private_inclusive", True,
                                 ctx.spec.providers.entry.inclusive_fee_yuan_per_month, registered_classes,
                                 "target_push", [(REGISTERING, ctx.whole_months(settings.lag_months, *key))])
                ctx.spending.request(ctx.month, "target_push", street,
                                     registered_places * settings.registration_yuan_per_place, i)
            for _ in range(int(kindergarten / class_places + u[d, 1])):
                key = ctx.event("target push")
                i = new_provider(ctx, state, street, "kindergarten_class", True, settings.fee_yuan_per_month,
                                 KINDERGARTEN_CLASS, "target_push",
                                 [(BUILDING, ctx.whole_months(settings.lag_months, *key))])
                ctx.spending.request(ctx.month, "target_push", street, settings.kindergarten_yuan_per_class, i)
            mixed = int(public / MIXED_CLASS + u[d, 2])
            if mixed:
                classes = [0, 0, 0, mixed]
                build(ctx, state, street, "community_centre", settings.fee_yuan_per_month, classes, "target_push",
                      settings.lag_months, "target_push",
                      float(np.array(classes) @ CLASS_SIZE) * settings.conversion_yuan_per_place)

    def monthly() -> Process:
        first = month_number(settings.start) - ctx.start
        if first > ctx.month:
            yield StartOfMonth(ctx.env, first - ctx.month)
        while True:
            push()
            yield StartOfMonth(ctx.env, 1)

    start(ctx, lambda: iter([monthly()]))
