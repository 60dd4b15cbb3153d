"""Charts and the brief: every chart and brief page, in both languages, passes the checks of
tests/figure_checks.py (no text over text, nothing off the slide, every series in a legend, no flat second
axis, every glyph in its font; a missing glyph is also a warning, and warnings are errors); the brief's tables
say what the result folder's tables say; money is named honestly; charts draw into the caller's axes; targets
come from the result's targets.csv; and a wrong folder is a clear input error."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
from matplotlib.figure import Figure
from typer.testing import CliRunner

from sim import charts
from sim.charts import numbers, style
from sim.charts.render import footer_text
from sim.charts.words import word
from sim.cli import app
from sim.indicators import INDICATORS
from sim.output import CSV_ENCODING
from tests import figure_checks as checks
from tests.chart_results import looked_at

DPI = 40


def _chart_problems(chart: charts.Chart, folder: charts.ResultFolder, language: str) -> list[str]:
    """The chart drawn as tuoyu chart draws it (house style, footer), looked at by every check."""
    with style.house_style(language):
        figure = chart.draw(folder, language=language)
        style.footer(figure, footer_text(folder, language))
        width, height = figure.get_size_inches()
        assert abs(width / height - 16 / 9) < 0.01, f"{chart.name} is not a 16:9 slide"
        return [f"{chart.name} ({language}): {p}" for p in looked_at(figure)]


@pytest.mark.parametrize("language", ["zh", "en"])
def test_every_chart_reads_right(run_folder, compare_folder, sweep_folders, language):
    """Every chart of a run, a comparison of four scenarios and each kind of sweep passes every layout check."""
    drawn, found = [], []
    for path in (run_folder, compare_folder, *sweep_folders.values()):
        folder = charts.load(path)
        for chart in charts.select(folder):
            drawn.append(chart.name)
            found += _chart_problems(chart, folder, language)
    assert sorted(drawn) == sorted(charts.CHARTS)
    assert not found, "\n".join(found)


@pytest.mark.parametrize("language", ["zh", "en"])
def test_every_brief_page_reads_right(run_folder, compare_folder, plain_folder, brief_pages, language):
    found = []
    for path in (run_folder, compare_folder, plain_folder):
        for n, page in enumerate(brief_pages(path, language), start=1):
            with style.house_style(language):
                found += [f"{path.name} page {n} ({language}): {p}" for p in looked_at(page)]
    assert not found, "\n".join(found)


def test_written_charts_are_16_by_9_slides(run_folder, sweep_folders, tmp_path):
    """Saved whole, never cropped to what they hold: a tall tornado is still a slide."""
    from PIL import Image

    for path, name in ((run_folder, "spending"), (sweep_folders["oat"], "tornado")):
        [png] = charts.render(charts.load(path), "en", "png", only=[name], out=tmp_path, dpi=DPI)
        with Image.open(png) as image:
            assert abs(image.width / image.height - 16 / 9) < 0.01, png.name


def test_svg_and_pdf(run_folder, tmp_path):
    for fmt in ("svg", "pdf"):
        [path] = charts.render(charts.load(run_folder), "zh", fmt, only=["districts"], out=tmp_path)
        assert path.suffix == f".{fmt}" and path.stat().st_size > 1000


def test_chinese_font_is_the_bundled_one():
    from matplotlib import font_manager

    found = font_manager.findfont(font_manager.FontProperties(family="Noto Sans SC"), fallback_to_default=False)
    assert Path(found).name == "NotoSansSC-Regular.otf"


SINGLE = ["places_demand", "places_per_1000", "enrolment", "staff", "certification", "spending", "cumulative_cost",
          "street_centres"]


@pytest.mark.parametrize("name", SINGLE)
def test_chart_draws_into_the_given_axes(run_folder, name):
    figure = Figure()
    ax = figure.add_subplot(2, 1, 2)
    returned = charts.CHARTS[name].draw(charts.load(run_folder), language="en", ax=ax)
    assert returned is figure
    assert ax.lines or ax.patches or ax.collections
    assert ax.get_title(loc="left")


def test_panel_charts_draw_into_the_given_axes(run_folder, compare_folder, sweep_folders):
    cases = [(run_folder, charts.districts, 2), (run_folder, charts.binding, 2), (compare_folder, charts.scenarios, 4),
             (compare_folder, charts.differences, 4), (sweep_folders["oat"], charts.tornado, 2),
             (sweep_folders["sobol"], charts.sobol, 2), (sweep_folders["morris"], charts.morris, 2)]
    for folder, draw, n in cases:
        figure = Figure()
        axes = figure.subplots(1, n)
        assert draw(charts.load(folder), language="zh", axes=axes) is figure
        assert all(ax.lines or ax.patches or ax.collections for ax in axes)


def test_tornado_names_each_parameter_and_its_range(sweep_folders):
    figure = charts.tornado(charts.load(sweep_folders["oat"]), language="zh")
    labels = [t.get_text() for ax in figure.axes for t in ax.get_yticklabels()]
    assert any(label.startswith("排队家庭每月放弃比例\n取值 0.02–0.3") for label in labels), labels
    assert not any("." in label.split("\n")[0] for label in labels)  # no raw keys like demand.give_up_…


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
def test_brief_is_a_summary_page_and_a_page_of_maps(run_folder, compare_folder, plain_folder, tmp_path, language):
    """Written as PDF and PNGs: in Chinese a run without a budget, in English a run and a comparison."""
    for folder in [plain_folder] if language == "zh" else [run_folder, compare_folder]:
        pdf, summary, maps = charts.write_brief(charts.load(folder), language, out=tmp_path / folder.name, dpi=50)
        assert _pages(pdf) == 2
        if language == "zh":  # the Chinese font is embedded: the brief prints on a machine without it
            assert b"NotoSansSC" in pdf.read_bytes()
        assert summary.name == f"brief_{language}.png" and maps.name == f"brief_{language}_maps.png"


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


UNITS = {"元": 1.0, "万元": 1e4, "亿元": 1e8, "yuan": 1.0, "thousand yuan": 1e3, "million yuan": 1e6,
         "billion yuan": 1e9}
NUMBER = re.compile(r"<?-?[\d,]+(?:\.\d+)?%?")


def _number(text: str) -> tuple[float, float]:
    """The first number of a cell and half its last shown digit (how far rounding may have moved it)."""
    found = NUMBER.search(text).group()
    digits = found.lstrip("<").rstrip("%").replace(",", "")
    decimals = len(digits.partition(".")[2])
    scale = 0.01 if found.endswith("%") else 1.0
    value = 0.0 if found.startswith("<") else float(digits)
    return value * scale, 0.5 * 10.0 ** -decimals * scale + (10.0 ** -decimals * scale if found.startswith("<") else 0)


def _unit(text: str) -> float:
    inside = re.findall(r"[（(]([^（()）]+)[）)]\s*$", text)
    return UNITS.get(inside[-1], 1.0) if inside else 1.0


def _at_horizon(path: Path) -> pd.DataFrame:
    monthly = pd.read_csv(path / "monthly_summary.csv", encoding=CSV_ENCODING)
    return monthly[(monthly["level"] == "city") & (monthly["month"] == monthly["month"].max())].set_index("indicator")


def headline_mismatches(page: Figure, paths: list[Path], language: str) -> list[str]:
    """Where the headline table (one value column per run folder in ``paths``) differs from the folders'
    monthly_summary.csv at the horizon."""
    cities = [_at_horizon(path) for path in paths]
    found = []
    headline = checks.table_cells(page, "headline")
    for (row, column), text in headline.items():
        if row == 0 or column != 0:
            continue
        named = [n for n, i in INDICATORS.items() if text.startswith(i.label(language)) and n in cities[0].index]
        indicator = max(named, key=lambda n: len(INDICATORS[n].label(language)), default=None)  # the most specific
        for value_column, city in enumerate(cities, start=1):
            if indicator is None:
                continue
            shown, slack = _number(headline[row, value_column])
            unit = _unit(text)
            if abs(shown * unit - city.loc[indicator, "mean"]) > slack * unit + 1e-9:
                found.append(f"headline {text!r}: {headline[row, value_column]!r} but the folder says "
                             f"{city.loc[indicator, 'mean']}")
    return found


def brief_mismatches(page: Figure, path: Path, language: str) -> list[str]:
    """Where the numbers of a run brief's tables differ from the result folder's tables (read here directly):
    the headline at the horizon, and the money by year against funds.csv and summary.csv."""
    city = _at_horizon(path)
    found = headline_mismatches(page, [path], language)
    summary = pd.read_csv(path / "summary.csv", encoding=CSV_ENCODING)
    yearly = summary[summary["level"] == "city"].pivot_table(index="year", columns="indicator", values="mean")
    funds = pd.read_csv(path / "funds.csv", encoding=CSV_ENCODING, dtype={"month": str})
    funds["year"] = funds["month"].str[:4].astype(int)
    per_year = funds.groupby(["replication", "year"])[["appropriated_yuan", "paid_yuan"]].sum().groupby("year").mean()
    december = funds[funds["month"].str.endswith("12")].groupby(["replication", "year"])["closing_yuan"].sum()
    expected = pd.DataFrame({"appropriated": per_year["appropriated_yuan"], "services": yearly["spend_total"],
                             "household_subsidy": yearly["transfer_household_subsidy"],
                             "paid": per_year["paid_yuan"], "closing": december.groupby("year").mean()})
    money = checks.table_cells(page, "money")
    title = next(t.get_text() for t in page.texts if t.get_text().startswith(("分年度资金", "Money by year")))
    unit = _unit(title)
    rows = sorted({r for r, _ in money if r > 0})
    for row in rows[:-1]:
        year = int(money[row, 0])
        for column, name in enumerate(expected.columns, start=1):
            shown, slack = _number(money[row, column])
            if abs(shown * unit - expected.loc[year, name]) > slack * unit + 1e-6:
                found.append(f"money {year} {name}: {money[row, column]!r}, the folder says {expected.loc[year, name]}")
    services_to_date, slack = _number(money[rows[-1], 2])
    if abs(services_to_date * unit - city.loc["spend_cumulative", "mean"]) > slack * unit + 1e-6:
        found.append("the money table's services over the horizon differ from the headline's spending to date")
    return found


@pytest.mark.parametrize("language", ["zh", "en"])
def test_brief_tables_say_what_the_result_folder_says(run_folder, brief_pages, language):
    page = brief_pages(run_folder, language)[0]
    assert checks.table_cells(page, "money") and checks.table_cells(page, "headline")
    assert brief_mismatches(page, run_folder, language) == []


@pytest.mark.parametrize("language", ["zh", "en"])
def test_a_comparison_brief_says_what_each_scenario_folder_says(compare_folder, brief_pages, language):
    """Every scenario's column in one unit (a column in 万元 under a heading in 亿元 would mislead)."""
    paths = [run.path for _, run in charts.load(compare_folder).runs]
    assert headline_mismatches(brief_pages(compare_folder, language)[0], paths, language) == []


def test_a_brief_with_a_wrong_number_is_caught(run_folder):
    page = charts.pages(charts.load(run_folder), "zh")[0]
    for text in page.texts:
        if text.get_gid() in ("table:money@1,2", "table:headline@2,1"):
            text.set_text("9" + text.get_text())
    assert len(brief_mismatches(page, run_folder, "zh")) == 2


def test_money_charts_name_the_household_subsidy_apart(run_folder):
    folder = charts.load(run_folder)
    with style.house_style("zh"):
        cumulative = charts.cumulative_cost(folder, language="zh")
        labels = [t.get_text() for t in cumulative.axes[0].get_legend().get_texts()]
        assert "累计拨款（全部资金）" in labels and "育儿补贴累计发放" in labels and "托育服务累计支出" in labels
        assert not any("预算" in label for label in labels)  # appropriations are not a budget left unused
        spending = charts.spending(folder, language="zh")
        assert "当年拨款扣除育儿补贴" in [t.get_text() for t in spending.axes[0].get_legend().get_texts()]
        funds = charts.funds(folder, language="zh")
        assert "育儿补贴（发放给家庭）" in [t.get_text() for t in funds.axes[0].get_legend().get_texts()]


def test_money_takes_the_unit_that_suits_its_size():
    assert numbers.money_unit([4.4e8, 1.4e7], "zh").name == "亿元"
    assert numbers.money_unit([1.42e7], "zh").name == "万元"
    assert numbers.money_unit([3_000], "zh").name == "元"
    assert numbers.money_unit([4.4e8], "en").name == "million yuan"
    small = numbers.money_unit([4.4e8, 3e4], "zh")
    assert small.text(3e4) == "<0.01" and small.text(0) == "0.00"  # not "0" for money that was paid
    assert numbers.unit("enrolment_rate", "zh", difference=True).name == "百分点"
    assert numbers.unit("enrolment_rate", "en", difference=True).name == "percentage points"


def test_a_share_short_of_a_whole_never_prints_as_one():
    text = [numbers.value_text(v, "certification_rate", "en") for v in (1.0, 0.99996, 0.9995, 0.978, 0.12, 0.0002, 0)]
    assert text == ["100%", ">99.9%", ">99.9%", "97.8%", "12%", "<0.1%", "0%"]


def test_staff_chart_has_no_second_axis_without_a_shortage(plain_folder):
    folder = charts.load(plain_folder)
    if folder.city_monthly("staff_shortage")[["mean", "p95"]].to_numpy().any():
        pytest.skip("this result has a staff shortage")
    with style.house_style("en"):
        figure = charts.staff(folder, language="en")
    assert len(figure.axes) == 1
    assert any("throughout" in t.get_text() for t in figure.axes[0].get_legend().get_texts())


def test_sweep_charts_say_how_many_runs_and_which_intervals_are_wide(sweep_folders):
    with style.house_style("zh"):
        figure = charts.sobol(charts.load(sweep_folders["sobol"]), language="zh")
    notes = " ".join(figure._tuoyu_notes)
    assert "基础样本 n = 4" in notes
    assert "区间宽于±0.1" in notes


def test_english_charts_use_the_scenarios_english_names(compare_folder):
    with style.house_style("en"):
        figure = charts.differences(charts.load(compare_folder), language="en")
    names = {t.get_text().replace("\n", " ") for ax in figure.axes for t in ax.get_yticklabels()}
    assert "Small city: faster registration" in names
    assert not any(re.search(r"[\u4e00-\u9fff]", name) for name in names)
    assert any("percentage points" in ax.get_xlabel() for ax in figure.axes)


def test_every_sweepable_number_has_a_name_in_both_languages():
    """A sweep may vary any number of the schema: each has a label for a chart in both languages."""
    from sim.charts.parameters import field_label, resolve

    missing = []
    for key in _numeric_keys():
        resolved = resolve(key)
        assert resolved is not None, key
        for language in ("zh", "en"):
            if field_label(resolved[0], language) is None:
                missing.append(f"{key} ({language})")
    assert not missing, missing


def _numeric_keys() -> list[str]:
    """Dotted keys of every number in the schema (a mapping's or list's entries as ``2025`` or ``0``)."""
    import typing

    from pydantic import BaseModel

    from sim.scenario.schema import ScenarioSpec

    def models(annotation):
        found = [annotation] if isinstance(annotation, type) and issubclass(annotation, BaseModel) else []
        for argument in typing.get_args(annotation):
            found += models(argument)
        return [m for m in found if "dist" not in m.model_fields]

    def numeric(annotation) -> bool:
        text = str(annotation)
        return ("float" in text or "int" in text) and "Literal" not in text

    keys = []

    def walk(model, prefix: str) -> None:
        for name, field in model.model_fields.items():
            inner = models(field.annotation)
            origin = str(field.annotation)
            entry = ".2025" if "dict[int" in origin else ".central_transfer" if "dict[typing.Literal" in origin else \
                ".D01" if "dict[str" in origin else ".0" if origin.startswith("list") else ""
            if inner:
                walk(inner[0], f"{prefix}{name}{entry}.")
            elif numeric(field.annotation) and name not in ("at_least", "at_most"):
                keys.append(f"{prefix}{name}{entry}")

    walk(ScenarioSpec, "")
    return keys


@pytest.mark.parametrize("language", ["zh", "en"])
def test_calibration_fit_chart_reads_right(language):
    from sim.charts.calibration import fit_chart

    months = pd.period_range("2025-01", "2026-12", freq="M").astype(str)
    panels = ["enrolment_rate", "places_per_1000", "waitlist", "providers_open", "licensed_occupancy"]
    series = pd.DataFrame([{"indicator": i, "geography": "city", "month": m, "mean": 0.5 + n, "p5": 0.4 + n,
                            "p95": 0.6 + n} for i in panels for n, m in enumerate(months)])
    fit = pd.DataFrame([{"indicator": i, "geography": "city", "date": "2025-12", "observed": 5.0} for i in panels])
    # A held-out point with the backtest's own range over the plausible sets (wider than the fitted band).
    backtest = pd.DataFrame([{"indicator": "places_per_1000", "geography": "city", "date": "2026-06", "observed": 20.0,
                              "simulated_mean": 18.0, "simulated_p5": 15.5, "simulated_p95": 21.0}])
    with style.house_style(language):
        figure = fit_chart(series, fit, backtest, language=language)
        style.footer(figure, "footer")
        assert looked_at(figure) == []
        ax = figure.axes[panels.index("places_per_1000")]
        ranges = {a: [c for c in a.collections if c.get_label() == word("legend.backtest_band", language)]
                  for a in figure.axes}
        [[(_, low), (_, high)]] = ranges.pop(ax)[0].get_segments()
        assert (low, high) == (15.5, 21.0)
        assert not any(ranges.values())  # only the panel of the held-out point


def test_the_binding_chart_draws_the_measured_shares_and_gains(run_folder):
    table = pd.read_csv(run_folder / "binding_constraint.csv", encoding=CSV_ENCODING)
    figure = charts.binding(charts.load(run_folder), language="en")
    shares_ax, gains_ax = figure.axes[:2]
    first = table["year"].min()
    drawn = {container.get_label(): [bar.get_height() for bar in container] for container in shares_ax.containers}
    year = table[table["year"] == first]
    assert drawn["demand"][0] == pytest.approx(100 * (year["binding_constraint"] == "demand").mean())
    assert sum(values[0] for values in drawn.values()) == pytest.approx(100)
    gains = {container.get_label(): [bar.get_height() for bar in container] for container in gains_ax.containers}
    assert gains["+10% places"][0] == pytest.approx(year["gain_places"].sum())
    assert gains["−10% fee"][0] == pytest.approx(year["gain_price"].sum())


@pytest.mark.parametrize("language", ["zh", "en"])
def test_calibration_fit_chart_of_two_scenarios_keeps_them_apart(language):
    """The same indicator fitted in two scenarios: a panel each, headed by the scenario's name, each observation
    in its own scenario's panel; seven panels wrap into rows that still read."""
    from sim.charts.calibration import fit_chart

    months = pd.period_range("2021-01", "2024-12", freq="M").astype(str)
    names = {"hebei": {"zh": "河北省 2021–2024", "en": "Hebei 2021–2024"},
             "nation": {"zh": "全国 2021–2024（替身）", "en": "China 2021–2024 (stand-in)"}}
    series = pd.DataFrame([{"scenario": s, "indicator": "places_per_1000", "geography": "city", "month": m,
                            "mean": 2 + n / 20, "p5": 1.9 + n / 20, "p95": 2.1 + n / 20}
                           for s in names for n, m in enumerate(months)])
    fit = pd.DataFrame([{"scenario": "nation", "indicator": "places_per_1000", "geography": "city",
                         "date": "2022-12", "observed": 2.5}])
    backtest = pd.DataFrame([{"scenario": "hebei", "indicator": "places_per_1000", "geography": "city",
                              "date": "2023-06", "observed": 3.81, "simulated_mean": 3.6, "simulated_p5": 3.2,
                              "simulated_p95": 4.3}])
    with style.house_style(language):
        figure = fit_chart(series, fit, backtest, language=language, scenario_names=names)
        style.footer(figure, "footer")
        assert looked_at(figure) == []
        hebei, nation = figure.axes[:2]
        assert hebei.get_title("left").startswith(names["hebei"][language] + " · ")
        assert nation.get_title("left").startswith(names["nation"][language] + " · ")
        assert [len(c.get_offsets()) for c in hebei.collections if c.get_label().startswith(word(
            "legend.observed_backtest", language))] == [1]
        assert not any(c.get_label() == word("legend.observed_backtest", language) for c in nation.collections)
        assert any(c.get_label() == word("legend.observed_target", language) for c in nation.collections)
        assert not any(c.get_label() == word("legend.observed_target", language) for c in hebei.collections)
    wide = pd.concat([series.assign(scenario=f"s{i}") for i in range(7)], ignore_index=True)
    with style.house_style(language):
        figure = fit_chart(wide, fit.iloc[:0], backtest.iloc[:0], language=language)
        style.footer(figure, "footer")
        assert looked_at(figure) == []
        assert len({round(ax.get_position().y0, 3) for ax in figure.axes if ax.get_title("left")}) == 3  # rows of three
