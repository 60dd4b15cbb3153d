"""Read the city's CSV files into a :class:`City`, reporting every bad row and column in one pass.

Files may be UTF-8 (with or without the BOM Excel writes) or GB18030, which Chinese Excel uses when it
saves "CSV". Row numbers in messages are the file's line numbers, the header being line 1.
"""

from __future__ import annotations

import csv
import difflib
import io
from pathlib import Path

import numpy as np

from sim.errors import InputError, Problem, did_you_mean, in_file_order, show, shown_path
from sim.scenario.city import BANDS, DISTRICT_KINDS, PROVIDER_TYPES, STREET_KINDS, City, ProviderSeed
from sim.scenario.months import parse_month
from sim.scenario.schema import GeographyFiles

DISTRICT_COLUMNS = ("district_id", "name_zh", "name_en", "kind")
STREET_COLUMNS = ("street_id", "district_id", "name_zh", "name_en", "kind", "population")
STREET_OPTIONAL = ("children_0_3",)
HOUSING_COLUMNS = ("street_id", "month", "residents")
PROVIDER_COLUMNS = ("provider_id", "street_id", "type", "inclusive", "fee_yuan_per_month", "infant_classes",
                    "toddler_classes", "older_classes", "mixed_classes")
PROVIDER_OPTIONAL = ("name_zh", "name_en", "status")
PROVIDER_STATUSES = ("open", "building", "registering")


class _Table:
    """One CSV file's rows as dicts, and the problems found in it."""

    def __init__(self, path: Path, required: tuple[str, ...], optional: tuple[str, ...], problems: list[Problem]):
        self.name = shown_path(path)
        self.problems = problems
        self.rows: list[tuple[int, dict[str, str]]] = []
        self.readable = False  # header complete: its ids can be checked against
        text = _read_text(path, problems)
        if text is None:
            return
        reader = csv.reader(io.StringIO(text))
        header = [h.strip() for h in next(reader, [])]
        missing = [c for c in required if c not in header]
        unexpected = [h for h in header if h not in required and h not in optional]
        explained = set()
        for column in missing:
            typo = difflib.get_close_matches(column, unexpected, n=1, cutoff=0.6)
            explained.update(typo)
            hint = f" (is {typo[0]!r} a misspelling of it?)" if typo else ""
            problems.append(Problem(self.name + ":1", f"missing column {column!r}{hint}; "
                                    f"columns found: {', '.join(header) or 'none'}"))
        for column in unexpected:
            if column not in explained:
                problems.append(Problem(self.name + ":1", f"unknown column {column!r}"
                                        + did_you_mean(column, [*required, *optional])
                                        + f"; expected {', '.join(required)}"
                                        + (f" and optionally {', '.join(optional)}" if optional else "")))
        if missing:
            return
        self.readable = True
        for line, values in enumerate(reader, start=2):
            if not any(v.strip() for v in values):
                continue
            if len(values) != len(header):
                self.error(line, "", f"expected {len(header)} values, got {len(values)}")
                continue
            self.rows.append((line, {h: v.strip() for h, v in zip(header, values, strict=True)}))

    def error(self, line: int, column: str, message: str) -> None:
        self.problems.append(Problem(f"{self.name}:{line}", message, f"column {column}" if column else ""))

    def count(self, line: int, row: dict[str, str], column: str) -> int | None:
        """A non-negative whole number from ``column``, or None after recording the problem."""
        text = row[column].replace(",", "")
        try:
            value = float(text)
        except ValueError:
            value = None
        if value is None or not np.isfinite(value) or value != int(value) or value < 0:
            self.error(line, column, f"expected a non-negative whole number, got {show(row[column])}")
            return None
        return int(value)

    def unique_ids(self, column: str) -> dict[str, int]:
        """id → line, recording blank and duplicate ids."""
        seen: dict[str, int] = {}
        for line, row in self.rows:
            key = row[column]
            if not key:
                self.error(line, column, "expected an id, got an empty value")
            elif key in seen:
                self.error(line, column, f"{key!r} duplicates line {seen[key]}")
            else:
                seen[key] = line
        return seen

    def choice(self, line: int, row: dict[str, str], column: str, allowed: tuple[str, ...]) -> None:
        if row[column] not in allowed:
            self.error(line, column, f"expected one of {', '.join(allowed)}, got {show(row[column])}"
                       + did_you_mean(row[column], allowed))


def _read_text(path: Path, problems: list[Problem]) -> str | None:
    try:
        raw = path.read_bytes()
    except OSError:
        problems.append(Problem(shown_path(path), "no such file"))
        return None
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    problems.append(Problem(shown_path(path), "expected UTF-8 or GB18030 text"))
    return None


def read_city(files: GeographyFiles) -> City:
    """The city described by ``files``, or an InputError with every problem in them."""
    problems: list[Problem] = []
    districts = _Table(Path(files.districts_csv), DISTRICT_COLUMNS, (), problems)
    streets = _Table(Path(files.streets_csv), STREET_COLUMNS, STREET_OPTIONAL, problems)
    housing = (_Table(Path(files.new_housing_csv), HOUSING_COLUMNS, (), problems)
               if files.new_housing_csv else None)
    providers = (_Table(Path(files.providers_csv), PROVIDER_COLUMNS, PROVIDER_OPTIONAL, problems)
                 if files.providers_csv else None)

    district_lines = districts.unique_ids("district_id")
    for line, row in districts.rows:
        districts.choice(line, row, "kind", DISTRICT_KINDS)
    street_lines = streets.unique_ids("street_id")
    population, children = [], []
    has_children = any("children_0_3" in row for _, row in streets.rows)
    for line, row in streets.rows:
        if districts.readable and row["district_id"] not in district_lines:
            streets.error(line, "district_id", f"{row['district_id']!r} is not in {districts.name}"
                          + did_you_mean(row["district_id"], district_lines))
        streets.choice(line, row, "kind", STREET_KINDS)
        population.append(streets.count(line, row, "population"))
        if has_children:
            children.append(streets.count(line, row, "children_0_3"))

    completions = []
    for line, row in housing.rows if housing else ():
        if streets.readable and row["street_id"] not in street_lines:
            housing.error(line, "street_id", f"{row['street_id']!r} is not in {streets.name}"
                          + did_you_mean(row["street_id"], street_lines))
        try:
            month = parse_month(row["month"])
        except ValueError as err:
            housing.error(line, "month", str(err))
            month = None
        residents = housing.count(line, row, "residents")
        completions.append((row["street_id"], month, residents))

    seeds = _provider_seeds(providers, streets, street_lines) if providers else []

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


def _provider_seeds(providers: _Table, streets: _Table, street_lines: dict[str, int]) -> list[tuple]:
    """Rows of providers.csv as (id, street id, type, inclusive, fee, classes, status), problems recorded."""
    providers.unique_ids("provider_id")
    seeds = []
    for line, row in providers.rows:
        if streets.readable and row["street_id"] not in street_lines:
            providers.error(line, "street_id", f"{row['street_id']!r} is not in {streets.name}"
                            + did_you_mean(row["street_id"], street_lines))
        providers.choice(line, row, "type", PROVIDER_TYPES)
        if row["inclusive"] not in ("0", "1"):
            providers.error(line, "inclusive", f"expected 1 (普惠) or 0, got {show(row['inclusive'])}")
        status = row.get("status") or "open"
        if status not in PROVIDER_STATUSES:
            providers.error(line, "status", f"expected one of {', '.join(PROVIDER_STATUSES)}, got {show(status)}"
                            + did_you_mean(status, PROVIDER_STATUSES))
        fee = providers.count(line, row, "fee_yuan_per_month")
        classes = tuple(providers.count(line, row, f"{band}_classes") for band in BANDS)
        if all(c == 0 for c in classes):
            providers.error(line, "", "expected at least one class")
        seeds.append((row["provider_id"], row["street_id"], row["type"], row["inclusive"] == "1", fee, classes,
                      status))
    return seeds
