"""三(一)一 One-time construction subsidy per new inclusive place (每个普惠托位一次性建设补贴): paid when an eligible
provider's places open, and counted by prospective private entrants against their fit-out cost, so it raises
private inclusive entry."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.model.levers.base import dated_rate
from sim.model.state import Eligible, ProviderPayment
from sim.scenario.policy_schema import ConstructionSubsidy

if TYPE_CHECKING:
    from sim.model.state import Context, State


def eligible(settings: ConstructionSubsidy) -> dict[str, Eligible]:
    return {"construction_subsidy": Eligible(tuple(settings.eligible_types), inclusive_only=True)}


def install(ctx: Context, state: State, settings: ConstructionSubsidy) -> None:
    ctx.hooks.payments.append(ProviderPayment("construction_subsidy", "place_at_opening",
                                              eligible(settings)["construction_subsidy"],
                                              dated_rate(ctx, settings, "yuan_per_place")))
