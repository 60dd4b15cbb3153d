"""Take the meeting's package home: the overlay file and the run folder and brief that ``tuoyu run`` and
``tuoyu report`` make of it.

An export is a folder ``<results>/exports/<scenario>_s<seed>_r<reps>_<digest>/`` holding ``overlay.yaml`` and
``run/``, the results folder of that overlay with that seed and number of replications (written by the same code
as ``tuoyu run``, its twin replications included), with ``brief_<lang>.pdf`` in it as ``tuoyu report`` writes it.
The page's replications are reused: the overlay loads to the very scenario the page ran. The same package exported
twice is the same folder, written once.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sim import charts
from sim.app.engine import Engine, Progress, Request
from sim.errors import InputError
from sim.folders import make_folder, manifest_of, sha256_of, verify_folder
from sim.output import save
from sim.scenario.load import Scenario, load_scenario

EXPORTS = "exports"


@dataclass(frozen=True)
class Export:
    folder: Path
    overlay: Path
    run: Path

    def brief(self, language: str) -> Path:
        return self.run / f"brief_{language}.pdf"


def _digest(parts: list[str]) -> str:
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()[:10]


def _write_once(path: Path, text: str) -> None:
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        return
    partial = path.with_name(f".{path.name}.partial")
    partial.write_text(text, encoding="utf-8")
    os.replace(partial, path)


def _complete(run: Path, seed: int, reps: int) -> bool:
    manifest = manifest_of(run)
    if manifest is None or manifest.get("seed") != seed or manifest.get("reps") != reps:
        return False
    try:
        verify_folder(run)
    except InputError:  # damaged or changed since: written again
        return False
    return True


def export(engine: Engine, root: Path, base: Scenario, make_overlay: Callable[[Path], str], seed: int, reps: int,
           language: str, uploads: Path | None = None, request: Request | None = None,
           progress: Progress | None = None) -> Export:
    """Write (or find) the export of the overlay ``make_overlay(base file)`` and its brief in ``language``. A
    scenario uploaded into ``uploads`` is copied into the export (``scenario/``) and the overlay extends the copy,
    so that the export outlives the session."""
    identity = [make_overlay(Path(base.path.name) if uploads else base.path), str(seed), str(reps)]
    if uploads is not None:
        identity += [f"{p.name}:{sha256_of(p)}" for p in sorted(uploads.iterdir()) if p.is_file()]
    folder = root / EXPORTS / f"{base.path.parent.name}_{base.path.stem}_s{seed}_r{reps}_{_digest(identity)}"
    make_folder(folder)
    extended = base.path
    if uploads is not None:
        shutil.copytree(uploads, folder / "scenario", dirs_exist_ok=True)
        extended = folder / "scenario" / base.path.name
    found = Export(folder, folder / "overlay.yaml", folder / "run")
    _write_once(found.overlay, make_overlay(extended))
    if not _complete(found.run, seed, reps):
        started = datetime.now(UTC)
        scenario = load_scenario(found.overlay)
        result = engine.result(scenario, seed, reps, twins=True, request=request, progress=progress)
        command = ["tuoyu", "app", "export", str(found.overlay), "--reps", str(reps), "--seed", str(seed)]
        save(result, found.run, True, started, command=command)
    if not found.brief(language).is_file():
        charts.write_brief(charts.load(found.run), language)
    return found
