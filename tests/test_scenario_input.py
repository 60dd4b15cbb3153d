"""Input errors of scenario files, ``extends``, ``--set`` overrides and the city's CSV files.

Every test writes its own files into ``tmp_path`` (a copy of the small test city plus a scenario file)
and checks where a problem is reported (``file:line:column``, ``file:line`` or ``--set …``) as well as
the key words of its message.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import sim
from sim.scenario.layers import parse_override
from sim.scenario.params import Normal, Triangular, Uniform

SMALL = Path(__file__).resolve().parent / "data" / "small"
CSV_FILES = ("districts.csv", "streets.csv", "new_housing.csv")

# Line numbers matter in these tests: the scenario every test starts from.
BASE = """\
meta:
  name: test city
  language: en
horizon:
  start: 2025-01
  end: 2026-12
geography:
  districts_csv: districts.csv
  streets_csv: streets.csv
  new_housing_csv: new_housing.csv
demography:
  birth_rate_per_1000_per_year: {2024: 5.9, 2025: 5.5, 2026: 5.3}
  death_rate_per_1000_per_year: 8.2
  net_migration_by_district_per_1000_per_year: {B: -4.0}
  new_housing:
    move_in_lag_months: 0
    occupancy_share: 0.8
"""


# ---------------------------------------------------------------- helpers


def edit(text: str, old: str, new: str) -> str:
    """``text`` with ``old`` replaced once; ``old`` must be there, so an edit never silently does nothing."""
    assert text.count(old) == 1, f"{old!r} should appear once in the text"
    return text.replace(old, new, 1)


def city_csv(name: str) -> str:
    return (SMALL / name).read_text(encoding="utf-8")


def copy_city(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name in CSV_FILES:
        shutil.copy(SMALL / name, folder / name)


def write(folder: Path, text: str, name: str = "scenario.yaml", encoding: str = "utf-8") -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding=encoding)
    return path


def at(path: Path, text: str, needle: str) -> str:
    """``file:line:column`` of the one occurrence of ``needle`` in ``text`` (counted here, independently)."""
    hits = [(n, line.index(needle)) for n, line in enumerate(text.splitlines(), start=1) if needle in line]
    assert len(hits) == 1, f"{needle!r} should be on exactly one line"
    line, column = hits[0]
    return f"{path}:{line}:{column + 1}"


def problems_of(path: Path, overrides: tuple[str, ...] = ()) -> list[sim.Problem]:
    with pytest.raises(sim.InputError) as info:
        sim.load_scenario(path, overrides=list(overrides))
    problems = info.value.problems
    assert problems, "an InputError must hold at least one problem"
    assert str(info.value) == "\n".join(str(p) for p in problems)
    return problems


def one_problem(path: Path, overrides: tuple[str, ...] = ()) -> sim.Problem:
    problems = problems_of(path, overrides)
    assert len(problems) == 1, [str(p) for p in problems]
    return problems[0]


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A folder holding a copy of the small city's CSV files."""
    folder = tmp_path.resolve()
    copy_city(folder)
    return folder


def test_base_scenario_loads(folder: Path) -> None:
    scenario = sim.load_scenario(write(folder, BASE))
    assert scenario.name == "test city"
    assert scenario.city.district_ids == ("A", "B", "C")
    assert scenario.spec.demography.net_migration_by_district_per_1000_per_year == {"B": -4.0}


# ---------------------------------------------------------------- YAML syntax and duplicate keys


def test_yaml_syntax_error_is_located_at_its_line_and_column(folder: Path) -> None:
    text = edit(BASE, "  end: 2026-12\n", "  end: 2026-12: 2027-01\n")
    path = write(folder, text)
    problem = one_problem(path)
    assert problem.where == f"{path}:6:15"  # the second ':' on line 6
    assert "YAML syntax" in problem.message
    assert "mapping values are not allowed" in problem.message
    assert str(problem).startswith(f"{path}:6:15: YAML syntax")


def test_yaml_syntax_error_in_unclosed_flow_mapping_reports_a_line_of_the_file(folder: Path) -> None:
    text = edit(BASE, "{B: -4.0}", "{B: -4.0")
    path = write(folder, text)
    problem = one_problem(path)
    assert problem.where.startswith(f"{path}:")
    line = int(problem.where.split(":")[-2])
    assert 14 <= line <= len(text.splitlines()) + 1
    assert "YAML syntax" in problem.message


def test_key_written_twice_is_refused_naming_both_lines(folder: Path) -> None:
    text = edit(BASE, "    occupancy_share: 0.8\n", "    occupancy_share: 0.8\n    move_in_lag_months: 3\n")
    path = write(folder, text)
    problem = one_problem(path)
    assert problem.where == f"{path}:18:5"  # the second one
    assert "'move_in_lag_months' appears twice" in problem.message
    assert f"first at {path}:16:5" in problem.message
    assert problem.path == "demography.new_housing"


def test_top_level_key_written_twice_is_refused(folder: Path) -> None:
    path = write(folder, BASE + "meta:\n  name: again\n")
    problem = one_problem(path)
    assert problem.where == f"{path}:18:1"
    assert "'meta' appears twice" in problem.message
    assert f"first at {path}:1:1" in problem.message


# ---------------------------------------------------------------- unknown keys


@pytest.mark.parametrize(("old", "new", "needle", "path", "hint"), [
    ("demography:\n", "demograpy:\n", "demograpy:", "", "did you mean 'demography'?"),
    ("    move_in_lag_months: 0\n", "    move_in_lag_month: 0\n", "move_in_lag_month:", "demography.new_housing",
     "did you mean 'move_in_lag_months'?"),
    ("  language: en\n", "  langauge: en\n", "langauge:", "meta", "did you mean 'language'?"),
])
def test_unknown_key_is_refused_with_a_suggestion(folder: Path, old: str, new: str, needle: str, path: str,
                                                  hint: str) -> None:
    text = edit(BASE, old, new)
    scenario = write(folder, text)
    problem = one_problem(scenario)
    assert problem.where == at(scenario, text, needle)
    key = needle.rstrip(":")
    assert problem.message.startswith(f"unknown key {key!r}")
    assert hint in problem.message
    assert problem.path == path


def test_unknown_key_inside_a_distribution_suggests_the_distribution_s_keys(folder: Path) -> None:
    text = edit(BASE, "death_rate_per_1000_per_year: 8.2",
                "death_rate_per_1000_per_year: {dist: normal, mean: 8.2, sd: 0.3, sdd: 1}")
    path = write(folder, text)
    problem = one_problem(path)
    assert problem.message == "unknown key 'sdd' (did you mean 'sd'?)"
    assert problem.path == "demography.death_rate_per_1000_per_year"
    assert problem.where == at(path, text, "sdd")


def test_unknown_top_level_key_named_like_a_distribution_tag_is_reported(folder: Path) -> None:
    text = BASE + "number: 3\n"
    path = write(folder, text)
    problem = one_problem(path)
    assert problem.message.startswith("unknown key 'number'")
    assert problem.where == at(path, text, "number:")


def test_unknown_nested_key_named_like_a_distribution_tag_is_reported(folder: Path) -> None:
    text = edit(BASE, "  language: en\n", "  language: en\n  uniform: true\n")
    path = write(folder, text)
    problem = one_problem(path)
    assert problem.message.startswith("unknown key 'uniform'")
    assert problem.path == "meta"
    assert problem.where == at(path, text, "uniform:")


# ---------------------------------------------------------------- wrong types and ranges


def test_rate_written_with_a_per_mille_sign_asks_for_a_number_or_distribution(folder: Path) -> None:
    text = edit(BASE, "2026: 5.3}", "2026: 5.9‰}")
    path = write(folder, text)
    problem = one_problem(path)
    assert problem.where == at(path, text, "2026: 5.9‰")
    assert problem.path == "demography.birth_rate_per_1000_per_year.2026"
    assert "expected a number or a distribution" in problem.message
    assert "got '5.9‰'" in problem.message


def test_scalar_rate_written_with_a_per_mille_sign_is_refused(folder: Path) -> None:
    text = edit(BASE, "death_rate_per_1000_per_year: 8.2", "death_rate_per_1000_per_year: 8.2‰")
    path = write(folder, text)
    problem = one_problem(path)
    assert problem.where == f"{path}:13:3"
    assert problem.path == "demography.death_rate_per_1000_per_year"
    assert "number or a distribution" in problem.message
    assert "'8.2‰'" in problem.message


def test_language_not_allowed_lists_the_allowed_values(folder: Path) -> None:
    text = edit(BASE, "language: en", "language: fr")
    path = write(folder, text)
    problem = one_problem(path)
    assert problem.where == f"{path}:3:3"
    assert problem.path == "meta.language"
    assert "'zh'" in problem.message and "'en'" in problem.message
    assert "got 'fr'" in problem.message


@pytest.mark.parametrize(("old", "new", "line", "path", "words"), [
    ("death_rate_per_1000_per_year: 8.2", "death_rate_per_1000_per_year: -1", 13,
     "demography.death_rate_per_1000_per_year", ("[0, 1000]", "got -1")),
    ("occupancy_share: 0.8", "occupancy_share: 1.5", 17, "demography.new_housing.occupancy_share",
     ("[0, 1]", "got 1.5")),
    ("move_in_lag_months: 0", "move_in_lag_months: -2", 16, "demography.new_housing.move_in_lag_months",
     ("0", "-2")),
])
def test_value_out_of_range_shows_the_range(folder: Path, old: str, new: str, line: int, path: str,
                                            words: tuple[str, ...]) -> None:
    scenario = write(folder, edit(BASE, old, new))
    problem = one_problem(scenario)
    assert problem.where.startswith(f"{scenario}:{line}:")
    assert problem.path == path
    for word in words:
        assert word in problem.message


def test_bool_for_a_whole_number_of_months_is_refused(folder: Path) -> None:
    path = write(folder, edit(BASE, "move_in_lag_months: 0", "move_in_lag_months: yes"))
    problem = one_problem(path)
    assert problem.where == f"{path}:16:5"
    assert problem.path == "demography.new_housing.move_in_lag_months"


def test_missing_required_key_is_located_at_its_section(folder: Path) -> None:
    path = write(folder, edit(BASE, "  name: test city\n", ""))
    problem = one_problem(path)
    assert problem.where == f"{path}:1:1"
    assert problem.message == "missing required key 'name'"
    assert problem.path == "meta"


# ---------------------------------------------------------------- dates


def test_month_thirteen_is_refused(folder: Path) -> None:
    path = write(folder, edit(BASE, "start: 2025-01", "start: 2025-13"))
    problem = one_problem(path)
    assert problem.where == f"{path}:5:3"
    assert problem.path == "horizon.start"
    assert "YYYY-MM" in problem.message
    assert "'2025-13'" in problem.message


def test_end_before_start_is_refused(folder: Path) -> None:
    path = write(folder, edit(BASE, "start: 2025-01", "start: 2027-03"))
    problem = one_problem(path)
    assert problem.where == f"{path}:4:1"
    assert problem.path == "horizon"
    assert "end (2026-12) is before start (2027-03)" in problem.message


# ---------------------------------------------------------------- distributions


def test_triangular_distribution_loads(folder: Path) -> None:
    text = edit(BASE, "2025: 5.5,", "2025: {dist: triangular, low: 4.9, mode: 5.5, high: 5.9},")
    spec = sim.load_scenario(write(folder, text)).spec
    rate = spec.demography.birth_rate_per_1000_per_year[2025]
    assert isinstance(rate, Triangular)
    assert (rate.low, rate.mode, rate.high) == (4.9, 5.5, 5.9)
    assert 4.9 <= rate.draw(0.5) <= 5.9


def test_normal_without_sd_names_sd(folder: Path) -> None:
    text = edit(BASE, "death_rate_per_1000_per_year: 8.2", "death_rate_per_1000_per_year: {dist: normal, mean: 8.2}")
    path = write(folder, text)
    problem = one_problem(path)
    assert problem.where == f"{path}:13:3"
    assert problem.message == "missing required key 'sd'"
    assert problem.path == "demography.death_rate_per_1000_per_year"


def test_unknown_distribution_lists_the_allowed_kinds(folder: Path) -> None:
    text = edit(BASE, "death_rate_per_1000_per_year: 8.2",
                "death_rate_per_1000_per_year: {dist: gamma, shape: 2, scale: 4}")
    path = write(folder, text)
    problem = one_problem(path)
    assert problem.where == f"{path}:13:3"
    assert problem.path == "demography.death_rate_per_1000_per_year"
    for kind in ("normal", "lognormal", "uniform", "triangular"):
        assert kind in problem.message


def test_uniform_leaving_zero_one_on_a_share_is_refused(folder: Path) -> None:
    text = edit(BASE, "occupancy_share: 0.8", "occupancy_share: {dist: uniform, low: 0.5, high: 1.2}")
    path = write(folder, text)
    problem = one_problem(path)
    assert problem.where == f"{path}:17:5"
    assert problem.path == "demography.new_housing.occupancy_share"
    assert "[0, 1]" in problem.message
    assert "uniform" in problem.message and "[0.5, 1.2]" in problem.message


def test_normal_on_a_share_is_accepted_and_truncated_to_zero_one(folder: Path) -> None:
    text = edit(BASE, "occupancy_share: 0.8", "occupancy_share: {dist: normal, mean: 0.9, sd: 0.3}")
    share = sim.load_scenario(write(folder, text)).spec.demography.new_housing.occupancy_share
    assert isinstance(share, Normal)
    # Untruncated, these quantiles would be about -0.5 and 2.3.
    assert 0.0 <= share.draw(1e-6) <= 0.1
    assert 0.99 <= share.draw(1 - 1e-6) <= 1.0


# ---------------------------------------------------------------- every problem in one pass


def test_all_problems_of_scenario_and_csv_files_come_in_one_error_in_file_order(folder: Path) -> None:
    text = edit(BASE, "language: en", "language: fr")
    text = edit(text, "start: 2025-01", "start: 2025-13")
    text = edit(text, "occupancy_share: 0.8", "occupancy_share: 1.5")
    path = write(folder, text)
    write(folder, edit(city_csv("streets.csv"), "B1,B,一镇,Town B1,town,30000", "B1,B,一镇,Town B1,town,many"),
          "streets.csv")
    write(folder, edit(city_csv("new_housing.csv"), "A2,2025-06,1500", "A2,2025-6x,1500"), "new_housing.csv")
    problems = problems_of(path)
    # Lines 3, 5 and 17: numerical order, not text order ("17" < "3").
    assert [p.where.rsplit(":", 1)[0] if p.where.count(":") == 2 else p.where for p in problems] == [
        f"{folder}/new_housing.csv:3",
        f"{path}:3",
        f"{path}:5",
        f"{path}:17",
        f"{folder}/streets.csv:4",
    ]
    assert [p.path for p in problems] == [
        "column month", "meta.language", "horizon.start", "demography.new_housing.occupancy_share",
        "column population"]
    assert "'2025-6x'" in problems[0].message
    assert "'fr'" in problems[1].message
    assert "'2025-13'" in problems[2].message
    assert "[0, 1]" in problems[3].message
    assert "'many'" in problems[4].message


# ---------------------------------------------------------------- CSV files


def _csv_problems(folder: Path, name: str, text: str, encoding: str = "utf-8") -> list[sim.Problem]:
    write(folder, text, name, encoding=encoding)
    return problems_of(write(folder, BASE))


def test_csv_missing_column_hints_at_the_misspelling(folder: Path) -> None:
    problems = _csv_problems(folder, "streets.csv", edit(city_csv("streets.csv"), ",population\n", ",populaton\n"))
    assert len(problems) == 1, [str(p) for p in problems]  # the misspelt column is not reported again as unknown
    problem = problems[0]
    assert problem.where == f"{folder}/streets.csv:1"
    assert "missing column 'population'" in problem.message
    assert "'populaton' a misspelling" in problem.message


def test_csv_unknown_extra_column_is_refused(folder: Path) -> None:
    text = city_csv("streets.csv").replace("\n", ",\n").replace(",population,\n", ",population,notes\n", 1)
    problems = _csv_problems(folder, "streets.csv", text)
    problem, = problems
    assert problem.where == f"{folder}/streets.csv:1"
    assert "unknown column 'notes'" in problem.message
    assert "population" in problem.message  # the expected columns are listed


@pytest.mark.parametrize(("value", "shown"), [("abc", "'abc'"), ("-5", "'-5'"), ("12.5", "'12.5'")])
def test_csv_population_must_be_a_non_negative_whole_number(folder: Path, value: str, shown: str) -> None:
    text = edit(city_csv("streets.csv"), "B2,B,二乡,Town B2,town,12000", f"B2,B,二乡,Town B2,town,{value}")
    problem, = _csv_problems(folder, "streets.csv", text)
    assert problem.where == f"{folder}/streets.csv:5"
    assert problem.path == "column population"
    assert "non-negative whole number" in problem.message
    assert f"got {shown}" in problem.message


def test_csv_duplicate_street_id_names_the_first_line(folder: Path) -> None:
    text = edit(city_csv("streets.csv"), "C2,C,三镇", "A2,C,三镇")
    problem, = _csv_problems(folder, "streets.csv", text)
    assert problem.where == f"{folder}/streets.csv:7"
    assert problem.path == "column street_id"
    assert "'A2' duplicates line 3" in problem.message


@pytest.mark.parametrize(("district", "hint"), [("D", ""), ("a", " (did you mean 'A'?)")])
def test_csv_street_in_unknown_district(folder: Path, district: str, hint: str) -> None:
    text = edit(city_csv("streets.csv"), "C1,C,城关街道", f"C1,{district},城关街道")
    problem, = _csv_problems(folder, "streets.csv", text)
    assert problem.where == f"{folder}/streets.csv:6"
    assert problem.path == "column district_id"
    assert problem.message == f"{district!r} is not in {folder}/districts.csv{hint}"


def test_csv_new_housing_with_unknown_street_and_bad_month(folder: Path) -> None:
    text = edit(city_csv("new_housing.csv"), "A2,2025-06,1500", "a2,2025-06,1500")
    text = edit(text, "C1,2026-03,2000", "C1,2026-13,2000")
    problems = _csv_problems(folder, "new_housing.csv", text)
    assert [(p.where, p.path) for p in problems] == [
        (f"{folder}/new_housing.csv:3", "column street_id"),
        (f"{folder}/new_housing.csv:4", "column month"),
    ]
    assert problems[0].message == f"'a2' is not in {folder}/streets.csv (did you mean 'A2'?)"
    assert "YYYY-MM" in problems[1].message and "'2026-13'" in problems[1].message


def test_csv_row_with_too_few_values(folder: Path) -> None:
    text = edit(city_csv("streets.csv"), "B1,B,一镇,Town B1,town,30000", "B1,B,一镇,Town B1,30000")
    problem, = _csv_problems(folder, "streets.csv", text)
    assert problem.where == f"{folder}/streets.csv:4"
    assert "expected 6 values, got 5" in problem.message


def test_csv_saved_as_gb18030_loads(folder: Path) -> None:
    for name in ("districts.csv", "streets.csv"):
        raw = city_csv(name).encode("gb18030")
        with pytest.raises(UnicodeDecodeError):
            raw.decode("utf-8")  # so the test really needs the GB18030 fallback
        (folder / name).write_bytes(raw)
    city = sim.load_scenario(write(folder, BASE)).city
    assert city.district_names_zh == ("甲区", "乙县", "丙市")
    assert city.street_names_zh == ("一街道", "二街道", "一镇", "二乡", "城关街道", "三镇")
    assert city.population.tolist() == [60000, 45000, 30000, 12000, 50000, 25000]


def test_csv_with_utf8_bom_loads(folder: Path) -> None:
    for name in CSV_FILES:
        write(folder, city_csv(name), name, encoding="utf-8-sig")
    assert (folder / "streets.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    city = sim.load_scenario(write(folder, BASE)).city
    assert city.district_ids == ("A", "B", "C")
    assert city.street_ids == ("A1", "A2", "B1", "B2", "C1", "C2")
    assert city.street_names_zh[0] == "一街道"
    assert len(city.new_housing) == 3


def test_scenario_file_with_utf8_bom_loads(folder: Path) -> None:
    scenario = sim.load_scenario(write(folder, BASE, encoding="utf-8-sig"))
    assert scenario.spec.meta.language == "en"


# ---------------------------------------------------------------- extends


def test_extends_chain_of_three_files(folder: Path) -> None:
    seasonality = "  birth_seasonality_by_month: [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]\n"
    write(folder, edit(BASE, "    occupancy_share: 0.8\n", "    occupancy_share: 0.8\n" + seasonality), "base.yaml")
    write(folder, """\
extends: base.yaml
meta:
  name: child
horizon:
  end: 2026-06
demography:
  birth_rate_per_1000_per_year: {2025: 6.0}
  birth_seasonality_by_month: [2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 3]
  new_housing:
    occupancy_share: 0.6
""", "child.yaml")
    grandchild = write(folder, """\
extends: child.yaml
meta:
  name: grandchild
demography:
  new_housing:
    occupancy_share: 0.5
""", "grandchild.yaml")
    scenario = sim.load_scenario(grandchild)
    spec = scenario.spec
    assert spec.meta.name == "grandchild"  # grandchild over child over base
    assert spec.meta.language == "en"  # base, untouched by the merge of meta
    assert (spec.horizon.start, spec.horizon.end) == ("2025-01", "2026-06")
    assert spec.demography.birth_rate_per_1000_per_year == {2024: 5.9, 2025: 6.0, 2026: 5.3}  # deep-merged
    assert spec.demography.birth_seasonality_by_month == [2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 3]  # replaced
    assert spec.demography.new_housing.occupancy_share == 0.5
    assert spec.demography.new_housing.move_in_lag_months == 0  # from base
    assert spec.demography.death_rate_per_1000_per_year == 8.2
    assert [p.name for p in scenario.files[:3]] == ["base.yaml", "child.yaml", "grandchild.yaml"]


def test_extends_error_points_at_the_file_that_set_the_value(folder: Path) -> None:
    base_text = edit(BASE, "death_rate_per_1000_per_year: 8.2", "death_rate_per_1000_per_year: -3")
    base = write(folder, base_text, "base.yaml")
    child_text = "extends: base.yaml\nhorizon:\n  start: 2025-13\n"
    child = write(folder, child_text, "child.yaml")
    problems = problems_of(child)
    assert sorted((p.where, p.path) for p in problems) == sorted([
        (f"{base}:13:3", "demography.death_rate_per_1000_per_year"),
        (f"{child}:3:3", "horizon.start"),
    ])


def test_extends_a_list_of_two_bases_applies_them_left_to_right(folder: Path) -> None:
    write(folder, edit(BASE, "death_rate_per_1000_per_year: 8.2", "death_rate_per_1000_per_year: 7.0"), "a.yaml")
    write(folder, "demography:\n  death_rate_per_1000_per_year: 9.0\n  infant_mortality_per_1000_births: 3.0\n",
          "b.yaml")
    child = write(folder, "extends: [a.yaml, b.yaml]\nmeta:\n  name: two bases\n", "child.yaml")
    spec = sim.load_scenario(child).spec
    assert spec.meta.name == "two bases"
    assert spec.meta.language == "en"  # from a.yaml
    assert spec.demography.death_rate_per_1000_per_year == 9.0  # b.yaml, applied after a.yaml
    assert spec.demography.infant_mortality_per_1000_births == 3.0
    assert spec.demography.birth_rate_per_1000_per_year[2025] == 5.5  # a.yaml, not erased by b.yaml


def test_extends_cycle_is_refused_showing_the_chain(folder: Path) -> None:
    a = write(folder, "extends: b.yaml\n" + BASE, "a.yaml")
    b = write(folder, "extends: a.yaml\nmeta:\n  name: b\n", "b.yaml")
    problem = one_problem(a)
    assert problem.where.startswith(str(b))
    assert problem.path == "extends"
    assert "cycle" in problem.message
    assert "a.yaml → b.yaml → a.yaml" in problem.message


def test_extends_itself_is_a_cycle(folder: Path) -> None:
    a = write(folder, "extends: a.yaml\n" + BASE, "a.yaml")
    problem = one_problem(a)
    assert "cycle" in problem.message and "a.yaml → a.yaml" in problem.message


def test_extends_missing_base_file(folder: Path) -> None:
    child = write(folder, "meta:\n  name: child\nextends: nope.yaml\n", "child.yaml")
    problem = one_problem(child)
    assert problem.where == f"{child}:3:1"
    assert problem.path == "extends"
    assert "no such file 'nope.yaml'" in problem.message
    assert str(folder / "nope.yaml") in problem.message


def test_csv_paths_in_a_base_are_relative_to_the_base_file(tmp_path: Path) -> None:
    root = tmp_path.resolve()
    copy_city(root / "base")
    write(root / "base", BASE, "base.yaml")
    # Decoys next to the child: if they were read, the city would have one street (or fail).
    write(root / "other", "district_id,name_zh,name_en,kind\nZ,某区,Z,county\n", "districts.csv")
    write(root / "other", "street_id,district_id,name_zh,name_en,kind,population\nZ1,Z,某街道,Z1,street,1\n",
          "streets.csv")
    child = write(root / "other", "extends: ../base/base.yaml\nmeta:\n  name: elsewhere\n", "child.yaml")
    scenario = sim.load_scenario(child)
    assert scenario.spec.geography.streets_csv == str(root / "base" / "streets.csv")
    assert scenario.city.street_ids == ("A1", "A2", "B1", "B2", "C1", "C2")


def test_csv_path_in_the_child_is_relative_to_the_child(tmp_path: Path) -> None:
    root = tmp_path.resolve()
    copy_city(root / "base")
    copy_city(root / "other")
    write(root / "other", edit(city_csv("streets.csv"), "C2,C,三镇,Town C2,town,25000\n", ""), "streets.csv")
    write(root / "base", BASE, "base.yaml")
    child = write(root / "other", "extends: ../base/base.yaml\ngeography:\n  streets_csv: streets.csv\n", "child.yaml")
    scenario = sim.load_scenario(child)
    assert scenario.spec.geography.streets_csv == str(root / "other" / "streets.csv")
    assert scenario.spec.geography.districts_csv == str(root / "base" / "districts.csv")
    assert scenario.city.n_streets == 5


# ---------------------------------------------------------------- --set overrides


def test_set_plain_values(folder: Path) -> None:
    spec = sim.load_scenario(write(folder, BASE), overrides=[
        "horizon.end=2026-06", "meta.name=overridden", "demography.new_housing.occupancy_share=0.6"]).spec
    assert spec.horizon.end == "2026-06"
    assert spec.meta.name == "overridden"
    assert spec.demography.new_housing.occupancy_share == 0.6
    assert spec.demography.new_housing.move_in_lag_months == 0  # the rest of the section is kept


def test_set_year_key_becomes_an_int_key(folder: Path) -> None:
    keys, value = parse_override("demography.birth_rate_per_1000_per_year.2026=5.0")
    assert keys == ("demography", "birth_rate_per_1000_per_year", 2026)
    assert isinstance(keys[-1], int)
    assert value == 5.0
    rates = sim.load_scenario(write(folder, BASE), overrides=[
        "demography.birth_rate_per_1000_per_year.2026=5.0"]).spec.demography.birth_rate_per_1000_per_year
    assert rates == {2024: 5.9, 2025: 5.5, 2026: 5.0}


def test_set_a_distribution(folder: Path) -> None:
    spec = sim.load_scenario(write(folder, BASE), overrides=[
        "demography.death_rate_per_1000_per_year={dist: uniform, low: 5, high: 6}"]).spec
    rate = spec.demography.death_rate_per_1000_per_year
    assert isinstance(rate, Uniform)
    assert (rate.low, rate.high) == (5.0, 6.0)


def test_set_unknown_key_suggests_the_right_one(folder: Path) -> None:
    problem = one_problem(write(folder, BASE), ("demography.deth_rate_per_1000_per_year=8",))
    assert problem.where.startswith("--set ")
    assert problem.where == "--set demography.deth_rate_per_1000_per_year=8"
    assert "unknown key 'deth_rate_per_1000_per_year'" in problem.message
    assert "did you mean 'death_rate_per_1000_per_year'" in problem.message


def test_set_bad_value_type(folder: Path) -> None:
    problem = one_problem(write(folder, BASE), ("demography.death_rate_per_1000_per_year=abc",))
    assert problem.where == "--set demography.death_rate_per_1000_per_year=abc"
    assert problem.path == "demography.death_rate_per_1000_per_year"
    assert "number or a distribution" in problem.message
    assert "got 'abc'" in problem.message


def test_set_value_out_of_range(folder: Path) -> None:
    problem = one_problem(write(folder, BASE), ("demography.new_housing.occupancy_share=2",))
    assert problem.where == "--set demography.new_housing.occupancy_share=2"
    assert "[0, 1]" in problem.message


def test_set_without_equals_sign(folder: Path) -> None:
    problem = one_problem(write(folder, BASE), ("demography.death_rate_per_1000_per_year",))
    assert problem.where == "--set demography.death_rate_per_1000_per_year"
    assert "expected KEY=VALUE" in problem.message


def test_set_into_a_value_is_refused(folder: Path) -> None:
    problem = one_problem(write(folder, BASE), ("meta.name.first=x",))
    assert problem.where == "--set meta.name.first=x"
    assert "meta.name is a value, not a section" in problem.message


def test_set_does_not_take_the_blame_for_a_mistake_in_the_file(folder: Path) -> None:
    path = write(folder, edit(BASE, "  name: test city\n", ""))
    problem = one_problem(path, ("meta.language=zh",))
    assert problem.message == "missing required key 'name'"
    assert problem.where == f"{path}:1:1"


# ---------------------------------------------------------------- districts named in the scenario


@pytest.mark.parametrize(("district", "hint"), [("a", " (did you mean 'A'?)"), ("Q", "")])
def test_migration_by_unknown_district(folder: Path, district: str, hint: str) -> None:
    text = edit(BASE, "{B: -4.0}", f"{{B: -4.0, {district}: 2.0}}")
    path = write(folder, text)
    problem = one_problem(path)
    assert problem.where == at(path, text, f"{district}: 2.0")
    assert problem.path == "demography.net_migration_by_district_per_1000_per_year"
    assert problem.message == f"unknown district {district!r}{hint}"


def test_migration_by_unknown_district_via_set(folder: Path) -> None:
    problem = one_problem(write(folder, BASE), ("demography.net_migration_by_district_per_1000_per_year.c=1",))
    assert problem.where == "--set demography.net_migration_by_district_per_1000_per_year.c=1"
    assert problem.message == "unknown district 'c' (did you mean 'C'?)"


def test_migration_by_numeric_district_code(folder: Path) -> None:
    write(folder, city_csv("districts.csv").replace("B,", "130102,", 1), "districts.csv")
    write(folder, city_csv("streets.csv").replace(",B,", ",130102,"), "streets.csv")
    spec = sim.load_scenario(write(folder, edit(BASE, "{B: -4.0}", "{130102: -4.0}"))).spec
    assert spec.demography.net_migration_by_district_per_1000_per_year == {"130102": -4.0}
