"""Each browser session's own folder (会话隔离), inside the page's results folder: its uploaded files and the overlay of
its current settings. No session can name another's folder (its name is random and never shown to the browser),
and the folder is removed when the session ends or the server stops; folders left by a server that was killed are
removed when the next one starts.

An uploaded scenario may only read files inside its session's folder and the project's scenario folders: a file
that ``extends`` or names a CSV elsewhere on the server (``/etc/…``, another session's folder) is refused before
anything is read from it, since its error messages would show the page's user what that file holds.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import weakref
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from sim.errors import InputError, Problem
from sim.scenario.files import CSV_MAX_BYTES, YAML_MAX_BYTES
from sim.scenario.layers import PATH_SUFFIXES
from sim.scenario.yamlio import read_yaml

SESSIONS = ".sessions"
UPLOAD_SUFFIXES = (".yaml", ".yml", ".csv", ".geojson")
_FOLDER = re.compile(r"(?P<pid>\d+)-[a-z0-9_]{8}")


def _remove(path: str) -> None:
    shutil.rmtree(path, ignore_errors=True)


class SessionFolder:
    """A private folder ``<root>/.sessions/<pid>-<random>/``, removed when this object is garbage-collected (the
    session's state is dropped) or the process exits."""

    def __init__(self, root: Path):
        parent = root / SESSIONS
        parent.mkdir(parents=True, exist_ok=True)
        self.path = Path(tempfile.mkdtemp(prefix=f"{os.getpid()}-", dir=parent))  # mode 0700
        self._finalizer = weakref.finalize(self, _remove, str(self.path))

    def remove(self) -> None:
        self._finalizer()

    def save_uploads(self, files: Iterable[tuple[str, bytes]]) -> list[Path]:
        """Write uploaded files (name, bytes) into ``uploads/``, replacing what the session uploaded before: only
        their base names are kept (no folders), only scenario, CSV and GeoJSON files, none larger than the CLI
        would read."""
        folder = self.path / "uploads"
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir()
        written, problems = [], []
        for name, data in files:
            base = Path(name.replace("\\", "/")).name
            suffix = Path(base).suffix.lower()
            limit = YAML_MAX_BYTES if suffix in (".yaml", ".yml") else CSV_MAX_BYTES
            if not base or base.startswith(".") or suffix not in UPLOAD_SUFFIXES:
                problems.append(Problem(name, "not a scenario (.yaml), CSV or GeoJSON file; upload those only"))
            elif len(data) > limit:
                problems.append(Problem(base, f"is larger than {limit // 2**20} MB, more than any such file needs"))
            else:
                path = folder / base
                path.write_bytes(data)
                written.append(path)
        if problems:
            raise InputError(problems)
        return written


def clean_stale(root: Path) -> None:
    """Remove session folders of servers no longer running (killed before they could remove them)."""
    parent = root / SESSIONS
    if not parent.is_dir():
        return
    for folder in parent.iterdir():
        found = _FOLDER.fullmatch(folder.name)
        if found and folder.is_dir() and not _alive(int(found["pid"])):
            shutil.rmtree(folder, ignore_errors=True)


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True


def _inside(path: Path, roots: Iterable[Path]) -> bool:
    resolved = path.resolve()
    return any(resolved == root or root in resolved.parents for root in (r.resolve() for r in roots))


def _named_files(node: Any, folder: Path) -> list[tuple[str, Path]]:
    found = []
    if isinstance(node, dict):
        for key, value in node.items():
            if isinstance(key, str) and key.endswith(PATH_SUFFIXES) and isinstance(value, str):
                found.append((key, folder / value))
            else:
                found += _named_files(value, folder)
    elif isinstance(node, list):
        for value in node:
            found += _named_files(value, folder)
    return found


def check_confined(path: Path, roots: Iterable[Path], shown: str) -> None:
    """Refuse a scenario that ``extends`` or names a CSV outside ``roots``, before any such file is read. YAML
    mistakes are left for the loader to report, with their lines."""
    roots = list(roots)
    todo, seen, problems = [path], set(), []
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        try:
            data, _ = read_yaml(current)
        except InputError:
            return  # the loader reports it, located
        if not isinstance(data, dict):
            return
        bases = data.get("extends") or []
        bases = [bases] if isinstance(bases, str) else bases
        named = [("extends", current.parent / base) for base in bases if isinstance(base, str)]
        for key, target in [*named, *_named_files(data, current.parent)]:
            if not _inside(target, roots):
                problems.append(Problem(shown, f"{key} names {target.name!r} outside the uploaded files and the "
                                               "project's scenarios; upload that file too", key))
            elif key == "extends" and target.is_file():
                todo.append(target.resolve())
    if problems:
        raise InputError(problems)
