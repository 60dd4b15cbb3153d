"""Street maps: the shipped boundaries agree with the cities' tables and are what their generator makes; maps
of a run and of a comparison pass every layout check, from real boundaries, from a file given, or as a tile
grid with a clear message when a city has none; wrong input is a clear error."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from typer.testing import CliRunner

from sim import charts
from sim.charts import maps, style
from sim.cli import app
from tests.chart_results import looked_at
from tests.conftest import ROOT

CITIES = {"example_city": 183, "hebei": 2250}
runner = CliRunner()


@pytest.mark.parametrize(("city", "count"), CITIES.items())
def test_shipped_boundaries_agree_with_the_city_tables(city, count):
    folder = ROOT / "scenarios" / city
    shapes = gpd.read_file(folder / "streets.geojson")
    streets = pd.read_csv(folder / "streets.csv", encoding="utf-8-sig")
    assert len(shapes) == count and sorted(shapes["street_id"]) == sorted(streets["street_id"])
    joined = shapes.merge(streets[["street_id", "district_id"]], on="street_id", suffixes=("", "_csv"))
    assert (joined["district_id"] == joined["district_id_csv"]).all()
    assert shapes.is_valid.all() and not shapes.is_empty.any()
    districts = shapes.dissolve("district_id").geometry.to_numpy()
    assert len(districts) == streets["district_id"].nunique()
    # Districts tile the area: their areas add up to the whole (up to the coordinates' rounding; degrees are
    # fine for comparing areas with each other).
    whole = shapely.union_all(districts).area
    assert sum(shapely.area(districts)) == pytest.approx(whole, rel=2e-3)
    assert (folder / "streets.geojson").stat().st_size < 3e6


@pytest.mark.parametrize("city", CITIES)
def test_boundaries_are_what_the_generator_makes(city, tmp_path):
    copy = tmp_path / city
    copy.mkdir()
    for name in ("districts.csv", "streets.csv"):
        shutil.copy(ROOT / "scenarios" / city / name, copy / name)
    subprocess.run([sys.executable, str(ROOT / "scenarios" / "geometry.py"), str(copy)], check=True,
                   capture_output=True)
    assert (copy / "streets.geojson").read_bytes() == (ROOT / "scenarios" / city / "streets.geojson").read_bytes()


@pytest.mark.parametrize(("city", "language"), [("example_city", "zh"), ("hebei", "en")])
def test_a_map_of_the_shipped_boundaries_reads_right(city, language):
    """Every street coloured (made-up values: the layout, not the model, is under test), as a slide."""
    frame = gpd.read_file(ROOT / "scenarios" / city / "streets.geojson")[["street_id", "district_id", "geometry"]]
    shapes = maps.Streets(frame, "note")
    values = pd.Series(np.random.default_rng(1).uniform(0, 9, len(frame)), index=frame["street_id"])
    values.iloc[::7] = np.nan  # streets without places
    with style.house_style(language):
        ax = style.axes(None)
        maps.draw_layer(ax, shapes, values, maps.LAYERS["places_per_1000"], language, "title",
                        neediest=frame["street_id"].iloc[:10])
        style.footer(ax.figure, "footer")
        assert looked_at(ax.figure) == []


@pytest.mark.parametrize("language", ["zh", "en"])
def test_maps_of_a_city_without_boundaries_are_tiles_and_say_so(run_folder, compare_folder, language):
    folder = charts.load(run_folder)
    shapes = maps.streets(folder, language)
    assert shapes.tiles and "streets.geojson" in shapes.note and "docs/charts.md" in shapes.note
    found = []
    for path in (run_folder, compare_folder):
        for name in maps.LAYERS:
            with style.house_style(language):
                figure = maps.street_map(charts.load(path), name, language=language)
                style.footer(figure, "footer")
                found += [f"{path.name} {name}: {p}" for p in looked_at(figure)]
    assert not found, "\n".join(found)


def test_maps_read_a_given_boundary_file(run_folder, tmp_path):
    """Squares for five of the six streets, with a column of their own: drawn, and the missing street named."""
    boxes = [shapely.box(i, 0, i + 1, 1) for i in range(5)]
    geometry = tmp_path / "streets.geojson"
    gpd.GeoDataFrame({"street_id": ["A1", "A2", "B1", "B2", "C1"], "name": list("abcde")}, geometry=boxes,
                     crs="EPSG:4326").to_file(geometry)
    folder = charts.load(run_folder)
    shapes = maps.streets(folder, "en", geometry)
    assert not shapes.tiles and len(shapes.frame) == 5 and "1 streets have no shape" in shapes.note
    with style.house_style("zh"):
        figure = maps.street_map(folder, "deserts", language="zh", geometry=geometry)
        style.footer(figure, "footer")
        assert looked_at(figure) == []


def test_chart_map_command(run_folder, compare_folder, tmp_path):
    result = runner.invoke(app, ["chart", str(run_folder), "--map", "all", "--lang", "en", "--dpi", "50", "--out",
                                 str(tmp_path / "run")])
    assert result.exit_code == 0, result.output
    assert sorted(p.stem for p in (tmp_path / "run").glob("*.png")) == sorted(f"map_{n}" for n in maps.LAYERS)
    assert "note: No street boundaries" in result.output
    result = runner.invoke(app, ["chart", str(compare_folder), "--map", "deserts", "--month", "2025-12", "--dpi",
                                 "50", "--out", str(tmp_path / "cmp")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "cmp" / "map_deserts.png").exists()


@pytest.mark.parametrize(("args", "message"), [
    (["--map", "desert"], "unknown map 'desert' (did you mean 'deserts'?)"),
    (["--map", "deserts", "--month", "2025-06"], "street values exist at year ends only: one of 2025-12, 2026-12"),
    (["--map", "deserts", "--geometry", "{tmp}/nowhere.geojson"], "no such file"),
    (["--map", "deserts", "--geometry", "{tmp}/no_id.geojson"], "has no street_id column"),
    (["--map", "deserts", "--geometry", "{tmp}/bad.geojson"], "cannot be read as street shapes"),
])
def test_wrong_map_input_exits_2_with_a_clear_message(run_folder, tmp_path, args, message):
    gpd.GeoDataFrame({"id": ["A1"]}, geometry=[shapely.box(0, 0, 1, 1)], crs="EPSG:4326").to_file(
        tmp_path / "no_id.geojson")
    (tmp_path / "bad.geojson").write_text("{not json", encoding="utf-8")
    result = runner.invoke(app, ["chart", str(run_folder), *(a.format(tmp=tmp_path) for a in args)])
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert "Traceback" not in result.output


def test_maps_are_not_drawn_from_a_sweep(sweep_folders):
    result = runner.invoke(app, ["chart", str(sweep_folders["oat"]), "--map", "deserts"])
    assert result.exit_code == 2 and "maps are drawn from a run or compare folder" in result.output


def test_the_tile_grid_groups_streets_by_district():
    listed = pd.DataFrame({"street_id": [f"S{i}" for i in range(10)], "district_id": list("AAAABBBCCD")})
    tiles = maps.tile_grid(listed)
    blocks = tiles.dissolve("district_id").geometry
    assert len(tiles) == 10 and len(blocks) == 4
    assert not any(a.intersects(b) for i, a in enumerate(blocks) for b in blocks.iloc[i + 1:])  # apart


def test_geojson_is_compact_and_in_longitude_latitude():
    collection = json.loads((ROOT / "scenarios" / "hebei" / "streets.geojson").read_text(encoding="utf-8"))
    x, y = np.array(collection["features"][0]["geometry"]["coordinates"][0]).T
    assert 113 < x.min() < x.max() < 121 and 35 < y.min() < y.max() < 43  # Hebei's longitudes and latitudes

