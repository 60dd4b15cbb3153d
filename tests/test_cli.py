"""`tuoyu` end to end on the small city: results folder, refusal to overwrite, errors with exit 2."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime

import pandas as pd
import pytest
import typer
from typer.testing import CliRunner

import sim
from sim import output
from sim.cli import app
from tests.conftest import SMALL

runner = CliRunner()


def invoke(*args: str):
    return runner.invoke(app, [str(a) for a in args])


@pytest.fixture
def small_copy(tmp_path):
    """The small city in a folder of its own, so a test may break it."""
    folder = tmp_path / "city"
    shutil.copytree(SMALL.parent, folder)
    return folder / "scenario.yaml"


def test_run_writes_a_complete_results_folder(tmp_path):
    out = tmp_path / "res"
    result = invoke("run", SMALL, "--reps", 3, "--seed", 4, "--out", out, "--set", "horizon.end=2025-12")
    assert result.exit_code == 0, result.output
    assert f"Results: {out.resolve()}" in result.output and "children_0_3" in result.output
    names = {p.name for p in out.iterdir()}
    assert {"manifest.json", "monthly.parquet", "monthly.csv", "annual.parquet", "annual.csv", "summary.csv",
            "monthly_summary.csv", "parameters.csv", "geography.csv", "ledger.csv", "targets.csv",
            "targets_by_replication.csv", "inputs"} <= names
    assert "Targets" in result.output and "4.5 places per 1,000" in result.output
    table = pd.read_csv(out / "targets.csv", encoding="utf-8-sig")
    assert len(table) == 3 and set(table["deadline"]) == {"2025-12", "2026-12", "2027-12"}
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["seed"] == 4 and manifest["reps"] == 3 and manifest["overrides"] == ["horizon.end=2025-12"]
    assert manifest["resolved_scenario"]["horizon"]["end"] == "2025-12"
    assert manifest["versions"]["numpy"] and manifest["started"] <= manifest["finished"]
    assert {f["copy"] for f in manifest["input_files"]} == {"inputs/scenario.yaml", "inputs/districts.csv",
                                                            "inputs/streets.csv", "inputs/new_housing.csv",
                                                            "inputs/providers.csv"}
    assert (out / "summary.csv").read_bytes().startswith(b"\xef\xbb\xbf")  # BOM: Excel reads Chinese
    monthly = pd.read_parquet(out / "monthly.parquet")
    assert list(monthly.columns) == ["replication", "month", "level", "geography", "indicator", "value"]
    assert len(monthly) == 3 * 12 * 4 * len(sim.INDICATORS)  # reps × months × (city + 3 districts) × indicators
    pd.testing.assert_frame_equal(pd.read_csv(out / "monthly.csv", encoding="utf-8-sig")[["value"]],
                                  monthly[["value"]])
    summary = pd.read_csv(out / "summary.csv", encoding="utf-8-sig")
    city_births = summary.query("level == 'city' and indicator == 'births'")
    assert len(city_births) == 1 and city_births["p5"].iloc[0] <= city_births["p50"].iloc[0] <= \
        city_births["p95"].iloc[0]
    streets = summary.query("level == 'street' and indicator == 'children_0_3'")
    assert set(streets["geography"]) == {"A1", "A2", "B1", "B2", "C1", "C2"} and "Street A1" in set(streets["name"])


def test_tidy_tables_written_a_replication_at_a_time_equal_the_whole_tables(tmp_path, small):
    result = sim.run(small, reps=3, seed=2)
    output.save(result, tmp_path / "res", False, datetime.now(UTC), ["test"])
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "res" / "monthly.parquet"), result.monthly)
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "res" / "annual.parquet"),
                                  result.annual.astype({"year": "int64"}))  # Parquet keeps whole-number years plain
    annual_csv = pd.read_csv(tmp_path / "res" / "annual.csv", encoding="utf-8-sig", dtype={"month": str})
    as_read = {"replication": "int64", "year": "int64", "month": str, "level": str, "geography": str, "indicator": str}
    pd.testing.assert_frame_equal(annual_csv, result.annual.astype(as_read))


def test_same_seed_gives_identical_files(tmp_path):
    for name in ("a", "b"):
        assert invoke("run", SMALL, "--reps", 2, "--seed", 9, "--out", tmp_path / name).exit_code == 0
    for table in ("monthly.csv", "annual.csv", "summary.csv"):
        assert (tmp_path / "a" / table).read_bytes() == (tmp_path / "b" / table).read_bytes()


def test_refuses_to_overwrite_without_force(tmp_path):
    out = tmp_path / "res"
    assert invoke("run", SMALL, "--reps", 1, "--out", out).exit_code == 0
    stamp = (out / "manifest.json").read_text(encoding="utf-8")
    refused = invoke("run", SMALL, "--reps", 1, "--out", out, "--seed", 2)
    assert refused.exit_code == 2 and "already exists; use --force" in refused.output
    assert (out / "manifest.json").read_text(encoding="utf-8") == stamp
    forced = invoke("run", SMALL, "--reps", 1, "--out", out, "--seed", 2, "--force")
    assert forced.exit_code == 0 and json.loads((out / "manifest.json").read_text(encoding="utf-8"))["seed"] == 2
    assert [p.name for p in tmp_path.iterdir()] == ["res"]  # no temporary folders left behind


def test_interrupted_run_leaves_nothing(tmp_path, monkeypatch):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(output, "write_table", interrupted)
    result = invoke("run", SMALL, "--reps", 1, "--out", tmp_path / "res")
    assert result.exit_code == 130 and "nothing was written" in result.output
    assert list(tmp_path.iterdir()) == []


def test_bad_input_exits_2_with_located_message_and_no_traceback(small_copy, tmp_path):
    text = small_copy.read_text(encoding="utf-8").replace("language: en", "langauge: en")
    small_copy.write_text(text, encoding="utf-8")
    out = tmp_path / "res"
    result = invoke("run", small_copy, "--out", out)
    assert result.exit_code == 2
    assert f"{small_copy}:3:3: meta: unknown key 'langauge' (did you mean 'language'?)" in result.output
    assert "Traceback" not in result.output and not out.exists()


def test_debug_shows_the_traceback(small_copy):
    small_copy.write_text(small_copy.read_text(encoding="utf-8").replace("language: en", "language: de"),
                          encoding="utf-8")
    result = runner.invoke(app, ["--debug", "validate", str(small_copy)])
    assert result.exit_code != 0 and isinstance(result.exception, sim.InputError)


def test_validate_prints_the_resolved_scenario():
    result = invoke("validate", SMALL, "--set", "demography.death_rate_per_1000_per_year=7.5")
    assert result.exit_code == 0, result.output
    assert "death_rate_per_1000_per_year: 7.5" in result.output
    assert "relocated_within_district_share: 0.7" in result.output  # defaults are shown
    assert "OK: small test city: 3 districts, 6 streets and towns" in result.output


def test_missing_file_and_bad_override():
    assert invoke("validate", "no/such.yaml").exit_code == 2
    result = invoke("validate", SMALL, "--set", "demography.death_rate=8")
    assert result.exit_code == 2
    assert "--set demography.death_rate=8" in result.output and "did you mean 'death_rate_per_1000_per_year'" \
        in result.output


def test_indicators_lists_names_units_and_labels():
    result = invoke("indicators", "--lang", "zh")
    assert result.exit_code == 0
    for name in ("population", "births", "children_0_3"):
        assert name in result.output
    assert "0–3岁婴幼儿数" in result.output


def test_csv_copies_fit_an_excel_worksheet(tmp_path, monkeypatch):
    monkeypatch.setattr(output, "EXCEL_ROWS", 4000)
    out = tmp_path / "res"
    assert invoke("run", SMALL, "--reps", 2, "--out", out).exit_code == 0
    names = {p.name for p in out.iterdir()}
    assert "monthly.csv" not in names and "annual.csv" not in names
    city = pd.read_csv(out / "monthly_city_first_1_replications.csv", encoding="utf-8-sig")
    assert set(city["level"]) == {"city"} and set(city["replication"]) == {0} and len(city) <= 4000
    assert (out / "annual_city_district.csv").exists()
    assert len(pd.read_parquet(out / "monthly.parquet")) > 4000  # the Parquet table stays complete
    summary = pd.read_csv(out / "monthly_summary_city.csv", encoding="utf-8-sig")
    assert {"month", "mean", "p5", "p95"} <= set(summary.columns) and set(summary["level"]) == {"city"}


def test_ctrl_c_inside_a_compiled_loop_is_an_interruption_not_a_bug():
    """A signal that strikes inside a numba loop comes back as a SystemError caused by the KeyboardInterrupt."""
    from sim.cli import user_errors
    from sim.errors import is_interrupt

    def struck() -> None:
        try:
            raise KeyboardInterrupt
        except KeyboardInterrupt as interrupt:
            raise SystemError("CPUDispatcher(<function f>) returned a result with an exception set") from interrupt

    with pytest.raises(SystemError) as caught:
        struck()
    assert is_interrupt(caught.value) and not is_interrupt(SystemError("a real bug"))
    with pytest.raises(typer.Exit) as stopped:
        user_errors(struck)()
    assert stopped.value.exit_code == 130

    def nested() -> None:  # a compiled call inside another reports the inner call's SystemError
        try:
            struck()
        except SystemError as inner:
            raise SystemError("CPUDispatcher(<function g>) returned a result with an exception set") from inner

    with pytest.raises(typer.Exit) as stopped:
        user_errors(nested)()
    assert stopped.value.exit_code == 130
