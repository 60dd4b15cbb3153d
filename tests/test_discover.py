"""`tuoyu discover`: PRIM recovers a box planted in synthetic data, the tree agrees, a sweep's failures are traced
to its parameters in plain words, and the chart reads right."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from sim.charts.decisions import discovery
from sim.cli import app
from sim.decisions.discover import Cases, boxes_table, prim_boxes, sentence, tree_rules
from sim.experiments.spec import load_sweep
from sim.experiments.sweep import run_sweep
from tests import figure_checks as checks

TINY = Path(__file__).resolve().parent / "data" / "tiny" / "scenario.yaml"
runner = CliRunner()


@pytest.fixture(scope="module")
def planted() -> Cases:
    """1,500 runs of four inputs; the target fails in 95% of the runs with a > 0.6 and b < 0.3, in 5% elsewhere."""
    rng = np.random.default_rng(7)
    x = pd.DataFrame(rng.uniform(size=(1500, 4)), columns=["a", "b", "c", "d"])
    inside = (x["a"] > 0.6) & (x["b"] < 0.3)
    failed = rng.uniform(size=len(x)) < np.where(inside, 0.95, 0.05)
    return Cases(x, failed, "the planted target", "sweep")


def test_prim_recovers_the_planted_box(planted):
    [box] = prim_boxes(planted)
    assert set(box["restricted"]) == {"a", "b"}
    assert box["restricted"]["a"]["low"] == pytest.approx(0.6, abs=0.05) and box["restricted"]["a"]["high"] is None
    assert box["restricted"]["b"]["high"] == pytest.approx(0.3, abs=0.05) and box["restricted"]["b"]["low"] is None
    inside = (planted.x["a"] > 0.6) & (planted.x["b"] < 0.3)
    planted_coverage = planted.failed[inside].sum() / planted.failed.sum()  # ≈ 0.8: chance fails outside too
    assert box["coverage"] >= 0.9 * planted_coverage and box["density"] >= 0.8
    assert all(limits["qp_low" if limits["low"] is not None else "qp_high"] < 1e-6
               for limits in box["restricted"].values())
    text = sentence(planted.target, box, "en")
    assert text.startswith(f"'the planted target' fails in {box['density']:.0%} of runs where a is above 0.")
    assert "and b is below 0." in text and f"they hold {box['coverage']:.0%} of all the runs" in text
    assert "a高于0." in sentence(planted.target, box, "zh")


def test_the_tree_agrees_with_prim(planted):
    rules = tree_rules(planted)
    def near(rule: str, pattern: str, value: float) -> bool:
        found = re.search(pattern, rule)
        return found is not None and abs(float(found[1]) - value) < 0.05

    in_box = rules["rule_en"].map(lambda rule: near(rule, r"a > ([0-9.]+)", 0.6) and near(rule, r"b ≤ ([0-9.]+)", 0.3))
    assert in_box.iloc[0] and (rules.loc[in_box, "density"] > 0.8).all()
    inside = (planted.x["a"] > 0.6) & (planted.x["b"] < 0.3)
    assert rules.loc[in_box, "coverage"].sum() >= 0.9 * planted.failed[inside].sum() / planted.failed.sum()


def test_no_box_where_failure_is_chance():
    rng = np.random.default_rng(3)
    x = pd.DataFrame(rng.uniform(size=(800, 3)), columns=["a", "b", "c"])
    cases = Cases(x, rng.uniform(size=len(x)) < 0.3, "noise", "sweep")
    [box] = prim_boxes(cases)
    # every limit PRIM peeled is one chance explains, so none is left, and the sentence says so
    assert box["restricted"] == {} and box["density"] == pytest.approx(cases.failed.mean())
    assert sentence("noise", box, "en").startswith("no range of the inputs makes 'noise' fail more often")
    assert boxes_table(cases, [box])["sentence_zh"].iloc[0].startswith("没有哪一范围的输入")


@pytest.mark.parametrize("language", ["zh", "en"])
def test_discovery_chart_reads_right(planted, language):
    figure = discovery(planted, prim_boxes(planted), language=language)
    assert checks.problems(figure) == []
    titles = [ax.get_xlabel() for ax in figure.axes]
    assert titles[1] in ("a", "b")


@pytest.fixture(scope="module")
def sweep(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("discover") / "sweep"
    spec = load_sweep(TINY, ["policies.street_centres.centres_per_year=0:8", "policies.street_centres.build_months=1:9",
                             "demand.give_up_per_month_share=0.04:0.12"], "lhs", 60,
                      ["streets_with_centre_share@2025-12"], 1, 1, [])
    run_sweep(spec, out, ["tuoyu", "sweep"], workers=1)
    return out


def test_discover_traces_a_sweeps_failures_to_its_levers(sweep):
    out = sweep.parent / "found"
    # Within the tiny city's one year, a street lacks its centre when centres take too long to build or too few
    # start a year: two boxes, the second found in the runs the first leaves.
    result = runner.invoke(app, ["discover", str(sweep), "--target", "streets_with_centre_share@2025-12>=1",
                                 "--boxes", "2", "--out", str(out)])
    assert result.exit_code == 0, result.output
    boxes = pd.read_csv(out / "boxes.csv")
    assert set(boxes["dimension"]) == {"policies.street_centres.build_months",
                                       "policies.street_centres.centres_per_year"}  # not the families giving up
    slow = boxes[boxes["dimension"] == "policies.street_centres.build_months"].iloc[0]
    assert pd.isna(slow["high"]) and 1 < slow["low"] < 6 and slow["density"] >= 0.8  # too long to build
    few = boxes[boxes["dimension"] == "policies.street_centres.centres_per_year"].iloc[0]
    assert pd.isna(few["low"]) and 2 < few["high"] < 7 and few["box"] == 2  # too few centres a year
    # in plain words: the parameter as sweep charts name it, the target as the indicator's label
    assert "months to build is above" in result.output and "centres started a year is below" in result.output
    assert "建设周期（月）高于" in result.output and "每年可启动中心数（个）低于" in result.output
    assert "'Share of urban streets with a community inclusive centre ≥ 1 in 2025-12' fails" in result.output
    assert {"cases.csv", "boxes.csv", "tree.csv", "discover_zh.png", "discover_en.png", "manifest.json"} <= \
        {p.name for p in out.iterdir()}


@pytest.mark.parametrize(("target", "message"), [
    ("places_per_1000@2025-12>=4", "expected METRIC>=VALUE or METRIC<=VALUE with a metric of the sweep"),
    ("streets_with_centre_share@2025-12>=0", "fails in no run"),
])
def test_discover_bad_targets(sweep, target, message):
    result = runner.invoke(app, ["discover", str(sweep), "--target", target, "--out", str(sweep.parent / "never")])
    assert result.exit_code == 2 and message in result.output, result.output


def test_discover_needs_a_sweep_or_an_optimisation(tmp_path):
    run = tmp_path / "run"
    assert runner.invoke(app, ["run", str(TINY), "--reps", "1", "--out", str(run)]).exit_code == 0
    result = runner.invoke(app, ["discover", str(run), "--out", str(tmp_path / "never")])
    assert result.exit_code == 2 and "is a run folder; discovery reads the runs of a sweep" in result.output


def test_boxes_table_has_both_languages(planted):
    table = boxes_table(planted, prim_boxes(planted))
    assert set(table["dimension"]) == {"a", "b"} and table["sentence_zh"].str.contains("未能实现").all()
