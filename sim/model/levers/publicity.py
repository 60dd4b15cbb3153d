"""二(二), 三(四) Publicity, open days and parenting guidance: each campaign raises stated need by its uplift from
its month on, decaying with the half-life; its cost is paid in its month."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.model.levers.base import at, start
from sim.scenario.months import month_number
from sim.scenario.policy_schema import Publicity

if TYPE_CHECKING:
    from sim.model.state import Context, State


def install(ctx: Context, state: State, settings: Publicity) -> None:
    campaigns = [(month_number(c.month) - ctx.start, float(c.awareness_uplift_share)) for c in settings.campaigns]

    def awareness() -> float:
        return sum(uplift * 0.5 ** ((ctx.month - first) / settings.half_life_months)
                   for first, uplift in campaigns if ctx.month >= first)

    ctx.hooks.awareness.append(awareness)

    def processes():
        for campaign in settings.campaigns:
            if campaign.cost_yuan > 0:
                def pay(cost=campaign.cost_yuan) -> None:
                    ctx.spending.request(ctx.month, "publicity", 0, cost)

                yield at(ctx, month_number(campaign.month) - ctx.start, pay)

    start(ctx, processes)
