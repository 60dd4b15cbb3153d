"""三(二)一 100% certified carers (持证上岗) by the effective date: from then on only certified carers count toward
the ratios (a schedule may phase the required share in), so places without certified carers become unusable
and providers hire certified carers only. Carers see it coming: over ``anticipation_months`` before the first
required share, more uncertified carers certify on their own each month, rising in step to
``anticipation_certification_per_month_share`` at the date and kept after it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.scenario.workforce_schema import CertificationMandate

if TYPE_CHECKING:
    from sim.model.state import Context, State


def install(ctx: Context, state: State, settings: CertificationMandate) -> None:
    ctx.hooks.required_certified_share.append(settings.required_share)
    ctx.hooks.self_certification.append(settings.anticipation)
