"""Generate the synthetic example city 示例市 (a Hebei prefecture-level city).

Writes four CSV files next to this script (or into ``--out DIR``):

* ``districts.csv``: 16 districts and counties (区县);
* ``streets.csv``: about 180 streets and towns (街道/乡镇), residents at end-2024;
* ``new_housing.csv``: new residential completions (新建住宅小区) by street and
  month, 2024-01 to 2027-12;
* ``providers.csv``: existing childcare providers (托育机构) at the start of 2025-01,
  drawn from a random generator of their own (``PROVIDER_SEED``), so the three
  files above do not depend on the provider constants.

The city is synthetic: names are invented and figures are drawn at random around
public Hebei aggregates (sources beside the constants below and in ``sim/citygen.py``,
whose drawing rules the province generator shares; see README.md). The output is
deterministic (fixed seeds; UTF-8 without BOM; LF line endings), so two runs give
byte-identical files.

Run: ``python scenarios/example_city/generate_city.py [--out DIR]``
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the checkout: sim.citygen, the shared drawing rules
from sim import citygen
from sim.citygen import District, Unit

OUT_DIR = Path(__file__).resolve().parent
SEED = 20250101  # assumption: any fixed constant draws one example city

# --- Population aggregates ---
# Residents at end-2024. Source: facts.md §3, "typical Hebei prefecture city of
# 7 M" (city populations 唐山 7.80 M, 沧州 7.44 M, 2015, official; Hebei resident
# population 7,378万 at end-2024, Hebei statistical communiqué). Set to exactly 7 M.
CITY_POPULATION = 7_000_000
# Share of residents living in streets (街道). assumption: urban residents ≈ 63%
# = street residents (≈54%) + town-seat residents (镇区, ≈9%) counted as urban.
STREET_POPULATION_SHARE = 0.54

# --- New housing (新建住宅小区) ---
# Hebei housing completions are not in facts.md: every figure here is an assumption.
YEARS = (2024, 2025, 2026, 2027)  # 2024 too: residents move in months after completion
DWELLINGS_PER_YEAR = {2024: 20_000, 2025: 19_000, 2026: 17_500, 2027: 16_500}  # assumption
# Growth edge (assumption): the last N streets (outer, newest 街道) of these urban
# districts, weight 3; the first street (the seat) of these cities and counties,
# weight 1.
GROWTH_EDGE_STREETS = {"D01": 1, "D02": 1, "D03": 2, "D04": 2, "D05": 2}
GROWTH_COUNTY_SEATS = ("D06", "D07", "D08", "D09", "D14")
GROWTH_WEIGHT_EDGE, GROWTH_WEIGHT_SEAT = 3.0, 1.0

# --- Existing childcare providers (托育机构) at the start of 2025-01 ---
# Drawn from a generator of their own, so the three older CSVs stay byte-identical.
PROVIDER_SEED = 20250102  # assumption: any fixed constant other than SEED
# Targets, checked and printed on every run.
# 4.0 places per 1,000 residents. Sources: national 4.08 per 1,000 in 2024 (NHC statements; NBS
# monitoring report on the 中国儿童发展纲要, Xinhua Dec 2025); Hebei 3.81 per 1,000 at 2023-06-30
# (Hebei Health Commission, Oct 2023). Tolerance ±3% (assumption).
TARGET_PLACES_PER_1000 = 4.0
TARGET_PLACES_TOLERANCE = 0.03
# Inclusive (普惠) share of places "approaching 50%" nationally, 2025 (NDRC think tank, China Daily
# 2025-12-09). Tolerance ±5 points (assumption).
TARGET_INCLUSIVE_SHARE, TARGET_INCLUSIVE_TOLERANCE = 0.50, 0.05
# derived: ≈28,000 places / ≈50 places per institution (national 50.3, end-2024, NHC; citygen)
TARGET_PROVIDER_COUNT = (500, 600)
# Private share of institutions 89.5%, 2023 (NHC data, China Daily 2025-08-22); range assumption.
TARGET_PRIVATE_SHARE = (0.85, 0.90)
# Urban streets have about twice the places per resident of towns and townships. assumption.
TARGET_STREET_TOWN_DENSITY_RATIO = (1.7, 2.3)
# Share of urban streets with an open community centre. assumption: ≈30%.
TARGET_CENTRE_STREET_SHARE = (0.25, 0.35)

# Providers per type, pipeline included. assumption, chosen so the expected places meet the
# targets above: one public county/district centre per district (in its seat), community centres
# in ≈30% of urban streets, private centres make up the rest.
PROVIDER_COUNTS = {
    "public": 16,  # one per district or county (DISTRICTS)
    "private_inclusive": 170,
    "private_market": 207,
    "community_centre": 27,
    "kindergarten_class": 34,
    "employer": 14,
    "family_point": 80,
}
# Providers in the pipeline at 2025-01 (≈2%): (type, status, count). assumption.
PIPELINE = (
    ("public", "building", 1),
    ("community_centre", "building", 2),
    ("private_inclusive", "building", 1),
    ("private_inclusive", "registering", 4),
    ("private_market", "registering", 3),
)

# --- Districts (invented names): id, 中文名, English name, kind, streets, towns ---
DISTRICTS = (
    ("D01", "嘉阳区", "Jiayang District", "urban_district", 13, 1),
    ("D02", "云翔区", "Yunxiang District", "urban_district", 12, 2),
    ("D03", "恒泰区", "Hengtai District", "urban_district", 11, 3),
    ("D04", "滨河区", "Binhe District", "urban_district", 10, 4),
    ("D05", "泽源区", "Zeyuan District", "urban_district", 9, 4),
    ("D06", "安澜市", "Anlan City", "county_level_city", 6, 9),
    ("D07", "丰仪市", "Fengyi City", "county_level_city", 5, 9),
    ("D08", "宁丰县", "Ningfeng County", "county", 3, 8),
    ("D09", "柏源县", "Baiyuan County", "county", 2, 8),
    ("D10", "棠邑县", "Tangyi County", "county", 2, 7),
    ("D11", "麦秀县", "Maixiu County", "county", 1, 9),
    ("D12", "芦泽县", "Luze County", "county", 2, 7),
    ("D13", "桑原县", "Sangyuan County", "county", 0, 8),
    ("D14", "棉丰县", "Mianfeng County", "county", 2, 7),
    ("D15", "苇淀县", "Weidian County", "county", 1, 8),
    ("D16", "梨庄县", "Lizhuang County", "county", 3, 7),
)

def make_districts() -> list[District]:
    """Return the districts from the ``DISTRICTS`` table."""
    return [District(*row) for row in DISTRICTS]


def seat_name(d: District) -> tuple[str, str]:
    """Name a county-seat town after its county (桑原县 → 桑原镇)."""
    return d.name_zh[:-1], d.name_en.rsplit(" ", 1)[0]


def draw_populations(rng: np.random.Generator, units: list[Unit]) -> None:
    """Draw each unit's residents; scale streets and towns to their totals."""
    raw = citygen.draw_unit_sizes(rng, units)
    street_total = round(CITY_POPULATION * STREET_POPULATION_SHARE)
    for kind, target in {"street": street_total, "town": CITY_POPULATION - street_total}.items():
        citygen.scale_populations(units, raw, [i for i, u in enumerate(units) if u.kind == kind], target)


def growth_streets(units: list[Unit]) -> dict[str, float]:
    """Return growth-edge and county-seat street ids with completion weights."""
    weights: dict[str, float] = {}
    for district_id, n_last in GROWTH_EDGE_STREETS.items():
        streets = [u for u in units if u.district.district_id == district_id and u.kind == "street"]
        for u in streets[-n_last:]:
            weights[u.street_id] = GROWTH_WEIGHT_EDGE
    for district_id in GROWTH_COUNTY_SEATS:
        seat = next(u for u in units if u.district.district_id == district_id)
        weights[seat.street_id] = GROWTH_WEIGHT_SEAT
    return weights


def make_providers(units: list[Unit], districts: list[District]) -> list[citygen.Provider]:
    """Draw the city's childcare providers at 2025-01 from their own random generator."""
    rng = np.random.default_rng(PROVIDER_SEED)
    placed = citygen.place_providers(rng, units, districts, PROVIDER_COUNTS)
    providers = citygen.draw_providers(rng, placed, set())
    citygen.mark_pipeline(rng, providers, PIPELINE)
    citygen.number_providers(providers, width=4)
    return providers


TARGETS = citygen.ProviderTargets(
    TARGET_PLACES_PER_1000, TARGET_PLACES_TOLERANCE, TARGET_INCLUSIVE_SHARE, TARGET_INCLUSIVE_TOLERANCE,
    TARGET_PROVIDER_COUNT, TARGET_PRIVATE_SHARE, TARGET_STREET_TOWN_DENSITY_RATIO, TARGET_CENTRE_STREET_SHARE)


def main() -> None:
    """Generate the example city and write its four CSV files."""
    out_dir = citygen.output_dir(sys.argv[1:], OUT_DIR)
    rng = np.random.default_rng(SEED)
    districts = make_districts()
    units = citygen.make_units(rng, districts, seat_name)
    draw_populations(rng, units)
    housing = citygen.housing_rows(citygen.draw_completions(rng, growth_streets(units), DWELLINGS_PER_YEAR))
    providers = make_providers(units, districts)  # own generator (PROVIDER_SEED): the files above do not change
    citygen.write_csv(out_dir, "districts", (d.row() for d in districts))
    citygen.write_csv(out_dir, "streets", (u.row() for u in units))
    citygen.write_csv(out_dir, "new_housing", housing)
    citygen.write_csv(out_dir, "providers", (p.row() for p in providers))
    print(citygen.summarise_units(units, len(districts), housing, YEARS))
    text, all_met = citygen.summarise_providers(units, providers, TARGETS)
    print(text)
    if not all_met:
        print("WARNING: some provider targets are missed; adjust the provider constants", file=sys.stderr)


if __name__ == "__main__":
    main()
