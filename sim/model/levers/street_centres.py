"""三(一)二 A community inclusive centre (社区普惠托育中心) in every urban street (街道; towns excluded) by the
deadline: at the start, the streets without one are scheduled in order of unmet need, as many per year as the
capacity allows; each is renovated (capital in monthly instalments), registered and run by a contracted
operator paid per place and month."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.model.demand import unmet_need
from sim.model.levers.base import at, build, places_of, start
from sim.scenario.months import month_number
from sim.scenario.policy_schema import StreetCentres

if TYPE_CHECKING:
    from sim.model.state import Context, State


def install(ctx: Context, state: State, settings: StreetCentres) -> None:
    first = max(month_number(settings.start) - ctx.start, 0)

    def schedule() -> None:
        lacking = [s for s in np.argsort(-unmet_need(ctx, state), kind="stable")
                   if ctx.city.street_kinds[s] == "street" and not state.providers.has_centre(int(s))]
        for k, street in enumerate(lacking):
            month = first + int(k * 12 // max(settings.centres_per_year, 1e-9))
            if month < ctx.months:
                ctx.env.process(at(ctx, month, lambda s=int(street): start_centre(s)))

    def start_centre(street: int) -> None:
        if state.providers.has_centre(street):
            return
        places = places_of(settings.classes)
        build(ctx, state, street, "community_centre", settings.fee_yuan_per_month, settings.classes.as_list(),
              "street_centres", settings.build_months, "street_centre_capital",
              places * settings.capital_yuan_per_place,
              payment_per_place=settings.operating_yuan_per_place_per_month, payment_item="street_centre_operating")

    def processes():
        yield at(ctx, first, schedule)

    start(ctx, processes)
