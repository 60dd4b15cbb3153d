"""三(一)一 New public institutions (新建公办托育机构): each year's projects start at even intervals, each in the
street of greatest unmet need, plus projects at named streets; construction is paid in monthly instalments
(a project waits when its fund is empty), then 备案, then it opens once staffed."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.model.demand import unmet_need
from sim.model.levers.base import at, build, places_of, spread, start
from sim.scenario.months import month_number
from sim.scenario.policy_schema import PublicBuild

if TYPE_CHECKING:
    from sim.model.state import Context, State


def install(ctx: Context, state: State, settings: PublicBuild) -> None:
    classes = settings.classes.as_list()

    def project(street: int | None, project_classes: list[int]) -> None:
        street = int(np.argmax(unmet_need(ctx, state))) if street is None else street
        build(ctx, state, street, "public", settings.fee_yuan_per_month, project_classes, "public_build",
              settings.build_months, "public_construction",
              places_of(np.array(project_classes)) * settings.cost_yuan_per_place)

    def processes():
        for month in spread(ctx, settings.projects_per_year):
            yield at(ctx, month, lambda: project(None, classes))
        for named in settings.projects:
            street = ctx.city.street_ids.index(named.street)
            own = named.classes.as_list() if named.classes else classes
            yield at(ctx, month_number(named.start) - ctx.start, lambda s=street, c=own: project(s, c))

    start(ctx, processes)
