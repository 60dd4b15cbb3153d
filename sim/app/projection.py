"""What the page shows for a baseline and an edited package run with the same seed: each headline indicator by
month and by year with its band, the paired difference from the baseline, the targets, what limits enrolment, and
the street values the maps draw. The tables are those of ``tuoyu compare`` (:mod:`sim.experiments.compare`):
the page only chooses which rows to show.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim import binding
from sim.experiments.compare import comparison_table, differences_table, targets_table
from sim.indicators import INDICATORS
from sim.output import geography_table, versions
from sim.result_folders import CompareFolder, RunFolder
from sim.results import Result

# The indicators the page shows, in the order: places per 1,000, enrolment, licensed occupancy (托位使用率),
# waitlist, certification, centre coverage and cost.
SHOWN = ("places_per_1000", "enrolment_rate", "licensed_occupancy", "waitlist", "certification_rate",
         "streets_with_centre_share", "spend_total")
TABLED = (*SHOWN[:2], "enrolled", *SHOWN[2:], "spend_cumulative")
# What the maps read at the street level (sim.charts.maps).
MAPPED = ("places_per_1000", "waitlist", "licensed_occupancy", "streets_with_centre", "urban_streets",
          "childcare_desert", "places_licensed", "children_per_place")
BASELINE, EDITED = "baseline", "edited"


@dataclass
class Projection:
    """The baseline and the edited package side by side (scenario labels ``baseline`` and ``edited``)."""

    names: dict[str, dict[str, str]]  # label → language → scenario name
    reps: int
    seed: int
    months: list[str]
    bands: pd.DataFrame  # scenario, indicator, month, mean, p5, p95 (monthly, city)
    comparison: pd.DataFrame  # scenario, indicator, period (year end), mean, p5, p50, p95
    differences: pd.DataFrame  # scenario (edited), indicator, period, mean, p5, p50, p95, ci_low, ci_high
    targets: pd.DataFrame  # scenario, target, indicator, condition, where, deadline, probability_met, …
    # scenario, year, demand, buildings, staff, money (share of districts); None until measured: the page shows the
    # projection first, then runs the probes
    binding: pd.DataFrame | None
    runs: dict[str, LiveRun]  # what the maps draw from


class LiveRun(RunFolder):
    """A run as the charts read it, from tables in memory rather than a folder: the same rows ``tuoyu run`` writes
    into summary.csv and geography.csv (the street values of the maps)."""

    def __init__(self, result: Result, tables: dict[str, pd.DataFrame]):
        spec = result.scenario.spec
        manifest = {"kind": "run", "scenario_name": spec.meta.name, "seed": result.seed, "reps": result.reps,
                    "versions": versions(), "resolved_scenario": spec.model_dump(mode="json")}
        super().__init__(Path(result.scenario.path).parent, manifest, tables)


class LiveCompare(CompareFolder):
    """The baseline and the edited package as a comparison, for the maps of the change."""

    def __init__(self, runs: list[tuple[str, LiveRun]]):
        super().__init__(runs[0][1].path, {"kind": "compare", "scenarios": [{"name": n} for n, _ in runs]})
        self._runs = runs

    @property
    def runs(self) -> list[tuple[str, RunFolder]]:
        return list(self._runs)


def _bands(result: Result, label: str) -> pd.DataFrame:
    frames = []
    for name in SHOWN:
        values = result.values(name)
        low, high = np.nanpercentile(values, [5, 95], axis=0) if len(values) else (values, values)
        frames.append(pd.DataFrame({"scenario": label, "indicator": name, "month": list(result.calendar.months),
                                    "mean": np.nanmean(values, axis=0), "p5": low, "p95": high}))
    return pd.concat(frames, ignore_index=True)


def _year_end_means(result: Result, names: tuple[str, ...]) -> pd.DataFrame:
    """The rows of summary.csv the maps read (level, geography, indicator, year, month, mean) for ``names`` only:
    the whole summary of a province takes seconds the room should not wait."""
    levels = [level for level, _ in result.annual_geographies]
    ids = [geography for _, geography in result.annual_geographies]
    frames = []
    for name in names:
        means = result._annual[:, list(INDICATORS).index(name)].mean(axis=0)  # years × geographies
        for y, year in enumerate(result.calendar.years):
            frames.append(pd.DataFrame({"level": levels, "geography": ids, "indicator": name, "year": year,
                                        "month": result.calendar.year_end_months[year], "mean": means[y]}))
    return pd.concat(frames, ignore_index=True)


def _live_run(result: Result) -> LiveRun:
    return LiveRun(result, {"summary.csv": _year_end_means(result, MAPPED), "geography.csv": geography_table(result)})


def binding_overview(baseline: Result, edited: Result) -> pd.DataFrame:
    """What limits enrolment in each scenario and year (share of districts); no rows for runs without probes."""
    frames = []
    for label, result in ((BASELINE, baseline), (EDITED, edited)):
        frame = binding.year_overview(result)
        frame.insert(0, "scenario", label)
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def project(baseline: Result, edited: Result) -> Projection:
    """The projection of ``edited`` against ``baseline`` (same seed and replications: common random numbers)."""
    labels = [BASELINE, EDITED]
    results = [baseline, edited]
    rows = comparison_table(results, labels)
    changes = differences_table(results, labels)
    names: dict[str, dict[str, Any]] = {}
    for label, result in zip(labels, results, strict=True):
        meta = result.scenario.spec.meta
        names[label] = {"zh": meta.name, "en": meta.name_en or meta.name}
    return Projection(
        names=names, reps=edited.reps, seed=edited.seed, months=list(edited.calendar.months),
        bands=pd.concat([_bands(r, label) for label, r in zip(labels, results, strict=True)], ignore_index=True),
        comparison=rows[rows["indicator"].isin(TABLED)].reset_index(drop=True),
        differences=changes[changes["indicator"].isin(TABLED)].reset_index(drop=True),
        targets=targets_table(results, labels), binding=binding_overview(baseline, edited),
        runs={label: _live_run(result) for label, result in zip(labels, results, strict=True)})
