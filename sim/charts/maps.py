"""Maps of where the city falls short (托育短板地图), street by street: places per 1,000 residents, children
waiting, licensed occupancy, community-centre coverage and childcare deserts (more than 3 children under 3 per
licensed place), at a year's end or as the change a scenario makes from the reference.

Street values exist at year ends (the results' street level). Street shapes come from a GeoJSON, GeoPackage or
shapefile keyed by ``street_id``: given with ``--geometry``, or found beside the scenario's streets CSV as
``streets.geojson`` (``.gpkg``, ``.shp``). Without one the streets are drawn as a tile grid, one square per
street grouped by district, and the map says so. Nothing is downloaded: no tiles, no basemap.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from matplotlib import colormaps
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection, PathCollection
from matplotlib.colors import BoundaryNorm, ListedColormap, Normalize
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.path import Path as MplPath

from sim.charts import layout, numbers, style
from sim.charts.layout import Page, Table
from sim.charts.words import word
from sim.errors import InputError, Problem, did_you_mean, shown_path
from sim.model.lifecycle import DESERT_CHILDREN_PER_PLACE
from sim.result_folders import CompareFolder, ResultFolder, RunFolder

GEOMETRY_SUFFIXES = (".geojson", ".gpkg", ".shp")
NO_DATA = "#e6e6e6"
DISTRICT_EDGE = "#333333"
NEEDIEST = 10  # streets listed (and outlined) as the neediest
CLASSES = 5  # colour steps of a sequential map


@dataclass(frozen=True)
class Layer:
    """One map: what it shows and how (``sequential`` colours by value, ``categories`` by class)."""

    name: str
    indicator: str
    kind: str  # sequential or categories
    colours: str = "Blues"
    higher_is_better: bool = True


LAYERS: dict[str, Layer] = {layer.name: layer for layer in (
    Layer("places_per_1000", "places_per_1000", "sequential", "Blues"),
    Layer("unmet_demand", "waitlist", "sequential", "Oranges", higher_is_better=False),
    Layer("licensed_occupancy", "licensed_occupancy", "sequential", "Greens"),
    Layer("centre_coverage", "streets_with_centre", "categories"),
    Layer("deserts", "childcare_desert", "categories"),
)}
CATEGORY_COLOURS = {
    "centre": "#009E73", "centre_some": "#a6dccb", "no_centre": "#D55E00", "town": "#ffffff",
    "no_places": "#7F0000", "desert": "#E69F00", "not_desert": "#cfe3f2",
    "gained": "#009E73", "lost": "#D55E00", "same_yes": "#a6dccb", "same_no": "#f3d6c2",
}


# --- street shapes -------------------------------------------------------------------------------------------

@dataclass
class Streets:
    """Street shapes keyed by ``street_id`` with their district, and how they were found (a note for the map)."""

    frame: gpd.GeoDataFrame
    note: str
    tiles: bool = False


def geometry_file(folder: RunFolder, given: Path | None = None) -> Path | None:
    """The street shapes to draw: the file given, else one beside the scenario's streets CSV."""
    if given is not None:
        return Path(given)
    streets_csv = ((folder.scenario.get("geography") or {}).get("streets_csv")) or ""
    for suffix in GEOMETRY_SUFFIXES:
        for candidate in (folder.path / "inputs" / f"streets{suffix}", Path(streets_csv).with_suffix(suffix)):
            if streets_csv and candidate.is_file():
                return candidate
    return None


def streets(folder: RunFolder, language: str, given: Path | None = None) -> Streets:
    """The streets of ``folder`` as shapes: read from a file, or laid out as tiles when the city has none."""
    geography = folder.table("geography.csv")
    listed = geography[geography["level"] == "street"][["geography", "district_id"]].rename(
        columns={"geography": "street_id"})
    file = geometry_file(folder, given)
    if file is None:
        return Streets(tile_grid(listed), word("map.no_geometry", language), tiles=True)
    if not file.is_file():
        raise InputError([Problem(shown_path(file), "no such file (--geometry: a GeoJSON, GeoPackage or shapefile of "
                                                    "the streets with a street_id column)")])
    try:
        frame = gpd.read_file(file)
    except Exception as err:  # pyogrio raises its own errors for unreadable files; all mean "not readable"
        raise InputError([Problem(shown_path(file), f"cannot be read as street shapes: {err}")]) from None
    if "street_id" not in frame.columns:
        raise InputError([Problem(shown_path(file), "has no street_id column" + did_you_mean(
            "street_id", [str(c) for c in frame.columns]) + f"; columns: {', '.join(map(str, frame.columns))}")])
    frame["street_id"] = frame["street_id"].astype(str)
    crs = frame.crs
    frame = listed.merge(frame[["street_id", "geometry"]], on="street_id", how="left")
    missing = frame["geometry"].isna()
    if missing.all():
        raise InputError([Problem(shown_path(file), "names none of the result's streets by street_id (e.g. "
                                                    f"{listed['street_id'].iloc[0]!r})")])
    note = word("map.geometry_from", language, file=file.name)
    if missing.any():
        note += " " + word("map.streets_without_shape", language, count=int(missing.sum()))
    return Streets(gpd.GeoDataFrame(frame[~missing], geometry="geometry", crs=crs), note)


def tile_grid(listed: pd.DataFrame) -> gpd.GeoDataFrame:
    """One unit square per street, each district's streets in a block of rows, blocks in rows about as wide as
    they are tall overall: a map of who is short, not of where."""
    blocks = []
    for district, members in listed.groupby("district_id", sort=False):
        columns = max(1, math.ceil(math.sqrt(len(members))))
        blocks.append((district, members["street_id"].tolist(), columns))
    per_row = max(1, round(math.sqrt(len(blocks) * 16 / 9)))
    tiles, x0, y0, row_height = [], 0.0, 0.0, 0.0
    for n, (district, ids, columns) in enumerate(blocks):
        if n and n % per_row == 0:
            x0, y0, row_height = 0.0, y0 - row_height - 1.5, 0.0
        rows = math.ceil(len(ids) / columns)
        for i, street in enumerate(ids):
            x, y = x0 + i % columns, y0 - i // columns
            tiles.append((street, district, shapely.box(x + 0.05, y - 0.95, x + 0.95, y - 0.05)))
        x0 += columns + 1
        row_height = max(row_height, rows)
    return gpd.GeoDataFrame(pd.DataFrame(tiles, columns=["street_id", "district_id", "geometry"]),
                            geometry="geometry")


# --- street values -------------------------------------------------------------------------------------------

def map_months(folder: RunFolder) -> list[str]:
    """The months with street values: each year's end within the horizon."""
    summary = folder.table("summary.csv")
    return sorted(summary.loc[summary["level"] == "street", "month"].dropna().astype(str).unique())


def chosen_month(folder: RunFolder, month: str | None) -> str:
    months = map_months(folder)
    if not months:
        raise InputError([Problem(shown_path(folder.path), "has no street values to map (summary.csv)")])
    if month is None:
        return months[-1]
    if month not in months:
        raise InputError([Problem("--month", f"street values exist at year ends only: one of {', '.join(months)}, "
                                             f"got {month!r}")])
    return month


def street_values(folder: RunFolder, indicator: str, month: str) -> pd.Series:
    """Mean across replications of ``indicator`` per street at ``month`` (indexed by street_id)."""
    summary = folder.table("summary.csv")
    rows = summary[(summary["level"] == "street") & (summary["indicator"] == indicator)
                   & (summary["month"].astype(str) == month)]
    return rows.set_index("geography")["mean"]


def categories(folder: RunFolder, layer: Layer, month: str) -> pd.Series:
    """A street's class on a categorical map (centre coverage, deserts)."""
    if layer.name == "centre_coverage":
        share = street_values(folder, "streets_with_centre", month)
        urban = street_values(folder, "urban_streets", month) > 0
        found = pd.Series(np.select([~urban, share >= 0.95, share > 0.05], ["town", "centre", "centre_some"],
                                    "no_centre"), index=share.index)
        return found
    desert = street_values(folder, "childcare_desert", month)
    places = street_values(folder, "places_licensed", month)
    return pd.Series(np.select([places.reindex(desert.index) <= 0, desert >= 0.5], ["no_places", "desert"],
                               "not_desert"), index=desert.index)


def change_categories(before: pd.Series, after: pd.Series, layer: Layer) -> pd.Series:
    """How a scenario changes a street's class: gained, lost or kept (what is good depends on the layer)."""
    good = {"centre_coverage": ("centre", "centre_some"), "deserts": ("not_desert",)}[layer.name]
    was, now = before.isin(good), after.reindex(before.index).isin(good)
    found = np.select([~was & now, was & ~now, was & now], ["gained", "lost", "same_yes"], "same_no")
    if layer.name == "centre_coverage":
        found = np.where(before == "town", "town", found)
    return pd.Series(found, index=before.index)


# --- drawing -------------------------------------------------------------------------------------------------

def _category_words(layer: Layer, change: bool, language: str) -> dict[str, str]:
    keys = ("gained", "lost", "same_yes", "same_no", "town") if change else (
        ("centre", "centre_some", "no_centre", "town") if layer.name == "centre_coverage" else
        ("no_places", "desert", "not_desert"))
    return {k: word(f"map.{layer.name}.{k}", language, value=DESERT_CHILDREN_PER_PLACE) for k in keys}


def _paths(geometries: Sequence[shapely.Geometry]) -> list[MplPath]:
    """Matplotlib paths of polygons (holes and all parts kept), to draw many at once."""
    found = []
    for geometry in geometries:
        rings = [ring for part in getattr(geometry, "geoms", [geometry])
                 for ring in (part.exterior, *part.interiors)]
        found.append(MplPath.make_compound_path(*(MplPath(np.asarray(r.coords)[:, :2], closed=True) for r in rings)))
    return found


def _fill(ax: Axes, geometries: Sequence[shapely.Geometry], **style_of: object) -> PathCollection:
    """Polygons as one collection (geopandas' plot would redraw the whole figure after each call)."""
    collection = PathCollection(_paths(geometries), **style_of)
    ax.add_collection(collection, autolim=True)
    ax.autoscale_view()
    return collection


def _lines(ax: Axes, geometries: Sequence[shapely.Geometry], **style_of: object) -> None:
    """Outlines of polygons (not data: no legend entry of their own)."""
    segments = [np.asarray(line.coords)[:, :2] for geometry in geometries
                for line in getattr(shapely.boundary(geometry), "geoms", [shapely.boundary(geometry)])]
    style.guide(ax.add_collection(LineCollection(segments, **style_of)))


def _outline(ax: Axes, shapes: gpd.GeoDataFrame) -> None:
    """District borders over the streets."""
    _lines(ax, shapes.dissolve(by="district_id").geometry.to_numpy(), color=DISTRICT_EDGE, linewidth=0.6)


def _finish_map(ax: Axes, title: str, shapes: gpd.GeoDataFrame) -> None:
    ax.set_axis_off()
    if shapes.crs is not None and shapes.crs.is_geographic:  # a degree of longitude is shorter than one of latitude
        ax.set_aspect(1 / math.cos(math.radians((shapes.total_bounds[1] + shapes.total_bounds[3]) / 2)))
    else:
        ax.set_aspect("equal")
    ax.set_anchor("W")  # a map narrower than its cell keeps to the left, its legend beside it inside the cell
    ax.set_title(title, loc="left")
    ax.set_gid("no-legend")  # streets are coloured by value: the colour bar or the class legend reads them


def draw_layer(ax: Axes, shapes: Streets, values: pd.Series, layer: Layer, language: str, title: str,
               change: bool = False, unit_name: str = "", neediest: Sequence[str] = (), reach: float = 0.0) -> None:
    """Streets coloured by ``values`` (numbers, or class names for a categorical layer) into ``ax``, with a colour
    bar or class legend beside it and the district borders; a change map's colours run from −``reach`` to
    +``reach`` (shared by the panels of one figure, so equal colours mean equal changes)."""
    frame = shapes.frame.assign(value=shapes.frame["street_id"].map(values))
    edge = {"edgecolor": "white", "linewidth": 0.15 if len(frame) > 400 else 0.3}
    if layer.kind == "categories":
        names = _category_words(layer, change, language)
        handles = []
        for key, text in names.items():
            chosen = frame[frame["value"] == key]
            if len(chosen):
                _fill(ax, chosen.geometry.to_numpy(), facecolor=CATEGORY_COLOURS[key], **edge)
                handles.append(Patch(facecolor=CATEGORY_COLOURS[key], edgecolor="#999999", label=text))
        ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False, borderaxespad=0.2)
    else:
        known = frame[frame["value"].notna()]
        scale, cmap, norm = _colour_scale(known["value"], layer, change, reach)
        coloured = _fill(ax, known.geometry.to_numpy(), cmap=cmap, norm=norm, **edge)
        coloured.set_array(known["value"].to_numpy() * scale.factor)
        if frame["value"].isna().any():
            _fill(ax, frame[frame["value"].isna()].geometry.to_numpy(), facecolor=NO_DATA, hatch="////", **edge)
            ax.legend(handles=[Patch(facecolor=NO_DATA, hatch="////", edgecolor="#999999",
                                     label=word("map.no_places", language))],
                      loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False, borderaxespad=0.2)
        bar = ax.figure.colorbar(coloured, ax=ax, location="bottom", shrink=0.7, fraction=0.05, pad=0.02)
        bar.set_label(unit_name or scale.name)
        style.thousands(bar.ax.xaxis)
    if len(neediest):
        _lines(ax, frame[frame["street_id"].isin(neediest)].geometry.to_numpy(), color="black", linewidth=1.2)
    _outline(ax, shapes.frame)
    _finish_map(ax, title, shapes.frame)


def _colour_scale(values: pd.Series, layer: Layer, change: bool, reach: float = 0.0
                  ) -> tuple[numbers.Unit, object, Normalize]:
    """Colour steps for a sequential map (equal steps a reader can name), or a diverging scale centred on no
    change, blue where the scenario does better."""
    shown = numbers.unit(layer.indicator, "zh", values, difference=change)
    scaled = values * shown.factor
    if change:
        reach = reach * shown.factor or float(np.nanmax(np.abs(scaled))) or 1.0
        cmap = colormaps["RdBu" if layer.higher_is_better else "RdBu_r"]
        return shown, cmap, Normalize(-reach, reach)
    low, high = float(np.nanmin(scaled)), float(np.nanmax(scaled))
    if high <= low:
        high = low + 1.0
    edges = np.linspace(low, high, CLASSES + 1)
    cmap = colormaps[layer.colours].resampled(CLASSES + 2)
    return shown, ListedColormap(cmap(np.arange(1, CLASSES + 1))), BoundaryNorm(edges, CLASSES)


def _unit_name(layer: Layer, language: str, values: pd.Series, change: bool) -> str:
    return numbers.unit(layer.indicator, language, values, difference=change).name


def map_title(layer: Layer, language: str, month: str, change_from: str = "") -> str:
    text = word(f"map.title.{layer.name}", language)
    if change_from:
        return word("map.change_title", language, what=text, reference=change_from, month=month)
    return f"{text}, {month}" if language == "en" else f"{text}（{month}）"


def run_map(folder: RunFolder, layer: Layer, language: str, month: str, shapes: Streets, ax: Axes,
            neediest: Sequence[str] = ()) -> None:
    if layer.kind == "categories":
        values = categories(folder, layer, month)
        unit_name = ""
    else:
        values = street_values(folder, layer.indicator, month)
        unit_name = _unit_name(layer, language, values, False)
    draw_layer(ax, shapes, values, layer, language, map_title(layer, language, month), unit_name=unit_name,
               neediest=neediest if layer.name == "unmet_demand" else ())


def changes(reference: RunFolder, run: RunFolder, layer: Layer, month: str) -> pd.Series:
    """Per street, what ``run`` changes from ``reference``: a difference of means, or a change of class."""
    if layer.kind == "categories":
        return change_categories(categories(reference, layer, month), categories(run, layer, month), layer)
    return street_values(run, layer.indicator, month) - street_values(reference, layer.indicator, month)


def change_maps(folder: CompareFolder, layer: Layer, language: str, month: str, shapes: Streets,
                axs: Sequence[Axes], titles: Sequence[str]) -> None:
    """The change each scenario of ``folder`` makes from the reference, one panel each, on one colour scale."""
    reference = folder.runs[0][1]
    found = [changes(reference, run, layer, month) for _, run in folder.runs[1:]]
    numeric = layer.kind != "categories"
    reach = max((float(np.nanmax(np.abs(v))) for v in found if numeric and v.notna().any()), default=0.0)
    for ax, values, title in zip(axs, found, titles, strict=False):
        unit_name = "Δ " + _unit_name(layer, language, pd.Series([reach]), True) if numeric else ""
        draw_layer(ax, shapes, values, layer, language, title, change=True, unit_name=unit_name, reach=reach)


def neediest_streets(folder: RunFolder, month: str, count: int = NEEDIEST) -> pd.DataFrame:
    """The streets with the most children waiting (ties: fewer places per 1,000 first), with what the maps show."""
    frame = pd.DataFrame({"waitlist": street_values(folder, "waitlist", month),
                          "places_per_1000": street_values(folder, "places_per_1000", month),
                          "children_per_place": street_values(folder, "children_per_place", month),
                          "centre": street_values(folder, "streets_with_centre", month)})
    return frame.sort_values(["waitlist", "places_per_1000"], ascending=[False, True]).head(count)


def _names(folder: RunFolder, language: str) -> pd.DataFrame:
    geography = folder.table("geography.csv").set_index("geography")
    return geography[f"name_{'zh' if language == 'zh' else 'en'}"]


def neediest_table(folder: RunFolder, language: str, month: str) -> Table:
    frame = neediest_streets(folder, month)
    names = _names(folder, language)
    districts = folder.table("geography.csv").set_index("geography")["district_id"]
    rows = []
    for n, (street, row) in enumerate(frame.iterrows(), start=1):
        rows.append([str(n), str(names.get(street, street)), str(names.get(districts.get(street), "")),
                     f"{row['waitlist']:,.0f}", f"{row['places_per_1000']:.1f}",
                     "—" if pd.isna(row["children_per_place"]) else f"{row['children_per_place']:.1f}",
                     word("map.yes" if row["centre"] >= 0.5 else "map.no", language)])
    header = [word(f"map.table.{k}", language) for k in ("rank", "street", "district", "waiting", "per_1000",
                                                         "per_place", "centre")]
    return Table("neediest", header, rows, word("map.neediest", language, count=len(rows), month=month), 7.0,
                 left_columns=3)


# --- the figures ---------------------------------------------------------------------------------------------

def _reference_run(folder: ResultFolder) -> RunFolder:
    return folder.runs[0][1] if isinstance(folder, CompareFolder) else folder


def map_page(folder: ResultFolder, language: str = "zh", month: str | None = None, geometry: Path | None = None,
             page: Page | None = None) -> Figure:
    """The brief's maps: for a run, a page of the five maps and the neediest streets; for a comparison, the
    change each scenario makes from the reference in places per 1,000 and in deserts, filling the room ``page``
    leaves (or a page of its own)."""
    run = _reference_run(folder)
    month = chosen_month(run, month)
    shapes = streets(run, language, geometry)
    if page is None:
        page = Page(Figure(figsize=style.A4_PORTRAIT))
        title = "map.compare_page_title" if isinstance(folder, CompareFolder) else "map.page_title"
        page.text(word(title, language, reference=folder.titles(language)[0] if isinstance(folder, CompareFolder)
                       else "", month=month), 13, gap=4, weight="bold")
    page.text(shapes.note, 7, gap=6, colour="#333333")
    if isinstance(folder, CompareFolder):
        names = folder.titles(language)[1:]
        chosen = [LAYERS[n] for n in ("places_per_1000", "deserts")]
        grid = page.figure.add_gridspec(len(chosen), len(names))
        rect = page.rest()
        for r, layer in enumerate(chosen):
            axs = [page.figure.add_subplot(grid[r, c]) for c in range(len(names))]
            change_maps(folder, layer, language, month, shapes, axs,
                        [f"{name}: {word(f'map.title.{layer.name}', language)}" for name in names])
    else:
        page.table_at_foot(neediest_table(run, language, month))
        rect = page.rest()
        grid = page.figure.add_gridspec(3, 2)
        neediest = neediest_streets(run, month).index
        for spec, layer in zip(grid, LAYERS.values(), strict=False):
            run_map(run, layer, language, month, shapes, page.figure.add_subplot(spec), neediest)
    maps_axes = [ax for ax in page.figure.axes if ax.get_gid() == "no-legend"]
    layout.fit_grid(page.figure, grid, rect)
    style.wrap_titles(maps_axes, 8.5)  # at the maps' widths once placed
    layout.fit_grid(page.figure, grid, rect)
    return page.figure


@style.chart
def street_map(folder: ResultFolder, name: str, language: str = "zh", month: str | None = None,
               geometry: Path | None = None, ax: Axes | None = None) -> Figure:
    """One map on a 16:9 slide: a run's ``name`` layer at ``month``, or for a comparison the change each scenario
    makes from the reference (one panel each)."""
    layer = LAYERS[name]
    run = _reference_run(folder)
    month = chosen_month(run, month)
    shapes = streets(run, language, geometry)
    if isinstance(folder, CompareFolder):
        names = folder.titles(language)
        axs = style.axes_row(None if ax is None else [ax], len(folder.runs) - 1)
        change_maps(folder, layer, language, month, shapes, axs, names[1:])
        style.wrap_titles(axs)
        figure = axs[0].figure
        if ax is None:
            figure.suptitle(map_title(layer, language, month, change_from=names[0]), fontweight="bold", x=0.01,
                            ha="left")
    else:
        ax = style.axes(ax, style.SLIDE_SIZE)
        run_map(run, layer, language, month, shapes, ax, neediest_streets(run, month).index)
        figure = ax.figure
    style.note(figure, shapes.note)
    return figure


def unknown_maps(names: Sequence[str]) -> list[Problem]:
    return [Problem("--map", f"unknown map {n!r}{did_you_mean(n, LAYERS)}; maps: {', '.join(LAYERS)}")
            for n in names if n not in LAYERS]

