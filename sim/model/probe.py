"""A probe (边际试探): a little more of one resource in every district from a month on, for the marginal analysis
of what limits enrolment (``sim.binding``). A probed replication has the streams of its unprobed twin, so the
difference in enrolment is the effect of the probe alone (common random numbers).

- ``places``: every licensed provider's classes grow by the share (more licensed places of every age band;
  usable only where carers cover them);
- ``staff``: certified carers join each district's job-seekers, the share of its certified carers employed (at
  least one); providers hire them if they have the children for them;
- ``money``: the budget's limit is lifted: every payment is made when asked, those waiting at once (the money
  paid beyond the funds is a deficit; what the probe added is known at the horizon, ``money_added``);
- ``price``: every provider's net fee falls by the share (families weigh a lower fee; nobody pays for it).

The probe acts at the start of its month, before the month's steps; it draws no random numbers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from sim.model.bands import CLASS_SIZE
from sim.model.levers.base import at, start
from sim.model.numerics import district_sums

if TYPE_CHECKING:
    from sim.model.state import Context, State

RESOURCES = ("places", "staff", "money", "price")
SHARE = 0.1  # a little: 10% more of the resource


@dataclass(frozen=True)
class Probe:
    """``share`` more of ``resource`` from horizon month ``month`` on."""

    resource: str
    month: int
    share: float = SHARE


def install(ctx: Context, state: State, probe: Probe) -> np.ndarray:
    """Schedule the probe; returns the array (one value per district) it fills with what it added when it acts:
    places, carers or yuan a month off the mean net fee (money: see ``money_added``)."""
    added = np.zeros(ctx.city.n_districts)
    district = ctx.city.street_district

    def places() -> None:
        providers = state.providers
        licensed = providers.licensed()
        before = providers.classes[: providers.n][licensed] @ CLASS_SIZE
        providers.classes[: providers.n][licensed] *= 1 + probe.share
        added[:] = np.bincount(district[providers.street[: providers.n][licensed]], before * probe.share,
                               minlength=len(added))

    def staff() -> None:
        providers = state.providers
        n = providers.n
        certified = np.bincount(district[providers.street[:n]], providers.certified[:n], minlength=len(added))
        extra = np.maximum(np.round(certified * probe.share), 1.0 if probe.share > 0 else 0.0)
        state.staff.job_seekers += extra
        added[:] = extra

    def money() -> None:
        if ctx.spending.funds is not None:
            ctx.spending.funds.lift_limit()

    def price() -> None:
        ctx.hooks.fee_reductions.append(lambda providers: providers.fee[: providers.n] * probe.share)
        providers = state.providers
        places_by_provider = providers.capacity().sum(axis=1)
        fee = providers.fee[: providers.n]
        total = np.bincount(district[providers.street[: providers.n]], places_by_provider, minlength=len(added))
        paid = np.bincount(district[providers.street[: providers.n]], places_by_provider * fee, minlength=len(added))
        added[:] = np.divide(paid, total, out=np.zeros(len(added)), where=total > 0) * probe.share

    action = {"places": places, "staff": staff, "money": money, "price": price}[probe.resource]
    start(ctx, lambda: iter([at(ctx, probe.month, action)]))
    return added


def money_added(ctx: Context, probe: Probe, added: np.ndarray) -> None:
    """At the horizon: the money a lifted limit paid beyond the funds since the probe, shown in the districts in
    proportion to residents (money is the city's)."""
    funds = ctx.spending.funds
    if probe.resource == "money" and funds is not None:
        added[:] = funds.deficit[probe.month:].sum() * district_sums(ctx.city, ctx.city_share)
