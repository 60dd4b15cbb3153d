"""三(四) Family care points (家庭托育点): small home-based providers at market fees in the streets of greatest
unmet need, registered after a short set-up, with a one-off subsidy each."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.model.demand import unmet_need
from sim.model.levers.base import at, spread, start
from sim.model.lifecycle import new_provider
from sim.model.providers import REGISTERING
from sim.scenario.policy_schema import FamilyPoints

if TYPE_CHECKING:
    from sim.model.state import Context, State


def install(ctx: Context, state: State, settings: FamilyPoints) -> None:
    def open_point() -> None:
        street = int(np.argmax(unmet_need(ctx, state)))
        i = new_provider(ctx, state, street, "family_point", False, settings.fee_yuan_per_month,
                         settings.classes.as_list(), "family_points",
                         [(REGISTERING, ctx.whole_months(settings.setup_months, *ctx.event("family_points")))])
        ctx.spending.request(ctx.month, "family_points", street, settings.subsidy_yuan_per_point, i)

    def processes():
        for month in spread(ctx, settings.points_per_year):
            yield at(ctx, month, open_point)

    start(ctx, processes)
