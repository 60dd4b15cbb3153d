"""Observed statistics (观测数据): ``calibration/observed.csv``, one row per figure with its source and status.

Columns: ``id`` (what a calibration spec names), ``indicator`` (a model indicator where the figure maps onto
one, else a descriptive name), ``target`` (``yes`` if a calibration may fit it, ``no`` if it maps onto no
indicator), ``geography`` (where it was observed: China, Hebei, …), ``date`` (YYYY-MM, the month at whose end
it holds), ``value``, ``unit``, ``status`` (OFFICIAL, POLICY, SURVEY/EST, DERIVED, UNVERIFIED), ``source``, ``note``.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from sim.errors import InputError, Problem, did_you_mean, shown_path
from sim.indicators import INDICATORS

COLUMNS = ("id", "indicator", "target", "geography", "date", "value", "unit", "status", "source", "note")
STATUSES = ("OFFICIAL", "POLICY", "SURVEY/EST", "DERIVED", "UNVERIFIED")
MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


@dataclass(frozen=True)
class Observation:
    id: str
    indicator: str
    target: bool
    geography: str
    date: str
    value: float
    status: str
    source: str
    where: str  # file:row, for messages


def read_observed(path: Path) -> dict[str, Observation]:
    """Every row of an observed-statistics CSV by id; InputError lists every malformed row."""
    name = shown_path(path)
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError([Problem(name, "no such file")]) from None
    missing = [c for c in COLUMNS if c not in frame.columns]
    if missing:
        raise InputError([Problem(f"{name}:1", f"missing column {c!r}; expected columns {', '.join(COLUMNS)}")
                          for c in missing])
    problems: list[Problem] = []
    found: dict[str, Observation] = {}
    seen: set[str] = set()
    for line, row in enumerate(frame.to_dict("records"), start=2):
        where = f"{name}:{line}"
        before = len(problems)
        if not row["id"] or row["id"] in seen:
            problems.append(Problem(where, f"expected a unique id, got {row['id']!r}", "column id"))
        seen.add(row["id"])
        if row["target"] not in ("yes", "no"):
            problems.append(Problem(where, f"expected yes or no, got {row['target']!r}", "column target"))
        elif row["target"] == "yes" and row["indicator"] not in INDICATORS:
            problems.append(Problem(where, f"unknown indicator {row['indicator']!r}"
                                    + did_you_mean(row["indicator"], INDICATORS)
                                    + "; a figure that maps onto no indicator has target = no", "column indicator"))
        if not MONTH.match(row["date"]):
            problems.append(Problem(where, f"expected a month YYYY-MM, got {row['date']!r}", "column date"))
        if row["status"] not in STATUSES:
            problems.append(Problem(where, f"expected one of {', '.join(STATUSES)}, got {row['status']!r}"
                                    + did_you_mean(row["status"], STATUSES), "column status"))
        try:
            value = float(row["value"])
        except ValueError:
            problems.append(Problem(where, f"expected a number, got {row['value']!r}", "column value"))
        else:
            if not math.isfinite(value):
                problems.append(Problem(where, f"expected a finite number, got {row['value']!r}", "column value"))
        if not row["source"]:
            problems.append(Problem(where, "every figure names its source", "column source"))
        if len(problems) == before:
            found[row["id"]] = Observation(row["id"], row["indicator"], row["target"] == "yes", row["geography"],
                                           row["date"], value, row["status"], row["source"], where)
    if problems:
        raise InputError(problems)
    return found
