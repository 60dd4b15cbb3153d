"""What limits enrolment (制约入托的因素), measured: for each district and year, which resource raises enrolment.

For each year of the horizon, paired replications with common random numbers add a little of one resource in
every district from the year's first month on (``sim.model.probe``: 5% more licensed places, certified carers
or money, or 5% off the net fee) and compare the children in care from then to the horizon's end with the
unprobed replication's, so that what takes months to act (money for a building, carers to hire) counts. The
gain per unit is reported for each resource (children per 100 places, per 100 carers, per million yuan, per
100 yuan a month off the fee), and the elasticity, the gain's share of enrolment over the share added,
compares them.

A resource helps where its gain is clear of chance (more than two standard errors of the paired differences,
with two or more pairs) and its elasticity is at least ``MIN_ELASTICITY``; money helps where a payment waited
for funds in the district and more money gives any gain clear of chance (money acts through what it pays for,
months later, so its elasticity within the horizon is small by construction). The binding constraint is:

* ``money``     — where money helps: payments waiting for funds hold enrolment back (first to fix, since the
  places and carers the budget pays for come after it);
* else the resource that helps with the largest elasticity:
  ``buildings`` (more places would be filled: families wait for places of their age, price and distance),
  ``staff`` (more certified carers would open places that stand unusable) or ``demand`` (a lower fee would
  bring families who want care but do not pay today's);
* ``demand``    — where none helps: enrolment follows who wants care at today's fees (awareness, need, the age
  mix). The table's price columns tell this from the fee's case.

Districts share nothing but money (families, entrants and job-seekers stay in their district), so a probe in
every district at once measures each district's own response. In the horizon's last year, a resource that
acts after a lag shows less of its effect.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.indicators import INDICATORS
from sim.model.probe import RESOURCES, SHARE
from sim.results import Result

CONSTRAINTS = ("demand", "buildings", "staff", "money")
CONSTRAINT_OF = {"places": "buildings", "staff": "staff", "price": "demand"}
MIN_ELASTICITY = 0.1  # 5% more of a resource gives at least 0.5% more children in care
# Units in which the gain per unit is reported, per resource: (column suffix, divisor of what was added).
UNITS = {"places": ("per_100_places", 100.0), "staff": ("per_100_carers", 100.0),
         "money": ("per_million_yuan", 1e6), "price": ("per_100_yuan_off_fee", 100.0)}
DEFAULT_REPS = 4  # probed replications: paired differences are precise with few


def measured(result: Result) -> bool:
    """Whether the run measured what binds (``binding_reps`` > 0)."""
    return bool(result.probes)


def table(result: Result) -> pd.DataFrame:
    """Per district and year: children in care (the mean from the year's first month to the horizon's end,
    unprobed), for each resource the gain in children, its elasticity and its gain per unit, and the binding
    constraint. Empty if the run measured nothing."""
    if not measured(result):
        return pd.DataFrame(columns=["district", "name", "year", "binding_constraint"])
    city, calendar = result.scenario.city, result.calendar
    names = city.district_names_zh if result.scenario.spec.meta.language == "zh" else city.district_names_en
    enrolled = result._monthly[:, list(INDICATORS).index("enrolled"), :, 1:]  # reps × months × districts
    deferred = result._monthly[:, list(INDICATORS).index("spend_deferred"), :, 1:]
    reps = sorted({rep for rep, _, _ in result.probes})
    rows = []
    for y, (year, months) in enumerate(zip(calendar.years, calendar.year_slices, strict=True)):
        base = enrolled[reps, months.start:].mean(axis=1)  # pairs × districts
        waited = (deferred[:, months.start:] > 1).any(axis=(0, 1))  # any payment waited, over 1 yuan
        row = {"district": city.district_ids, "name": list(names), "year": year, "enrolled": base.mean(axis=0)}
        elasticities = {}
        money_helps = np.zeros(city.n_districts, dtype=bool)
        for resource in RESOURCES:
            outcomes = [result.probes.get((rep, resource, y)) for rep in reps]
            if any(outcome is None for outcome in outcomes):  # not probed (money without a budget)
                continue
            gain = np.stack([o.enrolled for o in outcomes]) - base
            added = np.stack([o.added for o in outcomes]).mean(axis=0)
            clear = _clear_of_chance(gain)
            row[f"gain_{resource}"] = gain.mean(axis=0)
            if resource == "money":
                money_helps = clear & waited
            else:
                relative = _relative_added(resource, result, reps, months, added)
                elasticity = np.divide(gain.mean(axis=0) / np.maximum(base.mean(axis=0), 1e-9), relative,
                                       out=np.zeros(len(added)), where=relative > 0)
                row[f"elasticity_{resource}"] = elasticity
                elasticities[resource] = np.where(clear & (elasticity >= MIN_ELASTICITY), elasticity, -np.inf)
            suffix, unit = UNITS[resource]
            row[f"children_{suffix}"] = np.divide(gain.mean(axis=0) * unit, added, out=np.zeros(len(added)),
                                                  where=added > 0)
        best = np.full(city.n_districts, "demand", dtype=object)
        if elasticities:
            stacked = np.stack(list(elasticities.values()))
            found = np.isfinite(stacked.max(axis=0))
            best[found] = [CONSTRAINT_OF[list(elasticities)[k]] for k in stacked.argmax(axis=0)[found]]
        best[money_helps] = "money"
        row["binding_constraint"] = best
        rows.append(pd.DataFrame(row))
    frame = pd.concat(rows, ignore_index=True)
    numbers = frame.select_dtypes("number").columns.drop("year")
    frame[numbers] = frame[numbers].round(4)
    return frame[["district", "name", "year", "binding_constraint", *numbers]]


def _relative_added(resource: str, result: Result, reps: list[int], months: slice, added: np.ndarray) -> np.ndarray:
    """What a probe added as a share of the district's stock of the resource: the probe's own share for places
    and the fee (each changes by it), the carers added over the certified carers employed for staff."""
    if resource != "staff":
        return np.where(added > 0, SHARE, 0.0)
    certified = result._monthly[reps, list(INDICATORS).index("staff_certified"), months.start, 1:].mean(axis=0)
    return np.divide(added, np.maximum(certified, 1.0))


def _clear_of_chance(gain: np.ndarray) -> np.ndarray:
    """Whether the mean paired gain (pairs × districts) exceeds two standard errors (one pair: any gain)."""
    mean = gain.mean(axis=0)
    if len(gain) < 2:
        return mean > 0
    error = gain.std(axis=0, ddof=1) / np.sqrt(len(gain))
    return mean > 2 * error


def probe_label(resource: str, language: str) -> str:
    """What a probe does, in a few words: "+10% places", "收费−10%", "no budget limit" …"""
    share = f"{SHARE:.0%}"
    en, zh = {"places": (f"+{share} places", f"托位+{share}"),
              "staff": (f"+{share} certified carers", f"持证人员+{share}"),
              "money": ("no budget limit", "不设预算上限"),
              "price": (f"−{share} fee", f"收费−{share}")}[resource]
    return zh if language == "zh" else en


def city_gains(result: Result) -> pd.DataFrame:
    """Children in care a probe adds in the whole city (mean from the year's start to the horizon's end, over the
    probed pairs), by year (rows) and resource (columns)."""
    found = table(result)
    columns = [f"gain_{resource}" for resource in RESOURCES if f"gain_{resource}" in found.columns]
    gains = found.groupby("year")[columns].sum()
    return gains.rename(columns=lambda column: column.removeprefix("gain_"))


def year_overview(result: Result) -> pd.DataFrame:
    """Share of districts bound by each constraint, per year."""
    found = table(result)
    rows = []
    for year, chunk in found.groupby("year"):
        rows.append({"year": int(year), **{c: float(np.mean(chunk["binding_constraint"] == c)) for c in CONSTRAINTS}})
    return pd.DataFrame(rows, columns=["year", *CONSTRAINTS])
