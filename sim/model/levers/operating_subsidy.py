"""三(三) Operating subsidy per enrolled child and month in inclusive (普惠) places (e.g. Sichuan 200, Shanxi 500
yuan, 2025): revenue for the providers and for prospective inclusive entrants; a share may be passed on to
families' fees."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.model.levers.base import dated_rate
from sim.model.state import Eligible, ProviderPayment
from sim.scenario.policy_schema import OperatingSubsidy

if TYPE_CHECKING:
    from sim.model.providers import Providers
    from sim.model.state import Context, State


def eligible(settings: OperatingSubsidy) -> dict[str, Eligible]:
    return {"operating_subsidy": Eligible(inclusive_only=True)}


def install(ctx: Context, state: State, settings: OperatingSubsidy) -> None:
    rate = dated_rate(ctx, settings, "yuan_per_child_per_month")
    passed_on = dated_rate(ctx, settings, "fee_pass_through_share")
    ctx.hooks.payments.append(ProviderPayment("operating_subsidy", "child_month",
                                              eligible(settings)["operating_subsidy"], rate))

    def fee_reduction(providers: Providers):
        return providers.inclusive[: providers.n] * rate() * passed_on()

    ctx.hooks.fee_reductions.append(fee_reduction)
