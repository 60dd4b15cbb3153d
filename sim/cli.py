"""The ``tuoyu`` command line: validate and run scenarios, list indicators.

Mistakes in the user's input end with located messages on stderr and exit code 2, what the machine or the
cluster cannot do (a full or read-only disk, too little memory, a lost worker) with exit code 3, never a
traceback (``tuoyu --debug …`` shows one). Whatever the user wrote is printed as plain text: neither rich's
markup (``[red]``) nor its emoji codes (``:100:``, which a row number next to a file name looks like) apply.
"""

from __future__ import annotations

import functools
import json
import signal
import sys
import threading
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import pandas as pd
import typer
import yaml
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn
from rich.table import Table

import sim
from sim import binding, targets
from sim.calibration.spec import METHODS as CALIBRATION_METHODS
from sim.calibration.spec import load_calibration
from sim.errors import InputError, Problem, ResourceError, did_you_mean, is_interrupt
from sim.experiments.folder import Interrupted
from sim.folders import check_room, check_target, disk_error, locked, verify_folder
from sim.indicators import INDICATORS
from sim.memory import check_memory
from sim.output import results_bytes, save
from sim.results import Result
from sim.runner import DEFAULT_SEED, run_tasks, twins_for

# Sweeps, comparisons, calibration and charts are imported by the commands that use them: SALib, the optimisers
# and matplotlib take about a second to import, which every other command — and every worker process, which
# imports this module again — would otherwise pay.
if TYPE_CHECKING:
    from sim.calibration.run import CalibrationOutcome
    from sim.experiments.compare import CompareOutcome
    from sim.experiments.sweep import SweepOutcome

app = typer.Typer(add_completion=True, no_args_is_help=True, rich_markup_mode=None,
                  help="tuoyu-sim: simulate a city's childcare (托育) system for children aged 0–3.")
# Piped or captured output (CI, a log file) gets a wide page so the summary table is not cut.
out_console = Console(highlight=False, markup=False, emoji=False, width=None if sys.stdout.isatty() else 160)
err_console = Console(stderr=True, highlight=False, markup=False, emoji=False)
INPUT_ERROR, RESOURCE_ERROR, INTERNAL_ERROR = 2, 3, 1
_state = {"debug": False}

SetOption = Annotated[list[str] | None, typer.Option(
    "--set", metavar="KEY=VALUE",
    help="Override a scenario value, e.g. --set demography.death_rate_per_1000_per_year=8.0 "
         "(repeatable; the value is read as YAML).")]
ScenarioArg = Annotated[Path, typer.Argument(metavar="FILE", help="Scenario file (YAML).", show_default=False)]
LanguageOption = Annotated[str, typer.Option("--lang", metavar="zh|en", help="Language of titles, labels and units.")]
SeedOption = Annotated[int, typer.Option(min=0, metavar="S", help="Root random seed.")]
INDICATOR_FORMATS = ("table", "csv", "json")
WorkersOption = Annotated[int | None, typer.Option(
    min=1, metavar="N", show_default=False,
    help="Local worker processes [default: all cores]; 1 runs in this process (for debugging).")]
SchedulerOption = Annotated[str | None, typer.Option(
    metavar="tcp://HOST:PORT", show_default=False, help="Run on this Dask distributed cluster instead.")]
ForceOption = Annotated[bool, typer.Option("--force", help="Replace the results folder if it exists.")]
ResumeOption = Annotated[Path | None, typer.Option(
    metavar="DIR", show_default=False, help="Finish the interrupted experiment in DIR (same command and settings).")]

SUMMARY_INDICATORS = ("children_0_3", "places_licensed", "places_per_1000", "places_inclusive", "enrolled",
                      "enrolment_rate", "licensed_occupancy", "occupancy", "waitlist", "streets_with_centre_share",
                      "spend_total")


def _version(value: bool) -> None:
    if value:
        out_console.print(f"tuoyu-sim {sim.__version__}")
        raise typer.Exit()


@app.callback()
def main(
    debug: Annotated[bool, typer.Option("--debug", help="Show a traceback for errors.")] = False,
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Print the version and exit.")] = False,
) -> None:
    _state["debug"] = debug
    if threading.current_thread() is threading.main_thread():  # only the main thread may set a handler
        signal.signal(signal.SIGTERM, _stop)


def _stop(signum: int, frame: Any) -> None:
    """SIGTERM (``kill``, a batch system's time limit) stops a command as Ctrl-C does: an experiment keeps its
    finished runs and can be resumed, a run writes nothing."""
    raise KeyboardInterrupt


def user_errors(command: Callable[..., Any]) -> Callable[..., Any]:
    """No traceback (unless ``--debug``): an InputError's problems exit 2; a ResourceError, a disk fault or a lack of
    memory exits 3 with one line; Ctrl-C exits 130 with a note; anything else is a bug in tuoyu-sim, reported on
    one line with exit 1."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except Interrupted as interrupted:
            err_console.print(interrupted.note, soft_wrap=True)
            raise typer.Exit(130) from None
        except Exception as err:
            if is_interrupt(err):  # Ctrl-C inside a compiled loop
                raise _nothing_written() from None
            if _state["debug"]:
                raise
            print_warnings(getattr(err, "warnings", ()))
            code, lines = _explain(err)
            for line in lines:
                err_console.print(f"error: {line}", soft_wrap=True)
            raise typer.Exit(code) from None
        except KeyboardInterrupt:
            raise _nothing_written() from None

    return wrapper


def _nothing_written() -> typer.Exit:
    err_console.print("interrupted: nothing was written", soft_wrap=True)
    return typer.Exit(130)


def print_warnings(warnings: Iterable[Problem]) -> None:
    """Unusual values, one located line each on stderr (plain text, like errors); they never stop a command."""
    for warning in dict.fromkeys(warnings):  # two scenarios of a comparison may share a base and its warnings
        err_console.print(f"warning: {warning}", soft_wrap=True)


def _explain(err: Exception) -> tuple[int, list[str]]:
    """The exit code and the lines that tell the user what happened."""
    if isinstance(err, InputError):
        return INPUT_ERROR, [str(problem) for problem in err.problems]
    if isinstance(err, ResourceError):
        return RESOURCE_ERROR, [str(err)]
    if isinstance(err, OSError):
        return RESOURCE_ERROR, [str(disk_error(err, Path.cwd()))]
    if isinstance(err, MemoryError):
        return RESOURCE_ERROR, ["the machine ran out of memory; run fewer replications or --workers, a shorter "
                                "horizon, or on a machine with more memory"]
    return INTERNAL_ERROR, [f"internal error, a bug in tuoyu-sim ({type(err).__name__}: {err}); please report it "
                            "with the output of the same command run as tuoyu --debug …"]


@app.command(short_help="Check a scenario and its CSVs; print it resolved.")
@user_errors
def validate(file: ScenarioArg, set_: SetOption = None) -> None:
    """Check a scenario file and its CSVs; print the resolved scenario (defaults, extends and --set applied)."""
    scenario = sim.load_scenario(file, overrides=set_ or [])
    print_warnings(scenario.warnings)
    resolved = scenario.spec.model_dump(mode="json")
    out_console.print(yaml.safe_dump(resolved, allow_unicode=True, sort_keys=False, width=100).rstrip(),
                      soft_wrap=True)
    city = scenario.city
    streets = sum(kind == "street" for kind in city.street_kinds)
    out_console.print(
        f"# OK: {scenario.name}: {city.n_districts} districts, {city.n_streets} streets and towns "
        f"({streets} streets, {city.n_streets - streets} towns), {city.population.sum():,.0f} residents, "
        f"{len(city.new_housing)} new-housing completions; files: "
        + ", ".join(str(p) for p in scenario.files), soft_wrap=True)


@app.command(short_help="Run a scenario; write a results folder.")
@user_errors
def run(
    file: ScenarioArg,
    reps: Annotated[int, typer.Option(min=1, metavar="N", help="Monte Carlo replications.")] = 20,
    seed: SeedOption = DEFAULT_SEED,
    set_: SetOption = None,
    out: Annotated[Path | None, typer.Option(
        metavar="DIR", show_default=False,
        help="Results folder [default: results/<scenario's folder>/<scenario file name>].")] = None,
    force: ForceOption = False,
    workers: Annotated[int | None, typer.Option(
        min=1, metavar="N", show_default=False,
        help="Local worker processes [default: 1, in this process].")] = None,
    scheduler: SchedulerOption = None,
    binding_reps: Annotated[int, typer.Option(
        "--binding-reps", min=0, metavar="N",
        help="Replications probed to measure what limits enrolment (at most --reps; 0: not measured).")
    ] = binding.DEFAULT_REPS,
) -> None:
    """Run a scenario and write a results folder (tables, summary, manifest)."""
    started = datetime.now(UTC)
    scenario = sim.load_scenario(file, overrides=set_ or [])
    print_warnings(scenario.warnings)
    out = out or Path("results") / file.resolve().parent.name / file.stem
    command = ["tuoyu", *sys.argv[1:]]
    check_target(out, force)
    check_room(out, results_bytes(scenario, reps))
    with locked(out, command):
        check_target(out, force)  # again: another job may have written it before this one took the lock
        check_memory([scenario], reps + twins_for(reps), 1 if workers is None and scheduler is None else workers,
                     scheduler)
        probed = min(binding_reps, reps)
        note_compiling()
        with _progress("runs") as progress:
            # twins split the bands; probes measure what binds
            task = progress.add_task(scenario.name, total=len(run_tasks(scenario, 0, reps, probed)))
            result = sim.run(scenario, reps=reps, seed=seed,
                             progress=lambda done: progress.update(task, completed=done), workers=workers,
                             scheduler=scheduler, binding_reps=probed)
        save(result, out, force, started, command=command)
    print_summary(result)
    print_targets(result)
    print_binding(result)
    for note in result.notes():
        out_console.print(f"note: {note}", soft_wrap=True)
    _print_where(out, f"Brief and charts: tuoyu report {out} [--lang en]")


def note_compiling() -> None:
    """Say so when this run will first compile the model's loops (once after installing), not seem to hang."""
    from sim import compiled

    if compiled.cold():
        err_console.print("note: the first run after installing compiles the model's numeric loops once (about 10 s "
                          "a process); later runs start at once", soft_wrap=True)


def _print_where(out: Path, next_step: str | None = None) -> None:
    """Where the results are, and the command that turns them into charts."""
    out_console.print(f"Results: {out.resolve()}", soft_wrap=True)
    if next_step:
        out_console.print(next_step, soft_wrap=True)


def _output_folder(out: Path | None, resume: Path | None, default: Path) -> Path:
    if resume is not None and out is not None and out.resolve() != resume.resolve():
        raise InputError([Problem("--out", f"--resume continues {resume}; leave out --out or give the same folder")])
    return resume or out or default


@app.command(short_help="Compare scenarios with common random numbers.")
@user_errors
def compare(
    files: Annotated[list[Path], typer.Argument(metavar="FILE", show_default=False,
                                                 help="Scenario files; the first is the reference.")],
    reps: Annotated[int, typer.Option(min=1, metavar="N", help="Replications of each scenario.")] = 20,
    seed: SeedOption = DEFAULT_SEED,
    set_: SetOption = None,
    out: Annotated[Path | None, typer.Option(
        metavar="DIR", show_default=False,
        help="Results folder [default: results/<first scenario's folder>/compare_<file names>].")] = None,
    workers: WorkersOption = None,
    scheduler: SchedulerOption = None,
    resume: ResumeOption = None,
    force: ForceOption = False,
) -> None:
    """Run scenarios with the same random numbers (replication r of each uses the same streams) and report
    each one's p5/p50/p95 and the paired differences from the first, at every year end."""
    from sim.experiments.compare import load_scenarios, run_compare

    print_warnings(w for scenario in load_scenarios(files, set_ or []) for w in scenario.warnings)
    default = Path("results") / files[0].resolve().parent.name / ("compare_" + "_".join(f.stem for f in files))
    out = _output_folder(out, resume, default)
    note_compiling()
    with _progress("replications") as progress:
        bar = _ExperimentProgress(progress, "compare")
        outcome = run_compare(files, set_ or [], reps, seed, out, ["tuoyu", *sys.argv[1:]], resume=resume is not None,
                              force=force, workers=workers, scheduler=scheduler, started=bar.started,
                              progress=bar.update)
    print_comparison(outcome)
    _print_where(out, f"Brief and charts: tuoyu report {out} [--lang en]")


@app.command(short_help="Sensitivity sweep over scenario parameters.")
@user_errors
def sweep(
    file: Annotated[Path, typer.Argument(metavar="FILE", show_default=False,
                                         help="Scenario file, or a sweep spec (YAML with a 'scenario' key).")],
    param: Annotated[list[str] | None, typer.Option(
        "--param", metavar="KEY=LO:HI", help="A scenario key (dotted, as for --set) and its range; repeatable.")
    ] = None,
    method: Annotated[str | None, typer.Option(
        metavar="oat|grid|lhs|sobol|morris", show_default=False, help="Sampling and analysis [default: oat].")] = None,
    n: Annotated[int | None, typer.Option(
        "-n", metavar="N", show_default=False,
        help="Samples: sobol base samples (a power of two; runs n·(k+2)), morris trajectories (n·(k+1)), lhs points, "
             "grid levels per parameter (n^k) [defaults 64, 10, 100, 3]; oat takes none (1+2k runs).")] = None,
    metric: Annotated[list[str] | None, typer.Option(
        "--metric", metavar="INDICATOR@YYYY-MM", help="What each run reports (a month, or @YYYY for a year); "
                                                      "repeatable.")] = None,
    reps: Annotated[int | None, typer.Option(min=1, metavar="R", show_default=False,
                                             help="Replications per point [default: 3].")] = None,
    seed: Annotated[int | None, typer.Option(min=0, metavar="S", show_default=False,
                                             help=f"Root random seed [default: {DEFAULT_SEED}].")] = None,
    set_: SetOption = None,
    out: Annotated[Path | None, typer.Option(
        metavar="DIR", show_default=False,
        help="Results folder [default: results/<file's folder>/sweep_<file name>_<method>].")] = None,
    workers: WorkersOption = None,
    scheduler: SchedulerOption = None,
    resume: ResumeOption = None,
    force: ForceOption = False,
) -> None:
    """Run a scenario at many parameter points (common random numbers across points) and analyse which
    parameters move the metrics: a tornado (oat), Sobol indices, Morris screening, or correlations (lhs, grid)."""
    from sim.experiments.spec import load_sweep
    from sim.experiments.sweep import run_sweep

    spec = load_sweep(file, param or [], method, n, metric or [], reps, seed, set_ or [])
    name = file.stem if file.stem.startswith("sweep") else f"sweep_{file.stem}"
    default = Path("results") / file.resolve().parent.name / f"{name}_{spec.method}"
    out = _output_folder(out, resume, default)
    note_compiling()
    with _progress("points") as progress:
        bar = _ExperimentProgress(progress, f"{spec.method} sweep")
        outcome = run_sweep(spec, out, ["tuoyu", *sys.argv[1:]], resume=resume is not None, force=force,
                            workers=workers, scheduler=scheduler, started=bar.started, progress=bar.update)
    print_analysis(spec.method, outcome)
    _print_where(out, f"Charts: tuoyu chart {out} [--lang en]")


@app.command(short_help="Fit scenario parameters to observed statistics; write an overlay and a fit chart.")
@user_errors
def calibrate(
    file: Annotated[Path, typer.Argument(metavar="SPEC", show_default=False,
                                         help="Calibration spec (YAML with scenario, parameters, targets).")],
    reps: Annotated[int | None, typer.Option(min=1, metavar="N", show_default=False,
                                             help="Replications per evaluation [default: the spec's, or 3].")] = None,
    method: Annotated[str | None, typer.Option(
        metavar="|".join(CALIBRATION_METHODS), show_default=False,
        help="Differential evolution or Nelder–Mead [default: the spec's, or de].")] = None,
    out: Annotated[Path | None, typer.Option(
        metavar="DIR", show_default=False, help="Results folder [default: results/calibration/<spec name>].")] = None,
    workers: WorkersOption = None,
    scheduler: SchedulerOption = None,
    resume: ResumeOption = None,
    force: ForceOption = False,
) -> None:
    """Search the parameters whose simulated targets come closest to the observed ones (weighted squared relative
    error of the replication mean, the same seeds for every evaluation); log every evaluation; write the fitted
    values, an overlay scenario, the fit, the backtest and a fit chart."""
    from sim.calibration.fit import most_evaluations
    from sim.calibration.run import run_calibration

    spec = load_calibration(file, reps, method)
    out = _output_folder(out, resume, Path("results") / "calibration" / spec.name)
    note_compiling()
    with _progress("evaluations") as progress:
        task = progress.add_task(f"calibration ({spec.method}, {spec.reps} replications each)",
                                 total=most_evaluations(spec))

        def update(evaluations: int, computed: int) -> None:
            progress.update(task, completed=evaluations)

        outcome = run_calibration(spec, out, ["tuoyu", *sys.argv[1:]], resume=resume is not None, force=force,
                                  workers=workers, scheduler=scheduler, progress=update)
    print_calibration(outcome)
    _print_where(out)


@app.command(short_help="The cheapest policy package that meets every target with high probability.")
@user_errors
def optimize(
    file: Annotated[Path, typer.Argument(metavar="SPEC", show_default=False, help=(
        "Optimisation spec (YAML with scenario, decisions, constraints; see docs/decisions.md)."))],
    seed: Annotated[int | None, typer.Option(min=0, metavar="S", show_default=False,
                                             help="Root random seed [default: the spec's, or 1].")] = None,
    set_: SetOption = None,
    out: Annotated[Path | None, typer.Option(
        metavar="DIR", show_default=False,
        help="Results folder [default: results/<spec's folder>/optimize_<spec name>].")] = None,
    workers: WorkersOption = None,
    scheduler: SchedulerOption = None,
    resume: ResumeOption = None,
    force: ForceOption = False,
) -> None:
    """Search the lever settings (Optuna, screened with few replications, the front-runners raced with many, the
    same random numbers for every package) for the cheapest package that meets every target with the spec's
    probability within the budget; write the cost–robustness front, the package as a scenario overlay
    (recommended.yaml) and a one-page brief in Chinese and English."""
    from sim.decisions.optimize import run_optimize
    from sim.decisions.outputs import summary_lines
    from sim.decisions.spec import load_optimize

    spec = load_optimize(file, set_ or [], seed)
    out = _output_folder(out, resume, Path("results") / file.resolve().parent.name / f"optimize_{file.stem}")
    outcome = run_optimize(spec, out, ["tuoyu", *sys.argv[1:]], resume=resume is not None, force=force,
                           workers=workers, scheduler=scheduler,
                           report=lambda line: err_console.print(line, soft_wrap=True))
    for line in summary_lines(outcome, spec):
        out_console.print(line, soft_wrap=True)
    _print_where(out, f"Brief: {out / 'brief_zh.pdf'}; the package as a scenario: {out / 'recommended.yaml'}"
                 if outcome.recommended is not None else f"Brief: {out / 'brief_zh.pdf'}")


@app.command(short_help="When does a target fail? PRIM boxes and a tree on a sweep's or an optimisation's runs.")
@user_errors
def discover(
    folder: Annotated[Path, typer.Argument(metavar="FOLDER", show_default=False,
                                           help="A folder written by tuoyu sweep or tuoyu optimize.")],
    target: Annotated[str, typer.Option(
        metavar="TARGET", help="Sweep: METRIC>=VALUE or METRIC<=VALUE (e.g. places_per_1000@2027-12>=4.5); "
                               "optimisation: a target's name, its number, or any.")] = "any",
    boxes: Annotated[int, typer.Option(min=1, max=5, metavar="N", help="Boxes to find, each in what the earlier "
                                                                        "ones leave.")] = 1,
    threshold: Annotated[float, typer.Option(min=0.05, max=1.0, metavar="D",
                                             help="Density the box chosen must reach.")] = 0.8,
    out: Annotated[Path | None, typer.Option(
        metavar="DIR", show_default=False, help="Results folder [default: beside FOLDER, discover_<its name>].")
    ] = None,
    force: ForceOption = False,
) -> None:
    """Scenario discovery: which ranges of the uncertain parameters and levers make a target fail (PRIM, the EMA
    Workbench's; a classification tree as a cross-check), with coverage and density, in plain words and a chart
    in Chinese and English."""
    from sim.decisions.discover import run_discover

    out = out or folder.parent / f"discover_{folder.name}"
    found = run_discover(folder, target, out, ["tuoyu", *sys.argv[1:]], boxes=boxes, threshold=threshold,
                         force=force)
    cases = found["cases"]
    out_console.print(f"{len(cases.x)} runs, {int(cases.failed.sum())} where {cases.target!r} fails; "
                      f"{cases.x.shape[1]} inputs that vary", soft_wrap=True)
    for _, row in found["table"].drop_duplicates("box").iterrows():
        out_console.print(f"box {row['box']}: {row['sentence_en']}", soft_wrap=True)
        out_console.print(f"箱{row['box']}：{row['sentence_zh']}", soft_wrap=True)
    for _, row in found["tree"].head(3).iterrows():
        out_console.print(f"tree (cross-check): fails in {row['density']:.0%} of runs where {row['rule_en']} "
                          f"(coverage {row['coverage']:.0%})", soft_wrap=True)
    _print_where(out)


@app.command(short_help="List indicators: kind, unit, label.")
@user_errors
def indicators(
    language: Annotated[str, typer.Option("--lang", metavar="zh|en", help="Language of units and labels.")] = "en",
    fmt: Annotated[str, typer.Option("--format", metavar="|".join(INDICATOR_FORMATS),
                                     help="A table to read, or CSV or JSON for scripts.")] = "table",
) -> None:
    """List the indicators with their kind (stock, flow, ratio), unit, label and (ratios) how they are computed."""
    if fmt not in INDICATOR_FORMATS:
        raise InputError([Problem("--format", f"expected one of {', '.join(INDICATOR_FORMATS)}, got {fmt!r}"
                                  f"{did_you_mean(fmt, INDICATOR_FORMATS)}")])
    rows = [{"name": name, "kind": i.kind, "unit": i.unit(language), "label": i.label(language),
             "numerator": i.numerator, "denominator": i.denominator, "scale": i.scale}
            for name, i in INDICATORS.items()]
    if fmt == "json":
        sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=1) + "\n")
    elif fmt == "csv":
        sys.stdout.write(pd.DataFrame(rows).to_csv(index=False, lineterminator="\n"))
    else:
        table = Table("name", "kind", "unit", "label")
        for row in rows:
            table.add_row(row["name"], row["kind"], row["unit"], row["label"])
        out_console.print(table)


@app.command(short_help="Write the scenario files' JSON Schema, for editors.")
@user_errors
def schema(
    out: Annotated[Path | None, typer.Option(metavar="FILE", show_default=False,
                                             help="Write it to FILE [default: print it].")] = None,
) -> None:
    """The JSON Schema of scenario files: every key with its description, unit (x-unit), hard limits (minimum,
    maximum), usual range (x-usual) and extends. Editors use it to complete and check keys, e.g. VS Code's YAML
    extension with a first line '# yaml-language-server: $schema=scenario.schema.json'."""
    from sim.reference import json_schema

    text = json.dumps(json_schema(), ensure_ascii=False, indent=1) + "\n"
    if out is None:
        sys.stdout.write(text)
        return
    out.write_text(text, encoding="utf-8")
    out_console.print(f"Wrote {out}", soft_wrap=True)


@app.command(short_help="Write a runnable city of your own from its figures by district.")
@user_errors
def init(
    folder: Annotated[Path, typer.Argument(metavar="DIR", show_default=False, help="Folder for the new city.")],
    districts: Annotated[Path | None, typer.Option(
        "--districts", metavar="FILE", show_default=False,
        help="Figures by district (CSV or .xlsx; Chinese or English headers): name_zh 区县名称, population 常住人口, "
             "births 出生人口 (a year), streets 街道数, towns 乡镇数, places 托位数, institutions 托育机构数; "
             "optionally district_id, name_en, kind [default: a made-up city of 224,000 residents, written to "
             "DIR/city_figures.csv to edit].")] = None,
    streets: Annotated[Path | None, typer.Option(
        "--streets", metavar="FILE", show_default=False,
        help="Optional list of streets and towns (CSV or .xlsx): district_id (or the district's name), name_zh, "
             "kind (street 街道 | town 乡镇), optionally name_en and population.")] = None,
    name: Annotated[str | None, typer.Option(metavar="NAME", show_default=False,
                                             help="The city's name [default: the folder's name].")] = None,
    language: LanguageOption = "zh",
    force: Annotated[bool, typer.Option("--force", help="Write again into a folder tuoyu init wrote.")] = False,
) -> None:
    """Write a city of your own that runs at once: its CSV files drawn from a few figures by district, a baseline
    scenario that depends on no other, and a three-year plan whose levers and budget are the example city's scaled
    to your residents. The output names every generated value to replace with real data."""
    from sim import newcity
    from sim.reference import json_schema

    _language(language)
    newcity.check_folder(folder, force)
    figures_path = districts or folder / "city_figures.csv"
    figure_warnings: list[Problem] = []
    try:
        figures = newcity.read_figures(districts, figure_warnings) if districts else None
    except InputError:
        print_warnings(figure_warnings)  # the unusual figures too, so that one pass shows every slip
        raise
    listed = newcity.read_street_list(streets, figures or []) if streets and figures else {}
    folder.mkdir(parents=True, exist_ok=True)
    if figures is None:
        newcity.write_figures(figures_path, newcity.DEMO)
        figures = newcity.read_figures(figures_path)
    made = newcity.init_city(folder, figures, listed, name or folder.resolve().name, language,
                             figures_path.name if figures_path.parent.resolve() == folder.resolve()
                             else str(figures_path), json.dumps(json_schema(), ensure_ascii=False, indent=1))
    print_warnings([*figure_warnings, *made.warnings])
    # It must run as written: check it now (the plan's warnings include the baseline's: each is said once).
    print_warnings([warning for scenario_file in ("baseline.yaml", "three_year_plan.yaml")
                    for warning in sim.load_scenario(folder / scenario_file).warnings])
    out_console.print(f"Wrote {folder.resolve()}: {made.residents:,} residents in {len(figures)} districts "
                      f"({made.urban_streets} urban streets); files: " + ", ".join(p.name for p in made.files),
                      soft_wrap=True)
    if not districts:
        out_console.print(f"No --districts given: this is a made-up city. Put your figures in {figures_path} and run "
                          f"tuoyu init {folder} --districts {figures_path} --force", soft_wrap=True)
    out_console.print("Replace with real data (README.md lists them; REPLACE marks them in the YAML files):",
                      soft_wrap=True)
    for item in made.replace:
        out_console.print(f"  - {item}", soft_wrap=True)
    out_console.print(f"Next: tuoyu run {folder / 'baseline.yaml'}   (summary.xlsx opens in Excel)", soft_wrap=True)


ResultArg = Annotated[Path, typer.Argument(metavar="RESULT_DIR", show_default=False,
                                           help="A folder written by tuoyu run, compare or sweep.")]


def _language(language: str) -> str:
    from sim import charts

    if language not in charts.LANGUAGES:
        raise InputError([Problem("--lang", f"expected one of {', '.join(charts.LANGUAGES)}, got {language!r}"
                                  f"{did_you_mean(language, charts.LANGUAGES)}")])
    return language


@app.command(short_help="Draw slide-ready charts from a results folder.",
             epilog="tuoyu chart --list names the charts of each kind of folder (for --only) and what each shows.")
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
    map_: Annotated[list[str] | None, typer.Option("--map", metavar="NAME", help=(
        "Draw this street map instead (repeatable; all for every one): places_per_1000, unmet_demand, "
        "licensed_occupancy, centre_coverage, deserts. From a comparison: the change from the reference."))] = None,
    month: Annotated[str | None, typer.Option(metavar="YYYY-MM", show_default=False, help=(
        "Month of the maps: a year end with street values [default: the horizon's last].)"))] = None,
    geometry: Annotated[Path | None, typer.Option(metavar="FILE", show_default=False, help=(
        "Street boundaries (GeoJSON, GeoPackage or shapefile with a street_id column) [default: streets.geojson "
        "beside the scenario's streets CSV; none: a tile grid]."))] = None,
) -> None:
    """Draw the charts of a run, compare or sweep folder into RESULT_DIR/charts/<lang>/, one file each; with --map,
    street maps (map_<name>.png)."""
    from sim import charts

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
    verify_folder(result_dir)
    folder = charts.load(result_dir)
    paths = []
    if map_:
        paths, notes = charts.render_maps(folder, map_, _language(language), fmt, out, dpi, month, geometry)
        for note in notes:
            err_console.print(f"note: {note}", soft_wrap=True)
    if only or not map_:
        paths += charts.render(folder, _language(language), fmt, only, out, dpi)
    for path in paths:
        out_console.print(str(path), soft_wrap=True)


@app.command(short_help="Write the brief (PDF and PNG: a summary page and a page of maps) and the slide-ready "
                        "charts of a results folder.")
@user_errors
def report(
    result_dir: ResultArg,
    language: LanguageOption = "zh",
    out: Annotated[Path | None, typer.Option(
        metavar="DIR", show_default=False, help="Folder for brief_<lang>.pdf and its pages' PNGs "
                                                "[default: RESULT_DIR].")] = None,
    with_charts: Annotated[bool, typer.Option(
        "--charts/--no-charts", help="Also draw every chart as PNG into charts/<lang>/ beside the brief.")] = True,
) -> None:
    """Write the A4 brief of a run (or a side-by-side brief of a comparison): a summary page and a page of street
    maps, brief_<lang>.pdf with brief_<lang>.png and brief_<lang>_maps.png, and with it the slide-ready charts (as
    tuoyu chart RESULT_DIR --lang …)."""
    from sim import charts

    verify_folder(result_dir)
    folder = charts.load(result_dir)
    language = _language(language)
    paths = charts.write_brief(folder, language, out)
    if with_charts:
        paths += charts.render(folder, language, out=out / "charts" / language if out else None)
    for path in paths:
        out_console.print(str(path), soft_wrap=True)


@app.command(name="app", short_help="Start the meeting page: levers on sliders, projections with bands.")
@user_errors
def meeting_page(
    scenario: Annotated[Path | None, typer.Argument(
        metavar="[SCENARIO]", show_default=False,
        help="Scenario the page opens with [default: the first in scenarios/]; any other can be chosen there.")] = None,
    host: Annotated[str, typer.Option(
        metavar="ADDRESS", help="Address to listen on; only this machine can connect to 127.0.0.1 (docs/app.md: "
                                "letting a meeting room in).")] = "127.0.0.1",
    port: Annotated[int | None, typer.Option(min=1, max=65535, metavar="N", show_default=False,
                                             help="Port [default: 8501, or the next free one].")] = None,
    reps: Annotated[int, typer.Option(min=2, max=500, metavar="N", help="Replications the page starts with.")] = 20,
    seed: SeedOption = 1,
    out: Annotated[Path, typer.Option(metavar="DIR", help=(
        "The page's results folder: exports (overlay, run folder, brief) and each session's uploads, which are "
        "deleted when it ends. Nothing is written elsewhere."))] = Path("results") / "app",
    workers: WorkersOption = None,
) -> None:
    """Start the meeting page (a local web page) and print its address: a control for every lever, the projection of
    the edited package against the scenario with bands in seconds, targets, what binds, maps, and the overlay and
    brief to take home."""
    from sim.app.server import Settings, serve
    from sim.folders import make_folder

    if scenario is not None:
        sim.load_scenario(scenario)  # a mistake is reported here, located, as by tuoyu validate
    make_folder(out)
    serve(Settings(scenario=scenario, out=out, reps=reps, seed=seed, workers=workers), host, port,
          say=lambda url: out_console.print(f"tuoyu app: {url}  (Ctrl-C stops it)", soft_wrap=True))


def _progress(unit: str) -> Progress:
    # A scenario's name is the user's text: shown as written, never as markup or emoji codes.
    return Progress(TextColumn("{task.description}", markup=False), BarColumn(), MofNCompleteColumn(),
                    TextColumn(unit), TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn(),
                    console=err_console)


class _ExperimentProgress:
    """A progress bar that starts once the experiment knows how much is left (after a resume, part is done)."""

    def __init__(self, progress: Progress, description: str):
        self.progress, self.description, self.task = progress, description, None

    def started(self, total: int, done: int, executor: str) -> None:
        if done:
            err_console.print(f"resuming: {done} of {total} already done")
        self.task = self.progress.add_task(f"{self.description} ({executor})", total=total, completed=done)

    def update(self, done: int) -> None:
        self.progress.update(self.task, completed=done)


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
        table.add_row(row.target, probability, first, value)
    out_console.print(table)


def print_binding(result: Result) -> None:
    """Share of districts in which each constraint limits enrolment, per year, and what a little more of each
    resource from then on adds (city totals)."""
    if not binding.measured(result):
        out_console.print("What limits enrolment: not measured (--binding-reps 0)")
        return
    gains = binding.city_gains(result)
    columns = [binding.probe_label(resource, "en") for resource in gains.columns]
    table = Table("year", *binding.CONSTRAINTS, *columns, title="What limits enrolment (share of districts; children "
                  "in care added from the year's start to the horizon, mean)", title_justify="left")
    for row in binding.year_overview(result).itertuples(index=False):
        table.add_row(str(row.year), *(f"{getattr(row, c):.0%}" for c in binding.CONSTRAINTS),
                      *(f"{gains.loc[row.year, resource]:+,.0f}" for resource in gains.columns))
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
    uncertainty = result.uncertainty().set_index(["indicator", "year"])
    last = years[-1]
    table = Table(title=f"{result.scenario.name}: {result.reps} replications, seed {result.seed}; "
                        f"mean (p5–p95) at each year end", title_justify="left")
    table.add_column("indicator")
    for year, month in result.calendar.year_end_months.items():
        table.add_column(str(year) if month.endswith("-12") else month, justify="right")
    table.add_column(f"band from parameters, {last}", justify="right")
    for name in SUMMARY_INDICATORS:
        rows = city[city["indicator"] == name].set_index("year")
        cells = [f"{_number(rows.at[y, 'mean'], name)} ({_number(rows.at[y, 'p5'], name)}–"
                 f"{_number(rows.at[y, 'p95'], name)})" for y in years]
        share = uncertainty.at[(name, last), "parameter_share"]
        table.add_row(f"{name} {INDICATORS[name].label(language)}", *cells, "—" if pd.isna(share) else f"{share:.0%}")
    out_console.print(table)
    drawn = result.parameters["parameter"].nunique() if len(result.parameters) else 0
    out_console.print(f"Bands: {drawn} uncertain parameters drawn in every replication (parameters.csv) and chance; "
                      f"the last column is the share of the band's variance from the parameters, from "
                      f"{uncertainty['twins'].iat[0]} twin replications that share their parameters, not their chance "
                      f"(uncertainty.csv).", soft_wrap=True)


def print_comparison(outcome: CompareOutcome) -> None:
    """Key indicators at each year end: each scenario's median (p5–p95), then each one's paired difference from
    the first (mean and 95% interval); and the targets side by side."""
    comparison = outcome.comparison.set_index(["scenario", "indicator", "period"])
    differences = outcome.differences.set_index(["scenario", "indicator", "period"])
    labels = list(dict.fromkeys(outcome.comparison["scenario"]))
    reps = outcome.results[0].reps
    table = Table(title=f"Comparison: {reps} replications each, common random numbers; "
                        f"median (p5–p95) and Δ from {labels[0]}: mean [95% interval]", title_justify="left")
    table.add_column("indicator")
    table.add_column("year end")
    for label in labels:
        table.add_column(label, justify="right")
    for label in labels[1:]:
        table.add_column(f"Δ {label}", justify="right")
    for name in SUMMARY_INDICATORS:
        for period in outcome.results[0].calendar.year_end_months.values():
            cells = []
            for label in labels:
                row = comparison.loc[(label, name, period)]
                cells.append(f"{_number(row.p50, name)} ({_number(row.p5, name)}–{_number(row.p95, name)})")
            for label in labels[1:]:
                row = differences.loc[(label, name, period)]
                cells.append(f"{_signed(row['mean'], name)} "
                             f"[{_signed(row.ci_low, name)}, {_signed(row.ci_high, name)}]")
            table.add_row(name, period, *cells)
    out_console.print(table)
    targets_table = Table("target", *labels, title="Targets: P(met at deadline)",
                          title_justify="left")
    frame = outcome.targets
    for target in dict.fromkeys(frame["target"]):
        rows = frame[frame["target"] == target].set_index("scenario")
        targets_table.add_row(target, *("beyond horizon" if pd.isna(rows.at[label, "probability_met"])
                                                else f"{rows.at[label, 'probability_met']:.0%}" for label in labels))
    out_console.print(targets_table)


def _signed(value: float, indicator: str) -> str:
    """A difference: rates in percentage points (pp), not per cent of themselves."""
    if pd.isna(value):
        return "—"
    sign = "+" if value > 0 else ""
    if INDICATORS[indicator].unit_en == "share":
        return f"{sign}{value * 100:.1f} pp"
    return sign + _number(value, indicator)


def print_analysis(method: str, outcome: SweepOutcome) -> None:
    """The sweep's analysis table and its notes."""
    frame = outcome.analysis
    table = Table(*frame.columns, title=f"Sensitivity ({method}, {len(outcome.runs)} points)", title_justify="left")
    for row in frame.itertuples(index=False):
        table.add_row(*(f"{v:.4g}" if isinstance(v, float) else str(v) for v in row))
    out_console.print(table)
    for note in outcome.notes:
        out_console.print(f"note: {note}", soft_wrap=True)


def print_calibration(outcome: CalibrationOutcome) -> None:
    """Fitted values, the final loss, the fit and the backtest."""
    from sim.calibration.outputs import share_text

    fitted = Table("parameter", "low", "high", "start", "fitted", title="Fitted values", title_justify="left")
    for row in outcome.fitted.itertuples(index=False):
        fitted.add_row(row.parameter, *(f"{v:.4g}" for v in (row.low, row.high, row.start, row.fitted)))
    out_console.print(fitted)
    replayed = outcome.evaluations - outcome.computed
    out_console.print(f"Final loss {outcome.loss:.6g} after {outcome.evaluations} evaluations"
                      + (f" ({replayed} replayed from the log)" if replayed else ""))
    for title, frame in (("Fit at the fitted values", outcome.fit), ("Backtest (not fitted)", outcome.backtest)):
        if frame.empty:
            continue
        ensemble = "fit_share" in frame  # the backtest pools the plausible sets: how much of its band is the fit's
        table = Table("target", "observed", "simulated mean (p5–p95)", "error", "relative error",
                      *(["fit's share of the band"] if ensemble else []), title=title, title_justify="left")
        for row in frame.itertuples(index=False):
            table.add_row(row.target, f"{row.observed:.4g}",
                          f"{row.simulated_mean:.4g} ({row.simulated_p5:.4g}–{row.simulated_p95:.4g})",
                          f"{row.error:+.4g}", f"{row.relative_error:+.1%}",
                          *([share_text(row.fit_share)] if ensemble else []))
        out_console.print(table)
