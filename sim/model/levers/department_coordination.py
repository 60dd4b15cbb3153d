"""三(三)三 Department coordination (部门协同): while in force, health, housing, fire, market regulation and civil
affairs approve together, so registration (备案) takes ``registration_time_share`` of its time and building or
fitting out, whose approvals it includes, ``build_time_share``. Lead times drawn while it is in force are
shortened; those drawn before keep their length."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.scenario.policy_schema import DepartmentCoordination

if TYPE_CHECKING:
    from sim.model.state import Context, State


def install(ctx: Context, state: State, settings: DepartmentCoordination) -> None:
    shares = {"registration": float(settings.registration_time_share), "build": float(settings.build_time_share)}

    def lead_time(kind: str) -> float:
        return shares.get(kind, 1.0) if ctx.in_force(settings.start, settings.end) else 1.0

    ctx.hooks.lead_times.append(lead_time)
