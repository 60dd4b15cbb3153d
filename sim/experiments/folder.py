"""The result folder of a comparison or a sweep, written as runs finish so that an interruption loses nothing.

Unlike ``tuoyu run``'s all-or-nothing folders, these grow in place: the manifest is written first with
``"status": "running"`` and the plan, each finished run is stored at once (a line appended to a CSV and
flushed to disk, or a file renamed into place), the status becomes ``"interrupted"`` on Ctrl-C or an error
and ``"complete"`` only when every table is written. ``--resume DIR`` continues a folder that is not
complete if it was planned with the same settings, and refuses otherwise.
"""

from __future__ import annotations

import json
import os
import pickle
import shutil
from collections.abc import Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from sim.errors import InputError, Problem, shown_path
from sim.output import check_target, git_commit, versions

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
        path.mkdir(parents=True)
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
        self.manifest.update(fields, status=COMPLETE, finished=_now())
        self.save()

    @contextmanager
    def running(self):
        """Runs stored inside the block survive Ctrl-C or an error: the folder is marked interrupted, and Ctrl-C
        becomes an :class:`Interrupted` that says how to resume."""
        try:
            yield
        except BaseException as error:
            self.manifest["status"] = INTERRUPTED
            self.save()
            if isinstance(error, KeyboardInterrupt):
                raise Interrupted(f"interrupted: the finished runs are kept in {self.path}; to finish, run\n  "
                                  + " ".join(resume_command(self.manifest["command"], self.path))) from None
            raise


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
        return pd.read_csv(self.path)

    def append(self, row: Sequence[Any]) -> None:
        with self.path.open("a", encoding="utf-8") as file:
            file.write(",".join(repr(float(v)) if isinstance(v, float) else str(v) for v in row) + "\n")
            file.flush()
            os.fsync(file.fileno())


class ReplicationStore:
    """One file per finished replication of a comparison's scenario, renamed into place when complete."""

    def __init__(self, folder: Path):
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)

    def _file(self, replication: int) -> Path:
        return self.folder / f"replication_{replication:06d}.pickle"

    def done(self) -> set[int]:
        return {int(p.stem.removeprefix("replication_")) for p in self.folder.glob("replication_*.pickle")}

    def save(self, replication: int, tables: Any) -> None:
        temp = self.folder / f".{replication}.tmp"
        temp.write_bytes(pickle.dumps(tables, protocol=pickle.HIGHEST_PROTOCOL))
        os.replace(temp, self._file(replication))

    def load(self, replication: int) -> Any:
        return pickle.loads(self._file(replication).read_bytes())
