"""``tuoyu init``: a runnable city of one's own from the few figures a researcher has, district by district.

From each district's name, residents, births a year, numbers of streets (街道) and towns (乡镇), childcare places
and institutions (and, if given, the list of its streets) it writes the city's CSV files, a baseline scenario that
depends on nothing else, and a policy package whose lever sizes and budget are the example city's scaled to this
city's residents (the example city has 7,000,000). What the figures do not give — street names and sizes where no
list is given, the providers' types, classes and fees — is drawn with the example city's rules
(:mod:`sim.citygen`), and every such value is listed in the folder's README as one to replace with real data.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
from pydantic import BaseModel

from sim import citygen
from sim.errors import InputError, Problem, shown_path
from sim.scenario.city import DISTRICT_KINDS, STREET_KINDS
from sim.scenario.city_csv import STREET_POPULATION_USUAL
from sim.scenario.market_schema import Entry
from sim.scenario.params import BIRTHS_PER_1000_MAX, PEOPLE_MAX, STREET_PEOPLE_MAX, Triangular, Usual
from sim.scenario.schema import BIRTH_RATE_USUAL
from sim.scenario.tables import Source, Table, read_workbook

SEED = 20250101  # assumption: any fixed constant; the same figures give the same city
EXAMPLE_RESIDENTS = 7_000_000  # the example city, whose package is scaled
HEBEI_DISTRICT_RESIDENTS = 73_780_000 / 168  # the calibration's county-level districts (Hebei, end-2024)
EXAMPLE_URBAN_STREETS = 82
FIGURES = ("name_zh", "population", "births", "streets", "towns", "places", "institutions")
FIGURES_OPTIONAL = ("district_id", "name_en", "kind")
STREET_LIST = ("district_id", "name_zh", "kind")
STREET_LIST_OPTIONAL = ("name_en", "population")
# The example city's providers by type (scenarios/example_city/generate_city.py), whose shares a district's
# institutions follow; one public centre per district and community centres only in urban streets.
TYPE_SHARES = {"private_inclusive": 170, "private_market": 207, "kindergarten_class": 34, "employer": 14,
               "family_point": 80}
CENTRE_STREET_SHARE = 0.3  # assumption, as the example city: ≈30% of urban streets have a community centre
MOST_CLASSES = 8  # of one band in one provider: the usual range of providers.csv
# Hard limits of a district's figures: beyond them no district (the largest county-level divisions have about 100
# streets and towns, and cities about 5,000 childcare institutions) and a slip of the digits would draw a city
# that fills the memory.
UNITS_MAX = 2_000
INSTITUTIONS_MAX = 50_000
# Usual values of a district's figures: beyond them a warning (the city is written all the same), so that a figure
# mistyped by a factor of 100 is seen before it becomes the city's files.
DISTRICT_POPULATION_USUAL = Usual(
    10_000, 6_000_000, "China's county-level divisions hold from a few tens of thousands to ≈5.7 million residents "
                       "(Pudong, 2020 census); the margins are an assumption")
PLACES_PER_1000_USUAL = Usual(
    0, 12, "national 4.1 places per 1,000 residents at end-2024 (NHC), 4.5 the 2025 target; the margin is an "
           "assumption")
PLACES_PER_INSTITUTION_USUAL = Usual(
    10, 250, "national 50.3 places per institution (5.737 million places, 114,000 institutions, end-2024, NHC); the "
             "smallest class holds 10; the margins are an assumption")

# A made-up city of 224,000 residents, used when no figures are given: its figures file shows the columns.
DEMO = [
    {"district_id": "D01", "name_zh": "城关区", "name_en": "Chengguan District", "kind": "urban_district",
     "population": 98000, "births": 590, "streets": 5, "towns": 1, "places": 420, "institutions": 9},
    {"district_id": "D02", "name_zh": "河东区", "name_en": "Hedong District", "kind": "urban_district",
     "population": 71000, "births": 430, "streets": 3, "towns": 2, "places": 260, "institutions": 6},
    {"district_id": "D03", "name_zh": "北山县", "name_en": "Beishan County", "kind": "county",
     "population": 55000, "births": 360, "streets": 0, "towns": 4, "places": 150, "institutions": 4},
]


@dataclass(frozen=True)
class Figures:
    """One district's figures."""

    district_id: str
    name_zh: str
    name_en: str
    kind: str
    population: int
    births: int
    streets: int
    towns: int
    places: int
    institutions: int
    where: str = ""  # the row in the figures file


@dataclass(frozen=True)
class NewCity:
    """What ``tuoyu init`` wrote and what to tell the user."""

    folder: Path
    files: list[Path]
    residents: int
    urban_streets: int
    replace: list[str]
    warnings: list[Problem]


def read_figures(path: Path, warnings: list[Problem] | None = None) -> list[Figures]:
    """Each district's figures from a CSV file or the first sheet of a workbook; problems are located, and figures
    outside their usual range (births or places per 1,000 residents, places per institution, residents per district
    or per street and town) are added to ``warnings``."""
    problems: list[Problem] = []
    table = Table(_source(path), "figures", FIGURES, FIGURES_OPTIONAL, problems, 3_000, warnings)
    figures = []
    for k, (line, row) in enumerate(table.rows):
        numbers = {column: table.count(line, row, column, PEOPLE_MAX) for column in FIGURES[1:]}
        kind = row.get("kind") or _kind_from_name(row["name_zh"])
        row["kind"] = kind
        table.choice(line, row, "kind", DISTRICT_KINDS)
        if numbers["streets"] == 0 and numbers["towns"] == 0:
            table.error(line, "streets", "a district needs at least one street or town")
        if numbers["institutions"] == 0 and numbers["places"]:
            table.error(line, "institutions", f"{numbers['places']:,} places need at least one institution")
        if None not in numbers.values() and _plausible(table, line, numbers):
            figures.append(Figures(row.get("district_id") or f"D{k + 1:02d}", row["name_zh"],
                                   row.get("name_en") or f"District {k + 1}", row["kind"], **numbers,
                                   where=table.where(line, "places")))
    table.unique_ids("name_zh")
    if not table.rows and not problems:
        problems.append(Problem(table.name, "no districts: expected a row of figures for each district"))
    if problems:
        raise InputError(problems)
    return figures


def _plausible(table: Table, line: int, n: dict[str, int | None]) -> bool:
    """Errors for figures no district can have, warnings for unusual ones; False after an error."""
    population, births, places, institutions = n["population"], n["births"], n["places"], n["institutions"]
    assert population is not None and births is not None and places is not None and institutions is not None
    if population == 0:
        table.error(line, "population", "a district needs residents")
        return False
    ok = True
    for column, most, what in (("streets", UNITS_MAX, "streets"), ("towns", UNITS_MAX, "towns"),
                               ("institutions", INSTITUTIONS_MAX, "institutions")):
        if (n[column] or 0) > most:
            table.error(line, column, f"{n[column]:,} {what} in a district: expected at most {most:,}; check the "
                                      f"digits")
            ok = False
    if births > population * BIRTHS_PER_1000_MAX / 1000:
        table.error(line, "births", f"{births:,} births a year in {population:,} residents is more than "
                                    f"{BIRTHS_PER_1000_MAX:.0f} per 1,000: check the unit and the digits")
        ok = False
    if places > population:
        table.error(line, "places", f"{places:,} places for {population:,} residents: more places than residents; "
                                    f"check the unit and the digits")
        ok = False
    if not ok:
        return False
    units = (n["streets"] or 0) + (n["towns"] or 0)
    checks = [("population", population, DISTRICT_POPULATION_USUAL, f"{population:,} residents in a district"),
              ("births", births * 1000 / population, BIRTH_RATE_USUAL,
               f"{births:,} births a year in {population:,} residents ({births * 1000 / population:.3g} per 1,000)"),
              ("places", places * 1000 / population, PLACES_PER_1000_USUAL,
               f"{places:,} places for {population:,} residents ({places * 1000 / population:.3g} per 1,000)")]
    if institutions:
        checks.append(("institutions", places / institutions, PLACES_PER_INSTITUTION_USUAL,
                       f"{places:,} places in {institutions:,} institutions ({places / institutions:.3g} each)"))
    if units:
        checks.append(("streets", population / units, STREET_POPULATION_USUAL,
                       f"{population:,} residents in {units:,} streets and towns ({population / units:,.0f} each)"))
    for column, value, usual, shown in checks:
        message = usual.outside(value, shown)
        if message:
            table.warn(line, column, message)
    return True


def _source(path: Path) -> Source:
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        sheets = read_workbook(path)
        name = next(iter(sheets))
        return Source(path, name, sheets[name])
    return Source(path)


def _kind_from_name(name: str) -> str:
    """市辖区 …区, 县级市 …市, 县 …县 or …旗; a name that says none of these is an urban district."""
    return "county_level_city" if name.endswith("市") else "county" if name.endswith(("县", "旗")) \
        else "urban_district"


def read_street_list(path: Path, districts: list[Figures]) -> dict[str, list[dict[str, str]]]:
    """Streets by district id from a list naming each street's district (by id or name), kind and (optionally)
    residents."""
    problems: list[Problem] = []
    table = Table(_source(path), "street_list", STREET_LIST, STREET_LIST_OPTIONAL, problems, 50_000)
    ids = {d.district_id: d.district_id for d in districts} | {d.name_zh: d.district_id for d in districts}
    listed: dict[str, list[dict[str, str]]] = {}
    for line, row in table.rows:
        table.choice(line, row, "kind", STREET_KINDS)
        if row["district_id"] not in ids:
            table.error(line, "district_id", f"{row['district_id']!r} is not a district of the figures")
            continue
        if row.get("population"):
            table.count(line, row, "population", STREET_PEOPLE_MAX)
        listed.setdefault(ids[row["district_id"]], []).append(row)
    if problems:
        raise InputError(problems)
    return listed


def write_figures(path: Path, figures: list[dict[str, object]]) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as file:  # the BOM: Excel opens the Chinese names
        writer = csv.DictWriter(file, fieldnames=list(figures[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(figures)


# --------------------------------------------------------------------------- the city's files


def make_city(figures: list[Figures], listed: dict[str, list[dict[str, str]]], rng: np.random.Generator,
              warnings: list[Problem] | None = None,
              ) -> tuple[list[citygen.District], list[citygen.Unit], list[citygen.Provider]]:
    """Districts, streets and towns with their residents, and providers sized to each district's places; a
    district whose institutions cannot hold its places within a class is added to ``warnings``."""
    districts = [citygen.District(f.district_id, f.name_zh, f.name_en, f.kind, f.streets, f.towns) for f in figures]
    drawn = citygen.make_units(rng, [d for d in districts if d.district_id not in listed],
                               lambda d: (d.name_zh[:-1] or d.name_zh, d.name_en.rsplit(" ", 1)[0]))
    units = []
    for d, f in zip(districts, figures, strict=True):
        if d.district_id in listed:
            own = [citygen.Unit(f"{d.district_id}S{k + 1:02d}", d, row["name_zh"],
                                row.get("name_en") or f"{d.district_id}S{k + 1:02d}", row["kind"], False,
                                int(float(row["population"])) if row.get("population") else 0)
                   for k, row in enumerate(listed[d.district_id])]
        else:
            own = [u for u in drawn if u.district is d]
        if not all(u.population for u in own):  # residents not listed: drawn, then scaled to the district's
            raw = citygen.draw_unit_sizes(rng, own)
            citygen.scale_populations(own, raw, range(len(own)), f.population)
        units += own
    providers: list[citygen.Provider] = []
    used: set[str] = set()
    for d, f in zip(districts, figures, strict=True):
        own = [u for u in units if u.district is d]
        if f.institutions:
            placed = citygen.place_providers(rng, own, [d], _type_counts(f, own))
            mine = citygen.draw_providers(rng, placed, used)
            reached = citygen.fit_places(rng, mine, f.places, MOST_CLASSES)
            if abs(reached - f.places) > min(citygen.CLASS_SIZE.values()) and warnings is not None:
                warnings.append(Problem(f.where or f.name_zh, f"{f.name_zh}: its {f.institutions:,} institutions were "
                                        f"drawn with {reached:,} places, not {f.places:,} (each holds one class to "
                                        f"{MOST_CLASSES} of each); check the places and institutions, or edit "
                                        f"providers.csv", "column places"))
            providers += mine
    citygen.number_providers(providers, width=max(4, len(str(len(providers)))))
    return districts, units, providers


def _type_counts(f: Figures, units: list[citygen.Unit]) -> dict[str, int]:
    """A district's institutions by type: one public centre in its seat, community centres in ≈30% of its urban
    streets, the rest in the example city's shares."""
    streets = sum(u.kind == "street" for u in units)
    counts = {"public": 1, "community_centre": min(round(CENTRE_STREET_SHARE * streets), f.institutions - 1)}
    rest = f.institutions - 1 - counts["community_centre"]
    shares = np.array(list(TYPE_SHARES.values()), dtype=float)
    counts.update(zip(TYPE_SHARES, citygen.round_to_total(shares, rest) if rest else [0] * len(shares), strict=True))
    return counts


def children_rows(units: list[citygen.Unit], figures: list[Figures]) -> list[tuple[object, ...]]:
    """streets.csv rows with children under 3 estimated as three years of the district's births, shared by
    residents."""
    births = {f.district_id: f.births for f in figures}
    residents = {f.district_id: sum(u.population for u in units if u.district.district_id == f.district_id)
                 for f in figures}
    rows = []
    for u in units:
        district = u.district.district_id
        share = u.population / residents[district] if residents[district] else 0.0
        rows.append((*u.row(), round(3 * births[district] * share)))
    return rows


# --------------------------------------------------------------------------- the scenarios


def scaled(value: float, factor: float) -> float:
    """``value`` × ``factor`` to two significant figures (money and capacities are planned in round numbers)."""
    amount = value * factor
    if amount == 0:
        return 0.0
    digits = 1 - math.floor(math.log10(abs(amount)))
    return round(amount, digits)


def scaled_years(counts: dict[int, int], factor: float, step: int = 1) -> dict[int, int]:
    """Counts by year scaled, in multiples of ``step``, the total kept by the largest remainder and at least one
    ``step`` over the years (a plan that had some keeps some)."""
    total = max(round(sum(counts.values()) * factor / step), 1)
    shares = citygen.round_to_total(np.array(list(counts.values()), dtype=float), total)
    return {year: share * step for year, share in zip(counts, shares, strict=True)}


def _number(value: float) -> str:
    """A number as YAML reads it back (no thousands separators)."""
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def _scaled_default(model: type[BaseModel], key: str, factor: float) -> str:
    """A key's default scaled by ``factor`` as YAML: a number, or a distribution with its bounds scaled."""
    default = model.model_fields[key].default
    if isinstance(default, Triangular):
        low, mode, high = (_number(scaled(v, factor)) for v in (default.low, default.mode, default.high))
        return f"{{dist: triangular, low: {low}, mode: {mode}, high: {high}}}"
    return _number(scaled(float(default), factor))


def _flow(mapping: dict[int, float]) -> str:
    return "{" + ", ".join(f"{year}: {_number(value)}" for year, value in mapping.items()) + "}"


def baseline_yaml(name: str, language: str, figures: list[Figures], factor: float, district_factor: float) -> str:
    residents = sum(f.population for f in figures)
    births = sum(f.births for f in figures)
    rate = round(births * 1000 / residents, 2)
    funds = {"central_transfer": (450e6, 0.0, 1), "provincial": (30e6, 0.0, 1), "city_special_fund": (150e6, 0.05, 3),
             "district_funds": (20e6, 0.0, 3)}
    fund_lines = "\n".join(
        f"    {fund}:\n      yuan_per_year: {{2025: {_number(scaled(amount, factor))}}}\n"
        f"      growth_share_per_year: {growth}\n      month_available: {month}"
        for fund, (amount, growth, month) in funds.items())
    return f"""\
# yaml-language-server: $schema=scenario.schema.json
# {name} — baseline (基线): written by `tuoyu init` on {date.today()} from the city's figures by district.
# It depends on no other scenario. REPLACE marks a value that is not yet this city's: the example city's
# (a Hebei prefecture city of 7,000,000 residents), scaled to this city's {residents:,} residents where it
# depends on size (× {factor:.4g}). `tuoyu validate baseline.yaml` shows every value, defaults included.
meta:
  name: {name} 基线
  description: >-
    {name}: {residents:,} residents in {len(figures)} districts; today's national policies continue.
  language: {language}

horizon:
  start: 2025-01
  end: 2027-12

geography:
  districts_csv: districts.csv
  streets_csv: streets.csv      # REPLACE the drawn streets' names and residents (see README.md)
  providers_csv: providers.csv  # REPLACE: drawn to your places and institutions by district (see README.md)
  # new_housing_csv: new_housing.csv   # new residential completions, if known: street_id, month, residents

demography:
  birth_rate_per_1000_per_year:
    2024: {rate}   # from your figures: {births:,} births ÷ {residents:,} residents; add 2022 and 2023 if known
  death_rate_per_1000_per_year: 8.2       # REPLACE: Hebei 2024 (statistical communiqué)
  net_migration_per_1000_per_year: 0.27   # REPLACE: Hebei 2024 (statistical communiqué)
  infant_mortality_per_1000_births: 4.0   # assumption
  child_mortality_per_1000_per_year: 0.3  # assumption

# Behavioural parameters not written here keep the model's defaults, calibrated on Hebei (calibration/).
providers:
  entry:
    # Private centres a district draws a year, and the waitlist at which that is half its most: the calibrated
    # defaults are per county-level district of Hebei (439,000 residents on average), here scaled to this city's
    # districts (× {district_factor:.4g}).
    max_entries_per_district_per_year: {_scaled_default(Entry, "max_entries_per_district_per_year", district_factor)}
    waitlist_half_saturation_children: {_scaled_default(Entry, "waitlist_half_saturation_children", district_factor)}

workforce:
  graduates_per_year: {max(round(600 * factor), 1)}   # REPLACE: certified childcare graduates of its colleges a year

# Today's national policies continue; the plan's levers are in three_year_plan.yaml.
policies:
  household_subsidy:           # 育儿补贴: 3,600 yuan per child under 3 per year from 2025-01 (national)
    start: 2025-01
    yuan_per_child_per_year: 3600
  construction_subsidy:        # 普惠托育服务专项行动: central 10,000 yuan per new inclusive place (unverified)
    start: 2025-01
    yuan_per_place: 10000
  quality_evaluation:          # NHC 托育机构质量评估标准, in force 2024-04-01: yearly evaluation
    month_of_year: 10
    fail_share: 0.05           # assumption
    close_share_if_failed: 0.2 # assumption

# Funds (预算): REPLACE with the city's appropriations. These are the example city's, scaled to this city's
# residents; the central transfer pays the household subsidy (90%).
budget:
  year_end: carry_over
  allow_deficit: false
  funds:
{fund_lines}
"""


def plan_yaml(name: str, factor: float, urban_streets: int) -> str:
    centres = max(round(40 * urban_streets / EXAMPLE_URBAN_STREETS), 1) if urban_streets else 0
    centre_block = f"""\
  # 三(一)二 "2027年每个街道至少建成1个社区普惠托育中心": the example's 40 a year for 82 urban streets, scaled to
  # this city's {urban_streets}.
  street_centres:
    start: 2025-01
    deadline: 2027-12
    centres_per_year: {centres}
""" if urban_streets else ""
    return f"""\
# yaml-language-server: $schema=scenario.schema.json
# {name} — three-year plan (三年行动计划): the speech's supply levers on top of the baseline, written by
# `tuoyu init`. REPLACE every figure with your plan's: here each is the example city's plan scaled to this city's
# residents (× {factor:.4g}) and rounded.
extends: baseline.yaml
meta:
  name: {name} 三年行动计划

policies:
  # 三(一)一 "新建公办托育机构**所": public institutions planned each year, built where unmet need is largest.
  public_build:
    projects_per_year: {_flow(scaled_years({2025: 4, 2026: 4, 2027: 2}, factor))}
    classes: {{infant: 1, toddler: 2, older: 2}}      # 70 places each
    cost_yuan_per_place: 30000                        # assumption
    build_months: {{dist: triangular, low: 9, mode: 12, high: 18}}
    fee_yuan_per_month: 1200
  # 三(一)一 "改扩建**所": a toddler class added to existing public institutions.
  public_expansion:
    classes_per_year: {_flow(scaled_years({2025: 6, 2026: 6}, factor))}
    band: toddler
  # 三(一)一 "每个普惠托位一次性建设补贴**元": central 10,000 plus a city top-up of 5,000 (assumption).
  construction_subsidy:
    start: 2025-01
    yuan_per_place: 15000
  # 三(一)二 "老旧小区按每千人不少于5个托位，通过购置、置换、租赁等方式补齐".
  existing_area_quota:
    places_per_1000_residents: 5
    places_per_year: {_flow(scaled_years({2025: 800, 2026: 1000, 2027: 1000}, factor, step=10))}
{centre_block}  # 三(二)一 "每年培训托育机构负责人和保育人员**人次": training cohorts in March and September.
  training:
    trainees_per_year: {_flow(scaled_years({2025: 2500, 2026: 2000, 2027: 800}, factor, step=10))}
    start_months_of_year: [3, 9]
    duration_months: 4
    pass_share: 0.8
    upskilling_share: 0.75
    cost_yuan_per_trainee: 2000
  # 三(二)一 "2026年底实现托育从业人员100%持证上岗".
  certification_mandate:
    effective: 2026-12
    schedule: {{2026-01: 0.9}}

budget:
  rules:
    construction_subsidy: {{shares: {{central_transfer: 0.667, city_special_fund: 0.333}}}}
    public_construction: {{waterfall: [city_special_fund, district_funds]}}
"""


REPLACE = [
    "streets.csv: the names and residents of the streets and towns (drawn where no street list was given; "
    "children_0_3 is three years of the district's births shared by residents)",
    "providers.csv: every provider's type, classes, fee and street (drawn with the example city's rules to your "
    "places and institutions by district): your registration (备案) list, if you have it",
    "baseline.yaml: the death and migration rates (Hebei's), private entry (Hebei's calibration, scaled), "
    "graduates and the funds (the example city's, scaled)",
    "three_year_plan.yaml: every lever's size (the example city's plan, scaled to your residents)",
    "new_housing.csv: none was written; add your completions (street_id, month, residents) and name it in "
    "baseline.yaml",
]


def readme(name: str, figures_file: str, replace: list[str]) -> str:
    lines = "\n".join(f"- {item}" for item in replace)
    return f"""\
# {name}

Written by `tuoyu init` from the figures in `{figures_file}` (district by district: residents, births a year,
streets, towns, childcare places and institutions). It runs as it is:

```
tuoyu run baseline.yaml                     # a first projection, with summary.xlsx for Excel
tuoyu compare baseline.yaml three_year_plan.yaml
```

| file | what it is |
|---|---|
| `districts.csv`, `streets.csv`, `providers.csv` | the city's data (columns: docs/scenarios.md, "City data") |
| `baseline.yaml` | today's policies; depends on no other scenario |
| `three_year_plan.yaml` | the speech's levers on top of the baseline, sized to this city |
| `scenario.schema.json` | the scenario files' JSON Schema, for editors (VS Code's YAML extension reads line 1) |
| `{figures_file}` | the figures the city was made from; edit them and run `tuoyu init` again with `--force` |

## Replace with real data

{lines}

In the YAML files `REPLACE` marks each such value. `tuoyu validate baseline.yaml` warns of any value outside its
usual range (with the range's source), so a figure mistyped by a factor of 100 is seen before a run.
"""


def init_city(folder: Path, figures: list[Figures], listed: dict[str, list[dict[str, str]]], name: str,
              language: str, figures_file: str, schema_text: str) -> NewCity:
    """Write the city into ``folder`` (which exists and holds nothing this would overwrite unless asked)."""
    rng = np.random.default_rng(SEED)
    warnings: list[Problem] = []
    districts, units, providers = make_city(figures, listed, rng, warnings)
    residents = sum(u.population for u in units)
    urban_streets = sum(u.kind == "street" for u in units)
    factor = residents / EXAMPLE_RESIDENTS
    district_factor = residents / len(districts) / HEBEI_DISTRICT_RESIDENTS
    files = [citygen.write_csv(folder, "districts", (d.row() for d in districts)),
             _write_streets(folder, children_rows(units, figures)),
             citygen.write_csv(folder, "providers", (p.row() for p in providers))]
    for file_name, text in (("baseline.yaml", baseline_yaml(name, language, figures, factor, district_factor)),
                            ("three_year_plan.yaml", plan_yaml(name, factor, urban_streets)),
                            ("README.md", readme(name, figures_file, REPLACE)),
                            ("scenario.schema.json", schema_text)):
        (folder / file_name).write_text(text, encoding="utf-8")
        files.append(folder / file_name)
    return NewCity(folder, files, residents, urban_streets, REPLACE, warnings)


def _write_streets(folder: Path, rows: list[tuple[object, ...]]) -> Path:
    path = folder / "streets.csv"
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file, lineterminator="\n")
        writer.writerow((*citygen.HEADERS["streets"], "children_0_3"))
        writer.writerows(rows)
    return path


def check_folder(folder: Path, force: bool) -> None:
    """``folder`` may be new, empty, or (with ``force``) one ``tuoyu init`` wrote: it holds a baseline.yaml."""
    if not folder.exists() or not any(folder.iterdir()):
        return
    if not force:
        raise InputError([Problem(shown_path(folder), "exists and is not empty; choose a new folder, or add --force "
                                                      "to write the city again over one tuoyu init wrote")])
    if not (folder / "baseline.yaml").exists() or not (folder / "districts.csv").exists():
        raise InputError([Problem(shown_path(folder), "was not written by tuoyu init (it has no baseline.yaml and "
                                                      "districts.csv), so --force will not write into it")])
