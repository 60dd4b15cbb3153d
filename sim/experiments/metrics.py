"""What a sweep reports for each run: an indicator at a month (``places_per_1000@2027-12``) or over a year
(``enrolment_rate@2027``: flows summed over the year, stocks and ratios at its last simulated month)."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from sim.errors import Problem, did_you_mean
from sim.indicators import INDICATORS
from sim.results import Calendar, ReplicationTables

_FORM = re.compile(r"^(?P<indicator>[A-Za-z0-9_]+)@(?P<period>\d{4}(-\d{2})?)$")


@dataclass(frozen=True)
class Metric:
    """``name`` as the user wrote it; the value at ``index`` of the monthly (a month) or annual (a year)
    table of a replication, for the city (``geography`` 0) or district ``geography`` − 1."""

    name: str
    indicator: str
    yearly: bool
    index: int
    geography: int = 0

    def value(self, tables: ReplicationTables) -> float:
        values = tables.annual if self.yearly else tables.monthly
        return float(values[list(INDICATORS).index(self.indicator), self.index, self.geography])


def parse_metric(text: str, calendar: Calendar, where: str) -> Metric | Problem:
    """The metric ``text`` names, or the problem with it (located at ``where``)."""
    match = _FORM.match(text.strip())
    if match is None:
        return Problem(where, f"expected INDICATOR@YYYY-MM or INDICATOR@YYYY, e.g. places_per_1000@2027-12, "
                              f"got {text!r}")
    indicator, period = match["indicator"], match["period"]
    if indicator not in INDICATORS:
        return Problem(where, f"unknown indicator {indicator!r}" + did_you_mean(indicator, INDICATORS)
                       + "; `tuoyu indicators` lists them")
    horizon = f"the horizon {calendar.months[0]}–{calendar.months[-1]}"
    if len(period) == 4:
        if int(period) not in calendar.years:
            return Problem(where, f"year {period} is outside {horizon}")
        return Metric(text.strip(), indicator, True, calendar.years.index(int(period)))
    if period not in calendar.months:
        return Problem(where, f"month {period} is outside {horizon}")
    return Metric(text.strip(), indicator, False, calendar.months.index(period))


def point_value(metrics: tuple[Metric, ...], replications: list[ReplicationTables]) -> np.ndarray:
    """Each metric's mean over a point's replications."""
    return np.array([[m.value(tables) for m in metrics] for tables in replications]).mean(axis=0)
