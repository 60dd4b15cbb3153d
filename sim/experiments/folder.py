"""The result folder of a comparison or a sweep, written as runs finish so that an interruption loses nothing.

Unlike ``tuoyu run``'s all-or-nothing folders, these grow in place: the manifest is written first with
``"status": "running"`` and the plan, each finished run is stored at once (a line appended to a CSV and
flushed to disk, or a file renamed into place), the status becomes ``"interrupted"`` on Ctrl-C or an error
and ``"complete"`` only when every table is written. ``--resume DIR`` continues a folder that is not
complete if it was planned with the same settings, and refuses otherwise. The caller holds the folder's
lock (``sim.folders.locked``) from start to end, so two jobs never write one folder.
"""

from __future__ import annotations

import csv
import dataclasses
import json
import os
import shutil
from collections.abc import Sequence
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.errors import InputError, Problem, ResourceError, is_interrupt, show, shown_path
from sim.folders import check_target, disk_error, make_folder, sha256_of
from sim.model.engine import FundAccounts
from sim.output import file_hashes, git_commit, versions
from sim.results import ReplicationTables

RUNNING, INTERRUPTED, COMPLETE = "running", "interrupted", "complete"


class Interrupted(KeyboardInterrupt):
    """Ctrl-C during an experiment; ``note`` says what was kept and how to resume."""

    def __init__(self, note: str):
        super().__init__(note)
        self.note = note


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def write_atomically(path: Path, text: str) -> None:
    temp = path.with_name(f".{path.name}.tmp")
    temp.write_text(text, encoding="utf-8")
    os.replace(temp, path)


class ExperimentFolder:
    """A compare or sweep folder and its manifest."""

    def __init__(self, path: Path, manifest: dict[str, Any]):
        self.path = path
        self.manifest = manifest

    @classmethod
    def create(cls, path: Path, kind: str, planned: dict[str, Any], command: list[str], force: bool,
               **fields: Any) -> ExperimentFolder:
        """A new folder (replacing an old one only with ``force``) whose manifest records the plan."""
        check_target(path, force)
        if path.exists():
            shutil.rmtree(path)
        make_folder(path)
        manifest = {"kind": kind, "status": RUNNING, **fields, "planned": _plain(planned), "command": command,
                    "started": _now(), "versions": versions(), "git": git_commit()}
        folder = cls(path, manifest)
        folder.save()
        return folder

    @classmethod
    def resume(cls, path: Path, kind: str, planned: dict[str, Any], command: list[str]) -> ExperimentFolder:
        """The unfinished folder at ``path``, if it was planned as ``planned``."""
        where = f"--resume {shown_path(path)}"
        try:
            manifest = json.loads((path / "manifest.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            raise InputError([Problem(where, f"not a tuoyu {kind} folder (no readable manifest.json)")]) from None
        if manifest.get("kind") != kind:
            raise InputError([Problem(where, f"is a {manifest.get('kind', 'run')} folder, not a {kind} folder")])
        if manifest.get("status") == COMPLETE:
            raise InputError([Problem(where, "is already complete; nothing to resume")])
        before, now = manifest.get("planned", {}), _plain(planned)
        differences = [f"{key} (planned {_short(before.get(key))}, now {_short(now.get(key))})"
                       for key in sorted(set(before) | set(now)) if before.get(key) != now.get(key)]
        if differences:
            raise InputError([Problem(where, "was planned with other settings, so its runs cannot be combined with "
                                             "these; differs in: " + "; ".join(differences))])
        manifest["status"] = RUNNING
        manifest.setdefault("resumed", []).append({"at": _now(), "command": command})
        folder = cls(path, manifest)
        folder.save()
        return folder

    def save(self) -> None:
        write_atomically(self.path / "manifest.json", json.dumps(self.manifest, ensure_ascii=False, indent=2))

    def finish(self, **fields: Any) -> None:
        self.manifest.update(fields, status=COMPLETE, finished=_now(), files=file_hashes(self.path))
        self.save()

    @contextmanager
    def running(self):
        """Runs stored inside the block survive Ctrl-C or an error: the folder is marked interrupted, and Ctrl-C
        becomes an :class:`Interrupted` that says how to resume, a disk fault a ResourceError that says so too."""
        try:
            yield
        except BaseException as error:
            self.manifest["status"] = INTERRUPTED
            with suppress(OSError):  # a full disk may refuse this too; a folder left "running" resumes all the same
                self.save()
            resume = " ".join(resume_command(self.manifest["command"], self.path))
            if is_interrupt(error):
                raise Interrupted(f"interrupted: the finished runs are kept in {self.path}; to finish, run\n  "
                                  + resume) from None
            if isinstance(error, OSError | ResourceError):
                fault = disk_error(error, self.path) if isinstance(error, OSError) else error
                raise ResourceError(fault.where, f"{fault.message}; the finished runs are kept in {self.path}: "
                                                 f"when that is fixed, run\n  {resume}") from None
            raise


def start_folder(path: Path, kind: str, planned: dict[str, Any], command: list[str], *, resume: bool, force: bool,
                 **fields: Any) -> ExperimentFolder:
    """The experiment's folder, new (``fields`` go into its manifest) or resumed; the caller holds its lock."""
    return (ExperimentFolder.resume(path, kind, planned, command) if resume
            else ExperimentFolder.create(path, kind, planned, command, force, **fields))


def resume_command(command: Sequence[str], folder: Path) -> list[str]:
    """``command`` without its output options, with ``--resume folder``."""
    kept, skip = [], False
    for word in command:
        if skip:
            skip = False
        elif word in ("--out", "--resume"):
            skip = True
        elif word != "--force" and not word.startswith(("--out=", "--resume=")):
            kept.append(word)
    return [*kept, "--resume", str(folder)]


def _plain(value: Any) -> Any:
    return json.loads(json.dumps(value, ensure_ascii=False, default=str))


def _short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 80 else text[:79] + "…"


class RunLog:
    """runs.csv, one line per finished run appended and flushed to disk; a line cut short by a crash is dropped."""

    def __init__(self, path: Path, columns: Sequence[str]):
        self.path = path
        self.columns = list(columns)
        if not path.exists():
            path.write_text(",".join(self.columns) + "\n", encoding="utf-8")
        text = path.read_text(encoding="utf-8")
        if not text.endswith("\n"):
            with path.open("r+", encoding="utf-8") as file:
                file.truncate(len(text[: text.rfind("\n") + 1].encode("utf-8")))

    def read(self) -> pd.DataFrame:
        """The finished runs; a line that this experiment cannot have written (a file edited by hand, or mixed by
        an older version of tuoyu that let two jobs write one folder) is a located problem, not a crash."""
        where = shown_path(self.path)
        with self.path.open(encoding="utf-8-sig", newline="") as file:
            lines = list(csv.reader(file))
        if not lines or lines[0] != self.columns:
            raise InputError([Problem(f"{where}:1", f"expected the columns {', '.join(self.columns)}; this folder's "
                                                    "runs were not written by this experiment")])
        seen: dict[str, int] = {}
        for number, values in enumerate(lines[1:], start=2):
            problem = _bad_run(values, len(self.columns), seen)
            if problem:
                raise InputError([Problem(f"{where}:{number}", f"{problem}; start the experiment again in a new "
                                                                "folder")])
            seen[values[0]] = number
        return pd.read_csv(self.path)

    def append(self, row: Sequence[Any]) -> None:
        with self.path.open("a", encoding="utf-8") as file:
            file.write(",".join(repr(float(v)) if isinstance(v, float) else str(v) for v in row) + "\n")
            file.flush()
            os.fsync(file.fileno())


LEDGER_COLUMNS = ("month", "fund", "item", "street", "provider", "amount")


def _bad_run(values: list[str], columns: int, seen: dict[str, int]) -> str | None:
    """Why a line of runs.csv cannot be a run of this experiment, or None."""
    if len(values) != columns:
        return f"expected {columns} values, got {len(values)}"
    if not values[0].isdigit():
        return f"expected a run number, got {show(values[0])}"
    if values[0] in seen:
        return f"run {values[0]} appears twice (first at line {seen[values[0]]})"
    try:
        [float(value) for value in values[1:]]
    except ValueError:
        return "expected numbers"
    return None


class ReplicationStore:
    """One file per finished replication of a comparison's scenario, renamed into place when complete.

    Each is a NumPy ``.npz`` of plain arrays, read without pickle (``allow_pickle=False``), so that a file planted
    in a folder someone sent cannot run code; its name carries its SHA-256, so that a damaged or altered file is
    noticed (and its replication run again) rather than read."""

    def __init__(self, folder: Path):
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)

    def _files(self) -> dict[int, list[Path]]:
        found: dict[int, list[Path]] = {}
        for path in self.folder.glob("replication_*_*.npz"):
            number = path.stem.split("_")[1]
            if number.isdigit():
                found.setdefault(int(number), []).append(path)
        return found

    def _intact(self, replication: int) -> Path | None:
        for path in self._files().get(replication, []):
            if sha256_of(path)[:HASH_CHARS] == path.stem.rsplit("_", 1)[1]:
                return path
        return None

    def done(self) -> set[int]:
        return {replication for replication in self._files() if self._intact(replication) is not None}

    def save(self, replication: int, tables: ReplicationTables) -> None:
        temp = self.folder / f".{replication}.tmp.npz"
        np.savez(temp, **_arrays(tables))
        for old in self._files().get(replication, []):  # a damaged file of the same replication
            old.unlink()
        os.replace(temp, self.folder / f"replication_{replication:06d}_{sha256_of(temp)[:HASH_CHARS]}.npz")

    def load(self, replication: int) -> ReplicationTables:
        path = self._intact(replication)
        if path is None:
            raise InputError([Problem(shown_path(self.folder), f"replication {replication} is missing or damaged")])
        with np.load(path, allow_pickle=False) as data:
            return _tables({name: data[name] for name in data.files})


HASH_CHARS = 16  # 64 bits of the SHA-256: enough to notice damage


def _arrays(tables: ReplicationTables) -> dict[str, np.ndarray]:
    """A replication's tables as named plain arrays (numbers and text; no objects, which would need pickle)."""
    arrays = {"monthly": tables.monthly, "annual": tables.annual,
              "draws.keys": np.array(list(tables.draws), dtype=str),
              "draws.values": np.array(list(tables.draws.values()), dtype=float)}
    columns = list(zip(*tables.ledger, strict=True)) or [()] * len(LEDGER_COLUMNS)
    arrays.update({f"ledger.{name}": np.array(column) for name, column in zip(LEDGER_COLUMNS, columns, strict=True)})
    if tables.funds is not None:
        dicts = []
        for field in dataclasses.fields(tables.funds):
            value = getattr(tables.funds, field.name)
            if isinstance(value, dict):
                dicts.append(field.name)
                arrays.update({f"funds.{field.name}.{key}": item for key, item in value.items()})
            else:
                arrays[f"funds.{field.name}"] = value
        arrays["funds:dicts"] = np.array(dicts, dtype=str)
    return arrays


def _tables(arrays: dict[str, np.ndarray]) -> ReplicationTables:
    ledger = list(zip(*(arrays[f"ledger.{name}"].tolist() for name in LEDGER_COLUMNS), strict=True))
    draws = dict(zip(arrays["draws.keys"].tolist(), arrays["draws.values"].tolist(), strict=True))
    funds = None
    if "funds:dicts" in arrays:
        fields: dict[str, Any] = {name: {} for name in arrays["funds:dicts"].tolist()}
        for name, value in arrays.items():
            head, _, rest = name.partition(".")
            if head != "funds":
                continue
            field, _, key = rest.partition(".")
            if field in fields:
                fields[field][key] = value
            else:
                fields[field] = value
        funds = FundAccounts(**fields)
    return ReplicationTables(arrays["monthly"], arrays["annual"], draws, ledger, funds)
