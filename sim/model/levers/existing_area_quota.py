"""三(一)二 Existing areas reach ≥5 places per 1,000 residents (老旧小区补建) by purchase, swap or lease: each year
the streets furthest below the quota (places open or coming) get community centres first, up to the year's
delivery capacity. Purchase and swap are paid once during the works; leased places are paid to the operator
each month."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.model.levers.base import at, build, mixed_classes, places_of, start
from sim.scenario.months import month_number
from sim.scenario.policy_schema import ExistingAreaQuota

if TYPE_CHECKING:
    from sim.model.state import Context, State


def install(ctx: Context, state: State, settings: ExistingAreaQuota) -> None:
    lease_share = max(0.0, 1 - settings.purchase_share - settings.swap_share)

    def deliver(capacity: float) -> None:
        places = state.providers.places_by_street(ctx.city.n_streets, include_pipeline=True)
        gap = state.population.residents * settings.places_per_1000_residents / 1000 - places
        for street in np.argsort(-gap):
            if capacity < 1 or gap[street] < 1:
                break
            classes = mixed_classes(min(gap[street], capacity))
            added = places_of(np.array(classes))
            capacity -= added
            one_off = added * (settings.purchase_share * settings.purchase_yuan_per_place
                               + settings.swap_share * settings.swap_yuan_per_place)
            build(ctx, state, int(street), "community_centre", settings.fee_yuan_per_month, classes,
                  "existing_area_quota", settings.build_months, "community_retrofit", one_off,
                  payment_per_place=lease_share * settings.lease_yuan_per_place_per_month,
                  payment_item="community_retrofit")

    def processes():
        for year, capacity in settings.places_per_year.items():
            month = max(month_number(f"{year}-01") - ctx.start, 0)
            if month < ctx.months and capacity > 0:
                yield at(ctx, month, lambda c=capacity: deliver(float(c)))

    start(ctx, processes)
