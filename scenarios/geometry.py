"""Generate synthetic street boundaries (``streets.geojson``) for a scenario folder's districts.csv and streets.csv.

The example city and the province are synthetic, so their street boundaries are too: made up, but consistent
with the tables. Each district is a Voronoi cell of district seats placed inside its city (urban districts near
the city's centre, counties and county-level cities on a ring around it), clipped to the city's outline; each
street is a Voronoi cell of points spread evenly over its district (a few rounds of Lloyd's relaxation) and
clipped to it, so the streets of a district tile it exactly and lie inside it. The province's cities sit at
their real seats' approximate coordinates; the example city at an invented place in Hebei. Coordinates are
longitude and latitude (WGS 84, as GeoJSON requires), rounded to keep the files small.

The output is deterministic (fixed seeds, sorted output, fixed rounding): two runs give byte-identical files.

Run: ``python scenarios/geometry.py scenarios/example_city`` (or ``scenarios/hebei``).
"""

from __future__ import annotations

import argparse
import csv
import json
import math
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import Point, Polygon, mapping

# Per scenario folder: a seed, the centre of each city (by the letters that start its district ids) as
# (longitude, latitude), the radius of a lone city's outline in degrees, and the decimals kept.
PLACES = {
    "example_city": {"seed": 20250103, "decimals": 4, "radius": 0.55,
                     "cities": {"D": (115.35, 38.25)}},  # invented: a synthetic city in central Hebei
    # The seats of Hebei's 11 prefecture cities and the 2 province-administered cities (approximate).
    "hebei": {"seed": 20250104, "decimals": 3, "radius": 0.7, "cities": {
        "SJZ": (114.51, 38.04), "TS": (118.18, 39.63), "QHD": (119.60, 39.94), "HD": (114.54, 36.63),
        "XT": (114.50, 37.07), "BD": (115.46, 38.87), "ZJK": (114.89, 40.82), "CD": (117.96, 40.95),
        "CZ": (116.84, 38.30), "LF": (116.70, 39.52), "HS": (115.67, 37.74), "DZ": (115.00, 38.52),
        "XJ": (115.22, 37.94)}},
}
LLOYD_ROUNDS = 6  # rounds of Lloyd's relaxation: streets of even size and plain shapes
OUTLINE_POINTS = 72


def read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as file:
        return list(csv.DictReader(file))


def city_of(district_id: str) -> str:
    return district_id.rstrip("0123456789")


def outline(centres: dict[str, tuple[float, float]], radius: float, rng: np.random.Generator) -> Polygon:
    """The whole area: a wobbly disc around one city, or the cities' hull widened by ``radius``."""
    if len(centres) == 1:
        (x, y), = centres.values()
        angles = np.linspace(0, 2 * math.pi, OUTLINE_POINTS, endpoint=False)
        wobble = 1 + 0.12 * np.sin(3 * angles + rng.uniform(0, 6)) + 0.06 * np.sin(7 * angles + rng.uniform(0, 6))
        return Polygon(np.column_stack([x + radius * wobble * np.cos(angles) / math.cos(math.radians(y)),
                                        y + radius * wobble * np.sin(angles)]))
    return shapely.MultiPoint(list(centres.values())).convex_hull.buffer(radius, quad_segs=8)


def cells(points: np.ndarray, within: Polygon) -> list[shapely.Geometry]:
    """The Voronoi cell of each point (in order), clipped to ``within``."""
    if len(points) == 1:
        return [within]
    diagram = shapely.voronoi_polygons(shapely.MultiPoint(points), extend_to=within.envelope.buffer(1.0), ordered=True)
    return [cell.intersection(within) for cell in diagram.geoms]


def inside(point: tuple[float, float], centre: tuple[float, float], area: Polygon) -> tuple[float, float]:
    """``point`` pulled toward ``centre`` until it lies in ``area``."""
    x, y = point
    for _ in range(20):
        if area.contains(Point(x, y)):
            return x, y
        x, y = centre[0] + 0.8 * (x - centre[0]), centre[1] + 0.8 * (y - centre[1])
    found = area.representative_point()
    return found.x, found.y


def district_seats(districts: list[dict[str, str]], centre: tuple[float, float], area: Polygon,
                   rng: np.random.Generator) -> np.ndarray:
    """Urban districts close around the city's centre, the others on a ring further out."""
    reach = math.sqrt(area.area / math.pi)
    urban = [d for d in districts if d["kind"] == "urban_district"]
    outer = [d for d in districts if d["kind"] != "urban_district"]
    seats = {}
    for group, distance in ((urban, 0.14 * reach), (outer, 0.62 * reach)):
        start = rng.uniform(0, 2 * math.pi)
        for i, district in enumerate(group):
            angle = start + 2 * math.pi * i / max(len(group), 1) + rng.normal(0, 0.15)
            scale = distance * (0 if len(group) == 1 and group is urban else rng.uniform(0.8, 1.15))
            seats[district["district_id"]] = inside((centre[0] + scale * math.cos(angle),
                                                     centre[1] + scale * math.sin(angle)), centre, area)
    return np.array([seats[d["district_id"]] for d in districts])


def spread(count: int, area: shapely.Geometry, rng: np.random.Generator) -> np.ndarray:
    """``count`` points spread evenly over ``area``: random, then relaxed toward their cells' centroids."""
    x0, y0, x1, y1 = area.bounds
    points: list[tuple[float, float]] = []
    while len(points) < count:
        x, y = rng.uniform(x0, x1), rng.uniform(y0, y1)
        if area.contains(Point(x, y)):
            points.append((x, y))
    found = np.array(points)
    for _ in range(LLOYD_ROUNDS if count > 1 else 0):
        found = np.array([[c.centroid.x, c.centroid.y] if not c.is_empty else p
                          for c, p in zip(cells(found, area), found, strict=True)])
    return found


def rounded(geometry: shapely.Geometry, decimals: int) -> dict:
    shape = mapping(shapely.set_precision(geometry, 10.0 ** -decimals))

    def walk(value):
        if isinstance(value, tuple | list) and value and isinstance(value[0], float | int):
            return [round(float(v), decimals) for v in value]
        if isinstance(value, tuple | list):
            return [walk(v) for v in value]
        return value

    return {"type": shape["type"], "coordinates": walk(shape["coordinates"])}


def generate(folder: Path) -> dict:
    """The GeoJSON feature collection of ``folder``'s streets."""
    place = PLACES[folder.name]
    rng = np.random.default_rng(place["seed"])
    districts = read(folder / "districts.csv")
    streets = read(folder / "streets.csv")
    centres = place["cities"]
    whole = outline(centres, place["radius"], rng)
    names = sorted(centres)
    city_areas = dict(zip(names, cells(np.array([centres[n] for n in names]), whole), strict=True))
    features = []
    for city in names:
        members = [d for d in districts if city_of(d["district_id"]) == city]
        seats = district_seats(members, centres[city], city_areas[city], rng)
        for district, area in zip(members, cells(seats, city_areas[city]), strict=True):
            ids = [s["street_id"] for s in streets if s["district_id"] == district["district_id"]]
            for street, shape in zip(ids, cells(spread(len(ids), area, rng), area), strict=True):
                features.append({"type": "Feature", "properties": {"street_id": street,
                                                                   "district_id": district["district_id"]},
                                 "geometry": rounded(shape, place["decimals"])})
    features.sort(key=lambda f: f["properties"]["street_id"])
    return {"type": "FeatureCollection", "features": features}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, help="scenarios/example_city or scenarios/hebei")
    folder = parser.parse_args().folder.resolve()
    collection = generate(folder)
    out = folder / "streets.geojson"
    out.write_text(json.dumps(collection, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"{out}: {len(collection['features'])} streets, {out.stat().st_size / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
