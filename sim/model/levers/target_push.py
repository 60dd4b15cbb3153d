"""Administrative push toward the official places targets (行政推动补足托位): at the start of every month from its
start, for each of the scenario's targets on places per 1,000 (``at_least``, for the city or every district),
the places each district lacks, counting those coming (a city target's gap spread over the districts below it
in proportion to theirs, an every-district target's each district's own), over the months left to the target's
deadline (at least ``MIN_MONTHS_LEFT``): the pace that would meet it. ``pace_share`` of the fastest pace, rising
by ``pace_growth_per_year`` a year since the push started, is started in each district, in its street with the
greatest unmet need: existing unregistered centres register (备案) as private inclusive centres, kindergartens
open 托班, public premises become community centres, each opening after the lag. The push stops where targets
are met and resumes where places fall short again; a target past its deadline still counts (it is still
assessed). Held back until ``held_back_until`` (a history's assumption), it starts nothing before and then the
pace it would have reached by then: the quickening counts from ``start`` all the same.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.model.bands import BANDS, CLASS_SIZE
from sim.model.clock import StartOfMonth
from sim.model.demand import unmet_need
from sim.model.levers.base import Process, build, register_existing, start
from sim.model.lifecycle import new_provider
from sim.model.numerics import district_sums
from sim.model.providers import BUILDING
from sim.scenario.months import month_number
from sim.scenario.policy_schema import TargetPush

if TYPE_CHECKING:
    from sim.model.state import Context, State

KINDERGARTEN_CLASS = [0, 0, 1, 0]  # one 托大班 (24–36 months)
# A target's gap is spread over at least this many months: near or past its deadline, the push does not start
# the whole gap at once (registration and conversion capacity is finite).
MIN_MONTHS_LEFT = 6
MIXED_CLASS = float(CLASS_SIZE[BANDS.index("mixed")])  # public premises become community centres of mixed classes


def install(ctx: Context, state: State, settings: TargetPush) -> None:
    city = ctx.city
    registered_classes = ctx.spec.providers.entry.classes.as_list()
    registered_places = float(np.array(registered_classes) @ CLASS_SIZE)
    class_places = float(np.array(KINDERGARTEN_CLASS) @ CLASS_SIZE)

    targets = [target for target in ctx.spec.all_targets() if target.indicator == "places_per_1000"
               and target.at_least is not None and target.where in ("city", "every_district")]

    def district_paces() -> np.ndarray:
        """Places each district would start this month to meet its targets by their deadlines, counting those
        coming (0 where it has enough)."""
        residents = district_sums(city, state.population.residents)
        places = district_sums(city, state.providers.places_by_street(city.n_streets, include_pipeline=True))
        gaps = np.zeros(city.n_districts)
        for target in targets:
            if target.announced is not None and month_number(target.announced) > ctx.calendar_month():
                continue
            short = np.maximum(residents * target.at_least / 1000 - places, 0.0)
            if target.where == "city":  # the city's gap, where districts are short
                city_gap = max(residents.sum() * target.at_least / 1000 - places.sum(), 0.0)
                short = short / short.sum() * min(city_gap, short.sum()) if short.sum() > 0 else short
            months_left = max(month_number(target.deadline) - ctx.calendar_month(), MIN_MONTHS_LEFT)
            gaps = np.maximum(gaps, short / months_left)
        return gaps

    def push() -> None:
        years = (ctx.calendar_month() - month_number(settings.start)) / 12
        started = district_paces() * (settings.pace_share + settings.pace_growth_per_year * max(years, 0.0))
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
                i = register_existing(ctx, state, street, True, ctx.spec.providers.entry.inclusive_fee_yuan_per_month,
                                      registered_classes, "target_push", settings.lag_months, ctx.event("target push"))
                ctx.spending.request(ctx.month, "target_push", street,
                                     registered_places * settings.registration_yuan_per_place, i)
            for _ in range(int(kindergarten / class_places + u[d, 1])):
                key = ctx.event("target push")
                i = new_provider(ctx, state, street, "kindergarten_class", True, settings.fee_yuan_per_month,
                                 KINDERGARTEN_CLASS, "target_push",
                                 [(BUILDING, ctx.lead_time("build", settings.lag_months, *key))])
                ctx.spending.request(ctx.month, "target_push", street, settings.kindergarten_yuan_per_class, i)
            mixed = int(public / MIXED_CLASS + u[d, 2])
            if mixed:
                classes = [0, 0, 0, mixed]
                build(ctx, state, street, "community_centre", settings.fee_yuan_per_month, classes, "target_push",
                      settings.lag_months, "target_push",
                      float(np.array(classes) @ CLASS_SIZE) * settings.conversion_yuan_per_place)

    def monthly() -> Process:
        first = month_number(settings.start) - ctx.start
        if settings.held_back_until is not None:
            first = month_number(settings.held_back_until) + 1 - ctx.start
        if first > ctx.month:
            yield StartOfMonth(ctx.env, first - ctx.month)
        while True:
            push()
            yield StartOfMonth(ctx.env, 1)

    if targets:
        start(ctx, lambda: iter([monthly()]))
