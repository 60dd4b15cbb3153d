"""Generate the Hebei province scenario 河北省 at province scale.

Writes nine CSV files next to this script (or into ``--out DIR``):

* ``districts.csv``: the 168 county-level units (区/县级市/县) of the 13 cities (11 prefecture-level
  cities and the province-administered 辛集 and 定州), the model's districts;
* ``streets.csv``: 2,250 streets and towns (街道/乡镇), residents at end-2024 (7,378万);
* ``streets_2022.csv``: the same units with residents at end-2022 (7,420万), for the backtest;
* ``new_housing.csv``: new residential completions by street and month, 2022-01 to 2027-12;
* ``providers.csv``: childcare providers (托育机构) at the start of 2025-01 (≈4.0 places per 1,000);
* ``providers_2022.csv``: the providers at end-2022 (≈3,705 institutions, ≈3.04 places per 1,000), a
  subset of those of 2025, for the backtest that starts in 2023-01;
* ``streets_2020.csv``, ``providers_2020.csv``: residents (7,461万) and providers (≈2.19 places per 1,000,
  derived) at end-2020, for the history from 2021;
* ``providers_nation_2020.csv``: the nation's stand-in at end-2020, ``providers_2020.csv`` drawn back to the
  nation's 1.8 places per 1,000, for the history fitted together with Hebei's.

City names and city totals are real; the county-level units, streets, towns and providers are synthetic
(names invented, sizes drawn at random around the aggregates; see README.md). The drawing rules are the
example city's (``sim/citygen.py``); what is Hebei's is here, each constant with its source or
marked as an assumption. Deterministic: fixed seeds, UTF-8 without BOM, LF line endings.

Run: ``python scenarios/hebei/generate_province.py [--out DIR]``
"""

from __future__ import annotations

import dataclasses
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the checkout: sim.citygen, the shared drawing rules
from sim import citygen
from sim.citygen import District, Provider, Unit

OUT_DIR = Path(__file__).resolve().parent
SEED = 20250201  # assumption: any fixed constant draws one province (units, residents, housing)
PROVIDER_SEED = 20250202  # assumption: providers at 2025-01 from a generator of their own
PROVIDER_2022_SEED = 20250203  # assumption: which of them already existed at end-2022

# --- Population aggregates ---
# Resident population at year end: 7,378万 (2024), 7,420万 (2022). Hebei statistical communiqués.
PROVINCE_POPULATION_2024 = 73_780_000
PROVINCE_POPULATION_2022 = 74_200_000
# The 13 cities: code, 中文名, English name, residents (None: share of the remainder, below), urban districts,
# county-level cities, counties, of which autonomous counties. Units per city: the ≈2017 division that
# gives facts.md's totals of 47 districts, 20 county-level cities, 95 counties and 6 autonomous counties
# (official, secondary source); the split by city is an assumption following that division. Later changes
# (滦县 → 滦州市 2018; Xingtai's 2020 reform) are not reflected. 辛集 and 定州 are province-administered
# county-level cities: each is one district of its own.
CITIES = (
    ("SJZ", "石家庄市", "Shijiazhuang", 10_640_000, 8, 2, 11, 0),  # 10.64 M, 2020 census (official)
    ("TS", "唐山市", "Tangshan", 7_800_000, 7, 2, 5, 0),  # 7.80 M, 2015 (official)
    ("QHD", "秦皇岛市", "Qinhuangdao", None, 4, 0, 3, 1),
    ("HD", "邯郸市", "Handan", 9_550_000, 6, 1, 11, 0),  # 9.55 M, 2019 (official)
    ("XT", "邢台市", "Xingtai", None, 2, 2, 15, 0),
    ("BD", "保定市", "Baoding", 9_240_000, 5, 3, 15, 0),  # 9.24 M, 2020 census, current boundaries (official)
    ("ZJK", "张家口市", "Zhangjiakou", None, 6, 0, 10, 0),
    ("CD", "承德市", "Chengde", None, 3, 1, 7, 3),
    ("CZ", "沧州市", "Cangzhou", 7_440_000, 2, 4, 10, 1),  # 7.44 M, 2015 (official)
    ("LF", "廊坊市", "Langfang", None, 2, 2, 6, 1),
    ("HS", "衡水市", "Hengshui", None, 2, 1, 8, 0),
    ("XJ", "辛集市", "Xinji", None, 0, 1, 0, 0),
    ("DZ", "定州市", "Dingzhou", None, 0, 1, 0, 0),
)
# Cities without a sourced figure share the rest of the province total in these proportions (millions).
# assumption: rough sizes of the 2020 census as commonly cited; not in facts.md, unverified.
REMAINDER_WEIGHTS = {"XT": 7.11, "LF": 5.46, "HS": 4.21, "ZJK": 4.11, "CD": 3.35, "QHD": 3.14, "DZ": 1.10,
                     "XJ": 0.60}
# Streets and towns. facts.md: 1,970 townships and towns (≈2017, official, secondary); street (街道) counts
# were not found. assumption: 280 streets, so 2,250 units in all.
N_RURAL_UNITS = 1_970
N_STREETS = 280
# Streets per unit by kind, before scaling to N_STREETS: urban districts ≈4.6 (at least 1), county-level cities
# ≈2.5 (at least 1); 15 counties have one street, the rest none (many Hebei county seats are towns). assumption.
STREETS_PER_UNIT = {"urban_district": 4.6, "county_level_city": 2.5}
COUNTIES_WITH_A_STREET = 15
# Streets and towns per city in proportion to its residents (assumption); a city's towns and townships
# spread over its units in these relative numbers by kind. assumption: districts ≈4, county-level cities ≈12,
# counties ≈15.
RURAL_PER_UNIT = {"urban_district": 4.0, "county_level_city": 12.0, "county": 15.0}
UNIT_COUNT_SIGMA = 0.35  # assumption: lognormal spread of those counts between units

# --- New housing (新建住宅小区): Hebei completions were not found; every figure is an assumption ---
# Dwellings completed per 7 M residents a year, the example city's figures, with 2022-23 added for the
# backtest (a market slowing from 2022); each city gets its share by residents.
DWELLINGS_PER_7M = {2022: 24_000, 2023: 22_000, 2024: 20_000, 2025: 19_000, 2026: 17_500, 2027: 16_500}
# Where completions happen: the last street of each urban district (the last two where it has three or
# more; weight 3) and the seat (first unit) of every county-level city and county (weight 1). assumption.
GROWTH_WEIGHT_EDGE, GROWTH_WEIGHT_SEAT = 3.0, 1.0

# --- Providers at 2025-01 ---
# Places per 1,000 residents at the start: 4.0, an assumption between two bounds. Floor: the 28.26万 places of
# 2023-06-30 (3.81 per 1,000, Hebei Health Commission, Oct 2023) plus the ≈5,000 inclusive places of the 2024
# livelihood project (Hebei, policy) over 7,378万 residents = 3.90. Pace: +0.77 per 1,000 in the half-year to
# mid-2023 (derived), nationally +0.7 a year in 2024 (3.38 → 4.08, NHC/NBS): continued, that would be ≈4.9.
# The push of 2023 (every city ≥2.9 by end-2023) is not repeated in 2024, whose only Hebei figure is the
# 5,000-place project, so the start is put near the floor and at the national end-2024 level of 4.08.
TARGET_PLACES_PER_1000 = 4.0
TARGET_PLACES_TOLERANCE = 0.03  # assumption
# City profile (places per 1,000): Hengshui 5.40 with all places inclusive, Chengde and Handan above 4.5, at
# mid-2023 (Hebei Health Commission, official). assumption: they keep that lead at 2025-01 (Hengshui 5.5,
# Chengde and Handan 4.8); the other cities share what is left of the province's 4.0 equally.
CITY_PLACES_PER_1000 = {"HS": 5.5, "CD": 4.8, "HD": 4.8}
ALL_INCLUSIVE_CITIES = ("HS",)  # Hengshui: all places inclusive, mid-2023 (official)
# Inclusive (普惠) share of places "approaching 50%" nationally, 2025 (NDRC think tank, China Daily 2025-12-09).
TARGET_INCLUSIVE_SHARE, TARGET_INCLUSIVE_TOLERANCE = 0.50, 0.05  # tolerance: assumption
# Places per institution in Hebei: 28.26万 / 4,655 = 60.7 at 2023-06-30 (derived, official figures), above the
# national 50.3; so ≈295,000 places / ≈60 → 4,600-5,200 providers (derived range).
HEBEI_PLACES_PER_INSTITUTION_2023 = 282_600 / 4_655
TARGET_PROVIDER_COUNT = (4_600, 5_200)
# Private share of institutions 89.5%, 2023 (NHC data, China Daily 2025-08-22); range assumption.
TARGET_PRIVATE_SHARE = (0.85, 0.92)
TARGET_STREET_TOWN_DENSITY_RATIO = (1.4, 2.6)  # assumption: streets denser than towns, as in the example city
TARGET_CENTRE_STREET_SHARE = (0.25, 0.35)  # assumption: ≈30% of urban streets have a community centre
# Community centres in ≈33% of each city's urban streets, a few of them being built. assumption.
COMMUNITY_CENTRE_STREET_SHARE = 0.33
# Shares of the other providers by type. assumption, like the example city's mix (170 : 207 : 34 : 14 : 80)
# but with fewer small ones (family points, kindergarten 托班), as Hebei's institutions are larger.
OTHER_TYPE_SHARES = {"private_inclusive": 0.38, "private_market": 0.48, "kindergarten_class": 0.06,
                     "employer": 0.03, "family_point": 0.05}
# Classes of the centres: Hebei's 60.7 places per institution need larger centres than the example city's
# (≈60 places for a private centre): one more toddler or older class is more likely. assumption.
CLASS_MIX = {
    **citygen.CLASS_MIX,
    "private_inclusive": {"infant": (0.6, 0.4), "toddler": (0.0, 0.4, 0.5, 0.1), "older": (0.0, 0.4, 0.5, 0.1),
                          "mixed": (0.85, 0.15)},
    "private_market": {"infant": (0.55, 0.45), "toddler": (0.0, 0.4, 0.5, 0.1), "older": (0.0, 0.4, 0.5, 0.1),
                       "mixed": (0.8, 0.2)},
}
# Fees by city tier: the example city's fee ranges (citygen.FEES) times this factor. assumption: the capital
# and the Beijing-Tianjin belt dearer, the poorer northern and southern cities cheaper.
FEE_SCALE = {"SJZ": 1.10, "TS": 1.05, "LF": 1.08, "XT": 0.92, "ZJK": 0.92, "CD": 0.92, "HS": 0.92, "XJ": 0.95,
             "DZ": 0.95}
# Spread of provider density between the county-level units of a city: lognormal factor. assumption.
DISTRICT_DENSITY_SIGMA = 0.3
# Provider counts aim this much above the open-place target, as ≈2.5% of places are in the pipeline. assumption.
PIPELINE_ALLOWANCE = 1.025
# Providers in the pipeline at 2025-01 (≈2%, as in the example city): (type, status, count). assumption.
PIPELINE = (
    ("public", "building", 6),
    ("community_centre", "building", 8),
    ("private_inclusive", "building", 10),
    ("private_inclusive", "registering", 40),
    ("private_market", "registering", 30),
)

# --- Providers at end-2022 (backtest) ---
# ≈3,705 institutions and ≈22.57万 places (3.04 per 1,000 on 7,420万): back-calculated from 2023-06-30 less the
# half-year's +950 institutions and +5.69万 places (facts.md, derived).
TARGET_INSTITUTIONS_2022 = 3_705
TARGET_PLACES_PER_1000_2022 = 3.04
# Which providers of 2025 already existed: drawn with these relative weights by type. assumption: public
# centres and community centres are mostly recent (built under the 2023-25 plans), the rest as likely.
EXISTED_2022_WEIGHT = {"public": 0.6, "community_centre": 0.4}
PIPELINE_2022 = (  # ≈2% in the pipeline at end-2022, as at 2025-01. assumption.
    ("public", "building", 4),
    ("community_centre", "building", 6),
    ("private_inclusive", "building", 8),
    ("private_inclusive", "registering", 30),
    ("private_market", "registering", 25),
)

# --- Providers at end-2020 (the history the calibration fits) ---
# Not in the sourced facts for Hebei: derived as Hebei growing as the nation did in 2020–22 (places per 1,000
# 1.8 → 2.5, institutions ≈50,000 → ≈75,000): 3.04 × 1.8 / 2.5 ≈ 2.19 per 1,000 on 7,461万 (2020 census) and
# 3,705 × 50,000 / 75,000 ≈ 2,470 institutions. The places decide: the institutions that existed then were the
# smaller ones, so ≈2,700 of end-2022's give 2.19 per 1,000. assumption.
PROVIDER_2020_SEED = 20250204  # assumption: which of the end-2022 providers already existed at end-2020
TARGET_INSTITUTIONS_2020 = 2_700
TARGET_PLACES_PER_1000_2020 = 2.19
PROVINCE_POPULATION_2020 = 74_610_000
EXISTED_2020_WEIGHT = {"public": 0.5, "community_centre": 0.3}  # assumption: mostly built since 2020
PIPELINE_2020 = (  # ≈2% in the pipeline, as at end-2022. assumption.
    ("public", "building", 2),
    ("community_centre", "building", 3),
    ("private_inclusive", "building", 5),
    ("private_inclusive", "registering", 20),
    ("private_market", "registering", 17),
)

# --- The nation as a stand-in at end-2020 (the history calibration fits Hebei and the nation together) ---
# The nation's 1.8 places per 1,000 of end-2020 (NHC) on Hebei's streets: end-2020's providers drawn back to
# ≈1.8 / 2.19 of their number, every type as likely (the nation's mix is not in the facts). A stand-in for the
# nation's own growth from its own level, read with Hebei's geography; not a description of any province.
PROVIDER_NATION_2020_SEED = 20250205  # assumption: which of Hebei's end-2020 providers the stand-in keeps
TARGET_PLACES_PER_1000_NATION_2020 = 1.8
TARGET_INSTITUTIONS_NATION_2020 = 2_220  # 2,700 × 1.8 / 2.19

KIND_NAMES = {  # how a synthetic unit is named: 中文 suffix, English kind
    "urban_district": ("区", "District"),
    "county_level_city": ("县级市", "County-level City"),
    "county": ("县", "County"),
    "autonomous": ("自治县", "Autonomous County"),
}


@dataclasses.dataclass(frozen=True)
class City:
    """One of the 13 cities and its county-level units."""

    code: str
    name_zh: str
    name_en: str
    population: int
    districts: tuple[District, ...]


def city_populations() -> dict[str, int]:
    """Residents at end-2024 by city: sourced figures, the rest sharing the remainder of the province total."""
    known = {row[0]: row[3] for row in CITIES if row[3] is not None}
    rest = PROVINCE_POPULATION_2024 - sum(known.values())
    codes = [row[0] for row in CITIES if row[3] is None]
    shares = citygen.round_to_total(np.array([REMAINDER_WEIGHTS[c] for c in codes]), rest)
    return {**known, **dict(zip(codes, shares, strict=True))}


def unit_kinds() -> list[tuple[str, str, str]]:
    """(city code, CSV kind, naming kind) of every county-level unit, city by city, districts first."""
    kinds = []
    for code, _, _, _, n_districts, n_cities, n_counties, n_autonomous in CITIES:
        kinds += [(code, "urban_district", "urban_district")] * n_districts
        kinds += [(code, "county_level_city", "county_level_city")] * n_cities
        kinds += [(code, "county", "county")] * (n_counties - n_autonomous)
        kinds += [(code, "county", "autonomous")] * n_autonomous
    return kinds


def allocate(rng: np.random.Generator, means: np.ndarray, total: int, minimum: np.ndarray) -> np.ndarray:
    """Counts around ``means`` (lognormal spread) summing to ``total``, each at least ``minimum``."""
    raw = means * rng.lognormal(0.0, UNIT_COUNT_SIGMA, len(means))
    return minimum + np.array(citygen.round_to_total(raw, total - int(minimum.sum())))


def make_cities(rng: np.random.Generator) -> list[City]:
    """The 13 cities with their county-level units and each unit's number of streets and towns.

    Streets are spread over the province's districts and county-level cities (and 15 counties); each city
    has streets and towns in proportion to its residents, its towns spread over its units by kind.
    """
    kinds = unit_kinds()
    csv_kinds = [k for _, k, _ in kinds]
    street_means = np.array([STREETS_PER_UNIT.get(k, 0.0) for k in csv_kinds])
    with_street = street_means > 0
    counties = np.flatnonzero(~with_street)
    chosen = np.zeros(len(kinds), dtype=bool)
    chosen[rng.choice(counties, COUNTIES_WITH_A_STREET, replace=False)] = True
    streets = np.where(chosen, 1, 0)
    streets[with_street] = allocate(rng, street_means[with_street] - 1, N_STREETS - COUNTIES_WITH_A_STREET,
                                    np.ones(with_street.sum(), dtype=int))
    populations = city_populations()
    codes = [row[0] for row in CITIES]
    units_by_city = citygen.round_to_total(np.array([populations[c] for c in codes], dtype=float),
                                           N_STREETS + N_RURAL_UNITS)
    towns = np.zeros(len(kinds), dtype=int)
    for code, n_units in zip(codes, units_by_city, strict=True):
        idx = np.array([i for i, (c, _, _) in enumerate(kinds) if c == code])
        means = np.array([RURAL_PER_UNIT[csv_kinds[i]] for i in idx])
        towns[idx] = allocate(rng, means, n_units - int(streets[idx].sum()), np.zeros(len(idx), dtype=int))
    populations = city_populations()
    cities = []
    for code, name_zh, name_en, *_ in CITIES:
        idx = [i for i, (c, _, _) in enumerate(kinds) if c == code]
        districts = []
        for k, i in enumerate(idx, start=1):
            _, kind, naming = kinds[i]
            if len(idx) == 1:  # 辛集, 定州: the county-level city is the whole city
                zh, en = name_zh, f"{name_en} City"
            else:
                serial = sum(kinds[j][2] == naming for j in idx[:k])
                suffix_zh, suffix_en = KIND_NAMES[naming]
                zh, en = f"{name_zh}·第{serial}{suffix_zh}", f"{name_en} {suffix_en} {serial}"
            districts.append(District(f"{code}{k:02d}", zh, en, kind, int(streets[i]), int(towns[i])))
        cities.append(City(code, name_zh, name_en, populations[code], tuple(districts)))
    return cities


def make_units(rng: np.random.Generator, cities: Sequence[City]) -> list[Unit]:
    """Name every city's streets and towns (names unique within a city) and draw their residents."""
    units: list[Unit] = []
    for city in cities:
        seats = citygen.town_name_pool(rng)  # a county seat without streets is a town with a name of its own
        city_units = citygen.make_units(rng, city.districts, lambda _d, pool=seats: pool.pop())
        raw = citygen.draw_unit_sizes(rng, city_units)
        citygen.scale_populations(city_units, raw, range(len(city_units)), city.population)
        units += city_units
    return units


def growth_streets(units: Sequence[Unit]) -> dict[str, float]:
    """Completion weights: the outer streets of urban districts and the seats of cities and counties."""
    weights: dict[str, float] = {}
    by_district: dict[str, list[Unit]] = {}
    for u in units:
        by_district.setdefault(u.district.district_id, []).append(u)
    for in_district in by_district.values():
        district = in_district[0].district
        if district.kind == "urban_district":
            streets = [u for u in in_district if u.kind == "street"]
            for u in streets[-(2 if len(streets) >= 3 else 1):]:
                weights[u.street_id] = GROWTH_WEIGHT_EDGE
        else:
            weights[in_district[0].street_id] = GROWTH_WEIGHT_SEAT
    return weights


def make_new_housing(rng: np.random.Generator, cities: Sequence[City], units: Sequence[Unit]
                     ) -> list[tuple[str, str, int]]:
    """Completions city by city, each city's dwellings in proportion to its residents."""
    totals: dict[tuple[str, str], int] = {}
    for city in cities:
        ids = {d.district_id for d in city.districts}
        weights = growth_streets([u for u in units if u.district.district_id in ids])
        dwellings = {year: round(n * city.population / 7_000_000) for year, n in DWELLINGS_PER_7M.items()}
        totals.update(citygen.draw_completions(rng, weights, dwellings))
    return citygen.housing_rows(totals)


def expected_places(ptype: str) -> float:
    """Expected places of a provider of ``ptype`` under ``CLASS_MIX`` (a draw without classes is redrawn)."""
    mix = CLASS_MIX[ptype]
    mean = sum(citygen.CLASS_SIZE[k] * sum(n * p for n, p in enumerate(mix[k])) for k in citygen.CLASS_KINDS)
    none = np.prod([mix[k][0] for k in citygen.CLASS_KINDS])
    return mean / (1 - none)


def city_place_targets(cities: Sequence[City]) -> dict[str, float]:
    """Places per 1,000 by city: the sourced leaders, the rest equal so that the province has its target."""
    total = TARGET_PLACES_PER_1000 * PROVINCE_POPULATION_2024 / 1000
    lead = {c.code: CITY_PLACES_PER_1000[c.code] for c in cities if c.code in CITY_PLACES_PER_1000}
    lead_places = sum(lead[c.code] * c.population / 1000 for c in cities if c.code in lead)
    rest_pop = sum(c.population for c in cities if c.code not in lead)
    rest = (total - lead_places) * 1000 / rest_pop
    return {c.code: lead.get(c.code, rest) for c in cities}


def provider_counts(city: City, places_per_1000: float, n_streets: int) -> dict[str, int]:
    """Providers of each type so that the city's expected places meet ``places_per_1000``."""
    counts = {"public": len(city.districts),
              "community_centre": round(COMMUNITY_CENTRE_STREET_SHARE * n_streets)}
    shares = dict(OTHER_TYPE_SHARES)
    if city.code in ALL_INCLUSIVE_CITIES:  # only inclusive types: market and family places go to 民办普惠
        shares["private_inclusive"] += shares.pop("private_market") + shares.pop("family_point")
        shares["employer"] = 0.0  # employer places are not all inclusive
    fixed = sum(counts[t] * expected_places(t) for t in counts)
    other = PIPELINE_ALLOWANCE * places_per_1000 * city.population / 1000 - fixed
    per_other = sum(s * expected_places(t) for t, s in shares.items()) / sum(shares.values())
    n_other = other / per_other
    for ptype in citygen.PROVIDER_TYPES:
        counts.setdefault(ptype, round(n_other * shares.get(ptype, 0.0) / sum(shares.values())))
    return counts


def make_providers(cities: Sequence[City], units: Sequence[Unit]) -> list[Provider]:
    """Draw the providers at 2025-01, city by city, from their own random generator."""
    rng = np.random.default_rng(PROVIDER_SEED)
    targets = city_place_targets(cities)
    providers: list[Provider] = []
    for city in cities:
        ids = {d.district_id for d in city.districts}
        city_units = [u for u in units if u.district.district_id in ids]
        factor = dict(zip(sorted(ids), rng.lognormal(0.0, DISTRICT_DENSITY_SIGMA, len(ids)), strict=True))
        unit_weights = np.array([factor[u.district.district_id] for u in city_units])
        counts = provider_counts(city, targets[city.code], sum(u.kind == "street" for u in city_units))
        placed = citygen.place_providers(rng, city_units, city.districts, counts, unit_weights)
        providers += citygen.draw_providers(rng, placed, set(), FEE_SCALE.get(city.code, 1.0), CLASS_MIX)
    citygen.mark_pipeline(rng, providers, PIPELINE)
    citygen.number_providers(providers, width=5)
    return providers


def providers_earlier(providers: Sequence[Provider], seed: int, institutions: int, weight: dict[str, float],
                      pipeline: tuple) -> list[Provider]:
    """The providers that already existed at an earlier year end: a weighted draw of the later ones open or
    registering (end-2022's from 2025's, end-2020's from end-2022's)."""
    rng = np.random.default_rng(seed)
    candidates = [p for p in providers if p.status != "building"]
    weights = np.array([weight.get(p.type, 1.0) for p in candidates])
    picks = rng.choice(len(candidates), institutions, replace=False, p=weights / weights.sum())
    existing = [dataclasses.replace(candidates[int(i)], status="open") for i in sorted(picks)]
    citygen.mark_pipeline(rng, existing, pipeline)
    return existing


def streets_at(units: Sequence[Unit], total: int) -> list[tuple[str, str, str, str, str, int]]:
    """``streets.csv`` rows with residents scaled to a year's ``total`` (the 2024 distribution)."""
    pops = citygen.round_to_total(np.array([u.population for u in units], dtype=float), total)
    return [u.row(pop) for u, pop in zip(units, pops, strict=True)]


def summarise_cities(cities: Sequence[City], units: Sequence[Unit], providers: Sequence[Provider]) -> str:
    """One line per city: units, residents, open places per 1,000 and inclusive share at 2025-01."""
    lines = ["city: districts, streets+towns, residents, open providers, places per 1,000, inclusive share"]
    for city in cities:
        ids = {d.district_id for d in city.districts}
        open_ = [p for p in providers if p.status == "open" and p.unit.district.district_id in ids]
        places = sum(p.places for p in open_)
        inclusive = sum(p.places for p in open_ if p.inclusive) / places
        n_units = sum(u.district.district_id in ids for u in units)
        lines.append(f"  {city.name_zh} {city.code}: {len(city.districts)}, {n_units}, {city.population:,}, "
                     f"{len(open_):,}, {places * 1000 / city.population:.2f}, {inclusive:.0%}")
    return "\n".join(lines)


TARGETS = citygen.ProviderTargets(
    TARGET_PLACES_PER_1000, TARGET_PLACES_TOLERANCE, TARGET_INCLUSIVE_SHARE, TARGET_INCLUSIVE_TOLERANCE,
    TARGET_PROVIDER_COUNT, TARGET_PRIVATE_SHARE, TARGET_STREET_TOWN_DENSITY_RATIO, TARGET_CENTRE_STREET_SHARE)
TARGETS_2022 = dataclasses.replace(
    TARGETS, places_per_1000=TARGET_PLACES_PER_1000_2022, label="end-2022",
    provider_count=(TARGET_INSTITUTIONS_2022, TARGET_INSTITUTIONS_2022), centre_street_share=(0.05, 0.35))
TARGETS_2020 = dataclasses.replace(
    TARGETS, places_per_1000=TARGET_PLACES_PER_1000_2020, label="end-2020",
    provider_count=(2_470, TARGET_INSTITUTIONS_2020), centre_street_share=(0.0, 0.3), private_share=(0.85, 0.94))
TARGETS_NATION_2020 = dataclasses.replace(
    TARGETS_2020, places_per_1000=TARGET_PLACES_PER_1000_NATION_2020, label="the nation at end-2020 (stand-in)",
    provider_count=(TARGET_INSTITUTIONS_NATION_2020, TARGET_INSTITUTIONS_NATION_2020))


def main() -> None:
    """Generate the province and write its nine CSV files."""
    out_dir = citygen.output_dir(sys.argv[1:], OUT_DIR)
    rng = np.random.default_rng(SEED)
    cities = make_cities(rng)
    districts = [d for city in cities for d in city.districts]
    units = make_units(rng, cities)
    housing = make_new_housing(rng, cities, units)
    providers = make_providers(cities, units)
    existing_2022 = providers_earlier(providers, PROVIDER_2022_SEED, TARGET_INSTITUTIONS_2022, EXISTED_2022_WEIGHT,
                                      PIPELINE_2022)
    existing_2020 = providers_earlier(existing_2022, PROVIDER_2020_SEED, TARGET_INSTITUTIONS_2020,
                                      EXISTED_2020_WEIGHT, PIPELINE_2020)
    nation_2020 = providers_earlier(existing_2020, PROVIDER_NATION_2020_SEED, TARGET_INSTITUTIONS_NATION_2020, {},
                                    PIPELINE_2020)
    citygen.write_csv(out_dir, "districts", (d.row() for d in districts))
    citygen.write_csv(out_dir, "streets", (u.row() for u in units))
    citygen.write_csv(out_dir, "streets_2022", streets_at(units, PROVINCE_POPULATION_2022), header="streets")
    citygen.write_csv(out_dir, "streets_2020", streets_at(units, PROVINCE_POPULATION_2020), header="streets")
    citygen.write_csv(out_dir, "new_housing", housing)
    citygen.write_csv(out_dir, "providers", (p.row() for p in providers))
    citygen.write_csv(out_dir, "providers_2022", (p.row() for p in existing_2022), header="providers")
    citygen.write_csv(out_dir, "providers_2020", (p.row() for p in existing_2020), header="providers")
    citygen.write_csv(out_dir, "providers_nation_2020", (p.row() for p in nation_2020), header="providers")
    kinds = {k: sum(d.kind == k for d in districts) for k in ("urban_district", "county_level_city", "county")}
    print(f"cities: {len(cities)}; county-level units: {kinds}")
    print(citygen.summarise_units(units, len(districts), housing, DWELLINGS_PER_7M))
    print(summarise_cities(cities, units, providers))
    text, all_met = citygen.summarise_providers(units, providers, TARGETS)
    text_2022, all_met_2022 = citygen.summarise_providers(units, existing_2022, TARGETS_2022,
                                                          population=PROVINCE_POPULATION_2022)
    text_2020, all_met_2020 = citygen.summarise_providers(units, existing_2020, TARGETS_2020,
                                                          population=PROVINCE_POPULATION_2020)
    text_nation, all_met_nation = citygen.summarise_providers(units, nation_2020, TARGETS_NATION_2020,
                                                              population=PROVINCE_POPULATION_2020)
    print(text)
    print(text_2022)
    print(text_2020)
    print(text_nation)
    if not (all_met and all_met_2022 and all_met_2020 and all_met_nation):
        print("WARNING: some provider targets are missed; adjust the provider constants", file=sys.stderr)


if __name__ == "__main__":
    main()
