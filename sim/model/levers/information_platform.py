"""三(二)三 The information platform (托育信息管理平台): while in force, registration filed online takes
``registration_time_share`` of its time, families see the free places in the other streets of their district
(``other_street_gain_share`` of those who would not look beyond their street now do), and real-time supervision
shortens rectification to ``rectification_time_share``. Building it is paid in its first month, running it
monthly."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.model.clock import StartOfMonth
from sim.model.levers.base import start
from sim.scenario.months import month_number
from sim.scenario.policy_schema import InformationPlatform

if TYPE_CHECKING:
    from sim.model.state import Context, State


def install(ctx: Context, state: State, settings: InformationPlatform) -> None:
    shares = {"registration": float(settings.registration_time_share),
              "rectification": float(settings.rectification_time_share)}

    def lead_time(kind: str) -> float:
        return shares.get(kind, 1.0) if ctx.in_force(settings.start, settings.end) else 1.0

    def other_street_gain() -> float:
        return float(settings.other_street_gain_share) if ctx.in_force(settings.start, settings.end) else 0.0

    ctx.hooks.lead_times.append(lead_time)
    ctx.hooks.other_street_gains.append(other_street_gain)

    def run():
        first = month_number(settings.start) - ctx.start
        if first > ctx.month:
            yield StartOfMonth(ctx.env, first - ctx.month)
        if first >= ctx.month:  # built within the horizon: paid once when it starts
            ctx.spending.request(ctx.month, "information_platform", 0, settings.setup_yuan)
        while ctx.in_force(settings.start, settings.end):
            ctx.spending.request(ctx.month, "information_platform", 0, settings.yuan_per_year / 12)
            yield StartOfMonth(ctx.env, 1)

    start(ctx, lambda: iter([run()]))
