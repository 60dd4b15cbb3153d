"""二(三) Government purchase of services (政府购买服务): community points in the streets of greatest unmet need,
set up and run by contracted operators, who are paid per place and month."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.model.demand import unmet_need
from sim.model.levers.base import at, spread, start
from sim.model.lifecycle import new_provider
from sim.model.providers import BUILDING
from sim.scenario.policy_schema import PurchasedServices

if TYPE_CHECKING:
    from sim.model.state import Context, State


def install(ctx: Context, state: State, settings: PurchasedServices) -> None:
    def open_point() -> None:
        street = int(np.argmax(unmet_need(ctx, state)))
        new_provider(ctx, state, street, "community_centre", True, settings.fee_yuan_per_month,
                     settings.classes.as_list(), "purchased_services",
                     [(BUILDING, ctx.lead_time("build", settings.setup_months, *ctx.event("purchased")))],
                     payment_per_place=settings.payment_yuan_per_place_per_month, payment_item="purchased_services")

    def processes():
        for month in spread(ctx, settings.points_per_year):
            yield at(ctx, month, open_point)

    start(ctx, processes)
