"""二(二) Experience vouchers (体验券): each month's vouchers give trial months to families who want care but have
not asked (priced out or far from places), spread in proportion to them; the retained share join the
waitlist. The vouchers used are paid to the providers redeeming them."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.model.numerics import apportion
from sim.scenario.policy_schema import Vouchers

if TYPE_CHECKING:
    from sim.model.state import Context, State


def install(ctx: Context, state: State, settings: Vouchers) -> None:
    carried = [0.0]  # retained families not yet whole, carried to the next month

    def give(state: State) -> None:
        if not ctx.in_force(settings.start, settings.end):
            return
        undecided = np.floor(np.maximum(state.month["stated"] - state.engaged, 0))
        total = undecided.sum()
        if total <= 0:
            return
        trials = settings.vouchers_per_year / 12 * settings.trial_share
        ctx.spending.request_many(ctx.month, "vouchers", np.arange(ctx.city.n_streets),
                                  undecided.sum(axis=1) / total * trials * settings.value_yuan)
        carried[0] += trials * settings.retention_share
        joining = min(np.floor(carried[0]), total)
        carried[0] -= joining
        cells = apportion(np.array([joining]), undecided.ravel(), np.zeros(undecided.size, np.intp))
        cells = cells.reshape(undecided.shape)
        state.waiting += cells
        state.engaged += cells
        state.flows["joined"] += cells.sum(axis=1)

    ctx.hooks.after_joining.append(give)
