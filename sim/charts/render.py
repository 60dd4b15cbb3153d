"""Write charts to files: each with its footer, each file written under a temporary name and renamed, so
an interrupted run leaves no half-written picture."""

from __future__ import annotations

import os
from pathlib import Path

from matplotlib.figure import Figure

from sim.charts import style
from sim.charts.catalogue import select
from sim.charts.folders import ResultFolder
from sim.charts.words import word

FORMATS = ("png", "svg", "pdf")


def footer_text(folder: ResultFolder, language: str) -> str:
    return word("footer", language, name=folder.name, seed=folder.seed, version=folder.version, date=folder.date)


def save(figure: Figure, path: Path, dpi: int = style.DPI, page: bool = False) -> Path:
    """Save ``figure`` to ``path`` (format from the suffix) atomically: cropped to what it holds, or as a
    whole ``page``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.stem}.partial{path.suffix}")
    try:
        figure.savefig(partial, dpi=dpi, metadata=_metadata(path.suffix),
                       bbox_inches=figure.bbox_inches if page else "tight")
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
