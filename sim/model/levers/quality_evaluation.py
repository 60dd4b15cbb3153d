"""三(二)二 Yearly quality evaluation (质量评估; NHC standard in force 2024-04-01): in the evaluation month every
open provider may fail; a failing private provider may be closed, any other failing one rectifies with its
capacity frozen (admitting no one) for the rectification time. Places that pass raise families' trust
(``demand.trust``). The evaluation ran the year before the start too, if it was in force: the providers licensed
at the start passed it, or failed it, as they would now."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.model.levers.base import at, check, start
from sim.model.providers import OPEN
from sim.scenario.months import month_number
from sim.scenario.policy_schema import QualityEvaluation

if TYPE_CHECKING:
    from sim.model.state import Context, State


def install(ctx: Context, state: State, settings: QualityEvaluation) -> None:
    first = month_number(settings.start)
    months = [year * 12 + settings.month_of_year - 1 for year in range(first // 12, month_number(
        ctx.spec.horizon.end) // 12 + 1)]
    months = [m for m in months if m >= first]
    before = [m for m in months if m < ctx.start]
    if before:  # last year's evaluation, before the start: who passed it
        providers = state.providers
        passed = providers.licensed() & (ctx.streams.uniforms(("evaluation before the start",), providers.n)
                                         >= settings.fail_share)
        providers.checked[: providers.n][passed] = before[-1] - ctx.start

    def evaluate() -> None:
        providers = state.providers
        check(ctx, state, providers.status[: providers.n] == OPEN, settings.fail_share, settings.close_share_if_failed,
              "evaluation", "quality_evaluation", settings.yuan_per_provider)

    def processes():
        for month in months:
            if month >= ctx.start:
                yield at(ctx, month - ctx.start, evaluate)

    start(ctx, processes)
