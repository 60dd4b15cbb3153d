"""Charts and the brief: every chart renders in both languages without a warning (a missing glyph is a
warning, and warnings are errors), charts draw into the caller's axes, targets come from the result's
targets.csv, the brief is one page, and a wrong folder is a clear input error."""

from __future__ import annotations

import re
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pytest
from matplotlib.figure import Figure
from typer.testing import CliRunner

import sim
from sim import charts
from sim.cli import app
from sim.experiments.compare import run_compare
from sim.experiments.spec import load_sweep
from sim.experiments.sweep import run_sweep
from sim.output import CSV_ENCODING, save
from tests.conftest import SMALL

DPI = 40
OVERRIDES = [
    "budget={funds: {city_special_fund: {yuan_per_year: {2025: 20000000}}}}",
    "policies.street_centres={deadline: 2026-12, centres_per_year: 2}",
    "policies.training={trainees_per_year: {2025: 100, 2026: 100}}",
    "policies.certification_mandate={effective: 2026-06}",
    "targets=[{indicator: children_per_place, at_most: 3, deadline: 2026-12, where: every_street}]",
]


@pytest.fixture(scope="session")
def run_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small result with a budget, street centres, training and the mandate: every run chart has data."""
    scenario = sim.load_scenario(SMALL, overrides=OVERRIDES)
    out = tmp_path_factory.mktemp("charts") / "small"
    return save(sim.run(scenario, reps=3, seed=3), out, False, datetime.now(UTC), ["test"])


@pytest.fixture(scope="session")
def compare_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real comparison of the small city with a variant that gives up waiting sooner."""
    base = tmp_path_factory.mktemp("scenarios")
    plan = base / "plan.yaml"
    plan.write_text(f"extends: {SMALL}\nmeta: {{name: small plan}}\ndemand: {{give_up_per_month_share: 0.2}}\n",
                    encoding="utf-8")
    out = tmp_path_factory.mktemp("compare") / "cmp"
    run_compare([SMALL, plan], OVERRIDES, 3, 3, out, ["test"], workers=1)
    return out


SWEEP_PARAMS = ["demand.give_up_per_month_share=0.02:0.3", "demand.other_street_acceptance_share=0.1:0.9",
                "providers.exit.closure_per_month_share=0.01:0.2"]
SWEEP_METRICS = ["waitlist@2025-12", "enrolled@2025"]


@pytest.fixture(scope="session")
def sweep_folders(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """One real sweep folder per method, small and short."""
    folders = {}
    for method, n in (("oat", None), ("sobol", 4), ("morris", 2), ("lhs", 8)):
        spec = load_sweep(SMALL, SWEEP_PARAMS, method, n, SWEEP_METRICS, 1, 2, ["horizon.end=2025-12"])
        folders[method] = tmp_path_factory.mktemp(method) / method
        run_sweep(spec, folders[method], ["test"], workers=1)
    return folders


@pytest.mark.parametrize("language", ["zh", "en"])
def test_every_chart_renders_in_both_languages(run_folder, compare_folder, sweep_folders, tmp_path, language):
    written = []
    for folder in (run_folder, compare_folder, *sweep_folders.values()):
        written += charts.render(charts.load(folder), language, "png", out=tmp_path / folder.name, dpi=DPI)
    assert sorted(p.stem for p in written) == sorted(charts.CHARTS)
    assert all(p.stat().st_size > 1000 for p in written)


def test_svg_and_pdf(run_folder, tmp_path):
    for fmt in ("svg", "pdf"):
        [path] = charts.render(charts.load(run_folder), "zh", fmt, only=["districts"], out=tmp_path)
        assert path.suffix == f".{fmt}" and path.stat().st_size > 1000


def test_chinese_font_is_the_bundled_one():
    from matplotlib import font_manager

    found = font_manager.findfont(font_manager.FontProperties(family="Noto Sans SC"), fallback_to_default=False)
    assert Path(found).name == "NotoSansSC-Regular.otf"


SINGLE = ["places_demand", "places_per_1000", "enrolment", "staff", "certification", "spending", "cumulative_cost",
          "street_centres", "binding"]


@pytest.mark.parametrize("name", SINGLE)
def test_chart_draws_into_the_given_axes(run_folder, name):
    figure = Figure()
    ax = figure.add_subplot(2, 1, 2)
    returned = charts.CHARTS[name].draw(charts.load(run_folder), language="en", ax=ax)
    assert returned is figure
    assert ax.lines or ax.patches or ax.collections
    assert ax.get_title(loc="left")


def test_panel_charts_draw_into_the_given_axes(run_folder, compare_folder, sweep_folders):
    cases = [(run_folder, charts.districts, 2), (compare_folder, charts.scenarios, 4),
             (compare_folder, charts.differences, 4), (sweep_folders["oat"], charts.tornado, 2),
             (sweep_folders["sobol"], charts.sobol, 2), (sweep_folders["morris"], charts.morris, 2)]
    for folder, draw, n in cases:
        figure = Figure()
        axes = figure.subplots(1, n)
        assert draw(charts.load(folder), language="zh", axes=axes) is figure
        assert all(ax.lines or ax.patches or ax.collections for ax in axes)


def test_tornado_range_labels_sit_clear_of_the_bars(sweep_folders, tmp_path):
    folder = tmp_path / "oat"
    shutil.copytree(sweep_folders["oat"], folder)
    analysis = pd.read_csv(folder / "analysis.csv", encoding=CSV_ENCODING)
    first = analysis.index[0]  # both runs below the base: the bars lie left of the base line
    analysis.loc[first, ["output_low", "output_high"]] = analysis.loc[first, "output_base"] - [2.0, 1.0]
    analysis.to_csv(folder / "analysis.csv", index=False, encoding=CSV_ENCODING)
    figure = charts.tornado(charts.load(folder), language="en")
    for ax in figure.axes:
        base = ax.lines[0].get_xdata()[0]
        for label in ax.texts:
            row = label.xy[1]
            ends = [bar.get_x() + max(bar.get_width(), 0) for bar in ax.patches if abs(bar.get_y() + 0.3 - row) < 1e-9]
            assert label.xy[0] >= max([base, *ends]) - 1e-9, label.get_text()


def _target_lines(ax) -> dict[str, float]:
    return {line.get_label(): line.get_ydata()[0] for line in ax.lines if line.get_label().startswith("Target")}


def test_target_lines_come_from_targets_csv(run_folder, tmp_path):
    folder = tmp_path / "edited"
    shutil.copytree(run_folder, folder)
    targets = pd.read_csv(folder / "targets.csv", encoding=CSV_ENCODING)
    targets.loc[targets["indicator"] == "places_per_1000", ["condition", "deadline"]] = ["≥ 6.5", "2026-06"]
    targets.to_csv(folder / "targets.csv", index=False, encoding=CSV_ENCODING)
    figure = charts.places_per_1000(charts.load(folder), language="en")
    [(text, value)] = _target_lines(figure.axes[0]).items()
    assert value == 6.5 and "2026-06" in text
    figure = charts.certification(charts.load(folder), language="en")
    assert list(_target_lines(figure.axes[0]).values()) == [100.0]  # a share, shown in %


def _pages(pdf: Path) -> int:
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf.read_bytes()))


@pytest.mark.parametrize("language", ["zh", "en"])
def test_brief_is_one_page(run_folder, compare_folder, tmp_path, language):
    for folder in (run_folder, compare_folder):
        pdf, png = charts.write_brief(charts.load(folder), language, out=tmp_path / folder.name, dpi=50)
        assert _pages(pdf) == 1
        assert png.stat().st_size > 10_000


def test_brief_of_a_run_without_budget(tmp_path):
    out = save(sim.run(sim.load_scenario(SMALL), reps=2, seed=1), tmp_path / "plain", False, datetime.now(UTC), [])
    pdf, _ = charts.write_brief(charts.load(out), "zh", dpi=50)
    assert _pages(pdf) == 1


runner = CliRunner()


def test_chart_command_writes_into_the_result_folder(run_folder):
    result = runner.invoke(app, ["chart", str(run_folder), "--lang", "en", "--only", "binding", "--dpi", "50"])
    assert result.exit_code == 0, result.output
    assert (run_folder / "charts" / "en" / "binding.png").exists()


def test_report_writes_the_brief_and_the_charts(run_folder, tmp_path):
    result = runner.invoke(app, ["report", str(run_folder), "--lang", "en", "--out", str(tmp_path / "both")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "both" / "brief_en.pdf").exists() and (tmp_path / "both" / "brief_en.png").exists()
    assert sorted(p.stem for p in (tmp_path / "both" / "charts" / "en").glob("*.png")) == \
        sorted(n for n, c in charts.CHARTS.items() if c.kind == "run")
    result = runner.invoke(app, ["report", str(run_folder), "--no-charts", "--out", str(tmp_path / "brief")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "brief" / "brief_zh.pdf").exists() and not (tmp_path / "brief" / "charts").exists()


@pytest.mark.parametrize(("args", "message"), [
    (["chart", "{tmp}"], "is not a result folder: it has no manifest.json"),
    (["chart", "{tmp}/nowhere"], "does not exist"),
    (["report", "{tmp}"], "is not a result folder"),
    (["chart", "{run}", "--only", "place_demand"], "unknown chart 'place_demand' (did you mean 'places_demand'?)"),
    (["chart", "{run}", "--only", "tornado"], "chart 'tornado' draws from a sweep (--method oat) folder"),
    (["chart", "{run}", "--lang", "fr"], "--lang: expected one of zh, en"),
    (["chart", "{run}", "--format", "jpg"], "--format: expected one of png, svg, pdf"),
    (["report", "{sobol}"], "a brief is made from a run or compare folder"),
])
def test_wrong_input_exits_2_with_a_clear_message(run_folder, sweep_folders, tmp_path, args, message):
    args = [a.format(tmp=tmp_path, run=run_folder, sobol=sweep_folders["sobol"]) for a in args]
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


def test_missing_table_is_named(run_folder, tmp_path):
    folder = tmp_path / "broken"
    shutil.copytree(run_folder, folder)
    (folder / "binding_constraint.csv").unlink()
    result = runner.invoke(app, ["chart", str(folder)])
    assert result.exit_code == 2
    assert "has no binding_constraint.csv" in result.output
