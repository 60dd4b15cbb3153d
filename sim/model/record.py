"""Monthly values per street, written by the mechanisms as they run."""

from __future__ import annotations

import numpy as np


class MonthlyRecord:
    """``values[indicator]`` is a months × streets array; each mechanism adds its own indicators.

    A month's values are kept as given (the arrays must not change afterwards) and stacked into the arrays
    once, when ``values`` is first read: a hundred small copies a month would cost more than the stacking.
    """

    def __init__(self, indicators: list[str], months: int, streets: int):
        self._indicators, self._streets = indicators, streets
        self._months: list[dict[str, np.ndarray]] = [{} for _ in range(months)]
        self._values: dict[str, np.ndarray] | None = None

    def add(self, month: int, **values: np.ndarray) -> None:
        if self._values is None:
            self._months[month].update(values)
            return
        for name, value in values.items():
            self.values[name][month] = value

    @property
    def values(self) -> dict[str, np.ndarray]:
        if self._values is None:
            none = np.zeros(self._streets)
            self._values = {name: np.array([month.get(name, none) for month in self._months], dtype=float)
                            for name in self._indicators}
        return self._values


class MonthFlows(dict):
    """This month's flows by street, one row per name: mechanisms add to ``flows[name]`` in place; ``take()``
    hands the month's rows to the record and starts the next month at zero (one copy, not one per flow)."""

    def __init__(self, names: tuple[str, ...], streets: int):
        self._block = np.zeros((len(names), streets))
        super().__init__(zip(names, self._block, strict=True))

    def take(self) -> dict[str, np.ndarray]:
        taken = dict(zip(self, self._block.copy(), strict=True))
        self._block[:] = 0
        return taken
