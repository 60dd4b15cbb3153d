"""Tables of the city's data, from CSV files or from the sheets of one Excel workbook, every cell located.

A CSV file's rows are located by line (``streets.csv:7``), a sheet's cells as Excel names them
(``city.xlsx!街道!F7``), the header being line (row) 1 either way. Headers may be English (``street_id``) or
Chinese (``街道编号``), and the values of a few columns Chinese too (``街道`` for ``street``, ``是`` for ``1``):
:data:`HEADERS` and :data:`VALUES` list what is understood, and docs/scenarios.md shows them.

CSV files may be UTF-8 (with or without the BOM Excel writes) or GB18030, which Chinese Excel uses when it
saves "CSV". Workbooks are read with openpyxl through pandas; a date Excel made of ``2025-06`` is read back as
``2025-06`` and a whole number it stores as ``45000.0`` as ``45000``.
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import io
import math
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from sim.errors import InputError, Problem, did_you_mean, show, shown_path
from sim.scenario.files import CSV_MAX_BYTES, read_input

# Rows naming an id another table lacks that are reported one by one; more are counted.
SHOWN_UNKNOWN = 5
# An id, a name or a number fits in a few dozen characters; a longer field is a pasted text or a broken quote.
MAX_FIELD_CHARS = 1_000

# Chinese headers, by table, and the column each stands for.
HEADERS: dict[str, dict[str, str]] = {
    "districts": {"区县编号": "district_id", "区县代码": "district_id", "区县名称": "name_zh", "名称": "name_zh",
                  "英文名称": "name_en", "类型": "kind", "区县类型": "kind"},
    "streets": {"街道编号": "street_id", "街道代码": "street_id", "乡镇街道编号": "street_id",
                "区县编号": "district_id", "区县代码": "district_id", "街道名称": "name_zh", "名称": "name_zh",
                "英文名称": "name_en", "类型": "kind", "常住人口": "population", "人口": "population",
                "0-3岁婴幼儿数": "children_0_3", "0–3岁婴幼儿数": "children_0_3"},
    "new_housing": {"街道编号": "street_id", "街道代码": "street_id", "交付月份": "month", "月份": "month",
                    "入住人口": "residents", "居民数": "residents"},
    "providers": {"机构编号": "provider_id", "街道编号": "street_id", "街道代码": "street_id", "类型": "type",
                  "机构类型": "type", "机构名称": "name_zh", "名称": "name_zh", "英文名称": "name_en",
                  "是否普惠": "inclusive", "普惠": "inclusive", "月收费": "fee_yuan_per_month",
                  "月收费（元）": "fee_yuan_per_month", "乳儿班": "infant_classes", "托小班": "toddler_classes",
                  "托大班": "older_classes", "混合班": "mixed_classes", "状态": "status"},
    # `tuoyu init`'s figures of a city, district by district.
    "figures": {"区县编号": "district_id", "区县名称": "name_zh", "名称": "name_zh", "英文名称": "name_en",
                "类型": "kind", "常住人口": "population", "出生人口": "births", "街道数": "streets",
                "乡镇数": "towns", "托位数": "places", "托育机构数": "institutions"},
    "street_list": {"区县编号": "district_id", "区县名称": "district_id", "街道名称": "name_zh", "名称": "name_zh",
                    "英文名称": "name_en", "类型": "kind", "常住人口": "population", "人口": "population"},
}
# Chinese values of the columns that take one of a few words.
VALUES: dict[str, dict[str, str]] = {
    "kind": {"市辖区": "urban_district", "区": "urban_district", "县级市": "county_level_city", "县": "county",
             "自治县": "county", "街道": "street", "镇": "town", "乡": "town", "乡镇": "town"},
    "type": {"公办": "public", "民办普惠": "private_inclusive", "民办市场价": "private_market",
             "社区普惠托育中心": "community_centre", "社区中心": "community_centre", "幼儿园托班": "kindergarten_class",
             "用人单位办": "employer", "家庭托育点": "family_point"},
    "inclusive": {"是": "1", "否": "0"},
    "status": {"运营": "open", "开业": "open", "在建": "building", "备案中": "registering"},
}
# Sheets of a city workbook: each table's English and Chinese names.
SHEETS = {"districts": ("districts", "区县"), "streets": ("streets", "街道"), "providers": ("providers", "托育机构"),
          "new_housing": ("new_housing", "新建住宅")}


class Unreadable(Exception):
    """A record that cannot be read (a broken quote, a NUL byte): the rest of the source is lost."""

    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line, self.message = line, message


@dataclass
class Source:
    """Where a table's records come from: a CSV file, or a sheet of a workbook (``sheet``)."""

    path: Path
    sheet: str = ""
    rows: list[list[str]] = field(default_factory=list)  # a sheet's cells as text, row 1 first

    @property
    def name(self) -> str:
        return f"{shown_path(self.path)}!{self.sheet}" if self.sheet else shown_path(self.path)

    def where(self, line: int, column: int | None = None) -> str:
        """``file:line``; for a sheet ``file!sheet!F7`` (a cell) or ``file!sheet!7:7`` (a whole row)."""
        if not self.sheet:
            return f"{self.name}:{line}"
        return f"{self.name}!{_letters(column)}{line}" if column is not None else f"{self.name}!{line}:{line}"

    def records(self, problems: list[Problem]) -> Iterator[tuple[int, list[str]]]:
        """(line, values) of every record, the header first; raises Unreadable."""
        if self.sheet:
            yield from enumerate(self.rows, start=1)
            return
        text = _read_text(self.path, problems)
        if text is None:
            return
        reader = csv.reader(io.StringIO(text))
        try:
            for values in reader:
                yield reader.line_num, values
        except csv.Error as err:  # a field over the csv module's own limit (128 KB), a NUL byte
            raise Unreadable(reader.line_num, f"not readable as CSV: {err}") from None


def _letters(column: int | None) -> str:
    """Excel's name of a column: 0 → A, 25 → Z, 26 → AA."""
    letters, n = "", (column or 0) + 1
    while n:
        n, rest = divmod(n - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _read_text(path: Path, problems: list[Problem]) -> str | None:
    try:
        raw = read_input(path, CSV_MAX_BYTES, "CSV file")
    except InputError as err:
        problems += err.problems
        return None
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    problems.append(Problem(shown_path(path), "expected UTF-8 or GB18030 text"))
    return None


def read_workbook(path: Path) -> dict[str, list[list[str]]]:
    """Every sheet of an Excel workbook as rows of text cells, or an InputError naming the file."""
    import pandas as pd  # only a workbook needs it

    raw = read_input(path, CSV_MAX_BYTES, "Excel workbook")
    if not zipfile.is_zipfile(io.BytesIO(raw)):
        raise InputError([Problem(shown_path(path), "is not an Excel workbook (.xlsx); save it as .xlsx, or as "
                                                    "CSV and name it in a *_csv key")])
    try:
        sheets = pd.read_excel(io.BytesIO(raw), sheet_name=None, header=None, dtype=object, engine="openpyxl")
    except Exception as err:  # openpyxl raises many kinds on a damaged file; none is the user's to debug
        raise InputError([Problem(shown_path(path), f"cannot be read as an Excel workbook: {err}")]) from None
    return {str(name): [[_cell_text(v) for v in row] for row in frame.itertuples(index=False)]
            for name, frame in sheets.items()}


def _cell_text(value: object) -> str:
    """A cell as the CSV file would hold it."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, dt.datetime | dt.date):  # Excel turns 2025-06 into a date
        return f"{value.year:04d}-{value.month:02d}"
    if isinstance(value, float | np.floating) and float(value).is_integer():
        return str(int(value))
    return str(value)


def sheet_source(path: Path, sheets: dict[str, list[list[str]]], table: str) -> Source | None:
    """The sheet of ``table`` (by its English or Chinese name), or None if the workbook has none."""
    for name in SHEETS[table]:
        if name in sheets:
            return Source(path, name, sheets[name])
    return None


class Table:
    """One table's rows as dicts keyed by the English column names, and the problems found in it."""

    def __init__(self, source: Source, kind: str, required: tuple[str, ...], optional: tuple[str, ...],
                 problems: list[Problem], max_rows: int, warnings: list[Problem] | None = None):
        self.source = source
        self.name = source.name
        self.kind = kind
        self.problems = problems
        self.warnings = warnings if warnings is not None else []
        self.rows: list[tuple[int, dict[str, str]]] = []
        self._unknown: dict[str, tuple[str, list[int]]] = {}
        self.columns: dict[str, int] = {}
        self.readable = False  # header complete: its ids can be checked against
        records = source.records(problems)
        said = len(problems)
        try:
            first = next(records, None)
        except Unreadable as err:
            self.error(err.line, "", f"not a readable header: {err.message}")
            return
        if first is None and len(problems) > said:  # the file could not be read, and that was said
            return
        header = self._header(first[1] if first else [])  # an empty file has no columns: all are missing
        if self._header_problems(header, required, optional):
            return
        self.readable = True
        self.columns = {h: i for i, h in enumerate(header)}
        self._read_rows(records, header, max_rows)

    def _header(self, cells: list[str]) -> list[str]:
        aliases = HEADERS.get(self.kind, {})
        return [aliases.get(h.strip(), h.strip()) for h in cells]

    def _header_problems(self, header: list[str], required: tuple[str, ...], optional: tuple[str, ...]) -> bool:
        """Record what is wrong with the header; True if the rows cannot be read."""
        while header and not header[-1]:  # a sheet's empty columns beyond the table
            header.pop()
        twice = sorted({h for h in header if header.count(h) > 1})
        for column in twice:  # which of the two would count is anyone's guess
            self.problems.append(Problem(self.source.where(1), f"column {column!r} appears more than once"))
        missing = [c for c in required if c not in header]
        unexpected = [h for h in header if h not in required and h not in optional]
        explained = set()
        for column in missing:
            typo = difflib.get_close_matches(column, unexpected, n=1, cutoff=0.6)
            explained.update(typo)
            hint = f" (is {typo[0]!r} a misspelling of it?)" if typo else ""
            self.problems.append(Problem(self.source.where(1), f"missing column {column!r}{hint}; "
                                         f"columns found: {', '.join(header) or 'none'}"))
        for column in unexpected:
            if column not in explained:
                self.problems.append(Problem(self.source.where(1), f"unknown column {column!r}"
                                             + did_you_mean(column, [*required, *optional])
                                             + f"; expected {', '.join(required)}"
                                             + (f" and optionally {', '.join(optional)}" if optional else "")))
        return bool(missing or twice)

    def _read_rows(self, records: Iterator[tuple[int, list[str]]], header: list[str], max_rows: int) -> None:
        try:
            for line, values in records:
                if not any(v.strip() for v in values):
                    continue
                if len(self.rows) == max_rows:
                    self.error(line, "", f"more than {max_rows:,} rows; no city has as many (is it the right file?)")
                    self.readable = False  # its ids are not all read: other files are not checked against them
                    return
                if self.source.sheet:  # a sheet's rows run as far as its widest row: cells beyond are empty
                    values = (values + [""] * len(header))[: len(header)]
                if len(values) != len(header):
                    self.error(line, "", f"expected {len(header)} values, got {len(values)}")
                    continue
                long = [h for h, v in zip(header, values, strict=True) if len(v) > MAX_FIELD_CHARS]
                if long:
                    self.error(line, long[0], f"more than {MAX_FIELD_CHARS:,} characters; a broken quote (\")?")
                    continue
                self.rows.append((line, {h: v.strip() for h, v in zip(header, values, strict=True)}))
        except Unreadable as err:
            self.error(err.line, "", err.message)
            self.readable = False

    def where(self, line: int, column: str) -> str:
        return self.source.where(line, self.columns.get(column) if column else None)

    def error(self, line: int, column: str, message: str) -> None:
        self.problems.append(Problem(self.where(line, column), message, f"column {column}" if column else ""))

    def warn(self, line: int, column: str, message: str) -> None:
        self.warnings.append(Problem(self.where(line, column), message, f"column {column}" if column else ""))

    def number(self, line: int, row: dict[str, str], column: str, maximum: float, whole: bool = True) -> float | None:
        """A number from 0 to ``maximum`` (a whole one if ``whole``) in ``column``, or None after recording the
        problem."""
        text = row[column].replace(",", "")
        try:
            value = float(text)
        except ValueError:
            value = None
        if value is None or not np.isfinite(value) or (whole and value != int(value)) or value < 0:
            kind = "whole number" if whole else "number"
            self.error(line, column, f"expected a non-negative {kind}, got {show(row[column])}")
            return None
        if value > maximum:
            self.error(line, column, f"expected at most {maximum:,.0f}, got {show(row[column])}")
            return None
        return value

    def count(self, line: int, row: dict[str, str], column: str, maximum: float) -> int | None:
        """A whole number from 0 to ``maximum`` in ``column``, or None after recording the problem."""
        value = self.number(line, row, column, maximum)
        return None if value is None else int(value)

    def unique_ids(self, column: str) -> dict[str, int]:
        """id → line, recording blank and duplicate ids."""
        seen: dict[str, int] = {}
        for line, row in self.rows:
            key = row[column]
            if not key:
                self.error(line, column, "expected an id, got an empty value")
            elif key in seen:
                self.error(line, column, f"{key!r} duplicates {'row' if self.source.sheet else 'line'} {seen[key]}")
            else:
                seen[key] = line
        return seen

    def known(self, line: int, row: dict[str, str], column: str, ids: dict[str, int], other: Table) -> None:
        """The column's id must be one of ``other``'s. A whole file of another city's ids would give a line each:
        after a few, the rest are counted and told in one line by :meth:`finish`."""
        value = row[column]
        if not other.readable or value in ids:
            return
        _, lines = self._unknown.setdefault(column, (other.name, []))
        lines.append(line)
        if len(lines) <= SHOWN_UNKNOWN:
            self.error(line, column, f"{value!r} is not in {other.name}" + did_you_mean(value, ids))

    def finish(self) -> None:
        """Record the rows :meth:`known` counted without a line each."""
        for column, (other, lines) in self._unknown.items():
            if len(lines) > SHOWN_UNKNOWN:
                self.error(lines[SHOWN_UNKNOWN], column, f"this and {len(lines) - SHOWN_UNKNOWN - 1} more rows name a "
                           f"{column} that is not in {other}; are {self.name} and {other} one city's data?")

    def choice(self, line: int, row: dict[str, str], column: str, allowed: tuple[str, ...]) -> None:
        """The column's value, one of ``allowed`` (a Chinese word for one is replaced by it)."""
        row[column] = VALUES.get(column, {}).get(row[column], row[column])
        if row[column] not in allowed:
            self.error(line, column, f"expected one of {', '.join(allowed)}, got {show(row[column])}"
                       + did_you_mean(row[column], allowed))
