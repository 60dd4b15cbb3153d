"""Result folders as charts and notebooks read them: the tidy tables of a ``run``, ``compare`` or ``sweep`` folder,
without matplotlib (``sim.load_results(path)``).

Charts never see live model objects: whatever they draw, a user could draw from the same CSV and Parquet
files. A missing folder, a folder that is not a result and a missing table are :class:`InputError`\\s.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.errors import InputError, Problem, did_you_mean, shown_path
from sim.output import CSV_ENCODING

KINDS = ("run", "compare", "sweep")


@dataclass
class ResultFolder:
    """A folder written by ``tuoyu run``, ``compare`` or ``sweep``, with its manifest and tables (read once)."""

    path: Path
    manifest: dict[str, Any]
    _tables: dict[str, pd.DataFrame] = field(default_factory=dict, repr=False)

    kind = "run"

    def has(self, name: str) -> bool:
        return (self.path / name).exists()

    def table(self, name: str) -> pd.DataFrame:
        """A table by file name (``summary.csv``, ``monthly.parquet`` …)."""
        if name not in self._tables:
            file = self.path / name
            if not file.exists():
                raise InputError([Problem(shown_path(self.path), f"has no {name}; is it a complete "
                                          f"{self.kind} result folder?")])
            self._tables[name] = (pd.read_parquet(file) if file.suffix == ".parquet"
                                  else pd.read_csv(file, encoding=CSV_ENCODING, dtype={"month": str, "period": str,
                                                                                      "deadline": str}))
        return self._tables[name]

    @property
    def name(self) -> str:
        return str(self.manifest.get("scenario_name") or self.path.name)

    def title(self, language: str) -> str:
        """The scenario's name in ``language``: ``meta.name_en`` in English where the scenario gives one."""
        return self.name

    @property
    def seed(self) -> Any:
        return self.manifest.get("seed", "?")

    @property
    def reps(self) -> Any:
        return self.manifest.get("reps", "?")

    @property
    def version(self) -> str:
        return str(self.manifest.get("versions", {}).get("tuoyu-sim", "?"))

    @property
    def date(self) -> str:
        """The day the result was made (not today: a chart redrawn later still says when its numbers came from)."""
        return str(self.manifest.get("finished") or self.manifest.get("started") or "")[:10]


@dataclass
class RunFolder(ResultFolder):
    """One scenario's results (``tuoyu run``, or one scenario of a comparison)."""

    kind = "run"

    @property
    def scenario(self) -> dict[str, Any]:
        return self.manifest.get("resolved_scenario", {})

    def title(self, language: str) -> str:
        english = (self.scenario.get("meta") or {}).get("name_en")
        return english if language == "en" and english else self.name

    @property
    def horizon(self) -> tuple[str, str]:
        months = self.city_monthly("population").index
        return months[0], months[-1]

    def at(self, indicator: str, month: str, geography: str = "city") -> np.ndarray:
        """The value of ``indicator`` at the end of ``month`` (YYYY-MM) in each replication, for the city or a
        district (by id), as :meth:`sim.results.Result.at` gives it for a run in memory."""
        monthly = self.table("monthly.parquet")
        rows = monthly[(monthly["indicator"] == indicator) & (monthly["month"] == month)
                       & (monthly["geography"] == geography)]
        if rows.empty:
            for column, value, what in (("indicator", indicator, "indicator"), ("month", month, "month"),
                                        ("geography", geography, "geography ('city' or a district id)")):
                known = monthly[column].unique().tolist()
                if value not in known:
                    raise KeyError(f"no {what} {value!r}{did_you_mean(value, [str(k) for k in known])}")
        return rows.sort_values("replication")["value"].to_numpy(dtype=float)

    def city_monthly(self, indicator: str) -> pd.DataFrame:
        """Per month (index ``YYYY-MM``): mean, p5, p50, p95 of the city value across replications."""
        return self._series(self.table("monthly_summary.csv"), indicator, "month")

    def city_yearly(self, indicator: str) -> pd.DataFrame:
        """Per calendar year (index): mean, p5, p50, p95; stocks at the year's last month, flows summed."""
        return self._series(self.table("summary.csv"), indicator, "year")

    def _series(self, table: pd.DataFrame, indicator: str, period: str) -> pd.DataFrame:
        rows = table[(table["level"] == "city") & (table["indicator"] == indicator)]
        if rows.empty:
            raise InputError([Problem(shown_path(self.path), f"has no city values of {indicator!r}; was it "
                                      "written by an older tuoyu-sim?")])
        return rows.set_index(period)[["mean", "p5", "p50", "p95"]]

    def districts_at_horizon(self, indicator: str, language: str) -> pd.DataFrame:
        """Per district at the horizon (last year end): name in ``language``, mean, p5, p95."""
        summary = self.table("summary.csv")
        rows = summary[(summary["level"] == "district") & (summary["indicator"] == indicator)]
        rows = rows[rows["year"] == rows["year"].max()]
        geography = self.table("geography.csv").set_index("geography")
        names = geography[f"name_{'zh' if language == 'zh' else 'en'}"]
        return rows.assign(label=rows["geography"].map(names).fillna(rows["geography"]))[
            ["geography", "label", "mean", "p5", "p95"]].reset_index(drop=True)

    def targets(self, indicator: str | None = None, where: str | None = "city") -> pd.DataFrame:
        """The result's targets with the threshold as a number (``threshold``) and ``at_least`` True/False."""
        table = self.table("targets.csv").copy()
        if indicator is not None:
            table = table[table["indicator"] == indicator]
        if where is not None:
            table = table[table["where"] == where]
        sign, _, value = table["condition"].str.partition(" ").T.to_numpy() if len(table) else ([], [], [])
        return table.assign(at_least=[s == "≥" for s in sign], threshold=pd.to_numeric(pd.Series(value,
                                                                                              index=table.index)))

    def city_total(self, indicator: str) -> pd.Series:
        """A flow summed over the whole horizon, per replication (for an interval of a total, which the yearly
        summaries' percentiles cannot give)."""
        monthly = pd.read_parquet(self.path / "monthly.parquet", columns=["replication", "value"],
                                  filters=[("level", "==", "city"), ("indicator", "==", indicator)])
        return monthly.groupby("replication")["value"].sum()

    def funds(self) -> pd.DataFrame | None:
        """Fund months per replication, or None when the scenario has no budget."""
        return self.table("funds.csv") if self.has("funds.csv") else None


@dataclass
class CompareFolder(ResultFolder):
    """Several scenarios run with the same seeds; the first is the reference."""

    kind = "compare"

    @property
    def runs(self) -> list[tuple[str, RunFolder]]:
        """(scenario name, its run folder) in the order given, reference first."""
        found = []
        for entry in self.manifest.get("scenarios", []):
            folder = self.path / entry["folder"]  # relative to the comparison's folder
            found.append((entry["name"], load(folder, expect="run")))
        if not found:
            raise InputError([Problem(shown_path(self.path / "manifest.json"), "lists no scenarios")])
        return found

    @property
    def name(self) -> str:
        return " / ".join(entry["name"] for entry in self.manifest.get("scenarios", []))

    def titles(self, language: str) -> list[str]:
        """The scenarios' names in ``language``, reference first."""
        return [run.title(language) for _, run in self.runs]

    def title(self, language: str) -> str:
        return " / ".join(self.titles(language))


@dataclass
class SweepFolder(ResultFolder):
    """A sensitivity sweep: planned points, their metrics and the method's analysis."""

    kind = "sweep"

    @property
    def method(self) -> str:
        return str(self.manifest.get("method", ""))

    @property
    def metrics(self) -> list[str]:
        return list(self.manifest.get("metrics", []))

    def title(self, language: str) -> str:
        english = (((self.manifest.get("planned") or {}).get("scenario") or {}).get("meta") or {}).get("name_en")
        return english if language == "en" and english else self.name


FOLDERS: dict[str, type[ResultFolder]] = {"run": RunFolder, "compare": CompareFolder, "sweep": SweepFolder}


def load(path: str | Path, expect: str | None = None) -> ResultFolder:
    """Open a result folder; ``expect`` a kind (run, compare, sweep) or any."""
    path = Path(path)
    where = shown_path(path)
    if not path.is_dir():
        raise InputError([Problem(where, "is not a folder" if path.exists() else "does not exist")])
    manifest_file = path / "manifest.json"
    if not manifest_file.exists():
        raise InputError([Problem(where, "is not a result folder: it has no manifest.json (give a folder written by "
                                  "tuoyu run, compare or sweep)")])
    try:
        manifest = json.loads(manifest_file.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise InputError([Problem(shown_path(manifest_file), f"is not valid JSON: {err}")]) from None
    kind = manifest.get("kind") or ("run" if (path / "monthly.parquet").exists() else None)
    if kind == "calibration":
        raise InputError([Problem(where, "is a calibration folder: tuoyu calibrate drew its fit chart there "
                                         "(fit_zh.png, fit_en.png)")])
    if kind not in FOLDERS:
        raise InputError([Problem(shown_path(manifest_file), f"kind: expected one of {', '.join(KINDS)}, got "
                                  f"{kind!r}" if kind else "is not a result folder's manifest: it names no kind and "
                                  "the folder has no monthly.parquet")])
    if expect is not None and kind != expect:
        raise InputError([Problem(where, f"expected a {expect} result folder, got a {kind} folder")])
    return FOLDERS[kind](path, manifest)
