"""The house style (图表样式): fonts, colours, line styles, hatches and the footer, in one place.

Colours are the Okabe–Ito palette (safe for colour-blind readers); every series also has its own line
style and marker, and every stacked area or bar its own hatch, so a chart printed in grey still reads.
Chinese is set in Noto Sans SC, which installs with the project (package ``pylopdf-fonts-zh-cn``, SIL Open
Font License 1.1) and is registered with matplotlib when :mod:`sim.charts` is imported: no system font
and no download needed. Figures are plain :class:`matplotlib.figure.Figure` objects, not pyplot's, so
drawing needs no display and leaves nothing open.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import matplotlib
import pylopdf_fonts_zh_cn
from matplotlib import font_manager, transforms
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from sim.indicators import INDICATORS

CJK_FONT = "Noto Sans SC"
LATIN_FONT = "DejaVu Sans"  # ships with matplotlib
font_manager.fontManager.addfont(str(pylopdf_fonts_zh_cn.sans_path()))


class _OneWeightFont(logging.Filter):
    """The bundled Chinese font has one weight; matplotlib uses it for bold text too, as intended."""

    def filter(self, record: logging.LogRecord) -> bool:
        return CJK_FONT not in record.getMessage()


logging.getLogger("matplotlib.font_manager").addFilter(_OneWeightFont())

SLIDE_SIZE = (10.0, 5.625)  # inches, 16:9
WIDE_SIZE = (12.0, 5.625)
A4_PORTRAIT = (8.27, 11.69)
DPI = 200

# Okabe–Ito, in the order scenarios take them.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442")
LINE_STYLES = ("-", "--", "-.", ":", (0, (5, 1, 1, 1)), (0, (3, 1, 1, 1, 1, 1)))
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")
HATCHES = ("", "//", "..", "xx", "\\\\", "oo", "--", "++", "**", "||", "OO", "..//")
BAND_ALPHA = 0.18
LEGEND_GAP_POINTS = 16  # below the tick labels (and 14 more below an axis name)
NARROW_AXES_INCHES = 4.5  # a legend below narrower axes (the brief's panels) takes one column
TARGET_COLOUR = "#7F0000"
TARGET_STYLE = {"color": TARGET_COLOUR, "linestyle": (0, (6, 3)), "linewidth": 1.6}
DEADLINE_STYLE = {"color": TARGET_COLOUR, "linestyle": ":", "linewidth": 1.0}
GAP_COLOUR = "#999999"
CONSTRAINT_COLOURS = {"demand": "#56B4E9", "buildings": "#E69F00", "staff": "#D55E00", "money": "#555555"}


def series_style(i: int) -> dict[str, Any]:
    """Colour, line style and marker of the i-th series (scenario, indicator) on an axes."""
    return {"color": PALETTE[i % len(PALETTE)], "linestyle": LINE_STYLES[i % len(LINE_STYLES)],
            "marker": MARKERS[i % len(MARKERS)]}


def rc(language: str, dpi: int = DPI) -> dict[str, Any]:
    """matplotlib settings of the house style; Chinese text first looks in the Chinese font."""
    # A list of families (not the generic "sans-serif") makes matplotlib take each glyph from the first
    # family that has it: Chinese in an English chart (a scenario's name) comes from the Chinese font.
    fonts = [CJK_FONT, LATIN_FONT] if language == "zh" else [LATIN_FONT, CJK_FONT]
    return {
        "font.family": fonts, "axes.unicode_minus": True,
        "font.size": 10, "axes.titlesize": 13, "axes.titleweight": "bold", "axes.titlelocation": "left",
        "axes.labelsize": 10, "legend.fontsize": 9, "legend.frameon": False,
        "axes.spines.top": False, "axes.spines.right": False, "axes.grid": True, "grid.color": "#dddddd",
        "grid.linewidth": 0.6, "lines.linewidth": 1.8, "lines.markersize": 4, "hatch.linewidth": 0.6,
        "figure.dpi": dpi, "savefig.dpi": dpi, "savefig.bbox": "tight", "pdf.fonttype": 42,
        "svg.fonttype": "path",
    }


_active: list[str] = []  # languages of the house styles entered, innermost last


@contextmanager
def house_style(language: str, dpi: int = DPI, **overrides: Any) -> Iterator[None]:
    """The house style's matplotlib settings for ``language`` (and any ``overrides``) inside the block."""
    with matplotlib.rc_context({**rc(language, dpi), **overrides}):
        _active.append(language)
        try:
            yield
        finally:
            _active.pop()


def chart(function: Callable[..., Figure]) -> Callable[..., Figure]:
    """Run a chart function under the house style of its ``language``, unless the caller (the brief, with
    its smaller type) already set one up for that language."""

    @functools.wraps(function)
    def wrapper(*args: Any, language: str = "zh", **kwargs: Any) -> Figure:
        if _active and _active[-1] == language:
            return function(*args, language=language, **kwargs)
        with house_style(language):
            return function(*args, language=language, **kwargs)

    return wrapper


def axes(ax: Axes | None, size: tuple[float, float] = SLIDE_SIZE) -> Axes:
    """The axes to draw into: the caller's, or one on a new slide-sized figure."""
    if ax is not None:
        return ax
    return Figure(figsize=size, layout="constrained").add_subplot()


def axes_row(axs: Any, n: int, size: tuple[float, float] = WIDE_SIZE, rows: int = 1) -> list[Axes]:
    """``n`` axes to draw into: the caller's sequence, or a new figure's grid of ``rows`` rows."""
    if axs is not None:
        axs = list(axs.flat) if hasattr(axs, "flat") else list(axs)
        if len(axs) < n:
            raise ValueError(f"this chart draws into {n} axes, got {len(axs)}")
        return axs[:n]
    figure = Figure(figsize=size, layout="constrained")
    return list(figure.subplots(rows, -(-n // rows), squeeze=False).flat)[:n]


def scale(indicator: str, language: str) -> float:
    """Factor from an indicator's stored unit to the unit its axis shows (shares in %, yuan in 万 or millions)."""
    unit = INDICATORS[indicator].unit_en
    if unit == "share":
        return 100.0
    if unit == "yuan":
        return money_scale(language)
    return 1.0


def money_scale(language: str) -> float:
    return 1e-4 if language == "zh" else 1e-6


def legend_below(ax: Axes, ncols: int = 3, others: tuple[Axes, ...] = ()) -> None:
    """One legend under the axes, where it never covers data, with the entries of ``others`` (a twin axis)."""
    handles, labels = [], []
    for each in (ax, *others):
        more_handles, more_labels = each.get_legend_handles_labels()
        handles += more_handles
        labels += more_labels
    if handles:
        narrow = ax.get_position().width * ax.figure.get_figwidth() < NARROW_AXES_INCHES
        below = transforms.offset_copy(ax.transAxes, ax.figure, y=-(LEGEND_GAP_POINTS + 14 * bool(ax.get_xlabel())),
                                       units="points")
        ax.legend(handles, labels, loc="upper center", bbox_to_anchor=(0.5, 0), bbox_transform=below,
                  ncols=1 if narrow else ncols)


def target_line(ax: Axes, value: float, label: str, horizontal: bool = True) -> None:
    (ax.axhline if horizontal else ax.axvline)(value, label=label, zorder=3, **TARGET_STYLE)


def footer(figure: Figure, text: str, inside: bool = False) -> None:
    """The small line at the bottom of every figure: scenario, seed, version, date. A chart saved with a tight
    box gets it just below everything else; a page (``inside``) in its bottom margin."""
    figure.text(0.995, 0.005 if inside else -0.01, text, ha="right", va="bottom" if inside else "top", fontsize=7,
                color="#555555")
