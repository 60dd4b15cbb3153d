"""三(四) Family care points (家庭托育点): home-based providers of ``children_per_point`` children (at most 5,
国卫人口发〔2023〕28号) at market fees, in the streets of greatest unmet need, registered after a short set-up,
with a one-off subsidy each. A point is a part of a mixed class (children / 18 of one): its places take the
mixed class's ages and ratio."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.model.bands import BANDS, CLASS_SIZE
from sim.model.demand import unmet_need
from sim.model.levers.base import at, spread, start
from sim.model.lifecycle import new_provider
from sim.model.providers import REGISTERING
from sim.scenario.policy_schema import FamilyPoints

if TYPE_CHECKING:
    from sim.model.state import Context, State

MIXED = BANDS.index("mixed")


def install(ctx: Context, state: State, settings: FamilyPoints) -> None:
    classes = [0.0] * len(BANDS)
    classes[MIXED] = settings.children_per_point / CLASS_SIZE[MIXED]

    def open_point() -> None:
        street = int(np.argmax(unmet_need(ctx, state)))
        key = ctx.event("family_points")
        i = new_provider(ctx, state, street, "family_point", False, settings.fee_yuan_per_month, classes,
                         "family_points", [(REGISTERING, ctx.lead_time("registration", settings.setup_months, *key))])
        ctx.spending.request(ctx.month, "family_points", street, settings.subsidy_yuan_per_point, i)

    def processes():
        for month in spread(ctx, settings.points_per_year):
            yield at(ctx, month, open_point)

    start(ctx, processes)
