"""Results folders the tool owns: what ``--force`` may replace, one job per folder, room to write.

* ``--force`` replaces only an empty folder or one that tuoyu wrote (its ``manifest.json`` names a kind of
  results) holding nothing but what tuoyu wrote there; never the working folder or one of its parents.
* A lock beside each results folder (``.NAME.lock``) lets one job at a time write it: a second is refused at
  once and told who holds it. The lock is an OS file lock, so it dies with its process: a job that was killed
  leaves no lock that blocks the next one.
* Before any simulation, the output location must be writable and have room for the expected results.
"""

from __future__ import annotations

import errno
import fnmatch
import hashlib
import json
import os
import re
import shutil
import socket
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from pathlib import Path

from sim.errors import InputError, Problem, ResourceError, shown_path

try:
    import fcntl
except ImportError:  # Windows: byte-range locks, which also end with their process
    fcntl = None
    import msvcrt

KINDS = ("run", "compare", "sweep", "calibration", "optimize", "discover")
# Written into a results folder after its manifest: charts and briefs (tuoyu chart, tuoyu report), and, while an
# experiment is unfinished, the runs it stores as they finish.
DRAWN_LATER = ("charts/*", "brief_*.pdf", "brief_*.png")
IN_PROGRESS = ("plan.csv", "runs.csv", "evaluations.csv", "replications/*", "scenarios/*", ".*.tmp",
               "replications.csv", "study.db", "study.db-journal")
STRANGERS_SHOWN = 3
FOLDER_BYTES = 10 * 2**20  # a sweep's or a calibration's folder: a table of points, a few small tables and charts


def manifest_of(folder: Path) -> dict | None:
    """The manifest of a folder tuoyu wrote, or None."""
    try:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return manifest if isinstance(manifest, dict) and manifest.get("kind") in KINDS else None


def strangers(folder: Path, manifest: dict) -> list[str]:
    """Files under ``folder`` that tuoyu did not write there, as paths relative to it."""
    listed = manifest.get("files")
    own = set(listed) if isinstance(listed, dict) else set()
    patterns = (*DRAWN_LATER, *(IN_PROGRESS if manifest.get("status") != "complete" else ()))
    found = []
    for root, _, names in os.walk(folder):
        for name in names:
            relative = (Path(root) / name).relative_to(folder).as_posix()
            if relative != "manifest.json" and relative not in own \
                    and not any(fnmatch.fnmatch(relative, p) for p in patterns):
                found.append(relative)
    return sorted(found)


def verify_folder(folder: Path) -> None:
    """Refuse a results folder whose files differ from those its manifest lists (damaged, or changed since
    tuoyu wrote them), before anything is read from it."""
    manifest = manifest_of(folder)
    listed = manifest.get("files") if manifest else None
    if not isinstance(listed, dict):
        return  # not a results folder (the reader says so), or written before folders listed their files
    problems = []
    for name, digest in listed.items():
        path = folder / name
        if Path(name).is_absolute() or ".." in Path(name).parts:
            problems.append(Problem(shown_path(folder / "manifest.json"), f"lists a file outside the folder: {name!r}"))
        elif not path.is_file():
            problems.append(Problem(shown_path(folder), f"has no {name}, though its manifest lists it"))
        elif sha256_of(path) != digest:
            problems.append(Problem(shown_path(path), "differs from the file tuoyu wrote (its SHA-256 does not match "
                                                      "the manifest's): damaged or changed"))
    if problems:
        raise InputError(problems)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(2**20), b""):
            digest.update(block)
    return digest.hexdigest()


def check_target(out: Path, force: bool) -> None:
    """Refuse to write ``out`` unless it is new or empty, or, with ``force``, a results folder tuoyu wrote that
    holds nothing else; called before any work so that nothing is wasted."""
    where = shown_path(out)
    here = Path.cwd().resolve()
    if out.resolve() == here or out.resolve() in here.parents:
        raise InputError([Problem(where, "is the working folder or one of its parents; results need a folder of "
                                         "their own, e.g. --out results/my_run")])
    if not out.exists():
        return
    if not out.is_dir():
        raise InputError([Problem(where, "exists and is not a folder")])
    if not any(out.iterdir()):
        return
    if not force:
        raise InputError([Problem(where, "already exists; use --force to replace it or --out to choose another")])
    manifest = manifest_of(out)
    if manifest is None:
        raise InputError([Problem(where, "is not a results folder of tuoyu (it has no tuoyu manifest.json), so "
                                         "--force will not replace it; choose another --out")])
    if manifest.get("status", "complete") == "complete" and not isinstance(manifest.get("files"), dict):
        raise InputError([Problem(where, "was written by an older tuoyu that did not list its files, so --force "
                                         "cannot tell them from yours; delete it yourself or choose another --out")])
    found = strangers(out, manifest)
    if found:
        shown = ", ".join(found[:STRANGERS_SHOWN]) + (f" and {len(found) - STRANGERS_SHOWN} more"
                                                      if len(found) > STRANGERS_SHOWN else "")
        raise InputError([Problem(where, f"holds files tuoyu did not write ({shown}), so --force will not replace "
                                         f"it; move them elsewhere or choose another --out")])


_held: dict[Path, int] = {}  # locks this process holds, and how many times over (a run saves inside its lock)


def lock_path(out: Path) -> Path:
    return out.parent / f".{out.name}.lock"


@contextmanager
def locked(out: Path, command: list[str]) -> Iterator[None]:
    """Hold the lock of results folder ``out`` inside the block; refuse at once if another job holds it."""
    path = lock_path(out.resolve())
    if path in _held:
        _held[path] += 1
        try:
            yield
        finally:
            _held[path] -= 1
        return
    make_folder(path.parent)
    fd = _acquire(path, out)
    holder = {"pid": os.getpid(), "host": socket.gethostname(), "command": " ".join(command),
              "started": datetime.now(UTC).isoformat(timespec="seconds")}
    os.ftruncate(fd, 0)
    os.write(fd, json.dumps(holder, ensure_ascii=False).encode("utf-8"))
    _held[path] = 1
    try:
        yield
    finally:
        del _held[path]
        with suppress(OSError):  # Windows cannot remove an open file; the next job locks it again all the same
            os.unlink(path)  # before letting go: a job waiting to lock must not take a file already gone
        os.close(fd)


def _try_lock(fd: int) -> bool:
    try:
        if fcntl is not None:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        else:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
    except OSError:  # held by another process
        return False
    return True


def _acquire(path: Path, out: Path) -> int:
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        if not _try_lock(fd):
            try:
                holder = os.read(fd, 4096).decode("utf-8", "replace")
            except OSError:  # Windows does not let a locked byte be read
                holder = ""
            os.close(fd)
            raise InputError([Problem(shown_path(out), f"is being written by another tuoyu job ({_holder(holder)}); "
                                                       "wait for it to finish, or choose another --out")])
        try:
            same = os.fstat(fd).st_ino == os.stat(path).st_ino
        except FileNotFoundError:
            same = False
        if same:  # else the job that held it removed the file as it let go: lock the file there now
            return fd
        os.close(fd)


def _holder(text: str) -> str:
    try:
        holder = json.loads(text)
        return f"process {holder['pid']} on {holder['host']} since {holder['started']}: {holder['command']}"
    except (ValueError, KeyError, TypeError):
        return "a process that is still running"


_STAGING = r"\.{name}\.[a-z0-9_]{{8}}\.partial"


def staging_folder(out: Path) -> Path:
    """A new hidden folder beside ``out`` to write it in, after removing those that killed runs of the same folder
    left behind (the caller holds the folder's lock, so no other job is writing them)."""
    pattern = re.compile(_STAGING.format(name=re.escape(out.name)))
    for stale in out.parent.glob(f".{out.name}.*"):
        if stale.is_dir() and (pattern.fullmatch(stale.name) or stale.name == f".{out.name}.old"):
            shutil.rmtree(stale, ignore_errors=True)
    return Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".partial", dir=out.parent))


def make_folder(folder: Path) -> None:
    """``folder`` and its parents, or a ResourceError saying why they cannot be made."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise disk_error(err, folder) from None


def disk_error(err: OSError, fallback: Path) -> ResourceError:
    """A disk fault as one line naming the path."""
    reason = err.strerror or str(err)
    if err.errno in (errno.ENOSPC, errno.EDQUOT):
        reason += " (the disk is full)"
    return ResourceError(shown_path(err.filename or fallback), reason)


def check_room(out: Path, needed_bytes: int) -> None:
    """The folder ``out`` will be written in must exist or be creatable, be writable and have room for
    ``needed_bytes``: checked before simulating, so that a full or read-only disk costs no run."""
    parent = out.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=parent):  # the only test that root, ACLs and read-only mounts all answer
            pass
    except OSError as err:
        raise ResourceError(shown_path(parent), f"cannot be written to: {disk_error(err, parent).message}; "
                                                "choose another --out") from None
    free = shutil.disk_usage(parent).free
    if free < needed_bytes:
        raise ResourceError(shown_path(parent), f"has {size_text(free)} free, and the results need about "
                                                f"{size_text(needed_bytes)}; free some space or choose another --out")


def size_text(n: float) -> str:
    """A number of bytes as people read it: 12.3 MB."""
    units = ("bytes", "KB", "MB", "GB", "TB")
    k = 0
    while n >= 1024 and k < len(units) - 1:
        n, k = n / 1024, k + 1
    return f"{n:,.0f} bytes" if k == 0 else f"{n:,.1f} {units[k]}"
