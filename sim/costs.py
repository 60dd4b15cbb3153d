"""What it costs (成本): cost per new place by lever, public cost per enrolled child-year and the share of
appropriations used, per year and over the whole horizon, across replications (mean, p5, p95).

A lever's cost per new place is its spending items, plus what other levers pay when its places open (the
one-time construction subsidy), over the places it added (openings and new classes) in the same period;
capital is paid during the build, so a year's figure can run ahead of its places. Private entry's places
cost the public only what is paid at their opening.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.indicators import INDICATORS
from sim.results import Result
from sim.scenario.policy_schema import levers

# Who adds places, with the spending items of its own that pay for them (none: private entry, and developers
# building new housing's places).
LEVER_ITEMS = {"private_entry": (), **{name: tuple(item.name for item in lever.items)
                                      for name, lever in levers().items() if lever.adds_places}}


def _periods(result: Result) -> list[tuple[str, slice]]:
    whole = f"{result.calendar.months[0]}–{result.calendar.months[-1]}"
    return [*((str(year), months) for year, months in zip(result.calendar.years, result.calendar.year_slices,
                                                            strict=True)), (whole, slice(None))]


def table(result: Result) -> pd.DataFrame:
    names = list(INDICATORS)

    def city(indicator: str) -> np.ndarray:
        return result._monthly[:, names.index(indicator), :, 0]

    rows = []

    def add(period: str, measure: str, subject: str, unit: str, values: np.ndarray) -> None:
        values = values[np.isfinite(values)]
        if len(values):
            rows.append({"period": period, "measure": measure, "subject": subject, "unit": unit,
                         "mean": round(float(values.mean()), 4), "p5": round(float(np.percentile(values, 5)), 4),
                         "p95": round(float(np.percentile(values, 95)), 4)})

    funds = result.funds
    for period, months in _periods(result):
        for lever, items in LEVER_ITEMS.items():
            added = city(f"places_added_{lever}")[:, months].sum(axis=1)
            spent = sum((city(f"spend_{item}")[:, months].sum(axis=1) for item in items),
                        city(f"opening_payments_{lever}")[:, months].sum(axis=1))
            if added.any() or spent.any():
                with np.errstate(divide="ignore", invalid="ignore"):
                    add(period, "cost_per_new_place", lever, "yuan per place",
                        np.where(added > 0, spent / added, np.nan))
        child_years = city("enrolled")[:, months].sum(axis=1) / 12
        with np.errstate(divide="ignore", invalid="ignore"):
            add(period, "public_cost_per_enrolled_child_year", "spend_total", "yuan per child-year",
                np.where(child_years > 0, city("spend_total")[:, months].sum(axis=1) / child_years, np.nan))
        if len(funds):
            chosen = funds["month"].isin(result.calendar.months[months])
            sums = funds[chosen].groupby("replication")[["paid_yuan", "appropriated_yuan"]].sum()
            with np.errstate(divide="ignore", invalid="ignore"):
                add(period, "appropriations_used_share", "all funds", "share",
                    np.where(sums["appropriated_yuan"] > 0, sums["paid_yuan"] / sums["appropriated_yuan"], np.nan))
    return pd.DataFrame(rows, columns=["period", "measure", "subject", "unit", "mean", "p5", "p95"])
