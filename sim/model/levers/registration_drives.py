"""二(一) Registration drives (备案专项行动): each year's count of existing unregistered centres is reached at even
intervals through the year, each in the street of greatest unmet need; it registers (备案) after its registration
time as a private provider, inclusive with ``inclusive_share`` (drawn per centre), and opens once staffed. Its
places are licensed, not built; the support that brings it up to standard is paid when the drive reaches it."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.model.demand import unmet_need
from sim.model.levers.base import at, register_existing, spread, start
from sim.scenario.policy_schema import RegistrationDrives

if TYPE_CHECKING:
    from sim.model.state import Context, State


def install(ctx: Context, state: State, settings: RegistrationDrives) -> None:
    classes = settings.classes.as_list()

    def reach() -> None:
        street = int(np.argmax(unmet_need(ctx, state)))
        key = ctx.event("registration_drives")
        inclusive = ctx.streams.uniform_for("registration drive, inclusive", *key) < settings.inclusive_share
        fee = settings.inclusive_fee_yuan_per_month if inclusive else settings.market_fee_yuan_per_month
        i = register_existing(ctx, state, street, inclusive, fee, classes, "registration_drives",
                              settings.registration_months, key)
        ctx.spending.request(ctx.month, "registration_drives", street, settings.support_yuan_per_centre, i)

    def processes():
        for month in spread(ctx, settings.centres_per_year):
            yield at(ctx, month, reach)

    start(ctx, processes)
