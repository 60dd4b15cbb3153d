"""二(二) Experience vouchers (体验券): each month's vouchers that lead to a trial give a month of care to families who
want care but have not asked (most of them priced out), spread in proportion to those who have not tried yet.
Care is an experience good: having tried it, a family values it ``experience_wtp_uplift_share`` more, and stays
(joins the waitlist) if its raised willingness to pay reaches its district's net fee. Of the families priced out
at fee p, that share is (P(WTP ≥ p / (1 + g)) − P(WTP ≥ p)) / (1 − P(WTP ≥ p)): it falls as fees rise above
what families would pay, and as the vouchers go deeper into those who would pay least. A family tries once,
so the vouchers reach fewer new families as those who tried accumulate. The vouchers used are paid to the
providers redeeming them."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.model.demand import willing_share
from sim.scenario.policy_schema import Vouchers

if TYPE_CHECKING:
    from sim.model.state import Context, State


def staying_share(price: np.ndarray, median: float, sigma: float, uplift: float) -> np.ndarray:
    """Share of the families priced out at ``price`` whose willingness to pay, raised by ``uplift``, reaches it."""
    willing = willing_share(price, median, sigma)
    after = willing_share(np.asarray(price, float) / (1 + uplift), median, sigma)
    return np.divide(after - willing, 1 - willing, out=np.zeros_like(willing), where=willing < 1)


def install(ctx: Context, state: State, settings: Vouchers) -> None:
    tried = np.zeros_like(state.waiting)  # families who used a voucher, by street and month of age
    aged = [ctx.month]

    def give(state: State) -> None:
        months = ctx.month - aged[0]
        if months:  # the families who tried age with their children
            tried[:, months:] = tried[:, :-months].copy() if months < tried.shape[1] else 0
            tried[:, :months] = 0
            aged[0] = ctx.month
        np.minimum(tried, state.population.children, out=tried)
        if not ctx.in_force(settings.start, settings.end):
            return
        undecided = np.maximum(state.month["stated"] - state.engaged - tried, 0)
        total = undecided.sum()
        if total <= 0:
            return
        trials = min(settings.vouchers_per_year / 12 * settings.trial_share, total)
        by_cell = undecided * (trials / total)
        tried[:] += by_cell
        ctx.spending.request_many(ctx.month, "vouchers", np.arange(ctx.city.n_streets),
                                  by_cell.sum(axis=1) * settings.value_yuan)
        demand = ctx.spec.demand
        staying = staying_share(state.month["price"], demand.willingness_to_pay_median_yuan_per_month,
                                demand.willingness_to_pay_sigma, settings.experience_wtp_uplift_share)
        # whole families by random rounding, as families join the waitlist, so that small cells stay unbiased
        cells = np.floor(by_cell * staying[ctx.city.street_district][:, None]
                         + ctx.uniforms("voucher_stays", by_cell.shape))
        state.waiting += cells
        state.engaged += cells
        state.flows["joined"] += cells.sum(axis=1)

    ctx.hooks.after_joining.append(give)
