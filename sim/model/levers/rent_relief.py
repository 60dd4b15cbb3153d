"""三(三)二 Preferential policies (落实优惠政策: rent and utility relief): lower the monthly rent of licensed
providers other than public institutions, per place, and that of prospective private entrants."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.model.levers.base import dated_rate
from sim.model.providers import TYPES
from sim.model.state import Eligible, ProviderPayment
from sim.scenario.policy_schema import RentRelief

if TYPE_CHECKING:
    from sim.model.state import Context, State


def eligible(settings: RentRelief) -> dict[str, Eligible]:
    return {"rent_relief": Eligible(types=tuple(t for t in TYPES if t != "public"))}


def install(ctx: Context, state: State, settings: RentRelief) -> None:
    ctx.hooks.payments.append(ProviderPayment("rent_relief", "place_month", eligible(settings)["rent_relief"],
                                              dated_rate(ctx, settings, "yuan_per_place_per_month")))
