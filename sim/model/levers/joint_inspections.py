"""三(二)二 Joint safety inspections (联合市场监管、消防专项检查): in each inspection month from the start every open
private provider is inspected; an unsafe one closes with ``close_share_if_unsafe``, the others found unsafe
rectify with capacity frozen; places that pass raise families' trust (``demand.trust``), as an evaluation's do.
Each provider inspected is paid for."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.model.levers.base import at, check, start
from sim.model.providers import OPEN, PRIVATE_TYPES
from sim.scenario.months import month_number
from sim.scenario.policy_schema import JointInspections

if TYPE_CHECKING:
    from sim.model.state import Context, State


def install(ctx: Context, state: State, settings: JointInspections) -> None:
    def inspect() -> None:
        if not ctx.in_force(settings.start, settings.end):
            return
        providers = state.providers
        private = (providers.status[: providers.n] == OPEN) & providers.is_type(*PRIVATE_TYPES)
        check(ctx, state, private, settings.unsafe_share, settings.close_share_if_unsafe, "joint inspection",
              "joint_inspections", settings.yuan_per_provider)

    def processes():
        for year in range(ctx.start // 12, month_number(ctx.spec.horizon.end) // 12 + 1):
            for month_of_year in sorted(set(settings.months_of_year)):
                yield at(ctx, year * 12 + month_of_year - 1 - ctx.start, inspect)

    start(ctx, processes)
