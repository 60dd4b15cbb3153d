"""Monthly values per street, written by the mechanisms as they run."""

from __future__ import annotations

import numpy as np


class MonthlyRecord:
    """``values[indicator]`` is a months × streets array; each mechanism adds its own indicators."""

    def __init__(self, indicators: list[str], months: int, streets: int):
        self.values = {name: np.zeros((months, streets)) for name in indicators}

    def add(self, month: int, **values: np.ndarray) -> None:
        for name, value in values.items():
            self.values[name][month] = value
