"""Bounded input: hostile or careless files and values are refused with a located problem, in bounded time and
memory, before anything runs — YAML bombs and deep nesting, special and huge files, impossible magnitudes,
NaN and infinity at every entry point, distributions whose draws would mean nothing, levers that end before
they start, duplicated CSV headers."""

from __future__ import annotations

import resource
import time
from pathlib import Path

import pytest

import sim
from sim.calibration.observed import read_observed
from sim.experiments.points import BaseScenario
from sim.experiments.spec import load_sweep
from tests.test_scenario_input import BASE, city_csv, copy_city, edit, one_problem, problems_of, write


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    folder = tmp_path.resolve()
    copy_city(folder)
    return folder


def _bounded(call, seconds: float = 10.0, megabytes: int = 200):
    """``call()``'s result, checking that it grew the peak memory (RSS) by less than ``megabytes`` and ended
    within ``seconds``: a bound against hanging, far above the time it takes, not a measure of speed."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    began = time.perf_counter()
    result = call()
    assert time.perf_counter() - began < seconds
    assert (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak) / 1024 < megabytes
    return result


# ---------------------------------------------------------------- YAML


BOMB = "\n".join(["a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
                 + [f"{b}: &{b} [{', '.join([f'*{a}'] * 9)}]" for a, b in zip("abcdefgh", "bcdefghi", strict=True)])


def test_alias_bomb_is_refused_promptly_with_bounded_memory(folder: Path) -> None:
    path = write(folder, BASE + BOMB.replace("a: &a", "x: &a", 1) + "\n")
    problem = _bounded(lambda: one_problem(path))
    assert "more than 100,000 values once aliases (*name) are expanded" in problem.message


def test_merge_key_bomb_is_refused(folder: Path) -> None:
    levels = ["m0: &m0 {k: 1}"] + [f"m{i}: &m{i} {{<<: [{', '.join([f'*m{i - 1}'] * 9)}]}}" for i in range(1, 10)]
    path = write(folder, BASE + "\n".join(levels) + "\n")
    assert "values once aliases" in _bounded(lambda: one_problem(path)).message


def test_a_node_that_contains_itself_is_refused(folder: Path) -> None:
    path = write(folder, BASE + "loop: &loop [*loop]\n")
    assert "nested deeper than 32 levels (through aliases)" in _bounded(lambda: one_problem(path)).message


def test_deep_nesting_is_refused_at_its_line_without_recursion_error(folder: Path) -> None:
    path = write(folder, BASE + "deep: " + "[" * 5000 + "]" * 5000 + "\n")
    problem = _bounded(lambda: one_problem(path))
    assert problem.where.startswith(f"{path}:18:") and "nested deeper than 32 levels" in problem.message


def test_merge_keys_apply_with_the_written_keys_winning(folder: Path) -> None:
    text = edit(BASE, "  new_housing:\n    move_in_lag_months: 0\n    occupancy_share: 0.8\n",
                "  new_housing:\n    <<: &housing {move_in_lag_months: 3, occupancy_share: 0.5}\n"
                "    occupancy_share: 0.8\n")
    housing = sim.load_scenario(write(folder, text)).spec.demography.new_housing
    assert (housing.move_in_lag_months, housing.occupancy_share) == (3, 0.8)


def test_a_list_as_a_key_is_refused_at_its_line(folder: Path) -> None:
    text = BASE + "? [a, b]\n: 1\n"
    problem = one_problem(write(folder, text))
    assert problem.where == f"{folder}/scenario.yaml:18:3" and "expected a key (a name or a number), got a list" \
        in problem.message


def test_a_number_of_five_thousand_digits_is_a_located_problem(folder: Path) -> None:
    problem = one_problem(write(folder, BASE + f"x: {'1' * 5000}\n"))
    assert problem.where == f"{folder}/scenario.yaml:18:4" and "digits" in problem.message


@pytest.mark.parametrize("special", ["/dev/zero", "/dev/null", "folder"])
def test_special_files_are_refused(folder: Path, special: str) -> None:
    target = folder if special == "folder" else Path(special)
    text = edit(BASE, "streets_csv: streets.csv", f"streets_csv: {target}")
    problem = _bounded(lambda: one_problem(write(folder, text)))
    assert problem.where == str(target)
    assert ("is a folder" if special == "folder" else "is not a regular file") in problem.message


def test_a_scenario_file_that_is_a_device_or_huge_is_refused(folder: Path, monkeypatch) -> None:
    assert "is not a regular file" in one_problem(Path("/dev/zero")).message
    monkeypatch.setattr("sim.scenario.yamlio.YAML_MAX_BYTES", 100)
    assert "is larger than 0 MB" in one_problem(write(folder, BASE)).message


def test_a_fifo_is_refused_without_blocking(folder: Path) -> None:
    import os

    os.mkfifo(folder / "pipe.csv")
    problem = _bounded(lambda: one_problem(write(folder, edit(BASE, "streets.csv", "pipe.csv"))))
    assert "is not a regular file" in problem.message


# ---------------------------------------------------------------- magnitudes and finite numbers


@pytest.mark.parametrize(("override", "needle"), [
    ("demography.birth_rate_per_1000_per_year={2030: 1e308}", "expected a number in [0, 500], got 1e+308"),
    ("demography.death_rate_per_1000_per_year=1e15", "expected a number in [0, 1000]"),
    ("budget.funds.city_special_fund.opening_balance_yuan=1e308", "expected a number in [0, 1e+12]"),
    ("policies.public_build.projects_per_year={2025: 1000000000000000}", "less than or equal to 10000"),
    ("policies.existing_area_quota.places_per_year={2025: 1000000000000000}", "1500000000"),
    ("workforce.graduates_per_year=1e15", "expected a number in [0, 1.5e+09]"),
    ("providers.entry.margin_sensitivity=1e308", "expected a number in [0, 10]"),
    ("workforce.carer_wage_yuan_per_month=0", "expected a number in [1, 1e+12]"),
    ("demography.birth_seasonality_by_month=[1e308, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]", "1500000000"),
])
def test_impossible_magnitudes_are_refused(folder: Path, override: str, needle: str) -> None:
    problem = one_problem(write(folder, BASE), (override,))
    assert problem.where == f"--set {override}" and needle in problem.message


@pytest.mark.parametrize("value", [".nan", ".inf", "-.inf", ".NaN", "1e999"])
@pytest.mark.parametrize("key", ["demography.death_rate_per_1000_per_year",
                                 "budget.funds.city_special_fund.opening_balance_yuan",
                                 "targets=[{indicator: births, at_least: VALUE, deadline: 2026-12}]"])
def test_nan_and_infinity_are_refused_in_every_number(folder: Path, key: str, value: str) -> None:
    override = key.replace("VALUE", value) if "VALUE" in key else f"{key}={value}"
    problem = one_problem(write(folder, BASE), (override,))
    assert "expected a finite number" in problem.message


@pytest.mark.parametrize(("distribution", "needle"), [
    ("{dist: normal, mean: 1100, sd: .nan}", "expected a finite number"),
    ("{dist: uniform, low: 0, high: .inf}", "expected a finite number"),
    ("{dist: lognormal, mean: 1e308, sd: 1}", "with its mean in [0, 1e+12]"),
    ("{dist: lognormal, mean: 1100, sd: 1e-12}", "lognormal needs sd between mean/1,000,000 and 100 × mean"),
    ("{dist: normal, mean: 1100, sd: 1e300}", "sd at most 1e+12"),
])
def test_distributions_whose_draws_would_mean_nothing_are_refused(folder: Path, distribution: str,
                                                                  needle: str) -> None:
    override = f"demand.willingness_to_pay_median_yuan_per_month={distribution}"
    assert needle in one_problem(write(folder, BASE), (override,)).message


def test_a_normal_on_a_share_with_its_mean_inside_still_loads(folder: Path) -> None:
    scenario = sim.load_scenario(write(folder, BASE), ["demand.give_up_per_month_share={dist: normal, mean: 0.05, "
                                                       "sd: 0.1}"])
    assert scenario.spec.demand.give_up_per_month_share.sd == 0.1


@pytest.mark.parametrize(("lever", "needle"), [
    ("policies.vouchers={start: 2026-01, end: 2025-06, vouchers_per_year: 100}", "end (2025-06) is before start"),
    ("policies.operating_subsidy={start: 2026-01, end: 2025-12}", "end (2025-12) is before start"),
    ("policies.street_centres={start: 2027-01, deadline: 2026-12}", "deadline (2026-12) is before start"),
    ("policies.target_push={start: 2025-03, held_back_until: 2025-01}", "held_back_until (2025-01) is before start "
                                                                         "(2025-03), so it would hold nothing back"),
])
def test_a_lever_that_ends_before_it_starts_is_refused(folder: Path, lever: str, needle: str) -> None:
    problem = one_problem(write(folder, BASE), (lever,))
    assert needle in problem.message and "would" in problem.message


def test_nan_bounds_of_a_sweep_and_an_observed_nan_are_refused(folder: Path) -> None:
    path = write(folder, BASE)
    with pytest.raises(sim.InputError) as info:
        load_sweep(path, ["demand.give_up_per_month_share=nan:0.2"], "oat", None, ["births@2026-12"], None, None, [])
    assert "LO must be a finite number" in str(info.value)
    observed = write(folder, "id,indicator,target,geography,date,value,unit,status,source,note\n"
                             "x,births,yes,city,2025-12,nan,children,published,somewhere,\n", "observed.csv")
    with pytest.raises(sim.InputError) as info:
        read_observed(observed)
    assert "expected a finite number, got 'nan'" in str(info.value)
    assert BaseScenario.load(path).scenario.name == "test city"


# ---------------------------------------------------------------- CSV files


def _csv_problem(folder: Path, name: str, text: str) -> sim.Problem:
    write(folder, text, name)
    return one_problem(write(folder, BASE))


@pytest.mark.parametrize(("value", "needle"), [("1e15", "expected at most 10,000,000"),
                                               ("1e308", "expected at most 10,000,000"),
                                               ("nan", "expected a non-negative whole number"),
                                               ("inf", "expected a non-negative whole number")])
def test_csv_street_population_beyond_any_street_is_refused_at_its_line(folder: Path, value: str,
                                                                        needle: str) -> None:
    text = city_csv("streets.csv")
    line = text.splitlines()[1]
    problem = _csv_problem(folder, "streets.csv", edit(text, line, line.rsplit(",", 1)[0] + "," + value))
    assert problem.where == f"{folder}/streets.csv:2" and problem.path == "column population" and needle in \
        problem.message


def test_csv_a_city_larger_than_china_is_refused(folder: Path) -> None:
    text = city_csv("streets.csv") + "".join(f"S{i},A,街{i},Street {i},street,9000000\n" for i in range(200))
    problem = _csv_problem(folder, "streets.csv", text)
    assert problem.where == f"{folder}/streets.csv:1" and "more than China's whole population" in problem.message


def test_csv_a_billion_classes_are_refused(folder: Path) -> None:
    (folder / "providers.csv").write_text(
        "provider_id,street_id,type,inclusive,fee_yuan_per_month,infant_classes,toddler_classes,older_classes,"
        "mixed_classes\nP1,A1,public,1,1200,1000000000,1,1,0\n", encoding="utf-8")
    text = edit(BASE, "  new_housing_csv: new_housing.csv\n",
                "  new_housing_csv: new_housing.csv\n  providers_csv: providers.csv\n")
    problem = one_problem(write(folder, text))
    assert problem.where == f"{folder}/providers.csv:2" and problem.path == "column infant_classes"
    assert "expected at most 50" in problem.message


def test_csv_column_written_twice_is_refused(folder: Path) -> None:
    lines = city_csv("streets.csv").splitlines()
    text = "\n".join([lines[0] + ",population", *(line + ",1" for line in lines[1:])]) + "\n"
    problem = _csv_problem(folder, "streets.csv", text)
    assert problem.where == f"{folder}/streets.csv:1" and "column 'population' appears more than once" in \
        problem.message


@pytest.mark.parametrize("size", [5_000, 200_000])  # over the tool's limit; over the csv module's own (128 KB)
def test_csv_overlong_field_is_a_located_problem(folder: Path, size: int) -> None:
    lines = city_csv("streets.csv").splitlines()
    assert lines[4].startswith("B2,")  # no other file names B2
    lines[4] = lines[4].replace("Town B2", "x" * size)
    problem = _csv_problem(folder, "streets.csv", "\n".join(lines) + "\n")
    assert problem.where == f"{folder}/streets.csv:5"


def test_csv_with_more_rows_than_any_city_stops_early(folder: Path, monkeypatch) -> None:
    monkeypatch.setitem(sim.scenario.city_csv.MAX_ROWS, "streets", 3)
    problems = problems_of(write(folder, BASE))
    assert len(problems) == 1 and problems[0].where == f"{folder}/streets.csv:5"  # ids are not checked against it
    assert "more than 3 rows" in problems[0].message
