"""三(二)一 Training cohorts (年度培训**人次): each year's places start in equal cohorts in the given months, split
between uncertified carers (upskilling, in proportion to each district's uncertified carers not already in
training) and new entrants (in proportion to residents); after the course those who pass are certified:
upskilled carers where they work, new entrants as job-seekers. The courses are paid per trainee."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.model import workforce
from sim.model.clock import after
from sim.model.levers.base import at, start
from sim.model.numerics import apportion, binomial, district_sums
from sim.scenario.months import month_number
from sim.scenario.workforce_schema import Training

if TYPE_CHECKING:
    from sim.model.state import Context, State


def install(ctx: Context, state: State, settings: Training) -> None:
    city = ctx.city
    pools = state.staff

    def begin(size: float) -> None:
        providers = state.providers
        uncertified = np.bincount(providers.district, providers.uncertified[: providers.n], minlength=city.n_districts)
        free_to_train = np.maximum(uncertified - pools.trainees_upskill, 0)
        upskill = apportion(np.array([min(np.floor(size * settings.upskilling_share), free_to_train.sum())]),
                            free_to_train, np.zeros(city.n_districts, np.intp))
        residents = district_sums(city, city.population)
        new = apportion(np.array([np.floor(size) - upskill.sum()]), residents, np.zeros(city.n_districts, np.intp))
        pools.trainees_upskill += upskill
        pools.trainees_new += new
        state.flows["staff_training_started"] += workforce.pro_rata(ctx, upskill + new)
        state.flows["staff_training_entrants"] += workforce.pro_rata(ctx, new)
        ctx.spending.request_many(ctx.month, "training", np.arange(city.n_streets),
                                  workforce.pro_rata(ctx, upskill + new) * settings.cost_yuan_per_trainee)
        key = ctx.event("training")
        months = max(ctx.whole_months(settings.duration_months, *key), 1)
        ctx.env.process(after(ctx.env, months, lambda: finish(upskill, new, key)))

    def finish(upskill: np.ndarray, new: np.ndarray, key: tuple[str, int, int]) -> None:
        u_up, u_new = ctx.streams.uniforms(("training exam", *key), (2, city.n_districts))
        passed_upskill = binomial(u_up, upskill, settings.pass_share)
        passed_new = binomial(u_new, new, settings.pass_share)
        pools.trainees_upskill -= upskill
        pools.trainees_new -= new
        workforce.certify_uncertified(ctx, state, passed_upskill)
        pools.job_seekers += passed_new
        state.flows["staff_certified_new"] += workforce.pro_rata(ctx, passed_new)
        state.flows["staff_training_failed"] += workforce.pro_rata(ctx, new - passed_new)

    def processes():
        for year, places in settings.trainees_per_year.items():
            for month_of_year in settings.start_months_of_year:
                month = month_number(f"{year}-{month_of_year:02d}") - ctx.start
                if 0 <= month < ctx.months and places > 0:
                    yield at(ctx, month, lambda p=places: begin(p / len(settings.start_months_of_year)))

    start(ctx, processes)
