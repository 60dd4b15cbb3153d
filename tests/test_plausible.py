"""Warnings about values that are possible but unusual: every key's usual range, budgets and levers out of
proportion to the city, unusual cells of the city's tables, and ``extends`` that replaces a city's data.

A warning is one located line and never stops a command; the example scenarios have none.
"""

from __future__ import annotations

import math
import shutil
import typing
from pathlib import Path

import pytest
from annotated_types import Le
from pydantic import BaseModel
from typer.testing import CliRunner

import sim
from sim.cli import app
from sim.experiments.spec import is_sweep_spec
from sim.scenario.params import PER, Bounds, Usual
from sim.scenario.schema import ScenarioSpec
from tests.conftest import ROOT, SMALL
from tests.test_scenario_input import edit

SHIPPED = sorted([*ROOT.glob("scenarios/*/*.yaml")])
SCENARIOS = [path for path in SHIPPED if not is_sweep_spec(path)]  # sweep and optimisation specs name a scenario


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_the_shipped_scenarios_have_no_warnings(path):
    assert sim.load_scenario(path).warnings == ()


# ------------------------------------------------------------- every key's usual range, from the schema


def _sections(annotation: typing.Any) -> type[BaseModel] | None:
    args = [a for a in typing.get_args(annotation) if a is not type(None)] or [annotation]
    return next((a for a in args if isinstance(a, type) and issubclass(a, BaseModel)), None)


def usual_keys(model: type[BaseModel] = ScenarioSpec, prefix: str = "") -> list[tuple[str, Usual, float, bool]]:
    """Every key (a year or fund where the key is a mapping) with a usual range, its hard upper limit and whether
    it takes whole numbers."""
    found = []
    for name, field in model.model_fields.items():
        key = f"{prefix}{name}"
        annotation, metadata = field.annotation, list(field.metadata)
        origin, args = typing.get_origin(annotation), typing.get_args(annotation)
        if origin is dict:
            annotation = args[1]
            metadata = list(getattr(annotation, "__metadata__", ()))
            first = typing.get_args(args[0])[0] if typing.get_origin(args[0]) is typing.Literal \
                else "A" if args[0] is str else 2025  # a fund, a district of the small city, or a year
            key = f"{key}.{first}"
            if section := _sections(annotation):
                found += usual_keys(section, f"{key}.")
                continue
        elif origin is list:
            continue  # a list's items are written whole: see test_a_campaign_out_of_proportion
        elif section := _sections(annotation):
            found += usual_keys(section, f"{key}.")
            continue
        usual = next((m for m in metadata if isinstance(m, Usual)), None)
        if usual is not None:
            limits = [m.le for m in metadata if isinstance(m, Le)] + [m.le for m in metadata if isinstance(m, Bounds)]
            whole = (typing.get_origin(annotation) is typing.Annotated and typing.get_args(annotation)[0] is int) \
                or annotation is int
            found.append((key, usual, min(limits, default=math.inf), whole))
    return found


USUAL_KEYS = usual_keys()
SMALL_CITY = sim.load_scenario(SMALL).city
PEOPLE = {"resident": SMALL_CITY.population.sum(), "1,000 residents": SMALL_CITY.population.sum(),
          "million residents": SMALL_CITY.population.sum(), "urban street": 3,
          "100,000 residents of an average district": SMALL_CITY.population.sum() / 3, "": 1.0}


def test_the_schema_declares_usual_ranges_for_the_keys_a_person_types():
    keys = {key for key, *_ in USUAL_KEYS}
    assert len(keys) >= 70
    for key in ("demography.birth_rate_per_1000_per_year.2025", "budget.funds.central_transfer.yuan_per_year.2025",
                "policies.household_subsidy.yuan_per_child_per_year", "policies.street_centres.centres_per_year",
                "policies.training.trainees_per_year.2025", "providers.entry.max_entries_per_district_per_year"):
        assert key in keys


@pytest.mark.parametrize(("key", "usual", "limit", "whole"), USUAL_KEYS, ids=[k for k, *_ in USUAL_KEYS])
def test_a_value_beyond_the_usual_range_warns_and_runs(key, usual, limit, whole):
    scale = PEOPLE[usual.per] / PER[usual.per]
    high = usual.high * scale
    value = min(high * 3 + 1, (high + limit) / 2)
    value = math.ceil(value) if whole else value
    scenario = sim.load_scenario(SMALL, [f"{key}={value}"])
    [warning] = [w for w in scenario.warnings if w.path == key]
    assert warning.where == f"--set {key}={value}"
    assert usual.source in warning.message
    assert (" per " in warning.message and "another city" in warning.message) if usual.per \
        else "outside the usual range" in warning.message
    inside = math.floor(high) if whole else high
    if inside >= usual.low * scale:
        assert not [w for w in sim.load_scenario(SMALL, [f"{key}={inside}"]).warnings if w.path == key]


def test_a_value_below_the_usual_range_warns():
    scenario = sim.load_scenario(SMALL, ["demography.birth_rate_per_1000_per_year.2025=0.59"])
    [warning] = [w for w in scenario.warnings if w.path == "demography.birth_rate_per_1000_per_year.2025"]
    assert warning.message.startswith("0.59 is outside the usual range 3–13 (source: Hebei 5.5–8.15‰")


def test_a_distribution_reaching_beyond_the_usual_range_warns():
    scenario = sim.load_scenario(SMALL, ["policies.household_subsidy.yuan_per_child_per_year="
                                         "{dist: uniform, low: 3600, high: 36000}"])
    [warning] = [w for w in scenario.warnings if w.path.startswith("policies.household")]
    assert warning.message.startswith("a uniform distribution over 3,600–36,000 is outside the usual range")


def test_the_mistakes_of_the_issue_are_noticed(tmp_path):
    """A birth rate of 55‰ (for 5.5), a household subsidy of 36 million yuan per child, 40 centres a year and a
    65,000-万元 budget in a city of 222,000 residents."""
    scenario = sim.load_scenario(SMALL, [
        "demography.birth_rate_per_1000_per_year.2025=55",
        "policies.household_subsidy.yuan_per_child_per_year=36000000",
        "policies.street_centres.centres_per_year=40",
        "budget.funds.city_special_fund.yuan_per_year.2025=650000000"])
    paths = {w.path for w in scenario.warnings}
    assert {"demography.birth_rate_per_1000_per_year.2025", "policies.household_subsidy.yuan_per_child_per_year",
            "policies.street_centres.centres_per_year", "budget.funds.city_special_fund.yuan_per_year.2025"} <= paths
    [budget] = [w for w in scenario.warnings if w.path.startswith("budget")]
    assert "650,000,000 is 2,928 per resident in this city of 222,000 residents" in budget.message


def test_defaults_sized_for_a_larger_city_are_named_as_defaults():
    warnings = {w.path: w for w in sim.load_scenario(SMALL).warnings}
    assert set(warnings) == {"workforce.graduates_per_year"}
    assert warnings["workforce.graduates_per_year"].message.startswith("600 (the default) is 2.7 per 1,000 residents")
    assert warnings["workforce.graduates_per_year"].where == "tests/data/small/scenario.yaml"


def test_a_campaign_out_of_proportion_warns():
    scenario = sim.load_scenario(SMALL, ["policies.publicity.campaigns=[{month: 2025-05, cost_yuan: 5000000}]"])
    assert [w.path for w in scenario.warnings if w.path.startswith("policies")] == \
        ["policies.publicity.campaigns.0.cost_yuan"]


@pytest.mark.parametrize(("threshold", "hint"), [(12, "for 12% write 0.12"), (-0.5, "")])
def test_a_share_target_beyond_one_is_an_error_with_a_hint(threshold, hint):
    with pytest.raises(sim.InputError) as err:
        sim.load_scenario(SMALL, [f"targets=[{{indicator: enrolment_rate, at_least: {threshold}, "
                                  f"deadline: 2026-12}}]"])
    [problem] = err.value.problems
    assert problem.path == "targets.0"
    assert problem.message.startswith("enrolment_rate is a share between 0 and 1") and hint in problem.message


# ------------------------------------------------------------------ the city's tables


def small_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "city"
    shutil.copytree(SMALL.parent, folder)
    return folder


@pytest.mark.parametrize(("file", "old", "new", "column", "words"), [
    ("streets.csv", "A2,A,二街道,Street A2,street,45000", "A2,A,二街道,Street A2,street,450", "population",
     "450 residents is outside the usual range 1,000–500,000"),
    ("streets.csv", "A2,A,二街道,Street A2,street,45000", "A2,A,二街道,Street A2,street,4500000", "population",
     "4,500,000 residents is outside"),
    ("providers.csv", None, None, "fee_yuan_per_month", "a fee of 140,000 yuan a month is outside the usual range"),
    ("new_housing.csv", "A2,2025-06,1500", "A2,2025-06,150000", "residents", "150,000 residents is outside"),
])
def test_unusual_cells_of_the_city_tables_warn_with_their_row(tmp_path, file, old, new, column, words):
    folder = small_copy(tmp_path)
    text = (folder / file).read_text(encoding="utf-8")
    if old is None:  # the first provider's fee, whatever it is, a hundred times too large
        header, first, *_rest = text.splitlines()
        cells = first.split(",")
        cells[header.split(",").index(column)] = "140000"
        old, new = first, ",".join(cells)
    (folder / file).write_text(edit(text, old, new), encoding="utf-8")
    line = text.splitlines().index(old) + 1
    [warning] = [w for w in sim.load_scenario(folder / "scenario.yaml").warnings if w.path == f"column {column}"]
    assert warning.where == f"{folder.relative_to(Path.cwd()) if folder.is_relative_to(Path.cwd()) else folder}" \
                            f"/{file}:{line}" and words in warning.message


def test_children_under_3_unusual_for_the_street_warn(tmp_path):
    folder = small_copy(tmp_path)
    rows = (folder / "streets.csv").read_text(encoding="utf-8").splitlines()
    rows = [rows[0] + ",children_0_3", *(f"{row},{1000 if i == 0 else int(row.rsplit(',', 1)[1]) // 5}"
                                         for i, row in enumerate(rows[1:]))]
    (folder / "streets.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    warnings = [w for w in sim.load_scenario(folder / "scenario.yaml").warnings if w.path == "column children_0_3"]
    assert len(warnings) == 5  # 200 under-3s per 1,000 residents; 1,000 in 60,000 is usual
    assert all("per 1,000 residents" in w.message for w in warnings)


def test_a_file_of_another_city_gives_five_lines_and_a_count(tmp_path):
    folder = small_copy(tmp_path)
    shutil.copy(ROOT / "scenarios" / "example_city" / "providers.csv", folder / "providers.csv")
    with pytest.raises(sim.InputError) as err:
        sim.load_scenario(folder / "scenario.yaml")
    problems = [p for p in err.value.problems if "providers.csv" in p.where]
    assert len(problems) == 6
    assert problems[-1].message.startswith("this and 542 more rows name a street_id that is not in")


# ------------------------------------------------------------------ extends that replaces a city's data


def line_of(path: Path, text: str) -> int:
    """The line of ``path`` that starts with ``text`` (after its indent): the example's files change."""
    return next(n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                if line.strip().startswith(text))


def write(folder: Path, name: str, text: str) -> Path:
    (folder / name).write_text(text, encoding="utf-8")
    return folder / name


def test_extends_whose_last_file_brings_another_city_warns(tmp_path):
    folder = small_copy(tmp_path)
    plan = ROOT / "scenarios" / "example_city" / "three_year_plan.yaml"
    write(folder, "mine.yaml", "meta: {name: mine}\ngeography:\n  districts_csv: districts.csv\n"
                               "  streets_csv: streets.csv\n")
    both = write(folder, "both.yaml", f"extends: [mine.yaml, {plan}]\nmeta: {{name: mine}}\n")
    scenario = sim.load_scenario(both)
    [warning] = [w for w in scenario.warnings if w.path == "geography"]
    base = ROOT / "scenarios" / "example_city" / "baseline.yaml"
    assert warning.where.endswith(f"scenarios/example_city/baseline.yaml:{line_of(base, 'districts_csv')}:3")
    assert "mine.yaml:3:3" in warning.message and "last one's city wins" in warning.message
    assert "streets_csv streets.csv → " in warning.message.replace(str(folder) + "/", "")


def test_own_streets_over_inherited_providers_warns_and_explains_the_errors(tmp_path):
    folder = small_copy(tmp_path)
    base = ROOT / "scenarios" / "example_city" / "baseline.yaml"
    mine = write(folder, "mine.yaml", f"extends: {base}\nmeta: {{name: mine}}\ngeography:\n"
                                      f"  districts_csv: districts.csv\n  streets_csv: streets.csv\n")
    with pytest.raises(sim.InputError) as err:
        sim.load_scenario(mine)
    hints = {w.path: w for w in err.value.warnings}
    assert {"geography", "geography.new_housing_csv", "geography.providers_csv"} <= set(hints)
    assert hints["geography.providers_csv"].where.endswith(f"baseline.yaml:{line_of(base, 'providers_csv')}:3")
    assert "Write `providers_csv: null` in" in hints["geography.providers_csv"].message
    turned_off = write(folder, "off.yaml", mine.read_text(encoding="utf-8")
                       + "  new_housing_csv: null\n  providers_csv: null\n")
    assert [w.path for w in sim.load_scenario(turned_off).warnings if w.path.startswith("geography")] == ["geography"]


def test_the_same_streets_with_other_providers_are_the_same_city(tmp_path):
    """A layer naming the same streets again with another providers file (the city at another date) does not
    warn; the same providers file under other streets does."""
    folder = small_copy(tmp_path)
    (folder / "earlier.csv").write_text((folder / "providers.csv").read_text(encoding="utf-8"), encoding="utf-8")
    same = write(folder, "earlier.yaml", "extends: scenario.yaml\ngeography:\n  districts_csv: districts.csv\n"
                                         "  streets_csv: streets.csv\n  new_housing_csv: new_housing.csv\n"
                                         "  providers_csv: earlier.csv\n")
    assert not [w for w in sim.load_scenario(same).warnings if w.path.startswith("geography")]
    (folder / "other_streets.csv").write_text((folder / "streets.csv").read_text(encoding="utf-8"), encoding="utf-8")
    other = write(folder, "other.yaml", same.read_text(encoding="utf-8").replace("streets.csv", "other_streets.csv"))
    assert [w.path for w in sim.load_scenario(other).warnings if w.path.startswith("geography")] == ["geography"]


def test_warnings_print_verbatim_and_do_not_stop_the_command(tmp_path):
    folder = small_copy(tmp_path)
    rows = (folder / "streets.csv").read_text(encoding="utf-8").splitlines()
    # 99 blank lines put the unusual street on line 100: ':100:' must not become an emoji.
    (folder / "streets.csv").write_text("\n".join([*rows[:-1], *[""] * 93, rows[-1].replace(",25000", ",25")])
                                        + "\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["validate", str(folder / "scenario.yaml"),
                                      "--set", "meta.name='[red]:100: city'"])
    assert result.exit_code == 0, result.output
    assert "streets.csv:100: column population: 25 residents is outside" in result.output
    assert "warning: " in result.output and "[red]:100: city" in result.output
