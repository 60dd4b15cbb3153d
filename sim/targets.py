"""Will the targets be met? Per replication: met at the deadline or not, and the month first met; across
replications: the probability of meeting each target and the median month it is first met.

A city or district target is checked every month; an every-street target at year ends, where streets
are recorded. A deadline after the horizon cannot be judged and is reported as such.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.indicators import INDICATORS
from sim.results import Result
from sim.scenario.target_schema import Target


def _met(values: np.ndarray, target: Target) -> np.ndarray:
    if target.at_least is not None:
        return values >= target.at_least - 1e-9
    return values <= target.at_most + 1e-9


def _series(result: Result, target: Target) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Months checked, whether the target holds (replications × months) and the value that decides it:
    the worst district or street for an every-… target."""
    index = list(INDICATORS).index(target.indicator)
    worst = np.min if target.at_least is not None else np.max
    if target.where == "every_street":
        streets = [i for i, (level, _) in enumerate(result.annual_geographies) if level == "street"]
        values = worst(result._annual[:, index][:, :, streets], axis=2)
        return list(result.calendar.year_end_months.values()), _met(values, target), values
    monthly = result._monthly[:, index]
    values = monthly[:, :, 0] if target.where == "city" else worst(monthly[:, :, 1:], axis=2)
    return list(result.calendar.months), _met(values, target), values


def by_replication(result: Result) -> pd.DataFrame:
    """One row per target and replication: met at the deadline, the month first met, the deciding value."""
    rows = []
    for target in result.scenario.spec.all_targets():
        months, met, values = _series(result, target)
        checked = [m for m in months if m <= target.deadline]
        judged = target.deadline <= result.calendar.months[-1] and bool(checked)
        at = months.index(checked[-1]) if checked else None
        for rep in range(result.reps):
            first = int(np.argmax(met[rep])) if met[rep].any() else None
            rows.append({
                "target": target.label, "replication": rep,
                "met_at_deadline": bool(met[rep, at]) if judged else None,
                "first_met": months[first] if first is not None else None,
                "value_at_deadline": float(values[rep, at]) if at is not None else None,
            })
    return pd.DataFrame(rows, columns=["target", "replication", "met_at_deadline", "first_met", "value_at_deadline"])


def table(result: Result) -> pd.DataFrame:
    """One row per target: the probability it is met at its deadline and the median month first met."""
    per_rep = by_replication(result)
    rows = []
    for target in result.scenario.spec.all_targets():
        reps = per_rep[per_rep["target"] == target.label]
        judged = reps["met_at_deadline"].notna().all()
        first = sorted(reps["first_met"].fillna("9999-99"))
        median = first[(len(first) - 1) // 2] if first else "9999-99"
        value = reps["value_at_deadline"].astype(float)
        rows.append({
            "target": target.label, "indicator": target.indicator,
            "condition": f"≥ {target.at_least:g}" if target.at_least is not None else f"≤ {target.at_most:g}",
            "where": target.where, "deadline": target.deadline,
            "probability_met": float(reps["met_at_deadline"].astype(float).mean()) if judged else None,
            "median_month_first_met": None if median == "9999-99" else median,
            "value_at_deadline_mean": round(float(value.mean()), 4) if value.notna().any() else None,
            "value_at_deadline_p5": round(float(value.quantile(0.05)), 4) if value.notna().any() else None,
            "value_at_deadline_p95": round(float(value.quantile(0.95)), 4) if value.notna().any() else None,
        })
    return pd.DataFrame(rows)
