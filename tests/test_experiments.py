"""`tuoyu compare` and `tuoyu sweep` on the small city: paired differences, executors, resume, analysis, errors."""

from __future__ import annotations

import json
import math
import os
import shutil
import subprocess
import sys
import time

import numpy as np
import pandas as pd
import psutil
import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

import sim
from sim.cli import app
from sim.experiments.analysis import analyse
from sim.experiments.compare import run_compare
from sim.experiments.evaluators import MAX_CHUNK, ProcessPool, chunks, open_evaluator
from sim.experiments.folder import Interrupted
from sim.experiments.parameters import Parameter
from sim.experiments.samplers import sample
from sim.experiments.spec import load_sweep
from sim.experiments.sweep import run_sweep
from sim.output import CSV_ENCODING
from tests.conftest import SMALL

runner = CliRunner()
PARAMS = ["demand.give_up_per_month_share=0.04:0.12", "providers.entry.max_entries_per_district_per_year=2:8"]
METRICS = ["places_per_1000@2025-12", "enrolled@2025"]
SWEEP = ["--param", PARAMS[0], "--param", PARAMS[1], "--metric", METRICS[0], "--metric", METRICS[1],
         "--set", "horizon.end=2025-12"]


def invoke(*args):
    return runner.invoke(app, [str(a) for a in args])


def read(path):
    return pd.read_csv(path, encoding=CSV_ENCODING)


@pytest.fixture
def variant(tmp_path):
    """The small city with a larger construction subsidy: a policy that changes places but not people."""
    path = tmp_path / "subsidy.yaml"
    path.write_text(f"extends: {SMALL}\nmeta:\n  name: small with subsidy\n"
                    "policies:\n  construction_subsidy:\n    yuan_per_place: 20000\n", encoding="utf-8")
    return path


def test_compare_differences_are_the_paired_differences_of_replications(tmp_path, variant):
    out = tmp_path / "cmp"
    done = invoke("compare", SMALL, variant, "--reps", 3, "--seed", 5, "--out", out, "--workers", 1,
                  "--set", "horizon.end=2025-12")
    assert done.exit_code == 0, done.output
    assert "Comparison" in done.output and "Δ small with subsidy" in done.output and "Targets" in done.output
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["kind"] == "compare" and manifest["status"] == "complete" and manifest["reps"] == 3
    assert [s["folder"] for s in manifest["scenarios"]] == ["scenarios/scenario", "scenarios/subsidy"]
    assert not (out / "replications").exists()

    def city(folder, indicator):
        annual = pd.read_parquet(out / "scenarios" / folder / "annual.parquet")
        rows = annual[(annual["level"] == "city") & (annual["indicator"] == indicator)]
        return rows.sort_values("replication")["value"].to_numpy()

    differences = read(out / "differences.csv")
    assert list(differences.columns) == ["scenario", "reference", "indicator", "period", "mean", "p5", "p50", "p95",
                                         "ci_low", "ci_high"]
    for indicator in ("places_licensed", "enrolled", "spend_total"):
        paired = city("subsidy", indicator) - city("scenario", indicator)
        row = differences[(differences["indicator"] == indicator) & (differences["period"] == "2025-12")].iloc[0]
        assert row["mean"] == pytest.approx(paired.mean())
        assert row["p5"] == pytest.approx(np.percentile(paired, 5))
        assert row["ci_low"] <= row["mean"] <= row["ci_high"]
    assert differences.query("indicator == 'children_0_3'")["mean"].eq(0).all()  # people do not depend on places
    comparison = read(out / "comparison.csv")
    assert set(comparison["scenario"]) == {"small test city", "small with subsidy"}
    assert read(out / "targets.csv").groupby("scenario").size().tolist() == [3, 3]


def test_compare_of_a_scenario_with_itself_gives_zero_differences(tmp_path):
    outcome = run_compare([SMALL, SMALL], ["horizon.end=2025-06"], 2, 3, tmp_path / "same", ["test"], workers=1)
    numbers = outcome.differences[["mean", "p5", "p50", "p95", "ci_low", "ci_high"]]
    assert (numbers.fillna(0) == 0).all().all()
    assert set(outcome.comparison["scenario"]) == {"small test city (scenario)", "small test city (scenario_2)"}


def test_results_are_identical_whatever_the_executor(tmp_path, monkeypatch):
    from distributed import LocalCluster

    monkeypatch.setattr(ProcessPool, "run_here_while_starting", False)  # every task in a worker process
    common = ["sweep", SMALL, *SWEEP, "--method", "lhs", "-n", 6, "--reps", 2, "--seed", 3]
    assert invoke(*common, "--workers", 1, "--out", tmp_path / "one").exit_code == 0
    assert invoke(*common, "--workers", 2, "--out", tmp_path / "two").exit_code == 0
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None) as cluster:
        on_dask = invoke(*common, "--scheduler", cluster.scheduler_address, "--out", tmp_path / "dask")
        assert on_dask.exit_code == 0, on_dask.output
        dask_run = sim.run(sim.load_scenario(SMALL, ["horizon.end=2025-06"]), 3, 4,
                           scheduler=cluster.scheduler_address)
    for name in ("runs.csv", "analysis.csv", "plan.csv"):
        expected = (tmp_path / "one" / name).read_bytes()
        assert (tmp_path / "two" / name).read_bytes() == expected
        assert (tmp_path / "dask" / name).read_bytes() == expected
    scenario = sim.load_scenario(SMALL, ["horizon.end=2025-06"])
    sequential = sim.run(scenario, 3, 4)
    pooled = sim.run(scenario, 3, 4, workers=2)
    np.testing.assert_array_equal(sequential._monthly, pooled._monthly)
    np.testing.assert_array_equal(sequential._annual, dask_run._annual)
    pd.testing.assert_frame_equal(sequential.ledger, pooled.ledger)


@given(st.integers(0, 400), st.integers(1, 64))
def test_chunks_hold_every_task_once_in_order(tasks, workers):
    parts = chunks(range(tasks), workers)
    assert [position for part in parts for position in part] == list(range(tasks))
    assert all(1 <= len(part) <= MAX_CHUNK for part in parts)
    assert len(parts) >= min(tasks, 2 * workers)  # several chunks a worker while there are tasks for them


class Refuses:
    def __call__(self, task):
        raise sim.InputError([sim.Problem("point", f"value {task} is not allowed")])


class SlowToStart:
    """A model a worker takes a second to receive; each task reports where it ran. Tasks are slower in the parent
    so that workers slow to start on a busy machine still find tasks left."""

    def __init__(self):
        self.parent = os.getpid()

    def __setstate__(self, state):
        time.sleep(1.0)
        self.__dict__.update(state)

    def __call__(self, task):
        time.sleep(0.05 if os.getpid() == self.parent else 0.01)
        return task * task, os.getpid()


def test_the_parent_runs_tasks_while_the_workers_start_and_the_results_stay_in_place():
    tasks = list(range(300))
    with open_evaluator(SlowToStart(), workers=2) as evaluator:
        assert isinstance(evaluator, ProcessPool)
        results = dict(pair for finished in evaluator.map(tasks) for pair in finished)
    assert [results[p][0] for p in range(len(tasks))] == [t * t for t in tasks]
    ran_where = {pid for _, pid in results.values()}
    assert os.getpid() in ran_where and len(ran_where - {os.getpid()}) >= 1
    here = [p for p in range(len(tasks)) if results[p][1] == os.getpid()]
    assert here == list(range(len(tasks) - len(here), len(tasks)))  # taken from the end, so workers start at 0


def test_an_input_error_in_a_worker_process_reaches_the_caller_whole(monkeypatch):
    monkeypatch.setattr(ProcessPool, "run_here_while_starting", False)
    with pytest.raises(sim.InputError) as caught, open_evaluator(Refuses(), workers=2) as evaluator:
        list(evaluator.map([1]))
    assert caught.value.problems == [sim.Problem("point", "value 1 is not allowed")]


def _stop_after(points):
    def progress(done):
        if done >= points:
            raise KeyboardInterrupt
    return progress


def test_an_interrupted_sweep_resumes_to_the_same_tables(tmp_path):
    spec = load_sweep(SMALL, PARAMS, "morris", 2, METRICS, 1, 2, ["horizon.end=2025-12"])
    whole = run_sweep(spec, tmp_path / "whole", ["tuoyu", "sweep"], workers=1)
    assert whole.computed == len(whole.runs) == 6
    out = tmp_path / "part"
    with pytest.raises(Interrupted, match="--resume"):
        run_sweep(spec, out, ["tuoyu", "sweep", "x", "--out", str(out)], workers=1, progress=_stop_after(4))
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["status"] == "interrupted" and len(read(out / "plan.csv")) == 6
    assert len(pd.read_csv(out / "runs.csv")) == 4
    with (out / "runs.csv").open("a", encoding="utf-8") as file:
        file.write("5,0.07,3.0,4.1")  # a line cut short by a crash: dropped, the run is redone
    other = load_sweep(SMALL, PARAMS, "morris", 2, METRICS, 1, 9, ["horizon.end=2025-12"])
    with pytest.raises(sim.InputError, match=r"planned with other settings.*seed \(planned 2, now 9\)"):
        run_sweep(other, out, ["tuoyu"], resume=True, workers=1)
    tampered = tmp_path / "tampered"
    shutil.copytree(out, tampered)
    plan = read(tampered / "plan.csv")
    plan.iloc[3, 1] += 0.01
    plan.to_csv(tampered / "plan.csv", index=False, encoding=CSV_ENCODING)
    with pytest.raises(sim.InputError, match=r"plan\.csv holds other points"):
        run_sweep(spec, tampered, ["tuoyu"], resume=True, workers=1)
    resumed = run_sweep(spec, out, ["tuoyu"], resume=True, workers=1)
    assert resumed.computed == 2
    for name in ("runs.csv", "analysis.csv", "plan.csv"):
        assert (out / name).read_bytes() == (tmp_path / "whole" / name).read_bytes()
    pd.testing.assert_frame_equal(pd.read_parquet(out / "runs.parquet"),
                                  pd.read_parquet(tmp_path / "whole" / "runs.parquet"))
    refused = invoke("sweep", SMALL, *SWEEP, "--method", "morris", "-n", 2, "--reps", 1, "--seed", 2, "--resume", out)
    assert refused.exit_code == 2 and "already complete" in refused.output


def _sweep_until_runs_are_stored(out):
    """A long ``tuoyu sweep`` of the small city on 2 workers, in a process of its own, once a few runs are stored."""
    command = [sys.executable, "-c", "from sim.cli import app; app()", "sweep", str(SMALL), *map(str, SWEEP),
               "--method", "lhs", "-n", "2000", "--reps", "1", "--workers", "2", "--out", str(out)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    runs = out / "runs.csv"
    while process.poll() is None and not (runs.exists() and len(runs.read_text(encoding="utf-8").splitlines()) > 3):
        time.sleep(0.05)
    return process


def test_sigterm_stops_a_sweep_as_ctrl_c_does(tmp_path):
    out = tmp_path / "sweep"
    process = _sweep_until_runs_are_stored(out)
    process.terminate()
    _, errors = process.communicate(timeout=120)
    assert process.returncode == 130, errors
    assert "interrupted: the finished runs are kept" in errors and "--resume" in errors and "Traceback" not in errors
    assert json.loads((out / "manifest.json").read_text(encoding="utf-8"))["status"] == "interrupted"
    assert 3 <= len(read(out / "runs.csv")) < 2000


def test_a_killed_sweep_leaves_no_process_behind(tmp_path):
    process = _sweep_until_runs_are_stored(tmp_path / "sweep")
    helpers = []
    while process.poll() is None and len(helpers) < 4:  # resource tracker, fork server, 2 workers
        helpers = psutil.Process(process.pid).children(recursive=True)
        time.sleep(0.05)
    assert len(helpers) == 4
    process.kill()
    process.communicate(timeout=60)
    _, alive = psutil.wait_procs(helpers, timeout=60)
    assert alive == []


def test_an_interrupted_comparison_resumes_without_recomputing(tmp_path, variant):
    files, settings = [SMALL, variant], (["horizon.end=2025-06"], 3, 1)
    whole = run_compare(files, *settings, tmp_path / "whole", ["tuoyu"], workers=1)
    out = tmp_path / "part"
    with pytest.raises(Interrupted):
        run_compare(files, *settings, out, ["tuoyu"], workers=1, progress=_stop_after(4))
    assert len(list((out / "replications").rglob("replication_*.npz"))) == 4
    resumed = run_compare(files, *settings, out, ["tuoyu"], resume=True, workers=1)
    assert resumed.computed == 2 and whole.computed == 6
    for name in ("comparison.csv", "differences.csv", "targets.csv"):
        assert (out / name).read_bytes() == (tmp_path / "whole" / name).read_bytes()
    assert (out / "scenarios" / "subsidy" / "summary.csv").read_bytes() == \
        (tmp_path / "whole" / "scenarios" / "subsidy" / "summary.csv").read_bytes()


class Ishigami:
    """The Ishigami function, whose Sobol indices are known in closed form."""

    a, b = 7.0, 0.1

    def __call__(self, x):
        return np.array([math.sin(x[0]) + self.a * math.sin(x[1]) ** 2 + self.b * x[2] ** 4 * math.sin(x[0])])

    def indices(self):
        a, b, pi = self.a, self.b, math.pi
        v1 = 0.5 * (1 + b * pi**4 / 5) ** 2
        v2 = a**2 / 8
        v13 = b**2 * pi**8 * (1 / 18 - 1 / 50)
        variance = v1 + v2 + v13
        return {"S1": [v1 / variance, v2 / variance, 0.0], "ST": [(v1 + v13) / variance, v2 / variance, v13 / variance]}


def test_sobol_recovers_known_indices_within_their_intervals():
    parameters = [Parameter(f"x{i}", -math.pi, math.pi, 0.0) for i in (1, 2, 3)]
    points = sample("sobol", parameters, 1024, seed=11)
    assert points.shape == (1024 * 5, 3)
    outputs = np.zeros(len(points))
    with open_evaluator(Ishigami(), workers=1) as evaluator:
        for finished in evaluator.map([tuple(p) for p in points]):
            for position, value in finished:
                outputs[position] = value[0]
    analysis, _ = analyse("sobol", parameters, points, pd.DataFrame({"y": outputs}), seed=11)
    known = Ishigami().indices()
    for index in ("S1", "ST"):
        for row, expected in zip(analysis.itertuples(), known[index], strict=True):
            assert abs(getattr(row, index) - expected) <= getattr(row, f"{index}_conf"), (row.parameter, index)


def test_oat_and_lhs_analysis_find_the_parameter_that_matters():
    parameters = [Parameter("big", 0, 1, 0.5), Parameter("small", 0, 1, 0.5), Parameter("none", 0, 1, 0.5)]
    for method, n in (("oat", None), ("lhs", 50), ("morris", 8)):
        points = sample(method, parameters, n, seed=1)
        y = pd.DataFrame({"y": 10 * points[:, 0] + points[:, 1]})
        analysis, notes = analyse(method, parameters, points, y, seed=1)
        if method == "oat":
            assert list(analysis["parameter"]) == ["big", "small", "none"]
            assert analysis["swing"].tolist() == pytest.approx([10, 1, 0])
        elif method == "lhs":
            assert analysis["src"].tolist() == pytest.approx(
                [10 / y["y"].std(ddof=0) * points[:, 0].std(), points[:, 1].std() / y["y"].std(ddof=0), 0], abs=1e-9)
        else:
            assert analysis["mu_star"].tolist() == pytest.approx([10, 1, 0])
            assert any("none" in note and "indistinguishable from zero" in note for note in notes)


def test_a_range_that_leaves_out_the_scenarios_value_gets_a_note(tmp_path):
    from sim.result_folders import load

    done = invoke("sweep", SMALL, "--param", "demand.give_up_per_month_share=0.1:0.2", "--metric", METRICS[0],
                  "--set", "horizon.end=2025-12", "--reps", 1, "--workers", 1, "--out", tmp_path / "oat")
    assert done.exit_code == 0, done.output
    assert ("note: demand.give_up_per_month_share: the scenario's value 0.35 lies outside the swept range 0.1–0.2"
            in " ".join(done.output.split()))
    assert load(tmp_path / "oat").name == "small test city"  # chart footers name the scenario, not the folder
    assert Parameter("k", 0.1, 0.2, 0.1).note() is None and Parameter("k", 0.1, 0.2, 0.2).note() is None


def test_sobol_n_must_be_a_power_of_two():
    refused = invoke("sweep", SMALL, *SWEEP, "--method", "sobol", "-n", 100)
    assert refused.exit_code == 2
    assert "-n 100: for sobol, n must be a power of two" in refused.output and "use 64 or 128" in refused.output


def test_bad_sweep_specs_get_located_errors(tmp_path):
    spec = tmp_path / "spec.yaml"
    spec.write_text(f"""scenario: {SMALL}
method: sobolo
n: 64
parameters:
  demand.give_up_per_month_shar: [0.04, 0.12]
  meta.name: [1, 2]
  demand.dropout_per_month_share: [0.2, 0.1]
  demand.market_preference_share: [0.5, 1.5]
  demand.stated_need_share: [0, 1]
metrics: [enroled@2026-12, enrolled@2031-12, enrolled@2026]
""", encoding="utf-8")
    refused = invoke("sweep", spec)
    assert refused.exit_code == 2 and "Traceback" not in refused.output
    text = " ".join(refused.output.split())
    for expected in (
            "spec.yaml:2:1: method: unknown method 'sobolo' (did you mean 'sobol'?)",
            "spec.yaml:5:3: demand.give_up_per_month_shar: unknown key 'give_up_per_month_shar' in demand "
            "(did you mean 'give_up_per_month_share'?)",
            "spec.yaml:6:3: meta.name: is not a number (it is 'small test city')",
            "spec.yaml:7:3: demand.dropout_per_month_share: LO must be below HI, got 0.2:0.1",
            "spec.yaml:8:3: demand.market_preference_share: at 1.5: expected a number in [0, 1]",
            "spec.yaml:9:3: demand.stated_need_share: is a section, not a number",
            "spec.yaml:10:11: unknown indicator 'enroled' (did you mean 'enrolled'?)",
            "spec.yaml:10:28: month 2031-12 is outside the horizon 2025-01–2026-12"):
        assert expected in text, (expected, text)
    assert "enrolled@2026" not in text.replace("enrolled@2026-12", "")
    typo = tmp_path / "typo.yaml"
    typo.write_text(f"scenario: {SMALL}\nmetric: [enrolled@2026]\n", encoding="utf-8")
    assert "typo.yaml:2:1: unknown key 'metric' (did you mean 'metrics'?)" in invoke("sweep", typo).output


def test_bad_param_options_get_located_errors():
    refused = invoke("sweep", SMALL, "--param", "demand.give_up=0.1:0.2",
                     "--param", "demand.dropout_per_month_share=a:1",
                     "--param", "policies.vouchers.value_yuan=1:2", "--metric", "enrolled@2026-12")
    assert refused.exit_code == 2
    text = " ".join(refused.output.split())
    assert "--param demand.give_up=0.1:0.2: demand.give_up: unknown key 'give_up' in demand (did you mean " \
           "'give_up_per_month_share'?)" in text
    assert "--param demand.dropout_per_month_share=a:1: demand.dropout_per_month_share: LO must be a number" in text
    assert "policies.vouchers is not set in this scenario" in text
    assert "expected KEY=LO:HI" in invoke("sweep", SMALL, "--param", "x", "--metric", "enrolled@2026").output


def test_a_sweep_spec_file_runs_like_the_options(tmp_path):
    spec = tmp_path / "spec.yaml"
    spec.write_text(f"""scenario: {SMALL}
set: [horizon.end=2025-12]
method: grid
n: 2
reps: 1
seed: 4
parameters:
  demand.give_up_per_month_share: {{low: 0.04, high: 0.12}}
  providers.entry.max_entries_per_district_per_year: [2, 8]
metrics: [places_per_1000@2025-12, enrolled@2025]
""", encoding="utf-8")
    from_file = invoke("sweep", spec, "--workers", 1, "--out", tmp_path / "file")
    assert from_file.exit_code == 0, from_file.output
    options = invoke("sweep", SMALL, *SWEEP, "--method", "grid", "-n", 2, "--reps", 1, "--seed", 4, "--workers", 1,
                     "--out", tmp_path / "options")
    assert options.exit_code == 0, options.output
    for name in ("plan.csv", "runs.csv", "analysis.csv"):
        assert (tmp_path / "file" / name).read_bytes() == (tmp_path / "options" / name).read_bytes()
    runs = read(tmp_path / "file" / "runs.csv")
    assert list(runs.columns) == ["run", "demand.give_up_per_month_share",
                                  "providers.entry.max_entries_per_district_per_year", "places_per_1000@2025-12",
                                  "enrolled@2025"]
    assert len(runs) == 4 and runs["enrolled@2025"].nunique() > 1
    manifest = json.loads((tmp_path / "file" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["kind"] == "sweep" and manifest["status"] == "complete" and manifest["method"] == "grid"
    assert manifest["parameters"][1] == {"key": "providers.entry.max_entries_per_district_per_year", "low": 2.0,
                                         "high": 8.0, "base": 1.51}
