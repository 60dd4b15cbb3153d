"""Checks on a drawn matplotlib figure, for what a reader would see wrong: text over text, text over another
panel's plot or off the page, a series the legend does not name, a legend over the data, an empty or flat
second axis, a Chinese character the font cannot draw. Tables the charts draw (``sim.charts.table``) are read
back cell by cell, so a test can compare their numbers with the result folder's.

Each check draws the figure with the Agg renderer (as saved), looks at the window extents of what was drawn and
returns a list of problems, each a sentence naming the artists; ``problems(figure)`` runs them all.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator

import numpy as np
from matplotlib import font_manager
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg
from matplotlib.collections import LineCollection, PathCollection, PolyCollection
from matplotlib.colors import to_rgba_array
from matplotlib.figure import Figure
from matplotlib.ft2font import FT2Font
from matplotlib.legend import Legend
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle
from matplotlib.text import Text
from matplotlib.transforms import Bbox

TOLERANCE_PX = 1.0  # boxes that merely touch (rounding at the renderer's pixel grid) do not overlap
NON_LATIN = re.compile(r"[^\x00-\x7f]")


def renderer(figure: Figure) -> RendererAgg:
    """Draw ``figure`` as it will be saved and return the renderer (layout engines run on draw)."""
    canvas = figure.canvas if isinstance(figure.canvas, FigureCanvasAgg) else FigureCanvasAgg(figure)
    canvas.draw()
    return canvas.get_renderer()


def _shown(text: Text) -> bool:
    return text.get_visible() and bool(text.get_text().strip()) and (text.get_alpha() is None or text.get_alpha() > 0)


def texts(figure: Figure) -> Iterator[tuple[Text, Axes | None]]:
    """Every text drawn on the figure with the axes it belongs to (None for the figure's own: its suptitle is
    one of ``figure.texts``)."""
    yield from ((text, None) for text in figure.texts if _shown(text))
    for legend in figure.legends:
        yield from ((t, None) for t in (*legend.get_texts(), legend.get_title()) if _shown(t))
    for ax in figure.axes:
        if not ax.get_visible():
            continue
        candidates = [ax.title, ax._left_title, ax._right_title, *ax.texts]
        if ax.axison:
            for axis in (a for a in (ax.xaxis, ax.yaxis) if a.get_visible()):
                drawn = axis._update_ticks()  # the ticks inside the view limits: the others are kept, not drawn
                candidates += [axis.label, axis.offsetText, *(label for tick in drawn
                                                              for label in (tick.label1, tick.label2)
                                                              if label.get_visible())]
        if (legend := ax.get_legend()) is not None and legend.get_visible():
            candidates += [*legend.get_texts(), legend.get_title()]
        yield from ((t, ax) for t in candidates if _shown(t))


def _legends(figure: Figure) -> Iterator[tuple[Legend, Axes | None]]:
    yield from ((legend, None) for legend in figure.legends)
    for ax in figure.axes:
        if ax.get_visible() and (legend := ax.get_legend()) is not None and legend.get_visible():
            yield legend, ax


def _name(text: Text) -> str:
    return repr(text.get_text().replace("\n", " ")[:40])


def _overlap(a: Bbox, b: Bbox, tolerance: float = TOLERANCE_PX) -> bool:
    return (min(a.x1, b.x1) - max(a.x0, b.x0) > tolerance) and (min(a.y1, b.y1) - max(a.y0, b.y0) > tolerance)


def _family(ax: Axes | None) -> set[int]:
    """An axes and its twins (they share one plot area)."""
    return set() if ax is None else {id(a) for a in ax.get_shared_x_axes().get_siblings(ax)
                                     if a.bbox.bounds == ax.bbox.bounds} | {id(ax)}


def text_overlaps(figure: Figure, r: RendererAgg | None = None) -> list[str]:
    """No two texts overlap, and no text lies over a legend it is not part of."""
    r = r or renderer(figure)
    boxes = [(t, ax, t.get_window_extent(r)) for t, ax in texts(figure)]
    corners = np.array([box.extents for _, _, box in boxes]).reshape(-1, 4)
    width = np.minimum(corners[:, None, 2], corners[None, :, 2]) - np.maximum(corners[:, None, 0], corners[None, :, 0])
    height = np.minimum(corners[:, None, 3], corners[None, :, 3]) - np.maximum(corners[:, None, 1], corners[None, :, 1])
    pairs = np.argwhere(np.triu((width > TOLERANCE_PX) & (height > TOLERANCE_PX), k=1))
    found = [f"text {_name(boxes[i][0])} overlaps text {_name(boxes[j][0])}" for i, j in pairs]
    for legend, _ in _legends(figure):
        own = {id(t) for t in (*legend.get_texts(), legend.get_title())}
        frame = legend.get_window_extent(r)
        found += [f"text {_name(t)} lies under a legend" for t, _, box in boxes
                  if id(t) not in own and _overlap(box, frame)]
    return found


def outside_plot_area(figure: Figure, r: RendererAgg | None = None) -> list[str]:
    """No text and no legend reaches into the plot area of an axes it does not belong to."""
    r = r or renderer(figure)
    areas = [ax for ax in figure.axes if ax.get_visible() and ax.axison]
    found = []
    items = [(t, ax, t.get_window_extent(r), _name(t)) for t, ax in texts(figure)]
    items += [(legend, ax, legend.get_window_extent(r), "a legend") for legend, ax in _legends(figure)]
    for _, owner, box, name in items:
        family = _family(owner)
        for area in areas:
            if id(area) not in family and _overlap(box, area.bbox):
                found.append(f"{name} reaches into the plot area of {_axes_name(area)}")
    return found


def _axes_name(ax: Axes) -> str:
    return f"the axes titled {_name(ax.title) if ax.get_title() else _name(ax._left_title)}"


def clipped(figure: Figure, r: RendererAgg | None = None) -> list[str]:
    """Every text and legend lies inside the figure (the page or slide as saved); a text clipped to its axes
    (drawn in data coordinates) lies inside that axes."""
    r = r or renderer(figure)
    page = figure.bbox
    found = []
    for text, ax in texts(figure):
        box = text.get_window_extent(r)
        if not _inside(box, page):
            found.append(f"text {_name(text)} runs off the figure")
        elif ax is not None and text.get_clip_on() and text in ax.texts and not _inside(box, ax.bbox):
            found.append(f"text {_name(text)} is cut at the edge of its axes")
    found += [f"a legend runs off the figure ({', '.join(_name(t) for t in legend.get_texts()[:2])} …)"
              for legend, _ in _legends(figure) if not _inside(legend.get_window_extent(r), page)]
    return found


def _inside(box: Bbox, area: Bbox, tolerance: float = TOLERANCE_PX) -> bool:
    return (box.x0 >= area.x0 - tolerance and box.y0 >= area.y0 - tolerance and box.x1 <= area.x1 + tolerance
            and box.y1 <= area.y1 + tolerance)


def _colour(value) -> tuple[float, ...]:
    colours = to_rgba_array(value)
    return tuple(np.round(colours[0], 2)) if len(colours) else ()


def _fill(face, edge) -> tuple[float, ...]:
    """A patch's colour as a reader sees it: its fill, or its outline (and hatch) when it has no fill."""
    colour = _colour(face)
    return colour if colour and colour[3] > 0 else _colour(edge)


def _key(artist) -> tuple | None:
    """What tells a series apart on paper: colour with line style and marker, or fill colour with hatch."""
    if isinstance(artist, Line2D):
        return ("line", _colour(artist.get_color()), str(artist.get_linestyle()), str(artist.get_marker()))
    if isinstance(artist, Rectangle):
        return ("patch", _fill(artist.get_facecolor(), artist.get_edgecolor()), artist.get_hatch() or "")
    if isinstance(artist, LineCollection):
        return ("lines", _colour(artist.get_color()))
    if isinstance(artist, PolyCollection | PathCollection):
        return ("patch", _fill(artist.get_facecolor(), artist.get_edgecolor()), artist.get_hatch() or "")
    return None


def _series(ax: Axes) -> Iterator[tuple[object, str]]:
    """The artists of an axes that show data, with a name for messages; guides (``gid='guide'``) left out."""
    for line in ax.lines:
        if line.get_gid() != "guide" and line.get_visible() and len(line.get_xdata()):
            yield line, line.get_label()
    for collection in ax.collections:
        drawn = isinstance(collection, LineCollection | PolyCollection | PathCollection) and collection.get_paths()
        if drawn and collection.get_gid() != "guide":
            yield collection, collection.get_label()
    for container in ax.containers:
        patches = [p for p in container.patches if p.get_height() and p.get_width()] if hasattr(container, "patches") \
            else []
        if patches and getattr(container, "gid", None) != "guide":
            yield patches[0], container.get_label()


def _legend_keys(legend: Legend) -> set[tuple]:
    keys = set()
    for handle in legend.legend_handles:
        key = _key(handle)
        if key is not None:
            keys.add(key)
            if key[0] == "line":  # a legend draws a collection of lines (hlines, intervals) as one line
                keys.add(("lines", key[1]))
    return keys


def missing_legend_entries(figure: Figure, r: RendererAgg | None = None) -> list[str]:
    """Every series drawn (line, band, bars, intervals, points) looks like an entry of some legend of the figure;
    a chart with one series may instead name it in its title (``gid='guide'`` marks lines that are not data)."""
    r = r or renderer(figure)
    keys = set().union(*(_legend_keys(legend) for legend, _ in _legends(figure)))
    found = []
    for ax in figure.axes:
        if not ax.get_visible() or ax.get_gid() == "no-legend":
            continue
        for artist, name in _series(ax):
            key = _key(artist)
            if key is None or key in keys:
                continue
            if key[0] == "patch" and any(k[0] == "line" and k[1][:3] == key[1][:3] for k in keys) \
                    and isinstance(artist, PolyCollection):
                continue  # a band in its line's colour: the band entry of the legend names all bands
            found.append(f"{_axes_name(ax)}: series {name!r} {key} has no legend entry")
    return found


def legend_over_data(figure: Figure, r: RendererAgg | None = None) -> list[str]:
    """No legend lies over a point of a line or band drawn in any axes."""
    r = r or renderer(figure)
    found = []
    for legend, _ in _legends(figure):
        frame = legend.get_window_extent(r)
        for ax in figure.axes:
            for artist, name in _series(ax):
                points = _display_points(artist)
                if len(points) and _any_inside(points, frame):
                    found.append(f"a legend covers {name!r} of {_axes_name(ax)}")
    return found


def _display_points(artist) -> np.ndarray:
    if isinstance(artist, Line2D):
        xy = artist.get_xydata()
        return artist.get_transform().transform(xy) if len(xy) else np.empty((0, 2))
    if isinstance(artist, Rectangle):
        box = artist.get_window_extent()
        return np.array([[box.x0, box.y0], [box.x1, box.y1], [(box.x0 + box.x1) / 2, (box.y0 + box.y1) / 2]])
    paths = artist.get_paths()
    if not paths:
        return np.empty((0, 2))
    transform = artist.get_transform()
    return np.concatenate([transform.transform(p.vertices) for p in paths if len(p.vertices)] or [np.empty((0, 2))])


def _any_inside(points: np.ndarray, box: Bbox) -> bool:
    points = points[np.isfinite(points).all(axis=1)]
    return bool(((points[:, 0] > box.x0 + TOLERANCE_PX) & (points[:, 0] < box.x1 - TOLERANCE_PX)
                 & (points[:, 1] > box.y0 + TOLERANCE_PX) & (points[:, 1] < box.y1 - TOLERANCE_PX)).any())


def flat_secondary_axes(figure: Figure, r: RendererAgg | None = None) -> list[str]:
    """A second y axis (a twin) shows a series that moves: not nothing, not one constant value."""
    r = r or renderer(figure)
    found = []
    for ax in figure.axes:
        twins = [a for a in ax.get_shared_x_axes().get_siblings(ax) if a is not ax and a.bbox.bounds == ax.bbox.bounds]
        if not twins or figure.axes.index(ax) < min(figure.axes.index(t) for t in twins):
            continue  # the first of the twins is the main axes
        values = np.concatenate([np.asarray(line.get_ydata(), dtype=float) for line, _ in _series(ax)
                                 if isinstance(line, Line2D)] or [np.empty(0)])
        values = values[np.isfinite(values)]
        if not len(values):
            found.append(f"{_axes_name(ax)}: the second axis shows nothing")
        elif np.ptp(values) == 0:
            found.append(f"{_axes_name(ax)}: the second axis shows one constant value ({values[0]:g})")
    return found


@functools.cache
def _charmap(path: str) -> frozenset[int]:
    return frozenset(FT2Font(path).get_charmap())


def _covered(character: str, families: list[str]) -> bool:
    for family in families:
        try:
            path = font_manager.findfont(font_manager.FontProperties(family=family), fallback_to_default=False)
        except ValueError:
            continue
        if ord(character) in _charmap(path):
            return True
    return False


def missing_glyphs(figure: Figure, r: RendererAgg | None = None) -> list[str]:
    """Every character outside ASCII (Chinese, ‰, –, ≥) is in one of the fonts its text falls back through."""
    r = r or renderer(figure)
    found = []
    for text, _ in texts(figure):
        families = text.get_fontfamily()
        missing = {c for c in set(NON_LATIN.findall(text.get_text())) if not _covered(c, list(families))}
        if missing:
            found.append(f"text {_name(text)}: no glyph for {''.join(sorted(missing))} in {', '.join(families)}")
    return found


CHECKS = (text_overlaps, outside_plot_area, clipped, missing_legend_entries, legend_over_data, flat_secondary_axes,
          missing_glyphs)


def problems(figure: Figure) -> list[str]:
    """Every check's problems."""
    r = renderer(figure)
    return [problem for check in CHECKS for problem in check(figure, r)]


def table_cells(figure: Figure, table: str) -> dict[tuple[int, int], str]:
    """The cells of a table drawn by :mod:`sim.charts.table` with id ``table``: (row, column) → text, row 0 the
    header."""
    cells = {}
    for text in figure.findobj(Text):
        gid = text.get_gid() or ""
        name, _, place = gid.rpartition("@")
        if name == f"table:{table}":
            row, column = map(int, place.split(","))
            cells[row, column] = text.get_text().replace("\n", "")
    return cells
