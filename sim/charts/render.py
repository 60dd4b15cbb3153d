"""Write charts to files: each with its footer, each file written under a temporary name and renamed, so
an interrupted run leaves no half-written picture."""

from __future__ import annotations

import os
from pathlib import Path

from matplotlib.figure import Figure

from sim.charts import style
from sim.charts.catalogue import select
from sim.charts.words import word
from sim.errors import InputError, Problem, shown_path
from sim.result_folders import ResultFolder

FORMATS = ("png", "svg", "pdf")


def footer_text(folder: ResultFolder, language: str) -> str:
    return word("footer", language, name=folder.title(language), seed=folder.seed, version=folder.version,
                date=folder.date)


def save(figure: Figure, path: Path, dpi: int = style.DPI) -> Path:
    """Save the whole of ``figure`` (a 16:9 slide or an A4 page: never cropped) to ``path``, format from the
    suffix, atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.stem}.partial{path.suffix}")
    try:
        figure.savefig(partial, dpi=dpi, metadata=_metadata(path.suffix), bbox_inches=None)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return path


def _metadata(suffix: str) -> dict[str, str | None]:
    """No creation date in PDF and SVG files, so redrawing the same result gives the same file."""
    if suffix == ".pdf":
        return {"CreationDate": None, "Creator": "tuoyu-sim"}
    if suffix == ".svg":
        return {"Date": None, "Creator": "tuoyu-sim"}
    return {"Software": "tuoyu-sim"}


def render(folder: ResultFolder, language: str = "zh", fmt: str = "png", only: list[str] | None = None,
           out: Path | None = None, dpi: int = style.DPI) -> list[Path]:
    """Draw the charts of ``folder`` (all that apply, or ``only`` those) into ``out`` (default
    ``<folder>/charts/<language>/``), one ``<name>.<fmt>`` each; returns the files written."""
    charts = select(folder, only)
    out = out or folder.path / "charts" / language
    written = []
    for chart in charts:
        with style.house_style(language, dpi):
            figure = chart.draw(folder, language=language)
            style.footer(figure, footer_text(folder, language))
            written.append(save(figure, out / f"{chart.name}.{fmt}", dpi))
    return written


def render_maps(folder: ResultFolder, names: list[str], language: str = "zh", fmt: str = "png",
                out: Path | None = None, dpi: int = style.DPI, month: str | None = None,
                geometry: Path | None = None) -> tuple[list[Path], list[str]]:
    """Draw the street maps ``names`` (``all`` for every one) of a run or comparison folder into ``out``
    (default ``<folder>/charts/<language>/``) as ``map_<name>.<fmt>``; returns the files and the notes to tell
    the user (a city drawn as tiles for want of street boundaries)."""
    from sim.charts import maps

    names = list(maps.LAYERS) if "all" in names else list(dict.fromkeys(names))
    problems = maps.unknown_maps(names)
    if folder.kind not in ("run", "compare"):
        problems.append(Problem("--map", f"maps are drawn from a run or compare folder; {shown_path(folder.path)} is "
                                         f"a {folder.kind} folder"))
    if problems:
        raise InputError(problems)
    out = out or folder.path / "charts" / language
    written, notes = [], []
    for name in names:
        with style.house_style(language, dpi):
            figure = maps.street_map(folder, name, language=language, month=month, geometry=geometry)
            notes = figure._tuoyu_notes
            style.footer(figure, footer_text(folder, language))
            written.append(save(figure, out / f"map_{name}.{fmt}", dpi))
    return written, notes
