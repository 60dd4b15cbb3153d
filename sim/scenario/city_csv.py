"""Read the city's tables (CSV files, or the sheets of one workbook) into a :class:`City`, reporting every bad row
and column in one pass, and warning of values that are possible but unusual.

Every file, row, field and number is bounded by what a real city can hold (see the limits below and in
``sim.scenario.params``), so that a wrong file or a pasted cell is refused at once with its line rather than
running for hours or exhausting the machine's memory.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from sim.errors import InputError, Problem, in_file_order, show, shown_path
from sim.scenario.city import BANDS, DISTRICT_KINDS, PROVIDER_TYPES, STREET_KINDS, City, ProviderSeed
from sim.scenario.months import parse_month
from sim.scenario.params import (
    CLASSES_PER_BAND_MAX,
    CLASSES_PER_BAND_USUAL,
    FEE_USUAL,
    PEOPLE_MAX,
    STREET_PEOPLE_MAX,
    YUAN_MAX,
    Usual,
)
from sim.scenario.schema import GeographyFiles
from sim.scenario.tables import SHEETS, Source, Table, read_workbook, sheet_source

DISTRICT_COLUMNS = ("district_id", "name_zh", "name_en", "kind")
STREET_COLUMNS = ("street_id", "district_id", "name_zh", "name_en", "kind", "population")
STREET_OPTIONAL = ("children_0_3",)
HOUSING_COLUMNS = ("street_id", "month", "residents")
PROVIDER_COLUMNS = ("provider_id", "street_id", "type", "inclusive", "fee_yuan_per_month", "infant_classes",
                    "toddler_classes", "older_classes", "mixed_classes")
PROVIDER_OPTIONAL = ("name_zh", "name_en", "status")
PROVIDER_STATUSES = ("open", "building", "registering")

# Rows a file may hold. China has 2,844 county-level divisions and about 38,600 township-level ones (streets
# and towns, 2023) and about 100,000 childcare institutions (2024): a scenario, even of the whole country, stays
# below these.
MAX_ROWS = {"districts": 3_000, "streets": 50_000, "providers": 200_000, "new_housing": 1_000_000}

# Usual values of the columns: beyond them a warning, not an error.
STREET_POPULATION_USUAL = Usual(
    1000, 500_000, "the example city's and Hebei's streets and towns hold 7,000–130,000 residents; the most populous "
                   "towns about 1.5 million (assumption)")
CHILDREN_PER_1000_USUAL = Usual(
    5, 60, "≈17 children under 3 per 1,000 residents at Hebei's 5.9‰ births (2024, derived); the margins are an "
           "assumption")
COMPLETION_RESIDENTS_USUAL = Usual(
    0, 30_000, "the example city's completions hold at most ≈10,000 residents in a street and month (assumption)")

def read_city(files: GeographyFiles, warnings: list[Problem] | None = None) -> City:
    """The city described by ``files``, or an InputError with every problem in them; unusual values are added to
    ``warnings``."""
    problems: list[Problem] = []
    warnings = warnings if warnings is not None else []
    sources = _sources(files, problems)

    def table(kind: str, required: tuple[str, ...], optional: tuple[str, ...] = ()) -> Table | None:
        source = sources.get(kind)
        return Table(source, kind, required, optional, problems, MAX_ROWS[kind], warnings) if source else None

    districts = table("districts", DISTRICT_COLUMNS)
    streets = table("streets", STREET_COLUMNS, STREET_OPTIONAL)
    housing = table("new_housing", HOUSING_COLUMNS)
    providers = table("providers", PROVIDER_COLUMNS, PROVIDER_OPTIONAL)
    if districts is None or streets is None:
        raise InputError(in_file_order(problems))

    district_lines = districts.unique_ids("district_id")
    for line, row in districts.rows:
        districts.choice(line, row, "kind", DISTRICT_KINDS)
    street_lines = streets.unique_ids("street_id")
    population, children = [], []
    has_children = any("children_0_3" in row for _, row in streets.rows)
    for line, row in streets.rows:
        streets.known(line, row, "district_id", district_lines, districts)
        streets.choice(line, row, "kind", STREET_KINDS)
        residents = streets.count(line, row, "population", STREET_PEOPLE_MAX)
        _usual(streets, line, "population", residents, STREET_POPULATION_USUAL, "{:,.0f} residents")
        population.append(residents)
        if has_children:
            count = streets.count(line, row, "children_0_3", STREET_PEOPLE_MAX if residents is None else residents)
            if count is not None and residents:
                _usual(streets, line, "children_0_3", count * 1000 / residents, CHILDREN_PER_1000_USUAL,
                       f"{count:,} children under 3, {{:.1f}} per 1,000 residents,")
            children.append(count)
    total = sum(p for p in population if p is not None)
    if total > PEOPLE_MAX:
        streets.error(1, "population", f"the streets' residents add up to {total:,}, more than China's whole "
                                       f"population; at most {PEOPLE_MAX:,.0f}")

    completions = []
    for line, row in housing.rows if housing else ():
        housing.known(line, row, "street_id", street_lines, streets)
        try:
            month = parse_month(row["month"])
        except ValueError as err:
            housing.error(line, "month", str(err))
            month = None
        residents = housing.count(line, row, "residents", STREET_PEOPLE_MAX)
        _usual(housing, line, "residents", residents, COMPLETION_RESIDENTS_USUAL, "{:,.0f} residents")
        completions.append((row["street_id"], month, residents))

    seeds = _provider_seeds(providers, streets, street_lines) if providers else []

    for one in (districts, streets, housing, providers):
        if one is not None:
            one.finish()
    if not streets.rows and not problems:
        problems.append(Problem(streets.name, "no streets: expected at least one data row"))
    if problems:
        raise InputError(in_file_order(problems))

    district_index = {d: i for i, d in enumerate(district_lines)}
    street_index = {s: i for i, s in enumerate(street_lines)}
    d_rows = [row for _, row in districts.rows]
    s_rows = [row for _, row in streets.rows]
    return City(
        district_ids=tuple(r["district_id"] for r in d_rows),
        district_names_zh=tuple(r["name_zh"] for r in d_rows),
        district_names_en=tuple(r["name_en"] for r in d_rows),
        district_kinds=tuple(r["kind"] for r in d_rows),
        street_ids=tuple(r["street_id"] for r in s_rows),
        street_names_zh=tuple(r["name_zh"] for r in s_rows),
        street_names_en=tuple(r["name_en"] for r in s_rows),
        street_kinds=tuple(r["kind"] for r in s_rows),
        street_district=np.array([district_index[r["district_id"]] for r in s_rows], dtype=np.intp),
        population=np.array(population, dtype=float),
        children_0_3=np.array(children, dtype=float) if has_children else None,
        new_housing=tuple((street_index[s], m, n) for s, m, n in completions),
        providers=tuple(ProviderSeed(provider_id=p, street=street_index[s], type=k, inclusive=i,
                                     fee_yuan_per_month=f, classes=c, status=st) for p, s, k, i, f, c, st in seeds),
    )


def _provider_seeds(providers: Table, streets: Table, street_lines: dict[str, int]) -> list[tuple]:
    """Rows of providers.csv as (id, street id, type, inclusive, fee, classes, status), problems recorded."""
    providers.unique_ids("provider_id")
    seeds = []
    for line, row in providers.rows:
        providers.known(line, row, "street_id", street_lines, streets)
        providers.choice(line, row, "type", PROVIDER_TYPES)
        row["inclusive"] = {"是": "1", "否": "0"}.get(row["inclusive"], row["inclusive"])
        if row["inclusive"] not in ("0", "1"):
            providers.error(line, "inclusive", f"expected 1 (普惠) or 0, got {show(row['inclusive'])}")
        row["status"] = row.get("status") or "open"
        providers.choice(line, row, "status", PROVIDER_STATUSES)
        fee = providers.count(line, row, "fee_yuan_per_month", YUAN_MAX)
        _usual(providers, line, "fee_yuan_per_month", fee, FEE_USUAL, "a fee of {:,.0f} yuan a month")
        classes = tuple(providers.count(line, row, f"{band}_classes", CLASSES_PER_BAND_MAX) for band in BANDS)
        if all(c == 0 for c in classes):
            providers.error(line, "", "expected at least one class")
        for band, count in zip(BANDS, classes, strict=True):
            _usual(providers, line, f"{band}_classes", count, CLASSES_PER_BAND_USUAL, f"{{:,.0f}} {band} classes")
        seeds.append((row["provider_id"], row["street_id"], row["type"], row["inclusive"] == "1", fee, classes,
                      row["status"]))
    return seeds


def _usual(table: Table, line: int, column: str, value: float | None, usual: Usual, shown: str) -> None:
    """Warn when a value read from the table is outside its usual range; ``shown`` formats it for the message."""
    message = None if value is None else usual.outside(value, shown.format(value))
    if message:
        table.warn(line, column, message)


def _sources(files: GeographyFiles, problems: list[Problem]) -> dict[str, Source]:
    """Each table's source: its *_csv file, or the sheet of the workbook named after it; a table given both ways is
    a problem (which would count is anyone's guess)."""
    sheets = {}
    if files.workbook_xlsx:
        try:
            sheets = read_workbook(Path(files.workbook_xlsx))
        except InputError as err:
            problems += err.problems
    sources = {}
    for kind in SHEETS:
        csv_file = getattr(files, f"{kind}_csv")
        sheet = sheet_source(Path(files.workbook_xlsx), sheets, kind) if sheets else None
        if csv_file and sheet:
            problems.append(Problem(sheet.name, f"the {kind} are given twice: in this sheet and in {kind}_csv "
                                                f"({shown_path(csv_file)}); write {kind}_csv: null to use the sheet",
                                    "geography"))
        elif csv_file or sheet:
            sources[kind] = Source(Path(csv_file)) if csv_file else sheet
        elif kind in ("districts", "streets") and files.workbook_xlsx and sheets:
            problems.append(Problem(shown_path(files.workbook_xlsx), f"has no sheet named {' or '.join(SHEETS[kind])} "
                                    f"(sheets: {', '.join(sheets)}), and no {kind}_csv is given", "geography"))
    return sources
