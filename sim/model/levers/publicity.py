"""二(二), 三(四) Publicity, open days and parenting guidance (宣传): families who know the inclusive places near them,
their fees and subsidies state need more often than those who do not. The informed share I starts at
``informed_share_at_start`` (I₀); a campaign informs ``reach_share`` of the families not yet informed, so each
reaches fewer new ones as I nears 1 (saturation); what campaigns added fades back toward I₀ with the half-life
(families move, forget, new parents arrive uninformed). Stated need is multiplied by
(I + (1 − I) u) / (I₀ + (1 − I₀) u), u the uninformed families' need relative to the informed: at most
1 / (I₀ + (1 − I₀) u), however many campaigns. Each campaign's cost is paid in its month."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.model.levers.base import at, start
from sim.scenario.months import month_number
from sim.scenario.policy_schema import Publicity

if TYPE_CHECKING:
    from sim.model.state import Context, State


def need_factor(informed: float, informed_at_start: float, uninformed_need: float) -> float:
    """Stated need relative to the start when ``informed`` of families are informed."""
    return (informed + (1 - informed) * uninformed_need) / max(
        informed_at_start + (1 - informed_at_start) * uninformed_need, 1e-9)


def install(ctx: Context, state: State, settings: Publicity) -> None:
    start_share = float(settings.informed_share_at_start)
    informed = {"share": start_share, "month": ctx.month}
    fade = 0.5 ** (1 / float(settings.half_life_months))

    def factor() -> float:
        # What campaigns added fades month by month until now.
        informed["share"] = start_share + (informed["share"] - start_share) * fade ** (ctx.month - informed["month"])
        informed["month"] = ctx.month
        return need_factor(informed["share"], start_share, float(settings.uninformed_need_ratio))

    ctx.hooks.need_factors.append(factor)

    def campaign(reach: float, cost: float) -> None:
        factor()  # bring the informed share to this month before the campaign adds to it
        informed["share"] += (1 - informed["share"]) * reach
        if cost > 0:
            ctx.spending.request(ctx.month, "publicity", 0, cost)

    def processes():
        for c in settings.campaigns:
            yield at(ctx, month_number(c.month) - ctx.start,
                     lambda reach=float(c.reach_share), cost=float(c.cost_yuan): campaign(reach, cost))

    start(ctx, processes)
