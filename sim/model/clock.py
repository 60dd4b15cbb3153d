"""The model's time: one unit is a month, t = 0 the scenario's first month. Events due at the start of a month
(a provider opening, a project's next instalment, money arriving) fire before the month's steps
(``engine.MONTH``), so whatever they change is seen by that month's steps."""

from __future__ import annotations

from collections.abc import Callable, Generator

import simpy
from simpy.core import URGENT


class StartOfMonth(simpy.events.Event):
    """An event ``months`` from now that fires before the month's regular steps."""

    def __init__(self, env: simpy.Environment, months: int):
        super().__init__(env)
        self._ok = True
        self._value = None
        env.schedule(self, URGENT, months)


def after(env: simpy.Environment, months: int, action: Callable[[], None]) -> Generator[simpy.Event, None, None]:
    """Call ``action`` ``months`` from now (at the start of that month)."""
    if months > 0:
        yield StartOfMonth(env, months)
    action()
