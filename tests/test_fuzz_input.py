"""The example scenario mutated at random — a value of the YAML, a cell of a CSV, a file cut short, a column
written twice — must end in exit 0 or 2, never a traceback, and in bounded time."""

from __future__ import annotations

import csv
import io
import math
import shutil
import time
from pathlib import Path

import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from sim.cli import app
from tests.conftest import EXAMPLE

runner = CliRunner()
CSV_FILES = ("districts.csv", "streets.csv", "new_housing.csv", "providers.csv")
SECONDS = 30  # per example, validating and (if valid) running three months of the city once

# What careless hands and broken exports put in a file.
NASTY_TEXT = ["", " ", "nan", "NaN", "inf", "-inf", "1e308", "-1e308", "1e15", "-1", "0", "0.5", "4.5万", "5.9‰",
              "9" * 5000, ":100:", "[red]x[/red]", "'", '"', "\x00", "A1", "2025-13", "2025-01", "true", "∞",
              "x" * 2000]
NASTY_VALUES = st.one_of(
    st.sampled_from([math.nan, math.inf, -math.inf, 1e308, -1e308, 1e15, -1, 0, 10**30, True, None, [], {},
                     {"dist": "normal", "mean": 1e308, "sd": math.nan}, {"dist": "lognormal", "mean": 1, "sd": 0},
                     {"dist": "uniform", "low": 5, "high": 1}, "2030-01", "1990-01"]),
    st.sampled_from([0, 1, 0.999, 3, 10, 100, 500, 1000, 1e9, 1e12, 1.5e9]),  # at and near the limits: valid
    st.sampled_from(NASTY_TEXT),
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(10**20), max_value=10**20),
)


def _leaves(node, path=()):
    """Key paths of every value in a YAML document (mappings and lists walked)."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _leaves(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _leaves(value, (*path, index))
    if path:
        yield path


SCENARIO = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
PATHS = sorted(_leaves(SCENARIO), key=str)


def _set(node, path, value):
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value


@st.composite
def mutations(draw):
    """A function that breaks the copy of the example city in a folder."""
    kind = draw(st.sampled_from(["yaml", "yaml", "csv", "csv", "cut", "header"]))
    if kind == "yaml":
        path, value = draw(st.sampled_from(PATHS)), draw(NASTY_VALUES)

        def mutate(folder: Path) -> None:
            data = yaml.safe_load((folder / EXAMPLE.name).read_text(encoding="utf-8"))
            _set(data, path, value)
            (folder / EXAMPLE.name).write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")

        return mutate
    name = draw(st.sampled_from(CSV_FILES))
    rows = list(csv.reader(io.StringIO((EXAMPLE.parent / name).read_text(encoding="utf-8-sig"))))
    if kind == "csv":
        row, column = draw(st.integers(0, len(rows) - 1)), draw(st.integers(0, len(rows[0]) - 1))
        rows[row][column] = draw(st.sampled_from(NASTY_TEXT))
    elif kind == "header":
        rows = [[*row, row[draw(st.integers(0, len(rows[0]) - 1))]] for row in rows]
    text = io.StringIO()
    csv.writer(text, lineterminator="\n").writerows(rows)
    content = text.getvalue()
    if kind == "cut":
        content = content[: draw(st.integers(0, len(content)))]

    def mutate(folder: Path) -> None:
        (folder / name).write_text(content, encoding="utf-8")

    return mutate


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(mutate=mutations())
def test_a_mutated_example_scenario_exits_0_or_2_without_a_traceback(tmp_path_factory, mutate) -> None:
    folder = tmp_path_factory.mktemp("city")
    for name in (EXAMPLE.name, *CSV_FILES):
        shutil.copy(EXAMPLE.parent / name, folder / name)
    mutate(folder)
    began = time.monotonic()
    result = runner.invoke(app, ["validate", str(folder / EXAMPLE.name)])
    if result.exit_code == 0:
        result = runner.invoke(app, ["run", str(folder / EXAMPLE.name), "--reps", "1", "--set", "horizon.end=2025-03",
                                     "--out", str(folder / "results")])
        event(f"ran, exit {result.exit_code}")
    else:
        event(f"validated, exit {result.exit_code}")
    assert result.exit_code in (0, 2), result.output
    if result.exit_code == 2:  # every problem on a line of its own, saying where it is
        assert all(line.startswith(("error: ", "warning: ")) for line in result.output.splitlines()), result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert time.monotonic() - began < SECONDS
