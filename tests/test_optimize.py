"""`tuoyu optimize` on a tiny city whose cheapest package is known by enumeration: the optimiser finds it (within
5%), a killed run resumes to the same tables, one and two workers and a Dask cluster agree, an infeasible spec says
so, bad specs are located; the overlay runs as a scenario; the front and the brief read right."""

from __future__ import annotations

import itertools
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

import sim
from sim.charts.decisions import brief, front
from sim.cli import app
from sim.decisions.estimates import FEASIBLE, Estimate, wilson
from sim.decisions.evaluate import PACKAGE, Evaluator, Layout
from sim.decisions.levers import CHOICE, INTEGER, NUMBER, schema_kind
from sim.decisions.optimize import held, run_optimize
from sim.decisions.spec import load_optimize
from sim.experiments.compare import load_scenarios
from tests import figure_checks as checks

TINY = Path(__file__).resolve().parent / "data" / "tiny"
TABLES = ("candidates", "front", "package", "targets", "costs", "outcomes")
runner = CliRunner()


@pytest.fixture(scope="module")
def city(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("tiny")
    shutil.copytree(TINY, folder, dirs_exist_ok=True)
    return folder


@pytest.fixture(scope="module")
def optimized(city) -> tuple[Path, object]:
    out = city / "optimized"
    spec = load_optimize(city / "optimize.yaml")
    return out, run_optimize(spec, out, ["tuoyu", "optimize"], workers=1)


def enumerate_packages(spec) -> list[tuple[tuple[float, ...], Estimate]]:
    """Every package of the grid, each with the top rung's replications (the same random numbers)."""
    layout = Layout.of(spec)
    model = Evaluator(spec, layout)
    grids = [np.arange(d.low, d.high + 1e-9, d.step or 1.0) for d in spec.decisions]
    found = []
    for values in itertools.product(*grids):
        values = tuple(float(v) for v in values)
        rows = np.stack([model((PACKAGE, values, r)) for r in range(spec.search.final_reps)])
        found.append((values, Estimate.of(rows[:, layout.index("cost")], held(spec, layout, rows))))
    return found


def test_finds_the_cheapest_package_known_by_enumeration(city, optimized):
    spec = load_optimize(city / "optimize.yaml")
    packages = enumerate_packages(spec)
    feasible = [(e.cost, v) for v, e in packages if e.status(spec.level, final=True) == FEASIBLE]
    assert len(feasible) < len(packages) / 2  # the constraints bind: most packages fail
    optimum = min(feasible)[0]
    _, outcome = optimized
    assert outcome.recommended is not None
    found = dict(packages)[outcome.recommended]
    assert found.status(spec.level, final=True) == FEASIBLE
    assert found.cost <= 1.05 * optimum
    assert len(outcome.candidates) < len(packages)  # it did not simply try them all
    estimate = outcome.estimates["recommended"]
    assert estimate.reps == spec.search.final_reps and estimate.cost == pytest.approx(found.cost)


def test_resume_after_a_kill_reproduces_the_uninterrupted_result(city, optimized):
    out = city / "killed"
    command = [sys.executable, "-c", "from sim.cli import app; app()", "optimize", str(city / "optimize.yaml"),
               "--out", str(out), "--workers", "1"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    log = out / "replications.csv"
    deadline = time.monotonic() + 300
    while process.poll() is None and time.monotonic() < deadline:
        if log.exists() and log.read_text(encoding="utf-8").count("\n") > 30:  # well into the search
            break
        time.sleep(0.05)
    assert process.poll() is None, "the optimisation ended before it could be killed"
    process.kill()
    process.wait(timeout=60)
    stored = log.read_text(encoding="utf-8").count("\n") - 1
    spec = load_optimize(city / "optimize.yaml")
    resumed = run_optimize(spec, out, ["tuoyu", "optimize", "--resume", str(out)], resume=True, workers=1)
    whole, outcome = optimized
    assert 0 < resumed.computed < outcome.computed and resumed.evaluations == outcome.evaluations
    assert resumed.computed == outcome.evaluations - stored
    for name in TABLES:
        assert (out / f"{name}.csv").read_bytes() == (whole / f"{name}.csv").read_bytes(), name
    assert (out / "recommended.yaml").read_text().split("\n", 3)[3] == \
        (whole / "recommended.yaml").read_text().split("\n", 3)[3]


def test_one_and_two_workers_and_dask_give_the_same_tables(city, optimized):
    from distributed import LocalCluster

    spec = load_optimize(city / "optimize.yaml")
    run_optimize(spec, city / "two_workers", ["tuoyu"], workers=2)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None) as cluster:
        run_optimize(spec, city / "dask", ["tuoyu"], scheduler=cluster.scheduler_address)
    whole, _ = optimized
    for out in (city / "two_workers", city / "dask"):
        for name in (*TABLES, "replications"):
            if name == "replications":  # rows arrive in another order; the same rows
                frames = [pd.read_csv(f / "replications.csv").drop(columns="row") for f in (out, whole)]
                keys = list(frames[0].columns[:4])
                frames = [f.sort_values(keys).reset_index(drop=True) for f in frames]
                pd.testing.assert_frame_equal(*frames)
            else:
                assert (out / f"{name}.csv").read_bytes() == (whole / f"{name}.csv").read_bytes(), (out.name, name)


def test_the_package_is_a_scenario_that_run_and_compare_take(city, optimized):
    out, outcome = optimized
    overlay = sim.load_scenario(out / "recommended.yaml")
    spec = load_optimize(city / "optimize.yaml")
    policies = overlay.spec.policies
    centres, projects = outcome.recommended
    assert policies.street_centres.centres_per_year == centres
    assert policies.public_build.projects_per_year == {2025: int(projects)}
    assert overlay.spec.policies.street_centres.deadline == spec.base.scenario.spec.policies.street_centres.deadline
    assert len(load_scenarios([city / "scenario.yaml", out / "recommended.yaml"], [])) == 2
    result = runner.invoke(app, ["run", str(out / "recommended.yaml"), "--reps", "2", "--out",
                                         str(city / "rec_run")])
    assert result.exit_code == 0, result.output


def test_tables_say_what_the_replications_say(city, optimized):
    out, outcome = optimized
    front_table = pd.read_csv(out / "front.csv")
    candidates = pd.read_csv(out / "candidates.csv")
    assert (candidates["status"] == "recommended").sum() == 1
    chosen = candidates[candidates["status"] == "recommended"].iloc[0]
    assert chosen["on_front"]  # the cheapest feasible package is on the front
    # No package on the front is beaten on both cost and robustness by any within the budget.
    for row in front_table.itertuples():
        better = candidates[(candidates["cost_yuan"] < row.cost_yuan)
                            & (candidates["lowest_target_probability"] > row.lowest_target_probability)]
        assert better.empty
    costs = pd.read_csv(out / "costs.csv")
    yearly = costs[(costs["scenario"] == "recommended") & (costs["payer"] == "all") & (costs["period"] == "2025")]
    assert yearly["mean"].iloc[0] == pytest.approx(outcome.estimates["recommended"].cost)
    targets = pd.read_csv(out / "targets.csv")
    assert (targets["probability"] >= targets["level"]).all()
    assert ((targets["low"] <= targets["probability"]) & (targets["probability"] <= targets["high"])).all()


@pytest.mark.parametrize("language", ["zh", "en"])
def test_front_and_brief_read_right(optimized, language):
    out, outcome = optimized
    tables = {name: pd.read_csv(out / f"{name}.csv") for name in TABLES}
    figure = front(tables, 0.9, language=language)
    assert checks.problems(figure) == []
    spec = load_optimize(TINY / "optimize.yaml")
    from sim.charts.decisions import brief_info

    page = brief(tables, brief_info(spec, tables, "test"), language)
    assert checks.problems(page) == []
    cells = checks.table_cells(page, "targets")
    estimate = outcome.estimates["recommended"]
    shown = {cells[r, 1] for r in range(1, len(spec.targets) + 1)}
    assert shown == {f"{p:.0%} ({lo:.0%}–{hi:.0%})" for p, lo, hi in zip(estimate.probability, estimate.low,
                                                                          estimate.high, strict=True)}
    package = checks.table_cells(page, "package")
    assert {package[r, 2] for r in (1, 2)} == {f"{int(v):,}" for v in outcome.recommended}
    # each lever setting in words of the brief's language, not its scenario key
    from sim.decisions.discover import dimension_label

    named = {dimension_label(d.key, language) for d in spec.decisions}
    assert {package[r, 0] for r in (1, 2)} == {n[:1].upper() + n[1:] for n in named}  # a row starts with a capital
    assert not any("_" in package[r, 0] for r in (1, 2))
    buys = checks.table_cells(page, "buys")
    firsts = [text for (r, c), text in buys.items() if c == 0 and r > 0]
    assert firsts and all(t[:1] == t[:1].upper() for t in firsts), firsts  # each row starts with a capital
    assert (out / f"brief_{language}.pdf").stat().st_size and (out / f"front_{language}.png").exists()


def write_spec(folder: Path, **changes) -> Path:
    data = yaml.safe_load((TINY / "optimize.yaml").read_text())
    data.update(changes)
    path = folder / "spec.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True))
    return path


def test_an_infeasible_spec_says_so(city):
    scenario = (city / "scenario.yaml").read_text().replace("at_least: 3.6", "at_least: 40")
    (city / "unreachable.yaml").write_text(scenario)
    spec = write_spec(city, scenario="unreachable.yaml", search={"trials": 4, "batch": 4, "screen_reps": 3,
                                                                 "reps": [6], "front_runners": 2,
                                                                 "startup_trials": 4})
    out = city / "infeasible"
    result = runner.invoke(app, ["optimize", str(spec), "--out", str(out), "--workers", "1"])
    assert result.exit_code == 0, result.output
    assert "No package found that meets every constraint with probability ≥ 0.9" in result.output
    assert "no package meets every constraint" in result.output
    assert not (out / "recommended.yaml").exists()
    assert pd.read_csv(out / "package.csv")["recommended"].isna().all()
    assert (out / "brief_en.pdf").exists()


@pytest.mark.parametrize(("decisions", "message"), [
    ({"policies.street_centres.centres_per_yer": [0, 8]}, "unknown key 'centres_per_yer' in policies.street_centres "
                                                          "(did you mean 'centres_per_year'?)"),
    ({"policies.street_centre.centres_per_year": [0, 8]}, "(did you mean 'street_centres'?)"),
    ({"demand.give_up_per_month_share": [0, 1]}, "expected a lever setting, policies.<lever>.<key>"),
    ({"policies.street_centres.centres_per_year": [8, 0]}, "low must be below high, got 8 and 0"),
    ({"policies.street_centres.centres_per_year": [0, 1e9]}, "at 1,000,000,000: expected a number in [0, 10000]"),
    ({"policies.public_build.projects_per_year": [0, 2.5]}, "is a whole number"),
    ({"policies.construction_subsidy.eligible_types": {"choices": [["public"], ["privat"]]}}, "at privat"),
    ({"policies.construction_subsidy.eligible_types": [0, 1]}, "expected {choices: [A, B, …]}"),
])
def test_bad_decisions_are_located(city, decisions, message):
    spec = write_spec(city, decisions=decisions)
    result = runner.invoke(app, ["optimize", str(spec), "--out", str(city / "never")])
    assert result.exit_code == 2, result.output
    assert message in result.output and "spec.yaml" in result.output and "Traceback" not in result.output
    assert not (city / "never").exists()


@pytest.mark.parametrize(("changes", "message"), [
    ({"constraints": {"level": 1.5}}, "level must be a probability between 0 and 1"),
    ({"constraints": {"targets": ["nope"]}}, "unknown target 'nope'"),
    ({"constraints": {"budget": "appropriations"}}, "needs a budget: section"),
    ({"search": {"reps": [3]}}, "replications must rise"),
    ({"objectiv": {}}, "unknown key 'objectiv' (did you mean 'objective'?)"),
])
def test_bad_settings_are_located(city, changes, message):
    result = runner.invoke(app, ["optimize", str(write_spec(city, **changes)), "--out", str(city / "never")])
    assert result.exit_code == 2 and message in result.output, result.output


@pytest.mark.parametrize(("changes", "key"), [
    ({"search": {"trials": 4, "reps": [3]}}, "  reps:"),
    ({"search": {"trials": 0}}, "  trials: 0"),
    ({"constraints": {"budget": "appropriations", "level": 2}}, "  level: 2"),
    ({"objective": {"transfers": "yes"}}, "  transfers: 'yes'"),
    ({"constraints": {"levl": 0.9}}, "  levl: 0.9"),
])
def test_a_bad_setting_is_located_at_its_own_line(city, changes, key):
    """Not at its section's line: a long spec's error names the line to edit."""
    spec = write_spec(city, **changes)
    line = next(n for n, text in enumerate(spec.read_text().splitlines(), 1) if text.startswith(key))
    result = runner.invoke(app, ["optimize", str(spec), "--out", str(city / "never")])
    assert result.exit_code == 2 and f"spec.yaml:{line}:" in result.output, (line, result.output)


def test_kinds_come_from_the_schema():
    years = [2025, 2026]
    assert schema_kind("policies.public_build.projects_per_year", years) == (
        INTEGER, ("policies.public_build.projects_per_year.2025", "policies.public_build.projects_per_year.2026"))
    assert schema_kind("policies.construction_subsidy.yuan_per_place", years)[0] == NUMBER
    assert schema_kind("policies.construction_subsidy.eligible_types", years)[0] == CHOICE
    assert schema_kind("policies.training.trainees_per_year.2026", years) == (
        INTEGER, ("policies.training.trainees_per_year.2026",))


def test_wilson_interval():
    low, high = wilson(9, 10)
    assert 0.59 < low < 0.6 and 0.98 < high < 0.99  # the textbook values 0.596, 0.982
    assert wilson(0, 20)[0] == 0.0 and wilson(20, 20)[1] == 1.0
