"""Laying text out on a slide or a page (排版): text is measured as the renderer draws it, so a line is broken
where it really reaches the edge (a Chinese character is about twice as wide as a Latin letter, and Chinese
breaks between any two characters, English only at spaces); tables size their columns to their cells and
wrap what does not fit; a page is filled from the top, block under block, so nothing is placed by guesswork.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from matplotlib.backend_bases import RendererBase
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.gridspec import GridSpec
from matplotlib.lines import Line2D
from matplotlib.transforms import Bbox

WIDE = r"\u2e80-\u9fff\u3000-\u303f\uff00-\uffef"
# A wide character alone, or a run of narrow ones with the spaces after it: the pieces a line may break between.
TOKENS = re.compile(rf"[{WIDE}]|[^\s{WIDE}]+\s*|\s+")
NO_LINE_START = set("，。、；：？！）》」』】,.;:?!)%‰")  # punctuation that stays at the end of the line before
NO_LINE_END = set("（《「『【(")  # an opening bracket goes down with what it opens
LINE_SPACING = 1.3
RULE_COLOUR = "#bbbbbb"


def renderer(figure: Figure) -> RendererBase:
    """The renderer that will draw ``figure`` (Agg, as saved to PNG), to measure text before it is placed."""
    if not isinstance(figure.canvas, FigureCanvasAgg):
        FigureCanvasAgg(figure)
    return figure.canvas.get_renderer()


def width(text: str, size: float, measure: RendererBase, weight: str = "normal") -> float:
    """Width of one line of ``text`` in points as drawn in the current fonts."""
    if not text:
        return 0.0
    pixels, _, _ = measure.get_text_width_height_descent(text, FontProperties(size=size, weight=weight), ismath=False)
    return pixels * 72.0 / measure.dpi


def wrap(text: str, room: float, size: float, measure: RendererBase, weight: str = "normal") -> str:
    """``text`` broken into lines no wider than ``room`` points (a single word wider than that keeps its line)."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for token in TOKENS.findall(paragraph):
            candidate = line + token
            if line and token[0] not in NO_LINE_START and width(candidate.rstrip(), size, measure, weight) > room + 0.1:
                carried = line[-1] if line[-1] in NO_LINE_END and len(line) > 1 else ""
                lines.append(line[: len(line) - len(carried)].rstrip())
                line = carried + token.lstrip()
            else:
                line = candidate
        lines.append(line.rstrip())
    return "\n".join(lines)


def widest_piece(text: str, size: float, measure: RendererBase, weight: str = "normal") -> float:
    """The width of the widest piece ``text`` cannot be broken inside: what a wrapped column needs at least."""
    return max((width(token.strip(), size, measure, weight) for token in TOKENS.findall(text)), default=0.0)


def line_count(text: str) -> int:
    return text.count("\n") + 1


@dataclass
class Table:
    """A plain table: a bold header, thin rules between rows, numbers right-aligned. Every cell's text has the
    gid ``table:<name>@<row>,<column>`` (row 0 the header), so tests can read the table back."""

    name: str
    header: Sequence[str]
    rows: Sequence[Sequence[str]]
    title: str = ""
    size: float = 7.0
    left_columns: int = 1  # columns of words, left-aligned; the rest hold numbers
    smallest: float = 5.5  # the size a table too wide for its room shrinks to, at most
    _widths: list[float] = field(default_factory=list, repr=False)
    _cells: list[list[str]] = field(default_factory=list, repr=False)

    @property
    def pad(self) -> float:
        return 0.45 * self.size

    def _layout(self, room: float, measure: RendererBase) -> None:
        """Column widths that fit ``room`` points: as wide as their cells, spare room shared out; too wide, the
        widest wrappable columns give way first, then the type gets smaller."""
        grid = [list(self.header), *(list(map(str, row)) for row in self.rows)]
        columns = range(len(self.header))

        def needed(c: int, size: float) -> tuple[float, float]:
            weight = ["bold"] + ["normal"] * (len(grid) - 1)
            full = max(max(width(line, size, measure, w) for line in row[c].split("\n")) for row, w in zip(
                grid, weight, strict=True))
            least = max(widest_piece(row[c], size, measure, w) for row, w in zip(grid, weight, strict=True))
            return full + 2 * self.pad, least + 2 * self.pad

        while True:
            sizes = [needed(c, self.size) for c in columns]
            widths = [full for full, _ in sizes]
            excess = sum(widths) - room
            step = max(excess / 50, 0.5)
            while excess > 0:  # the widest column that can still wrap gives a little, until all fits
                wrappable = [c for c in columns if widths[c] - sizes[c][1] > 1e-6]
                if not wrappable:
                    break
                c = max(wrappable, key=lambda c: widths[c])
                give = min(step, excess, widths[c] - sizes[c][1])
                widths[c] -= give
                excess -= give
            if excess <= 0 or self.size <= self.smallest:
                break
            self.size = max(self.size - 0.5, self.smallest)
        spare = max(room - sum(widths), 0.0) / len(widths)  # spare room spread evenly: columns keep their order
        widths = [w + spare for w in widths]
        self._widths = widths
        self._cells = [[wrap(row[c], widths[c] - 2 * self.pad, self.size, measure, "bold" if r == 0 else "normal")
                        for c in columns] for r, row in enumerate(grid)]

    def _row_heights(self) -> list[float]:
        return [max(map(line_count, row)) * self.size * LINE_SPACING + self.pad for row in self._cells]

    def _title_height(self) -> float:
        return (self.size + 2) * LINE_SPACING + self.pad if self.title else 0.0

    def height(self, figure: Figure, room: float) -> float:
        """Height in points the table takes when ``room`` points wide."""
        self._layout(room, renderer(figure))
        return self._title_height() + sum(self._row_heights())

    def draw(self, figure: Figure, left: float, top: float, room: float) -> float:
        """Draw the table with its top-left corner at (``left``, ``top``) in points from the figure's bottom-left;
        returns the height used (points)."""
        used = self.height(figure, room)
        to_figure = figure.dpi_scale_trans  # inches
        y = top
        if self.title:
            figure.text(left / 72, y / 72, self.title, transform=to_figure, fontsize=self.size + 2, fontweight="bold",
                        va="top")
            y -= self._title_height()
        self._rule(figure, left, y, room, dark=True)
        for r, (row, height) in enumerate(zip(self._cells, self._row_heights(), strict=True)):
            x = left
            for c, (text, column) in enumerate(zip(row, self._widths, strict=True)):
                number = c >= self.left_columns
                figure.text((x + column - self.pad if number else x + self.pad) / 72, (y - self.pad / 2) / 72, text,
                            transform=to_figure, fontsize=self.size, fontweight="bold" if r == 0 else "normal",
                            ha="right" if number else "left", va="top", linespacing=LINE_SPACING,
                            gid=f"table:{self.name}@{r},{c}")
                x += column
            y -= height
            self._rule(figure, left, y, room, dark=r == 0)
        return used

    @staticmethod
    def _rule(figure: Figure, left: float, y: float, room: float, dark: bool) -> None:
        figure.add_artist(Line2D([left / 72, (left + room) / 72], [y / 72, y / 72], transform=figure.dpi_scale_trans,
                                 color="#777777" if dark else RULE_COLOUR, linewidth=0.8 if dark else 0.5))


class Page:
    """A page filled from the top down within its margins (points): text blocks, tables, and the room left
    for charts."""

    def __init__(self, figure: Figure, margins: tuple[float, float, float, float] = (36, 36, 30, 30)):
        self.figure = figure
        self.left, self.right, self.top_margin, self.bottom = margins
        self.top = figure.get_figheight() * 72 - self.top_margin  # the cursor, points from the bottom
        self.floor = self.bottom  # what the blocks placed at the foot of the page leave free

    @property
    def room(self) -> float:
        return self.figure.get_figwidth() * 72 - self.left - self.right

    def text(self, text: str, size: float, gap: float = 4.0, weight: str = "normal", colour: str = "black") -> None:
        """A paragraph wrapped to the page's width, and ``gap`` points below it."""
        wrapped = wrap(text, self.room, size, renderer(self.figure), weight)
        self.figure.text(self.left / 72, self.top / 72, wrapped, transform=self.figure.dpi_scale_trans, fontsize=size,
                         fontweight=weight, va="top", linespacing=LINE_SPACING, color=colour)
        self.top -= line_count(wrapped) * size * LINE_SPACING + gap

    def table(self, table: Table, gap: float = 10.0) -> None:
        self.top -= table.draw(self.figure, self.left, self.top, self.room) + gap

    def table_at_foot(self, table: Table, gap: float = 8.0) -> None:
        """A table standing on the page's foot (above the footer); the room for charts ends above it."""
        height = table.height(self.figure, self.room)
        table.draw(self.figure, self.left, self.floor + height, self.room)
        self.floor += height + gap

    def rest(self) -> tuple[float, float, float, float]:
        """The room between the cursor and the foot as a figure rectangle (left, bottom, right, top), fractions."""
        w, h = self.figure.get_figwidth() * 72, self.figure.get_figheight() * 72
        return self.left / w, self.floor / h, 1 - self.right / w, self.top / h


def fit_grid(figure: Figure, grid: GridSpec, rect: tuple[float, float, float, float], pad: float = 6.0) -> None:
    """Place the axes of ``grid`` so that they, with their titles, labels, legends and colour bars, fill ``rect``
    (left, bottom, right, top; figure fractions) with ``pad`` points between panels: a tight layout confined to
    one part of a page (matplotlib's own moves only pyplot's figures' axes). A colour bar made beside an axes
    shares its cell (its sub-grid's topmost cell), so it is fitted with it."""
    measure = renderer(figure)
    width, height = figure.get_figwidth() * 72, figure.get_figheight() * 72
    rows, columns = grid.get_geometry()
    for _ in range(2):  # the decorations' sizes barely change as the axes move: two rounds settle
        cells: dict[tuple[int, int], tuple[Bbox, Bbox]] = {}
        for ax in figure.axes:
            spec = ax.get_subplotspec()
            if spec is None or spec.get_topmost_subplotspec().get_gridspec() is not grid or not ax.get_visible():
                continue
            top_spec = spec.get_topmost_subplotspec()
            place = (top_spec.rowspan.start, top_spec.colspan.start)
            inner = ax.get_position()
            # As constrained layout does: a title or axis name counts for its height only (titles are wrapped to
            # their panel's width), so a long one does not squeeze every panel of its row.
            outer = figure.transFigure.inverted().transform_bbox(ax.get_tightbbox(measure, for_layout_only=True))
            if place in cells:
                inner, outer = (Bbox.union([cells[place][0], inner]), Bbox.union([cells[place][1], outer]))
            cells[place] = (inner, outer)
        over_left = np.zeros((rows, columns))
        over_right, over_top, over_bottom = over_left.copy(), over_left.copy(), over_left.copy()
        for (r, c), (inner, outer) in cells.items():
            over_left[r, c] = max(inner.x0 - outer.x0, 0) * width
            over_right[r, c] = max(outer.x1 - inner.x1, 0) * width
            over_top[r, c] = max(outer.y1 - inner.y1, 0) * height
            over_bottom[r, c] = max(inner.y0 - outer.y0, 0) * height
        left = rect[0] * width + over_left[:, 0].max()
        right = rect[2] * width - over_right[:, -1].max()
        top = rect[3] * height - over_top[0].max()
        bottom = rect[1] * height + over_bottom[-1].max()
        gap_x = max(((over_right[:, c] + over_left[:, c + 1]).max() for c in range(columns - 1)), default=0.0) + pad
        gap_y = max(((over_bottom[r] + over_top[r + 1]).max() for r in range(rows - 1)), default=0.0) + pad
        cell_w = (right - left - gap_x * (columns - 1)) / columns
        cell_h = (top - bottom - gap_y * (rows - 1)) / rows
        if cell_w <= 0 or cell_h <= 0:
            return  # no room: leave the grid as it is, and the layout checks will say so
        grid.update(left=left / width, right=right / width, top=top / height, bottom=bottom / height,
                    wspace=gap_x / cell_w, hspace=gap_y / cell_h)
        for ax in figure.axes:
            spec = ax.get_subplotspec()
            if spec is not None and spec.get_topmost_subplotspec().get_gridspec() is grid:
                ax.set_position(spec.get_position(figure))
