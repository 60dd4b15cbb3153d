"""The ``tuoyu`` command line: validate and run scenarios, list indicators.

Mistakes in the user's input end with located messages on stderr and exit code 2, never a traceback
(``tuoyu --debug …`` shows one).
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import pandas as pd
import typer
import yaml
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn
from rich.table import Table

import sim
from sim import binding, charts, targets
from sim.errors import InputError, Problem, did_you_mean
from sim.indicators import INDICATORS
from sim.output import check_target, save
from sim.results import Result

app = typer.Typer(add_completion=False, no_args_is_help=True, rich_markup_mode=None,
                  help="tuoyu-sim: simulate a city's childcare (托育) system for children aged 0–3.")
# Piped or captured output (CI, a log file) gets a wide page so the summary table is not cut.
out_console = Console(highlight=False, width=None if sys.stdout.isatty() else 160)
err_console = Console(stderr=True, highlight=False)
_state = {"debug": False}

SetOption = Annotated[list[str] | None, typer.Option(
    "--set", metavar="KEY=VALUE",
    help="Override a scenario value, e.g. --set demography.death_rate_per_1000_per_year=8.0 "
         "(repeatable; the value is read as YAML).")]
ScenarioArg = Annotated[Path, typer.Argument(metavar="FILE", help="Scenario file (YAML).", show_default=False)]

SUMMARY_INDICATORS = ("children_0_3", "places_licensed", "places_per_1000", "places_inclusive", "enrolled",
                      "enrolment_rate", "occupancy", "waitlist", "streets_with_centre_share", "spend_total")


def _version(value: bool) -> None:
    if value:
        out_console.print(f"tuoyu-sim {sim.__version__}")
        raise typer.Exit()


@app.callback()
def main(
    debug: Annotated[bool, typer.Option("--debug", help="Show a traceback for input errors.")] = False,
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Print the version and exit.")] = False,
) -> None:
    _state["debug"] = debug


def user_errors(command: Callable[..., Any]) -> Callable[..., Any]:
    """Print an InputError's problems and exit 2; Ctrl-C exits 130 with a note."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except InputError as err:
            if _state["debug"]:
                raise
            for problem in err.problems:
                err_console.print(f"error: {problem}", markup=False, soft_wrap=True)
            raise typer.Exit(2) from None
        except KeyboardInterrupt:
            err_console.print("interrupted: nothing was written", markup=False)
            raise typer.Exit(130) from None

    return wrapper


@app.command(short_help="Check a scenario and its CSVs; print it resolved.")
@user_errors
def validate(file: ScenarioArg, set_: SetOption = None) -> None:
    """Check a scenario file and its CSVs; print the resolved scenario (defaults, extends and --set applied)."""
    scenario = sim.load_scenario(file, overrides=set_ or [])
    resolved = scenario.spec.model_dump(mode="json")
    out_console.print(yaml.safe_dump(resolved, allow_unicode=True, sort_keys=False, width=100).rstrip(),
                      markup=False, soft_wrap=True)
    city = scenario.city
    streets = sum(kind == "street" for kind in city.street_kinds)
    out_console.print(
        f"# OK: {scenario.name}: {city.n_districts} districts, {city.n_streets} streets and towns "
        f"({streets} streets, {city.n_streets - streets} towns), {city.population.sum():,.0f} residents, "
        f"{len(city.new_housing)} new-housing completions; files: "
        + ", ".join(str(p) for p in scenario.files), markup=False, soft_wrap=True)


@app.command(short_help="Run a scenario; write a results folder.")
@user_errors
def run(
    file: ScenarioArg,
    reps: Annotated[int, typer.Option(min=1, metavar="N", help="Monte Carlo replications.")] = 20,
    seed: Annotated[int, typer.Option(min=0, metavar="S", help="Root random seed.")] = 1,
    set_: SetOption = None,
    out: Annotated[Path | None, typer.Option(
        metavar="DIR", show_default=False,
        help="Results folder [default: results/<scenario's folder>/<scenario file name>].")] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace the results folder if it exists.")] = False,
) -> None:
    """Run a scenario and write a results folder (tables, summary, manifest)."""
    started = datetime.now(UTC)
    scenario = sim.load_scenario(file, overrides=set_ or [])
    out = out or Path("results") / file.resolve().parent.name / file.stem
    check_target(out, force)
    with _progress() as progress:
        task = progress.add_task(scenario.name, total=reps)
        result = sim.run(scenario, reps=reps, seed=seed, progress=lambda done: progress.update(task, completed=done))
    save(result, out, force, started, command=["tuoyu", *sys.argv[1:]])
    print_summary(result)
    print_targets(result)
    print_binding(result)
    for note in result.notes():
        out_console.print(f"note: {note}", markup=False, soft_wrap=True)
    out_console.print(f"Results: {out.resolve()}", markup=False, soft_wrap=True)


@app.command(short_help="List indicators: kind, unit, label.")
def indicators(
    language: Annotated[str, typer.Option("--lang", metavar="zh|en", help="Language of units and labels.")] = "en",
) -> None:
    """List the indicators with their kind (stock, flow, ratio), unit and label."""
    table = Table("name", "kind", "unit", "label")
    for name, indicator in INDICATORS.items():
        table.add_row(name, indicator.kind, indicator.unit(language), indicator.label(language))
    out_console.print(table)


LanguageOption = Annotated[str, typer.Option("--lang", metavar="zh|en", help="Language of titles, labels and units.")]
ResultArg = Annotated[Path, typer.Argument(metavar="RESULT_DIR", show_default=False,
                                           help="A folder written by tuoyu run, compare or sweep.")]


def _chart_names() -> str:
    return "; ".join(f"{kind}: {', '.join(n for n, c in charts.CHARTS.items() if c.kind == kind)}"
                     for kind in ("run", "compare", "sweep"))


def _language(language: str) -> str:
    if language not in charts.LANGUAGES:
        raise InputError([Problem("--lang", f"expected one of {', '.join(charts.LANGUAGES)}, got {language!r}"
                                  f"{did_you_mean(language, charts.LANGUAGES)}")])
    return language


@app.command(short_help="Draw slide-ready charts from a results folder.",
             epilog=f"Charts by kind of folder (for --only) — {_chart_names()}. --list describes them.")
@user_errors
def chart(
    result_dir: Annotated[Path | None, typer.Argument(metavar="RESULT_DIR", show_default=False, help=(
        "A folder written by tuoyu run, compare or sweep."))] = None,
    language: LanguageOption = "zh",
    fmt: Annotated[str, typer.Option("--format", metavar="png|svg|pdf", help="File format.")] = "png",
    only: Annotated[list[str] | None, typer.Option("--only", metavar="NAME",
                                                   help="Draw only this chart (repeatable).")] = None,
    out: Annotated[Path | None, typer.Option(metavar="DIR", show_default=False,
                                             help="Folder for the charts [default: RESULT_DIR/charts/<lang>].")] = None,
    dpi: Annotated[int, typer.Option(min=50, max=600, help="Resolution of PNG files.")] = 200,
    list_: Annotated[bool, typer.Option("--list", help="List the charts and what each shows, then exit.")] = False,
) -> None:
    """Draw the charts of a run, compare or sweep folder into RESULT_DIR/charts/<lang>/, one file each."""
    if list_:
        table = Table("chart", "folder", "shows")
        for name, item in charts.CHARTS.items():
            table.add_row(name, item.kind + (f" ({', '.join(item.methods)})" if item.methods else ""), item.summary)
        out_console.print(table)
        return
    if result_dir is None:
        raise InputError([Problem("RESULT_DIR", "missing: give a folder written by tuoyu run, compare or sweep")])
    if fmt not in charts.FORMATS:
        raise InputError([Problem("--format", f"expected one of {', '.join(charts.FORMATS)}, got {fmt!r}"
                                  f"{did_you_mean(fmt, charts.FORMATS)}")])
    folder = charts.load(result_dir)
    for path in charts.render(folder, _language(language), fmt, only, out, dpi):
        out_console.print(str(path), markup=False, soft_wrap=True)


@app.command(short_help="Write the one-page brief (PDF and PNG) of a results folder.")
@user_errors
def report(
    result_dir: ResultArg,
    language: LanguageOption = "zh",
    out: Annotated[Path | None, typer.Option(
        metavar="DIR", show_default=False, help="Folder for brief_<lang>.pdf and .png [default: RESULT_DIR].")] = None,
) -> None:
    """Write an A4 one-page brief of a run (or a side-by-side brief of a comparison): brief_<lang>.pdf and .png."""
    folder = charts.load(result_dir)
    for path in charts.write_brief(folder, _language(language), out):
        out_console.print(str(path), markup=False, soft_wrap=True)


def _progress() -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TextColumn("replications"),
                    TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn(), console=err_console)


def print_targets(result: Result) -> None:
    """The target table: probability of meeting each target at its deadline and the median month first met."""
    table = Table("target", "P(met at deadline)", "median month first met", "value at deadline (p5–p95)",
                  title="Targets", title_justify="left")
    for row in targets.table(result).itertuples():
        probability = "beyond horizon" if pd.isna(row.probability_met) else f"{row.probability_met:.0%}"
        value = "—" if pd.isna(row.value_at_deadline_mean) else (
            f"{_number(row.value_at_deadline_mean, row.indicator)} ({_number(row.value_at_deadline_p5, row.indicator)}"
            f"–{_number(row.value_at_deadline_p95, row.indicator)})")
        first = "not by the horizon" if pd.isna(row.median_month_first_met) else row.median_month_first_met
        table.add_row(escape(row.target), probability, first, value)
    out_console.print(table)


def print_binding(result: Result) -> None:
    """Share of district-months in which each constraint limits enrolment, per year."""
    table = Table("year", *binding.CONSTRAINTS, title="What limits enrolment (share of district-months)",
                  title_justify="left")
    for row in binding.year_overview(result).itertuples(index=False):
        table.add_row(str(row.year), *(f"{getattr(row, c):.0%}" for c in binding.CONSTRAINTS))
    out_console.print(table)


def _number(value: float, indicator: str) -> str:
    unit = INDICATORS[indicator].unit_en
    if unit == "share":
        return f"{value:.1%}"
    if unit == "yuan":
        return f"{value / 1e4:,.0f}万"
    return f"{value:,.1f}" if INDICATORS[indicator].kind == "ratio" else f"{value:,.0f}"


def print_summary(result: Result) -> None:
    """Key city indicators per year: mean and the 90% interval across replications."""
    language = result.scenario.spec.meta.language
    summary = result.summary()
    city = summary[(summary["level"] == "city") & summary["indicator"].isin(SUMMARY_INDICATORS)]
    years = list(result.calendar.years)
    table = Table(title=escape(f"{result.scenario.name}: {result.reps} replications, seed {result.seed}; "
                               f"mean (p5–p95) at each year end"), title_justify="left")
    table.add_column("indicator")
    for year, month in result.calendar.year_end_months.items():
        table.add_column(str(year) if month.endswith("-12") else month, justify="right")
    for name in SUMMARY_INDICATORS:
        rows = city[city["indicator"] == name].set_index("year")
        cells = [f"{_number(rows.at[y, 'mean'], name)} ({_number(rows.at[y, 'p5'], name)}–"
                 f"{_number(rows.at[y, 'p95'], name)})" for y in years]
        table.add_row(escape(f"{name} {INDICATORS[name].label(language)}"), *cells)
    out_console.print(table)
