"""The charts by name (what ``tuoyu chart --only`` takes), the kind of folder each draws from and the tables
it reads."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from matplotlib.figure import Figure

from sim.charts import compare, districts, money, places, sweep
from sim.errors import InputError, Problem, did_you_mean, shown_path
from sim.result_folders import ResultFolder, SweepFolder

RUN_TABLES = ("monthly_summary.csv", "targets.csv", "manifest.json")


@dataclass(frozen=True)
class Chart:
    name: str
    draw: Callable[..., Figure]
    kind: str  # run, compare or sweep
    tables: tuple[str, ...]
    methods: tuple[str, ...] = ()  # sweep methods it shows

    @property
    def summary(self) -> str:
        return (self.draw.__doc__ or "").strip().splitlines()[0]


CHARTS: dict[str, Chart] = {c.name: c for c in (
    Chart("places_demand", places.places_demand, "run", RUN_TABLES),
    Chart("places_per_1000", places.places_per_1000, "run", RUN_TABLES),
    Chart("enrolment", places.enrolment, "run", RUN_TABLES),
    Chart("staff", places.staff, "run", RUN_TABLES),
    Chart("certification", places.certification, "run", RUN_TABLES),
    Chart("funds", money.funds, "run", ("summary.csv",)),
    Chart("spending", money.spending, "run", ("summary.csv",)),
    Chart("cumulative_cost", money.cumulative_cost, "run", ("monthly_summary.csv", "monthly.parquet")),
    Chart("districts", districts.districts, "run", ("summary.csv", "geography.csv", "targets.csv")),
    Chart("street_centres", places.street_centres, "run", RUN_TABLES),
    Chart("binding", districts.binding, "run", ("binding_constraint.csv",)),
    Chart("scenarios", compare.scenarios, "compare", ("differences.csv",)),
    Chart("differences", compare.differences, "compare", ("differences.csv",)),
    Chart("tornado", sweep.tornado, "sweep", ("analysis.csv",), ("oat",)),
    Chart("sobol", sweep.sobol, "sweep", ("analysis.csv",), ("sobol",)),
    Chart("morris", sweep.morris, "sweep", ("analysis.csv",), ("morris",)),
    Chart("correlation", sweep.correlation, "sweep", ("analysis.csv",), ("lhs", "grid")),
)}


def applies(chart: Chart, folder: ResultFolder) -> bool:
    if chart.kind != folder.kind:
        return False
    return not chart.methods or (isinstance(folder, SweepFolder) and folder.method in chart.methods)


def select(folder: ResultFolder, only: list[str] | None = None) -> list[Chart]:
    """The charts to draw from ``folder``: all that apply to it, or those named in ``only``; an unknown name,
    a chart for another kind of folder or a missing table is an InputError."""
    problems = []
    for name in only or []:
        if name not in CHARTS:
            problems.append(Problem("--only", f"unknown chart {name!r}{did_you_mean(name, CHARTS)}; charts: "
                                    + ", ".join(CHARTS)))
        elif not applies(CHARTS[name], folder):
            wanted = CHARTS[name].kind + (f" (--method {'|'.join(CHARTS[name].methods)})" if CHARTS[name].methods
                                          else "")
            problems.append(Problem("--only", f"chart {name!r} draws from a {wanted} folder; "
                                    f"{shown_path(folder.path)} is a {folder.kind} folder"
                                    + (f" (method {folder.method})" if isinstance(folder, SweepFolder) else "")))
    if problems:
        raise InputError(problems)
    chosen = [CHARTS[name] for name in dict.fromkeys(only)] if only else [
        c for c in CHARTS.values() if applies(c, folder)]
    missing = sorted({table for chart in chosen for table in chart.tables if not folder.has(table)})
    if missing:
        raise InputError([Problem(shown_path(folder.path), f"has no {', '.join(missing)}, needed by the charts; is "
                                  f"it a complete {folder.kind} result folder?")])
    if not chosen:
        raise InputError([Problem(shown_path(folder.path), f"no chart draws from a {folder.kind} folder"
                                  + (f" of method {folder.method!r}" if isinstance(folder, SweepFolder) else ""))])
    return chosen
