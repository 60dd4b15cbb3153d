"""National childcare subsidy (育儿补贴): a yearly amount per child under 3, paid monthly to families (a transfer,
reported apart from spending on services); families may count a share of it against the fee."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.model.levers.base import dated_rate
from sim.scenario.policy_schema import HouseholdSubsidy

if TYPE_CHECKING:
    from sim.model.providers import Providers
    from sim.model.state import Context, State


def install(ctx: Context, state: State, settings: HouseholdSubsidy) -> None:
    per_year = dated_rate(ctx, settings, "yuan_per_child_per_year")
    counted = dated_rate(ctx, settings, "fee_effect_share")

    def fee_reduction(providers: Providers) -> float:
        return per_year() / 12 * counted()

    def pay(state: State) -> None:
        yearly = per_year()
        if yearly:
            ctx.spending.request_many(ctx.month, "household_subsidy", np.arange(ctx.city.n_streets),
                                      state.population.children.sum(axis=1) * yearly / 12)

    ctx.hooks.fee_reductions.append(fee_reduction)
    ctx.hooks.transfers.append(pay)
