"""Provider lifecycle changes as SimPy events at their own times.

A transition due in month t fires before that month's regular processes (population, market), so a
provider that opens in month t can take children in month t.
"""

from __future__ import annotations

from collections.abc import Callable, Generator

import simpy
from simpy.core import URGENT


class StartOfMonth(simpy.events.Event):
    """An event ``months`` from now that fires before the month's regular processes."""

    def __init__(self, env: simpy.Environment, months: int):
        super().__init__(env)
        self._ok = True
        self._value = None
        env.schedule(self, URGENT, months)


def develop(env: simpy.Environment, set_status: Callable[[int], None], stages: list[tuple[int, int]],
            on_ready: Callable[[], None]) -> Generator[simpy.Event, None, None]:
    """Take a provider through ``stages`` (status, whole months), then hand it over as ready to open."""
    for status, months in stages:
        set_status(status)
        if months > 0:
            yield StartOfMonth(env, months)
    on_ready()


def after(env: simpy.Environment, months: int, action: Callable[[], None]) -> Generator[simpy.Event, None, None]:
    """Call ``action`` ``months`` from now (at the start of that month)."""
    if months > 0:
        yield StartOfMonth(env, months)
    action()
