"""Write a results folder, all or nothing.

Everything is written into a hidden temporary folder beside the target and renamed into place at the
end, so an interrupted or failed run leaves no half-written results (a run killed outright leaves its
temporary folder, which the next run of the same folder removes). An existing folder is replaced only when
asked (``force``) and only if tuoyu wrote it (see ``sim.folders``); the folder's lock is held meanwhile.
The manifest lists every file written with its SHA-256, so that a folder can be checked before it is read.

Layout::

    manifest.json       resolved scenario, seed, replications, versions, git commit, times, input files
    monthly.parquet     tidy monthly table (city and districts); monthly.csv is the same in UTF-8 with BOM
    annual.parquet      tidy yearly table (city, districts, streets); annual.csv likewise
                        (a CSV copy too long for an Excel worksheet keeps the city, or city and districts,
                        and is named monthly_city.csv, annual_city_district.csv …)
    summary.csv         mean, p5, p50, p95 across replications per indicator, geography and year
    summary.xlsx        for Excel: city and districts × year ends (mean, p5–p95), targets, spending by item,
                        funds, costs and what the numbers are, labelled in the scenario's language;
                        summary_wide.csv is its first two sheets as one CSV
    monthly_summary.csv the same per month, for the city and its districts
    parameters.csv      the value each uncertain parameter took in each replication
    uncertainty.csv     per city indicator and year: the band and the share of its variance from the parameters
    ledger.parquet      every payment of replication 0 (month paid, fund, item, district, street, provider, yuan);
                        ledger.csv likewise. All replications' totals are the spend_* indicators
    funds.csv           with a budget: each fund's month (opening, appropriated, paid, lapsed, closing)
    costs.csv           per year and the whole horizon: cost per new place by lever, public cost per enrolled
                        child-year, share of appropriations used (mean, p5, p95)
    targets.csv         per target: probability met at the deadline, median month first met, value there
    binding_constraint.csv  per district and year: what limits enrolment (demand, buildings, staff, money),
                        measured by paired probes (sim.binding): each resource's gain, elasticity and
                        gain per unit; empty when the run measured none (--binding-reps 0)
    targets_by_replication.csv   per target and replication: met or not, month first met, value
    geography.csv       ids, names and kinds of the districts and streets
    inputs/             copies of the scenario files and CSVs the run read
"""

from __future__ import annotations

import itertools
import json
import platform
import shutil
import subprocess
from contextlib import contextmanager
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from sim import binding, costs, excel, targets
from sim.folders import check_target, disk_error, locked, sha256_of, staging_folder
from sim.indicators import INDICATORS
from sim.results import Result
from sim.scenario.load import Scenario

PACKAGES = ("tuoyu-sim", "simpy", "numpy", "scipy", "pandas", "pydantic", "pyarrow", "PyYAML", "typer")
CSV_ENCODING = "utf-8-sig"  # the BOM makes Excel read Chinese text correctly


# Bytes a results folder takes per row of its tidy and summary tables (CSV copy and Parquet; measured: 35–60), and
# what the ledger and the small tables add.
ROW_BYTES = 60
FIXED_BYTES = 20 * 2**20


def results_bytes(scenario: Scenario, reps: int) -> int:
    """About how much disk the results folder of ``reps`` replications of ``scenario`` takes (an upper estimate)."""
    city, horizon = scenario.city, scenario.spec.horizon
    years = int(horizon.end[:4]) - int(horizon.start[:4]) + 1
    rows = (years * (1 + city.n_districts + city.n_streets) + horizon.months * (1 + city.n_districts)) \
        * len(INDICATORS) * (reps + 1)  # each replication's rows, and the summaries
    return rows * ROW_BYTES + FIXED_BYTES


@contextmanager
def staging(out: Path, force: bool):
    """A temporary folder that becomes ``out`` if the block finishes, and vanishes if it does not."""
    check_target(out, force)
    temp = staging_folder(out)
    try:
        yield temp
        if out.exists():
            old = out.with_name(f".{out.name}.old")
            out.rename(old)
            temp.rename(out)
            shutil.rmtree(old, ignore_errors=True)
        else:
            temp.rename(out)
    finally:
        shutil.rmtree(temp, ignore_errors=True)


EXCEL_ROWS = 1_048_575  # a worksheet's rows below the header


def _fitting_levels(frame: pd.DataFrame, copies: int = 1) -> tuple[str, ...] | None:
    """The levels a CSV copy of ``copies`` tables like ``frame`` keeps to fit a worksheet: all (None), city and
    districts, or the city (which the caller may cut further)."""
    if copies * len(frame) <= EXCEL_ROWS or "level" not in frame.columns:
        return None
    rows = frame["level"].value_counts()
    for levels in (("city", "district"), ("city",)):
        if copies * rows.reindex(levels, fill_value=0).sum() <= EXCEL_ROWS:
            break
    return levels


def write_table(frame: pd.DataFrame, folder: Path, name: str, parquet: bool = True) -> None:
    """Parquet (complete) and a CSV copy that Excel can open: if the table has more rows than a worksheet, the
    CSV keeps the coarser levels that fit (city and districts, or the city), and its file name says which."""
    if parquet:
        frame.to_parquet(folder / f"{name}.parquet", index=False)
    levels = _fitting_levels(frame)
    if levels is not None:
        frame, name = frame[frame["level"].isin(levels)], f"{name}_{'_'.join(levels)}"
    frame.to_csv(folder / f"{name}.csv", index=False, encoding=CSV_ENCODING)


def write_tidy(result: Result, folder: Path, name: str) -> None:
    """The ``monthly`` or ``annual`` table, written one replication at a time so that memory does not grow
    with the replications: Parquet complete; the CSV copy cut to fit a worksheet as ``write_table`` cuts, and
    if even the city does not fit, to its first replications (the file name says so)."""
    parts = result.tidy_parts(name)
    first = next(parts)
    levels = _fitting_levels(first, result.reps)
    kept, csv_name = result.reps, name
    if levels is not None:
        csv_name = f"{name}_{'_'.join(levels)}"
        rows = int(first["level"].isin(levels).sum())
        if rows * result.reps > EXCEL_ROWS:
            kept = max(EXCEL_ROWS // rows, 1)
            csv_name = f"{csv_name}_first_{kept}_replications"
    schema = pa.Table.from_pandas(first, preserve_index=False).schema
    with pq.ParquetWriter(folder / f"{name}.parquet", schema) as parquet, \
            (folder / f"{csv_name}.csv").open("w", encoding=CSV_ENCODING, newline="") as csv:
        for replication, part in enumerate(itertools.chain([first], parts)):
            parquet.write_table(pa.Table.from_pandas(part, schema=schema, preserve_index=False))
            if replication < kept:
                kept_rows = part if levels is None else part[part["level"].isin(levels)]
                kept_rows.to_csv(csv, index=False, header=replication == 0)


def write_result(result: Result, folder: Path, started: datetime, command: list[str]) -> None:
    """Write every table and the manifest of ``result`` into ``folder``."""
    write_tidy(result, folder, "monthly")
    write_tidy(result, folder, "annual")
    write_table(result.summary(), folder, "summary", parquet=False)
    # The same for Excel users: city and districts × year ends, targets, spending, funds, costs.
    excel.write_workbook(folder / "summary.xlsx", excel.run_sheets(result, [str(w) for w in result.scenario.warnings]))
    write_table(excel.year_ends(result, result.scenario.spec.meta.language), folder, "summary_wide", parquet=False)
    write_table(result.monthly_summary(), folder, "monthly_summary", parquet=False)
    write_table(result.parameters, folder, "parameters", parquet=False)
    write_table(result.uncertainty(), folder, "uncertainty", parquet=False)
    write_table(result.ledger, folder, "ledger")
    if len(result.funds):
        write_table(result.funds, folder, "funds", parquet=False)
    write_table(targets.table(result), folder, "targets", parquet=False)
    write_table(binding.table(result), folder, "binding_constraint", parquet=False)
    write_table(costs.table(result), folder, "costs", parquet=False)
    write_table(targets.by_replication(result), folder, "targets_by_replication", parquet=False)
    write_table(geography_table(result), folder, "geography", parquet=False)
    inputs = folder / "inputs"
    inputs.mkdir()
    files = []
    for path in result.scenario.files:
        copy = inputs / path.name
        if copy.exists():  # two layers with one file name: keep both
            copy = inputs / f"{path.parent.name}_{path.name}"
        shutil.copy2(path, copy)
        files.append({"path": str(path), "copy": str(copy.relative_to(folder)), "sha256": sha256_of(path)})
    manifest = {
        "kind": "run",
        "scenario_name": result.scenario.name,
        "scenario_file": str(result.scenario.path),
        "overrides": list(result.scenario.overrides),
        "seed": result.seed,
        "reps": result.reps,
        "command": command,
        "started": started.isoformat(timespec="seconds"),
        "finished": datetime.now(UTC).isoformat(timespec="seconds"),
        "versions": versions(),
        "git": git_commit(),
        "input_files": files,
        "notes": result.notes(),
        "warnings": [str(warning) for warning in result.scenario.warnings],
        "resolved_scenario": result.scenario.spec.model_dump(mode="json"),
        "files": file_hashes(folder),
    }
    (folder / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")


def geography_table(result: Result) -> pd.DataFrame:
    city = result.scenario.city
    districts = pd.DataFrame({"level": "district", "geography": city.district_ids, "district_id": city.district_ids,
                              "name_zh": city.district_names_zh, "name_en": city.district_names_en,
                              "kind": city.district_kinds})
    streets = pd.DataFrame({"level": "street", "geography": city.street_ids,
                            "district_id": [city.district_ids[i] for i in city.street_district],
                            "name_zh": city.street_names_zh, "name_en": city.street_names_en,
                            "kind": city.street_kinds})
    return pd.concat([districts, streets], ignore_index=True)


def versions() -> dict[str, str]:
    found = {"python": platform.python_version()}
    for package in PACKAGES:
        try:
            found[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            found[package] = "not installed"
    return found


def git_commit() -> dict[str, Any] | None:
    """The commit of the tuoyu-sim checkout this code runs from, and whether it has local changes."""
    here = Path(__file__).resolve().parent

    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=here, capture_output=True, text=True, timeout=10,
                              check=True).stdout.strip()

    try:
        return {"commit": git("rev-parse", "HEAD"), "dirty": bool(git("status", "--porcelain", "--", "."))}
    except (OSError, subprocess.SubprocessError):
        return None


def file_hashes(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` but the manifest, by path relative to it, with its SHA-256."""
    return {path.relative_to(folder).as_posix(): sha256_of(path) for path in sorted(folder.rglob("*"))
            if path.is_file() and path.relative_to(folder).as_posix() != "manifest.json"}


def save(result: Result, out: Path, force: bool, started: datetime, command: list[str]) -> Path:
    """Write ``result`` to ``out`` atomically, holding the folder's lock; returns ``out``. A disk fault is a
    ResourceError naming the file, and nothing is left half-written."""
    try:
        with locked(out, command), staging(out, force) as folder:
            write_result(result, folder, started, command)
    except OSError as err:
        raise disk_error(err, out) from None
    return out
