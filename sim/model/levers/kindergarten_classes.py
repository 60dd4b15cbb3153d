"""二(三) Kindergartens open 托班 (24–36 months) in idle classrooms as births fall: each class goes to the street
where most children aged 24–35 months wait, as a new class of the kindergarten already offering 托班 there or
as a new kindergarten provider, after a conversion paid once."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.model.bands import BANDS
from sim.model.clock import after
from sim.model.levers.base import at, spread, start
from sim.model.lifecycle import add_class, new_provider
from sim.model.providers import BUILDING
from sim.scenario.policy_schema import KindergartenClasses

if TYPE_CHECKING:
    from sim.model.state import Context, State


def install(ctx: Context, state: State, settings: KindergartenClasses) -> None:
    older = BANDS.index("older")

    def convert() -> None:
        street = int(np.argmax(state.waiting[:, 24:].sum(axis=1)))
        providers = state.providers
        existing = np.flatnonzero(providers.is_type("kindergarten_class") & providers.licensed()
                                  & (providers.street[: providers.n] == street))
        months = ctx.lead_time("build", settings.conversion_months, *ctx.event("kindergarten_classes"))
        if len(existing):
            i = int(existing[0])
            ctx.env.process(after(ctx.env, months, lambda: add_class(ctx, state, i, older, "kindergarten_classes")))
        else:
            i = new_provider(ctx, state, street, "kindergarten_class", True, settings.fee_yuan_per_month, [0, 0, 1, 0],
                             "kindergarten_classes", [(BUILDING, months)])
        ctx.spending.request(ctx.month, "kindergarten_conversion", street, settings.conversion_yuan_per_class, i)

    def processes():
        for month in spread(ctx, settings.classes_per_year):
            yield at(ctx, month, convert)

    start(ctx, processes)
