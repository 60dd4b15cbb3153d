"""Which constraint binds (约束条件): for each district and month, what limits enrolment.

* ``demand``    — hardly anyone is waiting (under 1% of effective demand): enrolment follows who wants care
  at today's fees and distances;
* ``money``     — families wait and payments in the district wait for money (``spend_deferred``);
* ``staff``     — families wait, and the carers providers lack (unfilled vacancies plus the shortfall of
  counted carers) would cover at least half of the waiting children (at 5 children a carer);
* ``buildings`` — families wait and the places they could take (their age, price tier, distance) are full.

The rule reads the district's month-end ``waitlist``, ``demand_effective``, ``spend_deferred``,
``staff_vacancies`` and ``staff_shortage``, in that order of precedence.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.indicators import INDICATORS
from sim.results import Result

CONSTRAINTS = ("demand", "buildings", "staff", "money")
WAITING_SHARE = 0.01  # waiting below this share of effective demand: demand binds
CHILDREN_PER_MISSING_CARER = 5.0  # about the ratio of a 托小班 (1:5)
STAFF_SHARE = 0.5  # the missing carers would cover at least this share of the waiting children


def codes(result: Result) -> np.ndarray:
    """Replications × months × districts array of indices into ``CONSTRAINTS``."""
    names = list(INDICATORS)

    def district(name: str) -> np.ndarray:
        return result._monthly[:, names.index(name), :, 1:]

    waiting, demand = district("waitlist"), district("demand_effective")
    missing_carers = district("staff_vacancies") + district("staff_shortage")
    staff_binds = missing_carers * CHILDREN_PER_MISSING_CARER >= STAFF_SHARE * waiting
    binding = np.where(staff_binds, CONSTRAINTS.index("staff"), CONSTRAINTS.index("buildings"))
    binding = np.where(district("spend_deferred") > 1, CONSTRAINTS.index("money"), binding)  # over 1 yuan
    return np.where(waiting <= WAITING_SHARE * demand, CONSTRAINTS.index("demand"), binding)


def table(result: Result) -> pd.DataFrame:
    """Per district and month: the constraint that binds most often across replications, and the share of
    replications in which each one binds."""
    found = codes(result)
    city = result.scenario.city
    language = result.scenario.spec.meta.language
    names = city.district_names_zh if language == "zh" else city.district_names_en
    rows = []
    for m, month in enumerate(result.calendar.months):
        for d, district in enumerate(city.district_ids):
            shares = [float(np.mean(found[:, m, d] == c)) for c in range(len(CONSTRAINTS))]
            rows.append({"district": district, "name": names[d], "month": month,
                         "binding_constraint": CONSTRAINTS[int(np.argmax(shares))],
                         **{f"share_{c}": round(s, 3) for c, s in zip(CONSTRAINTS, shares, strict=True)}})
    return pd.DataFrame(rows)


def year_overview(result: Result) -> pd.DataFrame:
    """Share of district-months (over replications) bound by each constraint, per year."""
    found = codes(result)
    rows = []
    for year, months in zip(result.calendar.years, result.calendar.year_slices, strict=True):
        chunk = found[:, months]
        rows.append({"year": year, **{c: float(np.mean(chunk == i)) for i, c in enumerate(CONSTRAINTS)}})
    return pd.DataFrame(rows)
