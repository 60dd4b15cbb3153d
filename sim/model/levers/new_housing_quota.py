"""三(一)二 New residential areas provide ≥10 places per 1,000 residents (新建小区配建): for the complying share of
completions, a community inclusive centre of mixed classes registers and opens some months after the residents
move in. Developers provide the places: no public spending."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.model.levers.base import at, mixed_classes, start
from sim.model.lifecycle import new_provider
from sim.model.providers import REGISTERING
from sim.scenario.months import month_number
from sim.scenario.policy_schema import NewHousingQuota

if TYPE_CHECKING:
    from sim.model.state import Context, State


def install(ctx: Context, state: State, settings: NewHousingQuota) -> None:
    lag_in = ctx.spec.demography.new_housing.move_in_lag_months
    first = month_number(settings.start)

    def processes():
        for index, (street, completed, residents) in enumerate(ctx.city.new_housing):
            month = month_number(completed)
            if month < first:
                continue
            places = residents * settings.places_per_1000_residents / 1000
            complies = ctx.streams.uniform_for("new_housing_quota", index) < settings.compliance_share
            if not complies or places < 1:
                continue
            due = month - ctx.start + lag_in + ctx.whole_months(settings.lag_months, "new_housing_quota", index)

            def deliver(s=street, p=places, i=index) -> None:
                registration = ctx.lead_time("registration", ctx.spec.providers.lifecycle.registration_months,
                                             "new_housing_quota", i, "registration")
                new_provider(ctx, state, s, "community_centre", True, settings.fee_yuan_per_month, mixed_classes(p),
                             "new_housing_quota", [(REGISTERING, registration)])

            yield at(ctx, due, deliver)

    start(ctx, processes)
