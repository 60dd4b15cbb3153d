"""三(二)二 Yearly quality evaluation (质量评估; NHC standard in force 2024-04-01): in the evaluation month every
open provider may fail; a failing private provider may be closed, any other failing one rectifies with its
capacity frozen (admitting no one) for the rectification time."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.model.clock import after
from sim.model.levers.base import at, start
from sim.model.lifecycle import close
from sim.model.providers import OPEN, PRIVATE_TYPES, RECTIFYING
from sim.scenario.months import month_number
from sim.scenario.policy_schema import QualityEvaluation

if TYPE_CHECKING:
    from sim.model.state import Context, State


def install(ctx: Context, state: State, settings: QualityEvaluation) -> None:
    def evaluate() -> None:
        providers = state.providers
        n = providers.n
        u_fail, u_close = ctx.uniforms("evaluation", n), ctx.uniforms("evaluation, closure", n)
        evaluated = providers.status[:n] == OPEN
        failed = evaluated & (u_fail < settings.fail_share)
        closing = failed & providers.is_type(*PRIVATE_TYPES) & (u_close < settings.close_share_if_failed)
        close(ctx, state, np.flatnonzero(closing))
        for i in np.flatnonzero(failed & ~closing):
            providers.status[i] = RECTIFYING
            months = max(ctx.whole_months(ctx.spec.providers.lifecycle.rectification_months,
                                          "rectification", ctx.month, int(i)), 1)
            ctx.env.process(after(ctx.env, months, lambda i=int(i): reopen(i)))

    def reopen(i: int) -> None:
        if state.providers.status[i] == RECTIFYING:
            state.providers.status[i] = OPEN

    def processes():
        first = month_number(ctx.spec.horizon.start) // 12
        last = month_number(ctx.spec.horizon.end) // 12
        for year in range(first, last + 1):
            yield at(ctx, year * 12 + settings.month_of_year - 1 - ctx.start, evaluate)

    start(ctx, processes)
