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
import itertools
import logging
import math
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import matplotlib
import matplotlib.ticker as mticker
import pylopdf_fonts_zh_cn
from matplotlib import font_manager, transforms
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from sim.charts import layout

CJK_FONT = "Noto Sans SC"
LATIN_FONT = "DejaVu Sans"  # ships with matplotlib
font_manager.fontManager.addfont(str(pylopdf_fonts_zh_cn.sans_path()))


class _OneWeightFont(logging.Filter):
    """The bundled Chinese font has one weight; matplotlib uses it for bold text too, as intended."""

    def filter(self, record: logging.LogRecord) -> bool:
        return CJK_FONT not in record.getMessage()


logging.getLogger("matplotlib.font_manager").addFilter(_OneWeightFont())

SLIDE_SIZE = (10.0, 5.625)  # inches, 16:9
WIDE_SIZE = (12.0, 6.75)  # 16:9, for charts of several panels
A4_PORTRAIT = (8.27, 11.69)
DPI = 200

# Okabe–Ito, in the order scenarios take them.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442")
LINE_STYLES = ("-", "--", "-.", ":", (0, (5, 1, 1, 1)), (0, (3, 1, 1, 1, 1, 1)))
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")
HATCHES = ("", "//", "..", "xx", "\\\\", "oo", "--", "++", "**", "||", "OO", "..//")
BAND_ALPHA = 0.18
FOOT_MARGIN = 5.0  # points between the foot's text and the figure's edge
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
        "figure.dpi": dpi, "savefig.dpi": dpi, "savefig.bbox": None, "pdf.fonttype": 42,
        "svg.fonttype": "path",
        # Unhinted glyphs are as wide at every resolution, so text measured to lay a page out (at the figure's
        # resolution) fits the same when saved at another (hinting changes widths by up to 10% at 110 dpi).
        "text.hinting": "none",
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


def slide(size: tuple[float, float] = SLIDE_SIZE) -> Figure:
    """A new 16:9 figure whose layout keeps every label inside it (saved whole, so a slide stays 16:9)."""
    return Figure(figsize=size, layout="constrained")


def axes(ax: Axes | None, size: tuple[float, float] = SLIDE_SIZE) -> Axes:
    """The axes to draw into: the caller's, or one on a new slide-sized figure."""
    if ax is not None:
        return ax
    return slide(size).add_subplot()


def axes_row(axs: Any, n: int, size: tuple[float, float] = WIDE_SIZE, rows: int = 1) -> list[Axes]:
    """``n`` axes to draw into: the caller's sequence, or a new figure's grid of ``rows`` rows with a row below
    for the panels' one legend (see :func:`shared_legend`)."""
    if axs is not None:
        axs = list(axs.flat) if hasattr(axs, "flat") else list(axs)
        if len(axs) < n:
            raise ValueError(f"this chart draws into {n} axes, got {len(axs)}")
        return axs[:n]
    figure = slide(size)
    columns = -(-n // rows)
    grid = figure.add_gridspec(rows + 1, columns, height_ratios=[1.0] * rows + [0.001])
    panels = [figure.add_subplot(grid[i // columns, i % columns]) for i in range(n)]
    key = figure.add_subplot(grid[rows, :])
    key.set_axis_off()
    figure._tuoyu_legend_axes = key
    return panels


def shared_legend(axs: list[Axes], ncols: int = 3) -> None:
    """One legend for several panels: in the row kept for it under a chart's own grid (the layout makes room),
    or under the last panel of a caller's page. Entries are the panels' labels, each once."""
    key = getattr(axs[0].figure, "_tuoyu_legend_axes", None)
    if key is not None:
        handles, labels = [], []
        for ax in axs:
            for handle, text in zip(*ax.get_legend_handles_labels(), strict=True):
                if text not in labels:
                    handles.append(handle)
                    labels.append(text)
        # Centred on the slide, not on the panels (their labels on the left push them off centre).
        across = transforms.blended_transform_factory(key.figure.transFigure, key.transAxes)
        _fitting_legend(key, handles, labels, min(ncols, len(labels)), bbox_to_anchor=(0.5, 1.0),
                        bbox_transform=across, borderaxespad=0)
    else:
        legend_below(axs[-1], ncols=1, others=tuple(axs[:-1]))


def wrap_titles(axs: Any, size: float | None = None) -> None:
    """Panel titles broken over lines at their panel's width (a long English label would run into the next),
    measured after the figure's layout has placed the panels."""
    engine = axs[0].figure.get_layout_engine() if len(axs) else None
    if engine is not None:
        layout.renderer(axs[0].figure)
        engine.execute(axs[0].figure)
    for ax in axs:
        figure = ax.figure
        room = ax.get_position(original=True).width * figure.get_figwidth() * 72  # a map shrinks to its aspect
        for loc in ("left", "center", "right"):
            title = ax.get_title(loc)
            if title:
                text = ax.title if loc == "center" else getattr(ax, f"_{loc}_title")
                points = size or text.get_fontsize()
                ax.set_title(layout.wrap(title.replace("\n", " "), room, points, layout.renderer(figure),
                                         text.get_fontweight()), loc=loc, fontsize=points)


def guide(*artists: Any) -> None:
    """Mark lines that are not data (a zero line, a deadline): they need no legend entry of their own."""
    for artist in artists:
        artist.set_gid("guide")


def thousands(axis: Any) -> None:
    """Tick labels with thousands separators and as many decimals as the tick step needs."""
    def text(value: float, _: int) -> str:
        ticks = axis.get_major_locator()()
        step = min((abs(b - a) for a, b in itertools.pairwise(ticks) if b != a), default=1.0)
        decimals = max(0, min(3, -math.floor(math.log10(step)))) if step < 1 else 0
        return f"{value:,.{decimals}f}"

    axis.set_major_formatter(mticker.FuncFormatter(text))


def legend_below(ax: Axes, ncols: int = 3, others: tuple[Axes, ...] = ()) -> None:
    """One legend under the axes, where it never covers data, with the entries of ``others`` (a twin axis)."""
    handles, labels = [], []
    for each in (ax, *others):
        for handle, text in zip(*each.get_legend_handles_labels(), strict=True):
            if text not in labels:  # panels that share a legend label their series alike
                handles.append(handle)
                labels.append(text)
    if handles:
        narrow = ax.get_position().width * ax.figure.get_figwidth() < NARROW_AXES_INCHES
        # Below the tick labels (however many lines they have) and the axis name.
        ticks = ax.xaxis.get_ticklabels()
        lines = max((t.get_text().count("\n") + 1 for t in ticks), default=1) if ax.xaxis.get_visible() else 0
        size = ticks[0].get_fontsize() if ticks else 10
        drop = LEGEND_GAP_POINTS + (lines - 1) * size * 1.25 + 14 * bool(ax.get_xlabel())
        below = transforms.offset_copy(ax.transAxes, ax.figure, y=-drop, units="points")
        _fitting_legend(ax, handles, labels, 1 if narrow else ncols, bbox_to_anchor=(0.5, 0), bbox_transform=below)


def _fitting_legend(ax: Axes, handles: list, labels: list[str], ncols: int, **placement: Any) -> None:
    """A legend of at most ``ncols`` columns, fewer when that many would not fit between the figure's edges
    around the point it is centred on."""
    measure = layout.renderer(ax.figure)
    for columns in range(max(ncols, 1), 0, -1):
        legend = ax.legend(handles, labels, loc="upper center", ncols=columns, **placement)
        box = legend.get_window_extent(measure)
        centre = (box.x0 + box.x1) / 2
        if box.width < 1.84 * min(centre, ax.figure.bbox.width - centre):
            return


def target_line(ax: Axes, value: float, label: str, horizontal: bool = True) -> None:
    (ax.axhline if horizontal else ax.axvline)(value, label=label, zorder=3, **TARGET_STYLE)


def note(figure: Figure, text: str) -> None:
    """A line for the foot of a slide (how many runs an analysis had, what its intervals mean), drawn by
    :func:`footer` above the footer line."""
    notes = getattr(figure, "_tuoyu_notes", [])
    notes.append(text)
    figure._tuoyu_notes = notes


def footer(figure: Figure, text: str, inside: bool = False) -> None:
    """The notes and the small line at the bottom of every figure (scenario, seed, version, date), in a strip
    of their own at the foot of a slide (its layout keeps the charts above it) or in a page's bottom margin."""
    size = 7.0
    notes = [] if inside else getattr(figure, "_tuoyu_notes", [])
    room = figure.get_figwidth() * 72 - 2 * FOOT_MARGIN
    measure = layout.renderer(figure)
    lines = [layout.wrap(n, room, size, measure) for n in notes]
    y = FOOT_MARGIN / 72
    text = layout.wrap(text, room, size, measure)  # a comparison's names can be long
    figure.text(1 - FOOT_MARGIN / 72 / figure.get_figwidth(), y, text, transform=_inches(figure), ha="right",
                va="bottom", fontsize=size, color="#555555", linespacing=layout.LINE_SPACING, multialignment="right")
    y += layout.line_count(text) * size * layout.LINE_SPACING / 72
    for line in reversed(lines):
        figure.text(FOOT_MARGIN / 72 / figure.get_figwidth(), y, line, transform=_inches(figure), ha="left",
                    va="bottom", fontsize=size,
                    color="#333333", linespacing=layout.LINE_SPACING)
        y += layout.line_count(line) * size * layout.LINE_SPACING / 72
    engine = figure.get_layout_engine()
    if not inside and engine is not None and hasattr(engine, "set"):
        strip = y / figure.get_figheight() + 0.01
        engine.set(rect=(0, strip, 1, 1 - strip))


def _inches(figure: Figure) -> transforms.Transform:
    """Inches from the bottom-left corner, so the foot keeps its size whatever the figure's."""
    return transforms.blended_transform_factory(figure.transFigure, figure.dpi_scale_trans)
