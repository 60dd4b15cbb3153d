"""三(一)一 One-time construction subsidy per new inclusive place (每个普惠托位一次性建设补贴): paid when an eligible
provider's places open, and counted by prospective private entrants against their fit-out cost, so it raises
private inclusive entry. With ``cap: fit_out_cost`` a place is paid at most the fit-out cost of a new centre's
place: beyond it the subsidy lowers no entrant's cost, so it would buy no place. Existing centres that register
are not paid unless ``existing_centres_registering`` (their places are licensed, not built)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.model.levers.base import dated_rate
from sim.model.state import Eligible, ProviderPayment
from sim.scenario.policy_schema import ConstructionSubsidy

if TYPE_CHECKING:
    from sim.model.state import Context, State


def eligible(settings: ConstructionSubsidy) -> dict[str, Eligible]:
    return {"construction_subsidy": Eligible(tuple(settings.eligible_types), inclusive_only=True,
                                             built_only=not settings.existing_centres_registering)}


def install(ctx: Context, state: State, settings: ConstructionSubsidy) -> None:
    rate = dated_rate(ctx, settings, "yuan_per_place")
    fit_out = float(ctx.spec.providers.entry.fit_out_cost_yuan_per_place)

    def per_place() -> float:
        return min(rate(), fit_out) if settings.cap == "fit_out_cost" else rate()

    ctx.hooks.payments.append(ProviderPayment("construction_subsidy", "place_at_opening",
                                              eligible(settings)["construction_subsidy"], per_place))
