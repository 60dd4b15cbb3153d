"""`tuoyu calibrate` on the small city: parameter recovery, a zero loss at the truth, resume, outputs, errors."""

from __future__ import annotations

import dataclasses
import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

import sim
from sim.calibration.fit import Objective, Replication, log_columns, loss, read_log
from sim.calibration.observed import read_observed
from sim.calibration.outputs import between_share, comparison_table
from sim.calibration.run import plausible_ensemble, run_calibration
from sim.calibration.spec import load_calibration
from sim.cli import app
from sim.errors import InputError
from sim.experiments.evaluators import open_evaluator
from sim.experiments.folder import RunLog
from sim.output import CSV_ENCODING
from tests.conftest import SMALL

ROOT = Path(__file__).resolve().parent.parent
runner = CliRunner()
GIVE_UP, ENTRY = "demand.give_up_per_month_share", "providers.entry.max_entries_per_district_per_year"
TRUE = {GIVE_UP: 0.12, ENTRY: 4.0}
SEED, REPS = 3, 2
TARGETS = [("enrolment_rate", "2025-12"), ("enrolment_rate", "2026-12"), ("places_per_1000", "2025-12"),
           ("places_per_1000", "2026-12"), ("waitlist", "2026-06"), ("providers_open", "2026-06"),
           ("providers_open", "2026-12")]


def synthetic_targets(seed: int = SEED) -> str:
    """The targets as the model at the true parameters gives them (the mean of ``REPS`` replications)."""
    result = sim.run(sim.load_scenario(SMALL, overrides=[f"{k}={v}" for k, v in TRUE.items()]), REPS, seed)
    months = list(result.calendar.months)
    return "".join(f"  - {{indicator: {indicator}, date: {month}, value: "
                   f"{float(result.values(indicator)[:, months.index(month)].mean())!r}}}\n"
                   for indicator, month in TARGETS)


def write_spec(folder: Path, body: str, targets: str, scenario: Path = SMALL, name: str = "spec.yaml") -> Path:
    spec = folder / name
    spec.write_text(f"scenario: {scenario}\nreps: {REPS}\nseed: {SEED}\n{body}targets:\n{targets}", encoding="utf-8")
    return spec


PARAMETERS = f"""parameters:
  {GIVE_UP}: {{low: 0.02, high: 0.3, start: 0.2}}
  {ENTRY}: {{low: 1, high: 12, start: 7}}
"""


@pytest.fixture(scope="module")
def synthetic() -> str:
    return synthetic_targets()


def test_parameter_recovery(tmp_path, synthetic):
    """Observations generated at known parameters are fitted back from perturbed starting values."""
    spec = load_calibration(write_spec(tmp_path, f"method: de\nmaxiter: 8\npopsize: 5\n{PARAMETERS}", synthetic))
    outcome = run_calibration(spec, tmp_path / "out", ["test"], workers=1, charts=False)
    fitted = dict(zip(outcome.fitted["parameter"], outcome.fitted["fitted"], strict=True))
    assert fitted[GIVE_UP] == pytest.approx(TRUE[GIVE_UP], abs=0.1 * (0.3 - 0.02))
    assert fitted[ENTRY] == pytest.approx(TRUE[ENTRY], abs=0.1 * (12 - 1))
    assert outcome.loss < 0.05


def test_the_loss_is_zero_at_the_true_parameters_with_the_same_seed(tmp_path, synthetic):
    spec = load_calibration(write_spec(tmp_path, PARAMETERS, synthetic))
    truth = [(TRUE[p.key] - p.parameter.low) / (p.parameter.high - p.parameter.low) for p in spec.parameters]
    for seed, zero in ((SEED, True), (SEED + 1, False)):  # another seed draws other replications
        with_seed = dataclasses.replace(spec, seed=seed)
        model = Replication.of(spec, seed)
        with open_evaluator(model, workers=1) as evaluator:
            log = RunLog(tmp_path / f"log_{seed}.csv", log_columns(with_seed))
            [value] = Objective(with_seed, evaluator, log).losses([truth])
        assert (value == 0.0) is zero, value
    assert loss(spec.targets, [t.value * 1.1 for t in spec.targets]) == pytest.approx(0.01 * len(spec.targets))


def test_outputs_resume_and_backtest(tmp_path, synthetic):
    backtest = "backtest:\n  - {indicator: licensed_occupancy, date: 2026-12, value: 0.3}\n"
    spec_file = write_spec(tmp_path, f"method: nelder-mead\nmaxiter: 6\n{PARAMETERS}{backtest}", synthetic)
    first = tmp_path / "first"
    finished = runner.invoke(app, ["calibrate", str(spec_file), "--out", str(first), "--workers", "1"])
    assert finished.exit_code == 0, finished.output
    assert "Fitted values" in finished.output and "Final loss" in finished.output and "Backtest" in finished.output
    assert {p.name for p in first.iterdir()} >= {"manifest.json", "evaluations.csv", "fitted.csv", "overlay.yaml",
                                                 "fit.csv", "fit_series.csv", "backtest.csv", "fit_zh.png",
                                                 "fit_en.png"}
    manifest = json.loads((first / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["kind"] == "calibration" and manifest["status"] == "complete" and manifest["seed"] == SEED
    evaluations = read_log(RunLog(first / "evaluations.csv", []))
    fitted = pd.read_csv(first / "fitted.csv", encoding=CSV_ENCODING)
    best = evaluations.loc[evaluations["loss"].idxmin()]
    # To the last bit but one: pandas before 3 reads the last digit of some floats otherwise than it writes it.
    assert manifest["loss"] == best["loss"] and list(fitted["fitted"]) == pytest.approx([best[GIVE_UP], best[ENTRY]],
                                                                                        rel=1e-15)
    # The final run shows the fit with the seeds the search used: its means are the best evaluation's values.
    fit = pd.read_csv(first / "fit.csv", encoding=CSV_ENCODING)
    assert list(fit["simulated_mean"]) == pytest.approx([best[name] for name in fit["target"]], rel=1e-12)
    row = pd.read_csv(first / "backtest.csv", encoding=CSV_ENCODING).iloc[0]
    assert row["error"] == pytest.approx(row["simulated_mean"] - 0.3)
    assert row["simulated_p5"] <= row["simulated_mean"] <= row["simulated_p95"] and 0 <= row["fit_share"] <= 1
    # The overlay extends the calibrated scenario from where it is written and sets the fitted values.
    overlay = sim.load_scenario(first / "overlay.yaml").spec
    assert overlay.demand.give_up_per_month_share == best[GIVE_UP]
    assert overlay.providers.entry.max_entries_per_district_per_year == best[ENTRY]
    assert overlay.meta.name == "small test city"

    # An interrupted calibration: the first evaluations are logged, the folder marked interrupted.
    second = tmp_path / "second"
    shutil.copytree(first, second)
    kept = 5
    lines = (first / "evaluations.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    (second / "evaluations.csv").write_text("".join(lines[:1 + kept]), encoding="utf-8")
    manifest["status"] = "interrupted"
    (second / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    outcome = run_calibration(load_calibration(spec_file), second, ["test"], resume=True, workers=1, charts=False)
    assert outcome.computed == len(evaluations) - kept and outcome.evaluations == len(evaluations)
    for name in ("evaluations.csv", "fitted.csv", "fit.csv", "backtest.csv"):
        assert (second / name).read_bytes() == (first / name).read_bytes(), name
    refused = runner.invoke(app, ["calibrate", str(spec_file), "--resume", str(second)])
    assert refused.exit_code == 2 and "already complete" in refused.output
    refused = runner.invoke(app, ["chart", str(first)])
    assert refused.exit_code == 2 and "is a calibration folder" in refused.output


def test_workers_do_not_change_the_calibration(tmp_path, synthetic):
    spec = load_calibration(write_spec(tmp_path, f"method: de\nmaxiter: 1\npopsize: 2\n{PARAMETERS}",
                                       synthetic), reps=1)
    for workers in (1, 2):
        run_calibration(spec, tmp_path / str(workers), ["test"], workers=workers, charts=False)
    assert (tmp_path / "1" / "evaluations.csv").read_bytes() == (tmp_path / "2" / "evaluations.csv").read_bytes()


def test_bad_specs_get_located_errors_and_exit_2(tmp_path):
    (tmp_path / "observed.csv").write_text(
        "id,indicator,target,geography,date,value,unit,status,source,note\n"
        "births_2024,births,no,Hebei,2024-12,440000,children,OFFICIAL,communiqué,a year's births\n", encoding="utf-8")
    spec = write_spec(tmp_path, f"""method: nelder-mid
parameters:
  demand.give_up_per_month_shar: [0.02, 0.3]
  {ENTRY}: {{low: 1, high: 12, start: 20}}
""", """  - {indicator: enroled, date: 2026-12, value: 0.1}
  - {indicator: enrolment_rate, date: 2031-12, value: 0.1}
  - {indicator: enrolment_rate, date: 2026-12, value: 0, geography: Z}
  - {observed: births_2024}
  - {observed: birth_2024}
  - {indicator: enrolment_rate, date: 2026-06, value: 0.1, wieght: 2}
""")
    refused = runner.invoke(app, ["calibrate", str(spec)])
    assert refused.exit_code == 2 and "Traceback" not in refused.output
    text = " ".join(refused.output.split())
    for expected in (
            "spec.yaml:4:1: method: unknown method 'nelder-mid' (did you mean 'nelder-mead'?)",
            "spec.yaml:6:3: demand.give_up_per_month_shar: unknown key 'give_up_per_month_shar' in demand "
            "(did you mean 'give_up_per_month_share'?)",
            "spec.yaml:7:3: parameters.providers.entry.max_entries_per_district_per_year: start must be a number "
            "from 1 to 12, got 20",
            "spec.yaml:9:5: targets[0]: unknown indicator 'enroled' (did you mean 'enrolled'?)",
            "spec.yaml:10:5: targets[1]: month 2031-12 is outside the horizon 2025-01–2026-12",
            "spec.yaml:11:5: targets[2]: expected a non-zero number as the observed value",
            "spec.yaml:11:5: targets[2]: unknown geography 'Z'",
            "spec.yaml:12:5: targets[3]: observed row 'births_2024' (births) maps onto no model indicator",
            "spec.yaml:13:5: targets[4]: no observed row 'birth_2024' (did you mean 'births_2024'?)",
            "spec.yaml:14:60: targets[5]: unknown key 'wieght' (did you mean 'weight'?)"):
        assert expected in text, (expected, text)
    unknown = tmp_path / "unknown.yaml"
    unknown.write_text(f"scenario: {SMALL}\ntarget: []\n", encoding="utf-8")
    assert "unknown.yaml:2:1: unknown key 'target' (did you mean 'targets'?)" in \
        runner.invoke(app, ["calibrate", str(unknown)]).output


def test_a_backtest_observation_cannot_be_a_fit_target(tmp_path):
    target = "  - {indicator: enrolment_rate, date: 2026-06, value: 0.05}\n"
    spec = write_spec(tmp_path, f"{PARAMETERS}backtest:\n{target}", target)
    with pytest.raises(InputError, match="is also a fit target"):
        load_calibration(spec)


def test_bad_observed_rows_get_located_errors(tmp_path):
    observed = tmp_path / "observed.csv"
    observed.write_text("id,indicator,target,geography,date,value,unit,status,source,note\n"
                        "a,places_per_1000,yes,Hebei,2023-6,3.81,per 1000,OFFICAL,HHC,\n"
                        "a,places_per_100,yes,Hebei,2023-06,x,per 1000,OFFICIAL,,\n", encoding="utf-8")
    with pytest.raises(InputError) as error:
        read_observed(observed)
    text = str(error.value)
    for expected in ("observed.csv:2: column date: expected a month YYYY-MM, got '2023-6'",
                     "observed.csv:2: column status: expected one of", "(did you mean 'OFFICIAL'?)",
                     "observed.csv:3: column id: expected a unique id, got 'a'",
                     "observed.csv:3: column indicator: unknown indicator 'places_per_100' (did you mean "
                     "'places_per_1000'?)", "observed.csv:3: column value: expected a number, got 'x'",
                     "observed.csv:3: column source: every figure names its source"):
        assert expected in text, (expected, text)


def test_the_committed_observations_and_specs_load():
    observed = read_observed(ROOT / "calibration" / "observed.csv")
    assert observed["hebei_places_per_1000_2023_06"].value == 3.81
    specs = sorted((ROOT / "calibration").glob("*.yaml"))
    assert {p.stem for p in specs} >= {"hebei_history", "national_history"}
    for path in specs:
        spec = load_calibration(path)
        assert spec.parameters and spec.targets, path
        # Its committed plausible sets (what make backtest runs) are of this spec: its parameters, inside their
        # bounds, each loss within twice the best.
        sets = pd.read_csv(path.with_name(f"{path.stem}_plausible.csv"), encoding=CSV_ENCODING)
        assert list(sets.columns) == ["evaluation", *(p.key for p in spec.parameters), "loss"], path
        for p in spec.parameters:
            assert sets[p.key].between(p.parameter.low, p.parameter.high).all(), (path, p.key)
        assert sets["loss"].max() <= 2 * sets["loss"].min(), path
    history = load_calibration(ROOT / "calibration" / "hebei_history.yaml")
    assert "hebei_places_per_1000_2023_06" in [t.observed for t in history.backtest]
    assert all(t.date <= "2022-12" for t in history.targets)  # the holdout: nothing after 2022 in the fit
    # The nation is never fitted: its whole 2021–24 path is in the backtest, read in its own scenario.
    assert not history.targets_in("nation")
    assert [t.observed for t in history.backtest if t.scenario == "nation"] == [
        f"cn_places_per_1000_{year}" for year in (2021, 2022, 2023, 2024)]
    # The nation's own calibration fits its 2021–22 and predicts 2023–24, with the push acting from 2021-03 where
    # the stand-in holds it back through 2022 (the hold that fit motivates).
    nation = load_calibration(ROOT / "calibration" / "national_history.yaml")
    assert history.bases["nation"].scenario.spec.policies.target_push.held_back_until == "2022-12"
    assert nation.base.scenario.spec.policies.target_push.held_back_until is None
    assert all(t.date <= "2022-12" for t in nation.targets)
    assert [t.observed for t in nation.targets][:2] == ["cn_places_per_1000_2021", "cn_places_per_1000_2022"]
    assert [t.observed for t in nation.backtest][:2] == ["cn_places_per_1000_2023", "cn_places_per_1000_2024"]


def test_a_fit_target_after_fit_until_is_refused(tmp_path):
    spec = tmp_path / "spec.yaml"
    spec.write_text(f"scenario: {SMALL}\nfit_until: 2025-06\nparameters:\n  {GIVE_UP}: [0.02, 0.3]\n"
                    "targets:\n  - {indicator: enrolment_rate, date: 2025-12, value: 0.08}\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_calibration(spec)
    assert "after fit_until 2025-06; move it to backtest" in str(caught.value)


def test_the_return_of_hidden_families_is_recovered(tmp_path):
    """Observations made with half of the hidden families looking again at a new class band are fitted back
    from a start of 0.1: the returns, the hidden waitlist and enrolment identify the share."""
    key, true = "demand.return_at_new_band_share", 0.5
    result = sim.run(sim.load_scenario(SMALL, overrides=[f"{key}={true}"]), REPS, SEED)
    months = list(result.calendar.months)
    targets = "".join(f"  - {{indicator: {indicator}, date: {month}, value: "
                      f"{float(result.values(indicator)[:, months.index(month)].mean())!r}}}\n"
                      for indicator, month in (("returned", "2025-12"), ("returned", "2026-06"),
                                               ("hidden_waitlist", "2026-12"), ("enrolment_rate", "2026-12")))
    spec = load_calibration(write_spec(tmp_path, f"method: de\nmaxiter: 6\npopsize: 6\nparameters:\n"
                                                 f"  {key}: {{low: 0.05, high: 0.95, start: 0.1}}\n", targets))
    outcome = run_calibration(spec, tmp_path / "out", ["test"], workers=1, charts=False)
    fitted = dict(zip(outcome.fitted["parameter"], outcome.fitted["fitted"], strict=True))
    assert fitted[key] == pytest.approx(true, abs=0.1)


def test_between_share_by_hand():
    """Groups {1, 3} and {5, 7}: means 2 and 6 around 4, between-group variance 4 of a pooled variance 5."""
    assert between_share([np.array([1.0, 3.0]), np.array([5.0, 7.0])]) == pytest.approx(0.8)
    assert between_share([np.array([1.0, 3.0]), np.array([3.0, 1.0])]) == 0.0
    assert np.isnan(between_share([np.array([2.0]), np.array([2.0])]))
    assert np.isnan(between_share([np.array([1.0, 3.0])]))  # one set: the fit's spread is not in the band


def test_each_plausible_set_draws_its_own_behavioural_parameters(tmp_path):
    """The backtest's ensemble: the same parameter set three times gives three different draws of the parameters
    the calibration does not fit (a band of three sets is not three copies of one), set 0 keeps the spec's seed,
    and the band reports how much of its variance lies between the sets."""
    spec = load_calibration(write_spec(tmp_path, PARAMETERS, "  - {indicator: enrolment_rate, date: 2025-12, "
                                                              "value: 0.1}\n"))
    sets = pd.DataFrame([TRUE] * 3)
    ensemble = plausible_ensemble(spec, sets, 2, SEED)
    draws = [r.parameters.sort_values(["replication", "parameter"])["value"].to_numpy() for r in ensemble[""]]
    assert len(draws[0]) > 0 and not np.array_equal(draws[0], draws[1]) and not np.array_equal(draws[1], draws[2])
    alone = sim.run(spec.base.with_values(TRUE), 2, SEED)
    assert np.array_equal(ensemble[""][0].values("enrolment_rate"), alone.values("enrolment_rate"))
    table = comparison_table(ensemble, spec.targets, weighted=False)
    assert 0 <= table["fit_share"].iloc[0] <= 1
    assert "fit_share" not in comparison_table({"": ensemble[""][0]}, spec.targets, weighted=True)


def test_the_pace_of_the_administrative_push_is_recovered(tmp_path):
    """Observations made with the push keeping to 30% of the pace its target needs (no yearly rise) are fitted back
    from a start of 0.9: places per 1,000 over two years identify the share."""
    key, true = "policies.target_push.pace_share", 0.3
    fixed = "policies.target_push.pace_growth_per_year=0"
    result = sim.run(sim.load_scenario(SMALL, overrides=[f"{key}={true}", fixed]), REPS, SEED)
    months = list(result.calendar.months)
    targets = "".join(f"  - {{indicator: places_per_1000, date: {month}, value: "
                      f"{float(result.values('places_per_1000')[:, months.index(month)].mean())!r}}}\n"
                      for month in ("2025-06", "2025-12", "2026-06", "2026-12"))
    spec = load_calibration(write_spec(tmp_path, f"method: de\nmaxiter: 6\npopsize: 6\nset: [{fixed}]\nparameters:\n"
                                                 f"  {key}: {{low: 0.05, high: 1.5, start: 0.9}}\n", targets))
    outcome = run_calibration(spec, tmp_path / "out", ["test"], workers=1, charts=False)
    fitted = dict(zip(outcome.fitted["parameter"], outcome.fitted["fitted"], strict=True))
    assert fitted[key] == pytest.approx(true, abs=0.05 * (1.5 - 0.05))


def shrinking_city(folder: Path) -> Path:
    """The small city with residents leaving: another history for a calibration of two scenarios."""
    other = folder / "shrinking.yaml"
    other.write_text(f"extends: {SMALL}\nmeta: {{name: 收缩城市, name_en: shrinking city}}\n"
                     "demography:\n  net_migration_per_1000_per_year: -30\n", encoding="utf-8")
    return other


def two_city_spec(folder: Path, body: str, small: str, shrinking: str, backtest: str = "") -> Path:
    """A spec fitting the small and the shrinking city together: each target names its scenario."""
    def named(targets: str, scenario: str) -> str:
        return targets.replace("  - {", f"  - {{scenario: {scenario}, ")

    spec = folder / "two.yaml"
    spec.write_text(f"scenarios:\n  small: {SMALL}\n  shrinking: {shrinking_city(folder)}\nreps: {REPS}\n"
                    f"seed: {SEED}\n{body}targets:\n{named(small, 'small')}{named(shrinking, 'shrinking')}"
                    + (f"backtest:\n{backtest}" if backtest else ""), encoding="utf-8")
    return spec


def objective_loss(spec, tmp_path: Path, point: list[float], name: str) -> float:
    with open_evaluator(Replication.of(spec, spec.seed), workers=1) as evaluator:
        [value] = Objective(spec, evaluator, RunLog(tmp_path / f"{name}.csv", log_columns(spec))).losses([point])
    return value


def test_two_scenarios_are_fitted_together(tmp_path, synthetic):
    """A calibration of two histories: each target is read in its own scenario (the loss is exactly 0 at the true
    parameters, which the two cities give different values for), and the loss is the sum of each scenario's
    alone, under the same replications."""
    shrinking = sim.run(sim.load_scenario(shrinking_city(tmp_path), overrides=[f"{k}={v}" for k, v in TRUE.items()]),
                        REPS, SEED)
    months = list(shrinking.calendar.months)
    other = "".join(f"  - {{indicator: {indicator}, date: {month}, value: "
                    f"{float(shrinking.values(indicator)[:, months.index(month)].mean())!r}}}\n"
                    for indicator, month in TARGETS)
    assert other != synthetic  # the cities differ, so a target read in the wrong one would not fit
    spec = load_calibration(two_city_spec(tmp_path, PARAMETERS, synthetic, other))
    assert [t.name for t in spec.targets][:2] == ["small:enrolment_rate@2025-12", "small:enrolment_rate@2026-12"]
    assert {t.scenario for t in spec.targets} == {"small", "shrinking"}
    truth = [(TRUE[p.key] - p.parameter.low) / (p.parameter.high - p.parameter.low) for p in spec.parameters]
    assert objective_loss(spec, tmp_path, truth, "truth") == 0.0
    elsewhere = [0.7, 0.2]
    small_alone = load_calibration(write_spec(tmp_path, PARAMETERS, synthetic))
    other_alone = load_calibration(write_spec(tmp_path, PARAMETERS, other, shrinking_city(tmp_path), "other.yaml"))
    both = objective_loss(spec, tmp_path, elsewhere, "both")
    assert both > 0 and both == pytest.approx(objective_loss(small_alone, tmp_path, elsewhere, "small")
                                              + objective_loss(other_alone, tmp_path, elsewhere, "other"), rel=1e-12)


def test_outputs_of_two_scenarios(tmp_path, synthetic):
    """Each scenario gets its overlay; fit, backtest and series name the scenario of every row; the backtest pools
    each scenario's plausible sets; the chart heads each panel with its scenario's name."""
    backtest = ("  - {scenario: shrinking, indicator: licensed_occupancy, date: 2026-12, value: 0.3}\n"
                "  - {scenario: small, indicator: licensed_occupancy, date: 2026-12, value: 0.3}\n")
    spec_file = two_city_spec(tmp_path, f"method: de\nmaxiter: 1\npopsize: 2\n{PARAMETERS}", synthetic,
                              "  - {indicator: places_per_1000, date: 2025-12, value: 3.0}\n", backtest)
    out = tmp_path / "out"
    finished = runner.invoke(app, ["calibrate", str(spec_file), "--out", str(out), "--workers", "1"])
    assert finished.exit_code == 0, finished.output
    assert "shrinking:places_per_1000@2025-12" in finished.output
    assert not (out / "overlay.yaml").exists()
    fitted = pd.read_csv(out / "fitted.csv", encoding=CSV_ENCODING).set_index("parameter")["fitted"]
    for name, city in (("small", "small test city"), ("shrinking", "收缩城市")):
        overlay = sim.load_scenario(out / f"overlay_{name}.yaml").spec
        assert overlay.meta.name == city
        assert overlay.demand.give_up_per_month_share == pytest.approx(fitted[GIVE_UP], rel=1e-15)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert set(manifest["scenario_files"]) == {"small", "shrinking"}
    evaluations = pd.read_csv(out / "evaluations.csv")
    fit = pd.read_csv(out / "fit.csv", encoding=CSV_ENCODING)
    best = evaluations.loc[evaluations["loss"].idxmin()]
    assert list(fit["scenario"].unique()) == ["small", "shrinking"]
    assert list(fit["simulated_mean"]) == pytest.approx([best[name] for name in fit["target"]], rel=1e-12)
    tested = pd.read_csv(out / "backtest.csv", encoding=CSV_ENCODING).set_index("scenario")
    # The same month and indicator in two cities: two different values, each its own city's.
    assert tested.loc["small", "simulated_mean"] != tested.loc["shrinking", "simulated_mean"]
    series = pd.read_csv(out / "fit_series.csv", encoding=CSV_ENCODING).set_index(["scenario", "indicator", "month"])
    for row in fit.itertuples():
        assert series.loc[(row.scenario, row.indicator, row.date), "mean"] == pytest.approx(row.simulated_mean)


def test_bad_scenarios_get_located_errors(tmp_path):
    target = "  - {indicator: enrolment_rate, date: 2026-06, value: 0.05}\n"
    both = tmp_path / "both.yaml"
    both.write_text(f"scenario: {SMALL}\nscenarios:\n  a: {SMALL}\n{PARAMETERS}targets:\n{target}", encoding="utf-8")
    with pytest.raises(InputError, match="give either scenario"):
        load_calibration(both)
    spec = tmp_path / "typo.yaml"
    spec.write_text(f"scenarios:\n  small: {SMALL}\n  shrinking: {shrinking_city(tmp_path)}\n{PARAMETERS}targets:\n"
                    + target.replace("{", "{scenario: shrinkng, ", 1), encoding="utf-8")
    refused = runner.invoke(app, ["calibrate", str(spec)])
    assert refused.exit_code == 2 and "Traceback" not in refused.output
    assert "unknown scenario 'shrinkng' (did you mean 'shrinking'?)" in " ".join(refused.output.split())
    one = write_spec(tmp_path, PARAMETERS, target.replace("{", "{scenario: small, ", 1))
    with pytest.raises(InputError, match="unknown key 'scenario'"):
        load_calibration(one)
