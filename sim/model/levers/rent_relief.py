"""三(三)二 Preferential policies (落实优惠政策: rent and utility relief): lower the monthly rent of eligible providers
(by default inclusive places of every type but public institutions), per licensed place or, with ``per:
enrolled_child``, per child in care so that empty places are not paid for; prospective private entrants of the
kinds it covers count it too."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.model.levers.base import dated_rate
from sim.model.state import Eligible, ProviderPayment
from sim.scenario.policy_schema import RentRelief

if TYPE_CHECKING:
    from sim.model.state import Context, State


def eligible(settings: RentRelief) -> dict[str, Eligible]:
    return {"rent_relief": Eligible(tuple(settings.eligible_types), inclusive_only=settings.inclusive_only)}


def install(ctx: Context, state: State, settings: RentRelief) -> None:
    # Relief per enrolled child is paid as revenue per child-month: the provider's profit is the same either way.
    basis = "place_month" if settings.per == "licensed_place" else "child_month"
    ctx.hooks.payments.append(ProviderPayment("rent_relief", basis, eligible(settings)["rent_relief"],
                                              dated_rate(ctx, settings, "yuan_per_place_per_month")))
