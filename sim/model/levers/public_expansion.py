"""三(一)一 Renovation and expansion of public institutions (改扩建): each year's classes are added, one at a
time, to the licensed public institution whose street has the greatest unmet need, after works paid in
monthly instalments."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.model.bands import BANDS, CLASS_SIZE
from sim.model.demand import unmet_need
from sim.model.levers.base import Process, at, construct, spread, start
from sim.model.lifecycle import add_class
from sim.scenario.policy_schema import PublicExpansion

if TYPE_CHECKING:
    from sim.model.state import Context, State


def install(ctx: Context, state: State, settings: PublicExpansion) -> None:
    band = BANDS.index(settings.band)

    def expand() -> None:
        providers = state.providers
        public = np.flatnonzero(providers.is_type("public") & providers.licensed())
        if len(public) == 0:
            return
        need = unmet_need(ctx, state)[providers.street[public]]
        i = int(public[np.argmax(need)])
        months = ctx.lead_time("build", settings.build_months, *ctx.event("public_expansion"))
        cost = CLASS_SIZE[band] * settings.cost_yuan_per_place

        def works() -> Process:
            yield from construct(ctx, "public_expansion", int(providers.street[i]), cost, months, i)
            add_class(ctx, state, i, band, "public_expansion")

        ctx.env.process(works())

    def processes():
        for month in spread(ctx, settings.classes_per_year):
            yield at(ctx, month, expand)

    start(ctx, processes)
