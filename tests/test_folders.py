"""Results folders: --force replaces only what tuoyu wrote, one job per folder, stale leftovers cleaned, pre-flight
checks of disk and memory, disk faults as one line with exit 3, folders from someone else safe to open and
resume, messages printed verbatim."""

from __future__ import annotations

import errno
import json
import os
import pickle
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sim.cli import app
from sim.experiments import folder as experiment_folder
from sim.folders import lock_path
from tests.conftest import ROOT, SMALL

runner = CliRunner()
SHORT = ("--set", "horizon.end=2025-06")


def invoke(*args: object):
    return runner.invoke(app, [str(a) for a in args])


def run(out: Path, *more: object):
    return invoke("run", SMALL, "--reps", 1, "--out", out, *SHORT, *more)


def sweep(out: Path, *more: object):
    return invoke("sweep", SMALL, "--param", "demand.give_up_per_month_share=0.05:0.2", "--metric",
                  "enrolled@2025-06", "--reps", 1, "--workers", 1, "--out", out, *SHORT, *more)


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


# ---------------------------------------------------------------- --force


@pytest.mark.parametrize("command", [run, sweep])
def test_force_refuses_a_folder_with_a_stranger_file_and_deletes_nothing(tmp_path: Path, command) -> None:
    out = tmp_path / "thesis"
    out.mkdir()
    (out / "draft.docx").write_text("chapter 1", encoding="utf-8")
    result = command(out, "--force")
    assert result.exit_code == 2 and "is not a results folder of tuoyu" in result.output
    assert tree(out) == {"draft.docx": b"chapter 1"}


def test_force_refuses_a_results_folder_someone_added_files_to(tmp_path: Path) -> None:
    out = tmp_path / "res"
    assert run(out).exit_code == 0
    (out / "my_notes.csv").write_text("keep me", encoding="utf-8")
    before = tree(out)
    result = run(out, "--force", "--seed", 2)
    assert result.exit_code == 2 and "holds files tuoyu did not write (my_notes.csv)" in result.output
    assert tree(out) == before


def test_force_replaces_a_results_folder_with_its_charts(tmp_path: Path) -> None:
    out = tmp_path / "res"
    assert run(out).exit_code == 0
    (out / "charts" / "en").mkdir(parents=True)
    (out / "charts" / "en" / "places.png").write_bytes(b"png")
    assert run(out, "--force", "--seed", 2).exit_code == 0
    assert json.loads((out / "manifest.json").read_text(encoding="utf-8"))["seed"] == 2


def test_force_refuses_a_folder_of_an_older_tuoyu_that_did_not_list_its_files(tmp_path: Path) -> None:
    out = tmp_path / "res"
    assert run(out).exit_code == 0
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    del manifest["files"]
    (out / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    result = run(out, "--force")
    assert result.exit_code == 2 and "was written by an older tuoyu that did not list its files" in result.output


@pytest.mark.parametrize("command", [run, sweep])
def test_force_never_replaces_the_working_folder_or_its_parents(tmp_path: Path, monkeypatch, command) -> None:
    work = tmp_path / "work"
    work.mkdir()
    (work / "scenario_notes.txt").write_text("mine", encoding="utf-8")
    monkeypatch.chdir(work)
    for out in (Path("."), tmp_path):
        result = command(out, "--force")
        assert result.exit_code == 2 and "is the working folder or one of its parents" in result.output
    assert tree(work) == {"scenario_notes.txt": b"mine"}


# ---------------------------------------------------------------- one job per folder


def _tuoyu(*args: object) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", "from sim.cli import app; app()", *map(str, args)], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_a_second_job_on_the_same_folder_is_refused_at_once_and_the_first_finishes(tmp_path: Path) -> None:
    out = tmp_path / "res"
    first = _tuoyu("run", SMALL, "--reps", 6, "--out", out)
    lock = lock_path(out)
    deadline = time.monotonic() + 60
    while not lock.exists() and first.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert lock.exists()
    began = time.monotonic()
    second = run(out, "--force")
    assert time.monotonic() - began < 5
    assert second.exit_code == 2 and "is being written by another tuoyu job" in second.output
    assert f"process {first.pid}" in second.output
    assert first.communicate(timeout=120) and first.returncode == 0
    assert json.loads((out / "manifest.json").read_text(encoding="utf-8"))["reps"] == 6
    assert not lock.exists()


def test_two_sweeps_on_one_folder_one_refused_the_other_intact(tmp_path: Path) -> None:
    out = tmp_path / "sweep"
    args = ("--param", "demand.give_up_per_month_share=0.05:0.2", "--metric", "enrolled@2025-06", "--workers", 1,
            *SHORT, "--out", out, "--force")
    first = _tuoyu("sweep", SMALL, *args, "--seed", 1, "--reps", 40)
    runs = out / "runs.csv"
    while first.poll() is None and not (runs.exists() and runs.read_text(encoding="utf-8").count("\n") > 1):
        time.sleep(0.05)  # the first has stored a point of three
    second = invoke("sweep", SMALL, *args, "--seed", 2, "--reps", 1)
    assert first.communicate(timeout=120) and first.returncode == 0
    assert second.exit_code == 2 and "is being written by another tuoyu job" in second.output
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["status"] == "complete" and manifest["seed"] == 1 and manifest["reps"] == 40
    assert runs.read_text(encoding="utf-8-sig").count("\n") == 1 + 3  # header + 1 + 2·1 points


def test_a_lock_left_by_a_killed_job_is_recovered(tmp_path: Path) -> None:
    out = tmp_path / "res"
    holder = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    lock_path(out).write_text(json.dumps({"pid": int(holder.stdout), "host": "here", "command": "tuoyu run",
                                         "started": "2025-01-01T00:00:00+00:00"}), encoding="utf-8")
    assert run(out).exit_code == 0 and not lock_path(out).exists()


def test_staging_folders_left_by_a_killed_run_are_removed_by_the_next_run(tmp_path: Path) -> None:
    out = tmp_path / "res"
    stale = tmp_path / ".res.k3x9_q2a.partial"
    stale.mkdir()
    (stale / "monthly.csv").write_text("half", encoding="utf-8")
    other = tmp_path / ".res.b.partial"  # not the pattern of a staging folder: not ours to remove
    other.mkdir()
    assert run(out).exit_code == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == [".res.b.partial", "res"]


# ---------------------------------------------------------------- pre-flight and disk faults


def test_a_read_only_output_location_is_refused_before_simulating(tmp_path: Path, monkeypatch) -> None:
    simulated = []
    monkeypatch.setattr("sim.runner.run_replication", lambda *a: simulated.append(a))
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    try:
        # root writes a read-only folder all the same, so it is refused only where writing would fail; /sys and /proc
        # refuse even root
        places = ([] if os.geteuid() == 0 else [locked / "res"]) + [Path("/sys/tuoyu_test/res"), Path("/proc/res")]
        for out in places:
            result = run(out)
            assert result.exit_code == 3 and "cannot be written to" in result.output, result.output
            lines = [line for line in result.output.strip().splitlines() if not line.startswith("warning:")]
            assert len(lines) == 1
    finally:
        locked.chmod(0o755)
    assert simulated == []


def test_a_disk_without_room_is_refused_before_simulating(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr("sim.folders.shutil.disk_usage", lambda path: type("usage", (), {"free": 1000})())
    result = run(tmp_path / "res")
    assert result.exit_code == 3 and "has 1,000 bytes free, and the results need about" in result.output
    assert not (tmp_path / "res").exists()


def test_a_run_larger_than_the_memory_is_refused_before_simulating(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr("sim.memory.psutil.virtual_memory", lambda: type("memory", (), {"available": 2**30})())
    result = invoke("run", SMALL, "--reps", 1, "--out", tmp_path / "res", "--set", "horizon.end=2074-12",
                    "--workers", 4)
    assert result.exit_code == 3 and "error: memory: this needs about" in result.output
    assert "the machine has 1.0 GB available" in result.output and not (tmp_path / "res").exists()


def _disk_full(after: int):
    calls = []
    real = experiment_folder.RunLog.append

    def append(self, row):
        calls.append(row)
        if len(calls) > after:
            raise OSError(errno.ENOSPC, "No space left on device", str(self.path))
        real(self, row)

    return append


def test_a_disk_that_fills_during_a_sweep_is_one_line_exit_3_and_the_sweep_resumes(tmp_path: Path,
                                                                                   monkeypatch) -> None:
    whole = tmp_path / "whole"
    assert sweep(whole).exit_code == 0
    out = tmp_path / "part"
    with monkeypatch.context() as patch:
        patch.setattr(experiment_folder.RunLog, "append", _disk_full(after=1))
        result = sweep(out)
    assert result.exit_code == 3 and "Traceback" not in result.output
    assert f"error: {out / 'runs.csv'}: No space left on device (the disk is full)" in result.output
    resumed = sweep(out, "--resume", out)
    assert resumed.exit_code == 0, resumed.output
    assert (out / "runs.csv").read_bytes() == (whole / "runs.csv").read_bytes()


def test_a_disk_fault_while_saving_a_run_is_one_line_and_leaves_nothing(tmp_path: Path, monkeypatch) -> None:
    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device", str(tmp_path / ".res.x.partial" / "summary.csv"))

    monkeypatch.setattr("sim.output.write_table", full)
    result = run(tmp_path / "res")
    assert result.exit_code == 3 and "summary.csv: No space left on device (the disk is full)" in result.output
    assert list(tmp_path.iterdir()) == []


# ---------------------------------------------------------------- folders from someone else


def test_a_planted_pickle_is_never_loaded_on_resume(tmp_path: Path, monkeypatch) -> None:
    from sim.experiments.compare import run_compare
    from tests.test_experiments import _stop_after

    files = [SMALL, ROOT / "tests" / "data" / "small" / "scenario.yaml"]
    out = tmp_path / "cmp"
    with pytest.raises(KeyboardInterrupt):
        run_compare(files, ["horizon.end=2025-06"], 3, 1, out, ["tuoyu"], workers=1, progress=_stop_after(2))
    marker = tmp_path / "ran"

    class Payload:
        def __reduce__(self):
            return (os.system, (f"touch {marker}",))

    store = out / "replications" / "scenario"
    for name in ("replication_000002.pickle", "replication_000002_0000000000000000.npz"):
        (store / name).write_bytes(pickle.dumps(Payload()))
    run_compare(files, ["horizon.end=2025-06"], 3, 1, out, ["tuoyu"], resume=True, workers=1)
    assert not marker.exists()
    assert json.loads((out / "manifest.json").read_text(encoding="utf-8"))["status"] == "complete"


def test_a_results_folder_with_a_changed_file_is_refused_before_reading(tmp_path: Path) -> None:
    out = tmp_path / "res"
    assert run(out).exit_code == 0
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert {"monthly.parquet", "summary.csv", "inputs/scenario.yaml"} <= set(manifest["files"])
    (out / "monthly.parquet").write_bytes(b"PAR1 not what tuoyu wrote")
    result = invoke("chart", out, "--lang", "en")
    assert result.exit_code == 2 and "monthly.parquet: differs from the file tuoyu wrote" in result.output


def test_a_runs_log_mixed_by_two_jobs_is_a_located_problem_on_resume(tmp_path: Path, monkeypatch) -> None:
    out = tmp_path / "sweep"
    with monkeypatch.context() as patch:
        patch.setattr(experiment_folder.RunLog, "append", _disk_full(after=1))
        sweep(out)
    with (out / "runs.csv").open("a", encoding="utf-8") as file:
        file.write("0,0.05,12.0,7\n")
    result = sweep(out, "--resume", out)
    assert result.exit_code == 2 and f"{out / 'runs.csv'}:3: expected 3 values, got 4" in result.output


# ---------------------------------------------------------------- messages verbatim


def test_messages_are_printed_verbatim_never_as_emoji_or_markup(tmp_path: Path) -> None:
    folder = tmp_path / ":100:"
    folder.mkdir()
    for name in ("districts.csv", "streets.csv", "new_housing.csv", "providers.csv", "scenario.yaml"):
        (folder / name).write_bytes((SMALL.parent / name).read_bytes())
    streets = folder / "streets.csv"
    streets.write_text(streets.read_text(encoding="utf-8").replace(",60000", ",:x:"), encoding="utf-8")
    result = invoke("validate", folder / "scenario.yaml", "--set", "meta.name='[red]:b:'")
    assert result.exit_code == 2
    assert f"{streets}:2: column population: expected a non-negative whole number, got ':x:'" in result.output
    assert "💯" not in result.output and "❌" not in result.output
    result = run(tmp_path / "res", "--set", "meta.name='[red]:100: city'")
    assert result.exit_code == 0 and "[red]:100: city: 1 replications" in result.output


# ---------------------------------------------------------------- a cluster that loses its workers


def test_losing_the_only_dask_worker_is_exit_3_and_the_sweep_resumes(tmp_path: Path, monkeypatch) -> None:
    from distributed import LocalCluster

    from sim.experiments import evaluators

    monkeypatch.setattr(evaluators, "WORKERLESS_SECONDS", 1.0)
    monkeypatch.setattr(evaluators, "MAX_CHUNK", 1)  # a point per task, so that some finish before the loss
    whole, out = tmp_path / "whole", tmp_path / "part"
    args = ("--param", "demand.give_up_per_month_share=0.05:0.2", "--metric", "enrolled@2025-06", "--method", "lhs",
            "-n", 6, "--reps", 1, *SHORT)
    assert invoke("sweep", SMALL, *args, "--workers", 1, "--out", whole).exit_code == 0
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None) as cluster:
        real = experiment_folder.RunLog.append

        def lose_the_worker_after_one(self, row):
            real(self, row)
            cluster.scale(0)

        monkeypatch.setattr(experiment_folder.RunLog, "append", lose_the_worker_after_one)
        result = invoke("sweep", SMALL, *args, "--scheduler", cluster.scheduler_address, "--out", out)
    assert result.exit_code == 3 and "Traceback" not in result.output, result.output
    assert ("the Dask cluster has had no workers for 1 s" in result.output
            or "the Dask cluster lost this work's data" in result.output) and "--resume" in result.output
    monkeypatch.setattr(experiment_folder.RunLog, "append", real)
    assert invoke("sweep", SMALL, *args, "--workers", 1, "--resume", out).exit_code == 0
    assert (out / "runs.csv").read_bytes() == (whole / "runs.csv").read_bytes()


def test_a_scheduler_that_is_no_address_is_a_located_problem(tmp_path: Path) -> None:
    result = run(tmp_path / "res", "--scheduler", "not a url")
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "error: --scheduler not a url: expected an address such as tcp://10.0.0.5:8786" in result.output
