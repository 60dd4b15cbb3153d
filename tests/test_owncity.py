"""A city of one's own: `tuoyu init` writes a city that runs as it is, from figures in CSV or Excel; city data from
one workbook gives the same city as the CSV files; every run writes summary.xlsx."""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import sys
from dataclasses import fields
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

import sim
from sim import newcity
from sim.cli import app
from sim.scenario.tables import HEADERS
from tests.conftest import ROOT, SMALL

runner = CliRunner()
EXAMPLE = ROOT / "scenarios" / "example_city"


def invoke(*args: object):
    return runner.invoke(app, [str(a) for a in args])


# --------------------------------------------------------------------------- tuoyu init


def test_init_then_run_with_no_edits(tmp_path):
    city = tmp_path / "my_city"
    made = invoke("init", city)
    assert made.exit_code == 0, made.output
    assert "warning" not in made.output and "224,000 residents in 3 districts" in made.output
    assert "Replace with real data" in made.output and f"tuoyu run {city / 'baseline.yaml'}" in made.output
    assert {p.name for p in city.iterdir()} == {"city_figures.csv", "districts.csv", "streets.csv", "providers.csv",
                                               "baseline.yaml", "three_year_plan.yaml", "README.md",
                                               "scenario.schema.json"}
    assert "REPLACE" in (city / "baseline.yaml").read_text(encoding="utf-8")
    assert "extends" not in (city / "baseline.yaml").read_text(encoding="utf-8")  # depends on nothing else
    out = tmp_path / "res"
    run = invoke("run", city / "baseline.yaml", "--reps", 2, "--out", out, "--set", "horizon.end=2025-06")
    assert run.exit_code == 0, run.output
    assert "warning" not in run.output and (out / "summary.xlsx").exists()


def test_the_plan_is_scaled_to_the_city_and_warns_of_nothing(tmp_path):
    city = tmp_path / "c"
    assert invoke("init", city).exit_code == 0
    plan = sim.load_scenario(city / "three_year_plan.yaml")
    assert plan.warnings == ()
    policies = plan.spec.policies
    assert sum(policies.training.trainees_per_year.values()) == 170  # 5,300 × 224,000 / 7,000,000, in tens
    assert policies.street_centres.centres_per_year == 4  # 40 a year for 82 streets, here 8
    assert sum(policies.public_build.projects_per_year.values()) == 1  # a plan that had some keeps one
    funds = plan.spec.budget.funds
    assert funds["city_special_fund"].yuan_per_year[2025] == 4_800_000  # 150 million × 0.032
    entry = plan.spec.providers.entry.max_entries_per_district_per_year  # calibrated on districts 5.9 times larger
    assert (entry.low, entry.mode, entry.high) == (0.16, 0.26, 0.34)
    places = sum(sum(n * size for n, size in zip(p.classes, (10, 15, 20, 18), strict=True))
                 for p in plan.city.providers)
    assert abs(places - 830) <= 3 * 10  # the figures' 420 + 260 + 150 places, within half a class a district
    assert len(plan.city.providers) == 19


def test_init_from_a_workbook_with_chinese_headers_and_a_street_list(tmp_path):
    chinese = {english: chinese for chinese, english in HEADERS["figures"].items()}
    figures = pd.DataFrame(newcity.DEMO).drop(columns=["district_id", "name_en", "kind"])
    figures = figures.rename(columns=chinese)
    figures.to_excel(tmp_path / "figures.xlsx", index=False)
    streets = pd.DataFrame({"区县名称": ["城关区"] * 6, "街道名称": [f"第{i}街道" for i in range(5)] + ["甲镇"],
                            "类型": ["街道"] * 5 + ["镇"]})
    streets.to_csv(tmp_path / "streets.csv", index=False, encoding="utf-8-sig")
    city = tmp_path / "c"
    made = invoke("init", city, "--districts", tmp_path / "figures.xlsx", "--streets", tmp_path / "streets.csv",
                  "--name", "甲市", "--lang", "en")
    assert made.exit_code == 0, made.output
    scenario = sim.load_scenario(city / "baseline.yaml")
    assert scenario.spec.meta.name == "甲市 基线" and scenario.spec.meta.language == "en"
    assert scenario.city.district_kinds == ("urban_district", "urban_district", "county")  # from 区 and 县
    listed = [n for n, d in zip(scenario.city.street_names_zh, scenario.city.street_district, strict=True) if d == 0]
    assert listed == ["第0街道", "第1街道", "第2街道", "第3街道", "第4街道", "甲镇"]
    assert scenario.city.population.sum() == 224_000


def test_figures_with_mistakes_are_located(tmp_path):
    figures = pd.DataFrame(newcity.DEMO).astype(object)
    figures.loc[1, "births"] = "many"
    figures.loc[2, ["streets", "towns"]] = 0
    figures.to_excel(tmp_path / "figures.xlsx", index=False, sheet_name="区县")
    made = invoke("init", tmp_path / "c", "--districts", tmp_path / "figures.xlsx")
    assert made.exit_code == 2
    assert "figures.xlsx!区县!F3: column births: expected a non-negative whole number, got 'many'" in made.output
    assert "figures.xlsx!区县!G4: column streets: a district needs at least one street or town" in made.output


def init_from_demo_figures(tmp_path: Path, first_district: dict[str, int]):
    """tuoyu init from the made-up city's figures with some of the first district's changed."""
    figures = pd.DataFrame(newcity.DEMO)
    for column, value in first_district.items():
        figures.loc[0, column] = value
    figures.to_csv(tmp_path / "figures.csv", index=False)
    return invoke("init", tmp_path / "c", "--districts", tmp_path / "figures.csv")


@pytest.mark.parametrize(("column", "value", "message"), [
    ("births", 59_000, "column births: 59,000 births a year in 98,000 residents is more than 500 per 1,000"),
    ("places", 420_000, "column places: 420,000 places for 98,000 residents: more places than residents"),
    ("population", 0, "column population: a district needs residents"),
    ("streets", 5_000_000, "column streets: 5,000,000 streets in a district: expected at most 2,000"),
])
def test_figures_no_district_can_have_are_errors(tmp_path, column, value, message):
    made = init_from_demo_figures(tmp_path, {column: value})
    assert made.exit_code == 2 and f"figures.csv:2: {message}" in made.output
    assert not (tmp_path / "c").exists()  # nothing is written from figures with an error


@pytest.mark.parametrize(("column", "value", "message"), [
    ("births", 59, "column births: 59 births a year in 98,000 residents (0.602 per 1,000) is outside the usual "
                   "range 3–13"),
    ("births", 5_900, "column births: 5,900 births a year in 98,000 residents (60.2 per 1,000) is outside"),
    ("places", 42_000, "column places: 42,000 places for 98,000 residents (429 per 1,000) is outside the usual "
                       "range 0–12"),
    ("places", 4, "column institutions: 4 places in 9 institutions (0.444 each) is outside the usual range 10–250"),
    ("population", 9_800_000, "column population: 9,800,000 residents in a district is outside the usual range"),
    ("streets", 500, "column streets: 98,000 residents in 501 streets and towns (196 each) is outside"),
])
def test_figures_mistyped_by_a_factor_of_100_are_warned_of_where_they_are(tmp_path, column, value, message):
    # a population's births grow with it, or they would be an error besides
    made = init_from_demo_figures(tmp_path, {column: value, **({"births": 59_000} if column == "population" else {})})
    assert made.exit_code == 0 and f"warning: {tmp_path / 'figures.csv'}:2: {message}" in made.output, made.output


def _places_by_district(scenario: sim.Scenario) -> dict[str, int]:
    city = scenario.city
    places: dict[str, int] = {}
    for p in city.providers:
        district = city.district_ids[city.street_district[p.street]]
        places[district] = places.get(district, 0) + sum(n * size for n, size in
                                                         zip(p.classes, (10, 15, 20, 18), strict=True))
    return places


def test_each_district_gets_its_places_within_a_class(tmp_path):
    figures = pd.DataFrame(newcity.DEMO)
    figures["places"] = [420, 260, 40]  # 40 places in 2 institutions: fewer classes than the drawn ones hold
    figures["institutions"] = [9, 6, 2]
    figures.to_csv(tmp_path / "figures.csv", index=False)
    made = invoke("init", tmp_path / "c", "--districts", tmp_path / "figures.csv")
    assert made.exit_code == 0 and "warning" not in made.output, made.output
    places = _places_by_district(sim.load_scenario(tmp_path / "c" / "baseline.yaml"))
    assert all(abs(places[d] - target) <= 10 for d, target in zip(("D01", "D02", "D03"), (420, 260, 40),
                                                                   strict=True)), places


def test_places_the_institutions_cannot_hold_are_warned_of(tmp_path):
    figures = pd.DataFrame(newcity.DEMO)
    figures.loc[2, ["places", "institutions"]] = [5, 3]  # three institutions of one class hold 30 or more
    figures.to_csv(tmp_path / "figures.csv", index=False)
    made = invoke("init", tmp_path / "c", "--districts", tmp_path / "figures.csv")
    assert made.exit_code == 0, made.output
    assert "figures.csv:4: column institutions: 5 places in 3 institutions (1.67 each) is outside" in made.output
    assert re.search(r"figures.csv:4: column places: 北山县: its 3 institutions were drawn with \d\d places, not 5 "
                     r"\(each holds one class to 8 of each\)", made.output)


def test_init_will_not_write_into_a_folder_it_did_not_write(tmp_path):
    (tmp_path / "thesis").mkdir()
    (tmp_path / "thesis" / "notes.txt").write_text("mine")
    assert "exists and is not empty" in invoke("init", tmp_path / "thesis").output
    refused = invoke("init", tmp_path / "thesis", "--force")
    assert refused.exit_code == 2 and "was not written by tuoyu init" in refused.output
    assert invoke("init", tmp_path / "c").exit_code == 0
    assert invoke("init", tmp_path / "c", "--force").exit_code == 0  # again, into its own folder


# --------------------------------------------------------------------------- Excel in


def workbook_of(folder: Path, path: Path, sheets: dict[str, str]) -> None:
    with pd.ExcelWriter(path) as writer:
        for table, sheet in sheets.items():
            pd.read_csv(folder / f"{table}.csv", dtype=str, keep_default_na=False).to_excel(
                writer, sheet_name=sheet, index=False)


def test_a_workbook_of_the_example_city_gives_the_same_city(tmp_path):
    workbook_of(EXAMPLE, tmp_path / "city.xlsx", {"districts": "区县", "streets": "streets",
                                                   "new_housing": "新建住宅", "providers": "托育机构"})
    (tmp_path / "baseline.yaml").write_text(
        f"extends: {EXAMPLE / 'baseline.yaml'}\ngeography:\n  workbook_xlsx: city.xlsx\n  districts_csv: null\n"
        f"  streets_csv: null\n  new_housing_csv: null\n  providers_csv: null\n", encoding="utf-8")
    from_workbook = sim.load_scenario(tmp_path / "baseline.yaml")
    from_csv = sim.load_scenario(EXAMPLE / "baseline.yaml")
    for field in fields(from_csv.city):
        a, b = getattr(from_workbook.city, field.name), getattr(from_csv.city, field.name)
        if isinstance(b, np.ndarray):
            np.testing.assert_array_equal(a, b)
        else:
            assert a == b, field.name


def test_a_table_given_twice_or_missing_is_an_error(tmp_path):
    folder = tmp_path / "city"
    shutil.copytree(SMALL.parent, folder)
    workbook_of(folder, folder / "city.xlsx", {"districts": "districts", "streets": "街道"})
    (folder / "both.yaml").write_text("extends: scenario.yaml\ngeography:\n  workbook_xlsx: city.xlsx\n",
                                      encoding="utf-8")
    with pytest.raises(sim.InputError) as err:
        sim.load_scenario(folder / "both.yaml")
    book = folder / "city.xlsx"
    assert {p.where for p in err.value.problems} == {f"{book}!districts", f"{book}!街道"}
    assert "write districts_csv: null to use the sheet" in err.value.problems[0].message


def test_a_bad_cell_of_a_sheet_is_located_like_excel(tmp_path):
    folder = tmp_path / "city"
    shutil.copytree(SMALL.parent, folder)
    streets = pd.read_csv(folder / "streets.csv", dtype=str)
    streets.loc[3, "population"] = "4.5万"
    streets = streets.rename(columns={"street_id": "街道编号", "population": "常住人口"})
    with pd.ExcelWriter(folder / "city.xlsx") as writer:
        pd.read_csv(folder / "districts.csv").to_excel(writer, sheet_name="区县", index=False)
        streets.to_excel(writer, sheet_name="街道", index=False)
    (folder / "wb.yaml").write_text("extends: scenario.yaml\ngeography:\n  workbook_xlsx: city.xlsx\n"
                                    "  districts_csv: null\n  streets_csv: null\n", encoding="utf-8")
    with pytest.raises(sim.InputError) as err:
        sim.load_scenario(folder / "wb.yaml")
    [problem] = err.value.problems
    assert problem.where == f"{folder / 'city.xlsx'}!街道!F5" and problem.path == "column population"
    assert problem.message == "expected a non-negative whole number, got '4.5万'"


def test_a_file_that_is_no_workbook_is_refused(tmp_path):
    folder = tmp_path / "city"
    shutil.copytree(SMALL.parent, folder)
    (folder / "city.xlsx").write_text("street_id,district_id\n", encoding="utf-8")
    (folder / "wb.yaml").write_text("extends: scenario.yaml\ngeography:\n  workbook_xlsx: city.xlsx\n",
                                    encoding="utf-8")
    with pytest.raises(sim.InputError) as err:
        sim.load_scenario(folder / "wb.yaml")
    assert "is not an Excel workbook (.xlsx)" in err.value.problems[0].message


# --------------------------------------------------------------------------- Excel out


def test_a_run_writes_summary_xlsx_with_labels_units_and_formats(tmp_path):
    out = tmp_path / "res"
    result = invoke("run", SMALL, "--reps", 3, "--out", out, "--set", "policies.street_centres.centres_per_year=1")
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(out / "summary.xlsx")
    assert book.sheetnames == ["City", "Districts", "Targets", "Spending", "Funds", "Costs", "About"]
    city = book["City"]
    header = [c.value for c in city[1]]
    assert header[:4] == ["area", "indicator", "unit", "indicator key"]
    assert header[4:7] == ["2025-12 mean", "2025-12 p5", "2025-12 p95"] and len(header) == 4 + 2 * 3
    assert city.freeze_panes == "D2" and city.auto_filter.ref
    rows = {row[3]: row for row in city.iter_rows(min_row=2, values_only=True)}
    assert rows["places_per_1000"][1:3] == ("Places per 1,000 residents", "per 1,000 residents")
    summary = pd.read_csv(out / "summary.csv", encoding="utf-8-sig")
    births = summary.query("level == 'city' and indicator == 'births' and year == 2026").iloc[0]
    assert rows["births"][7:10] == pytest.approx((births["mean"], births["p5"], births["p95"]))
    share = next(row for row in city.iter_rows(min_row=2) if row[3].value == "enrolment_rate")
    assert share[4].number_format == "0.0%"
    assert book["Districts"].max_row == 1 + 3 * len(sim.INDICATORS)
    wide = pd.read_csv(out / "summary_wide.csv", encoding="utf-8-sig")
    assert len(wide) == 4 * len(sim.INDICATORS) and list(wide.columns) == ["level", *header]
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert "summary.xlsx" in manifest["files"]
    assert [c.value for c in book["Targets"][1]][:2] == ["target", "indicator"]
    costs = list(book["Costs"].iter_rows(min_row=2, values_only=True))
    assert ("public cost per enrolled child-year", "Public spending on childcare services",
            "yuan per child-year") in {row[1:4] for row in costs}


def test_summary_xlsx_in_chinese_labels_every_sheet(tmp_path):
    city = tmp_path / "c"
    assert invoke("init", city).exit_code == 0
    out = tmp_path / "res"
    run = invoke("run", city / "three_year_plan.yaml", "--reps", 2, "--out", out, "--set", "horizon.end=2025-12")
    assert run.exit_code == 0, run.output
    book = openpyxl.load_workbook(out / "summary.xlsx")
    assert book.sheetnames == ["城市", "区县", "目标", "支出", "资金", "成本", "说明"]
    targets = list(book["目标"].iter_rows(min_row=2, values_only=True))
    assert targets[0][0] == "2025年底每千人口托位数达到4.5个（国家“十四五”规划）" and targets[0][3] == "全市"
    costs = list(book["成本"].iter_rows(min_row=2, values_only=True))
    assert {row[1] for row in costs} == {"每新增托位成本", "每名在托婴幼儿年均财政支出", "预算资金使用率"}
    assert {"元/托位", "元/人·年", "比例"} == {row[3] for row in costs} and "民办机构进入" in {row[2] for row in costs}
    used = next(row for row in book["成本"].iter_rows(min_row=2) if row[3].value == "比例")
    assert used[4].number_format == "0.0%" and 0 < used[4].value <= 1
    assert [c.value for c in book["说明"][1]] == ["项目", "内容"]


def test_every_default_target_has_a_chinese_name():
    from sim.excel import DEFAULT_TARGET_NAMES_ZH
    from sim.scenario.target_schema import DEFAULT_TARGETS

    assert {t.label for t in DEFAULT_TARGETS} == set(DEFAULT_TARGET_NAMES_ZH)


def test_a_comparison_writes_summary_xlsx(tmp_path):
    out = tmp_path / "cmp"
    (tmp_path / "plan.yaml").write_text(f"extends: {SMALL}\nmeta: {{name: plan}}\npolicies:\n  training:\n"
                                        f"    trainees_per_year: {{2025: 60}}\n", encoding="utf-8")
    result = invoke("compare", SMALL, tmp_path / "plan.yaml", "--reps", 2, "--out", out, "--workers", 1)
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(out / "summary.xlsx")
    assert book.sheetnames == ["Comparison", "Targets", "Spending", "Funds", "Costs", "About"]
    assert [c.value for c in book["Funds"][1]][:3] == ["scenario", "fund", "year"]  # each scenario's, by year
    assert [c.value for c in book["Costs"][1]][:3] == ["scenario", "period", "measure"]
    costs = pd.DataFrame(book["Costs"].iter_rows(min_row=2, values_only=True))
    assert set(costs[0]) == {"small test city", "plan"}
    header = [c.value for c in book["Comparison"][1]]
    assert "plan difference from the first mean" in header and "small test city p95" in header
    assert (out / "summary_wide.csv").exists() and (out / "scenarios" / "plan" / "summary.xlsx").exists()


# --------------------------------------------------------------------------- the command line and the API


def test_indicators_as_csv_and_json():
    as_csv = invoke("indicators", "--format", "csv", "--lang", "zh")
    assert as_csv.exit_code == 0
    table = pd.read_csv(io.StringIO(as_csv.output))
    assert list(table.columns[:4]) == ["name", "kind", "unit", "label"] and len(table) == len(sim.INDICATORS)
    assert table.set_index("name").at["places_per_1000", "label"] == "每千人口托位数"
    rows = json.loads(invoke("indicators", "--format", "json").output)
    assert rows[list(sim.INDICATORS).index("enrolment_rate")]["denominator"] == "children_0_3"
    wrong = invoke("indicators", "--format", "xml")
    assert wrong.exit_code == 2 and "--format: expected one of table, csv, json" in wrong.output


def test_the_schema_has_extends_units_limits_and_usual_ranges(tmp_path):
    assert invoke("schema", "--out", tmp_path / "s.json").exit_code == 0
    schema = json.loads((tmp_path / "s.json").read_text(encoding="utf-8"))
    assert "extends" in schema["properties"] and schema["$schema"].endswith("2020-12/schema")
    birth = schema["$defs"]["Demography"]["properties"]["birth_rate_per_1000_per_year"]
    assert birth["x-unit"] == "per 1,000 per year"
    assert birth["additionalProperties"]["x-usual"]["maximum"] == 13
    assert birth["additionalProperties"]["oneOf"][0]["maximum"] == 500


def test_the_api_runs_a_file_with_overrides_and_reads_a_month():
    result = sim.run(SMALL, reps=2, overrides={"horizon.end": "2025-06", "demography.death_rate_per_1000_per_year": 9})
    assert result.seed == 1 and result.calendar.months[-1] == "2025-06"  # the command line's seed
    assert result.scenario.spec.demography.death_rate_per_1000_per_year == 9
    same = sim.run(sim.load_scenario(SMALL), reps=2, overrides=["horizon.end=2025-06",
                                                                "demography.death_rate_per_1000_per_year=9"])
    np.testing.assert_array_equal(result.at("enrolled", "2025-06"), same.at("enrolled", "2025-06"))
    assert result.at("enrolled", "2025-03", "A").shape == (2,)
    with pytest.raises(KeyError, match="did you mean 'places_per_1000'"):
        result.at("places_per_100", "2025-06")
    with pytest.raises(sim.InputError):
        sim.run(SMALL, overrides={"horizon.end": "2025-13"})


def test_results_load_without_matplotlib(tmp_path):
    out = tmp_path / "res"
    assert invoke("run", SMALL, "--reps", 1, "--out", out, "--set", "horizon.end=2025-03").exit_code == 0
    code = ("import sys, sim; f = sim.load_results(sys.argv[1]); "
            "assert len(f.table('summary.csv')) and 'matplotlib' not in sys.modules; "
            "assert f.at('population', '2025-03').shape == (1,) and f.at('births', '2025-02')[0] >= 0")
    done = subprocess.run([sys.executable, "-c", code, str(out)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_a_district_of_more_streets_and_towns_than_the_drawn_names(tmp_path):
    figures = pd.DataFrame([{"name_zh": "大区", "population": 3_000_000, "births": 18_000, "streets": 120,
                             "towns": 450, "places": 9_000, "institutions": 150}])
    figures.to_csv(tmp_path / "figures.csv", index=False)
    made = invoke("init", tmp_path / "c", "--districts", tmp_path / "figures.csv")
    assert made.exit_code == 0, made.output
    streets = pd.read_csv(tmp_path / "c" / "streets.csv")
    assert len(streets) == 570 and streets["name_zh"].is_unique and streets["name_en"].is_unique
