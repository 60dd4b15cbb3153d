"""Each check of tests/figure_checks.py fails on a figure broken in the way it looks for, and passes on the same
figure drawn right: the checks the chart tests rely on can fail."""

from __future__ import annotations

import warnings

import pytest
from matplotlib.figure import Figure

from sim.charts import layout, style
from tests import figure_checks as checks


@pytest.fixture(autouse=True)
def house_style():
    """The figures here are drawn in the charts' fonts (Chinese too), as the charts are."""
    with style.house_style("zh"):
        yield


def _slide() -> Figure:
    return Figure(figsize=style.SLIDE_SIZE, layout="constrained")


def test_overlapping_texts_are_found():
    figure = _slide()
    figure.text(0.5, 0.5, "每千人口托位数")
    figure.text(0.52, 0.5, "places per 1,000")
    assert checks.text_overlaps(figure)
    figure.texts[1].set_y(0.2)
    assert not checks.text_overlaps(figure)


def test_crowded_tick_labels_are_found():
    figure = _slide()
    ax = figure.add_subplot()
    ax.set_xticks(range(40), [f"2025-{m:02d}" for m in range(40)])
    assert any("overlaps" in p for p in checks.text_overlaps(figure))


def test_text_over_a_legend_is_found():
    figure = _slide()
    ax = figure.add_subplot()
    ax.plot([0, 1], [0, 1], label="places")
    ax.legend(loc="upper left")
    ax.text(0.02, 0.97, "a note", transform=ax.transAxes, va="top")
    assert any("under a legend" in p for p in checks.text_overlaps(figure))


def test_text_reaching_into_another_panel_is_found():
    figure = Figure(figsize=style.SLIDE_SIZE)
    _, right = figure.subplots(1, 2)
    right.set_yticks([0, 1], ["示例市 三年行动计划（资金紧张）的一个很长的名字", "b"])
    assert any("plot area" in p for p in checks.outside_plot_area(figure))
    figure.subplots_adjust(wspace=1.6, left=0.05, right=0.98)
    right.set_yticks([0, 1], ["短名", "b"])
    assert not checks.outside_plot_area(figure)


def test_text_off_the_figure_is_found():
    figure = _slide()
    figure.text(0.97, 0.5, "a footer that runs on past the edge of the slide")
    assert any("runs off the figure" in p for p in checks.clipped(figure))
    figure.texts[0].set_ha("right")
    assert not checks.clipped(figure)


def test_a_legend_off_the_figure_is_found():
    figure = Figure(figsize=style.SLIDE_SIZE)
    ax = figure.add_subplot()
    ax.plot([0, 1], [0, 1], label="licensed places")
    ax.legend(loc="upper left", bbox_to_anchor=(1.05, 1.0))
    assert any("legend runs off" in p for p in checks.clipped(figure))


def test_a_series_without_legend_entry_is_found():
    figure = _slide()
    ax = figure.add_subplot()
    ax.plot([0, 1], [0, 1], label="licensed places")
    ax.plot([0, 1], [1, 0], linestyle="--")
    ax.bar([0.5], [0.4], hatch="//", label="_nolegend_")
    ax.legend()
    found = checks.missing_legend_entries(figure)
    assert len(found) == 2
    ax.get_lines()[1].set_label("usable places")
    ax.containers[0].set_label("spending")
    ax.legend()
    assert not checks.missing_legend_entries(figure)


def test_a_legend_over_the_data_is_found():
    figure = _slide()
    ax = figure.add_subplot()
    ax.plot(range(11), [5] * 11, label="places per 1,000")
    ax.legend(loc="center")
    assert checks.legend_over_data(figure)
    style.legend_below(ax)
    assert not checks.legend_over_data(figure)


@pytest.mark.parametrize("values", [[0, 0, 0], []])
def test_an_empty_or_flat_second_axis_is_found(values):
    figure = _slide()
    ax = figure.add_subplot()
    ax.plot([0, 1, 2], [1, 2, 3], label="enrolment")
    right = ax.twinx()
    right.plot(range(len(values)), values, label="staff shortage")
    assert checks.flat_secondary_axes(figure)
    right.lines[0].set_data([0, 1, 2], [0, 3, 1])
    assert not checks.flat_secondary_axes(figure)


def test_a_missing_chinese_glyph_is_found():
    figure = _slide()
    figure.text(0.1, 0.5, "托位数", fontfamily=["DejaVu Sans"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # matplotlib warns of the missing glyphs as it draws them
        assert checks.missing_glyphs(figure)
    figure.texts[0].set_fontfamily([style.CJK_FONT, style.LATIN_FONT])
    assert not checks.missing_glyphs(figure)


def test_table_cells_read_back_what_was_drawn():
    figure = Figure(figsize=style.A4_PORTRAIT)
    layout.Table("money", ["年份", "当年拨款"], [["2025", "6.50"], ["2026", "6.58"]], "资金").draw(figure, 36, 800, 400)
    assert checks.table_cells(figure, "money") == {(0, 0): "年份", (0, 1): "当年拨款", (1, 0): "2025",
                                                   (1, 1): "6.50", (2, 0): "2026", (2, 1): "6.58"}


def test_wrapping_breaks_chinese_anywhere_and_english_at_spaces():
    measure = layout.renderer(Figure())
    chinese = layout.wrap("社区普惠托育中心街道覆盖率", 40, 10, measure)
    english = layout.wrap("Share of urban streets with a community inclusive centre", 80, 10, measure)
    assert len(chinese.splitlines()) > 1 and all(layout.width(line, 10, measure) <= 40.1 for line in
                                                 chinese.splitlines())
    assert all(" " not in line or layout.width(line, 10, measure) <= 80.1 for line in english.splitlines())
    assert english.replace("\n", " ") == "Share of urban streets with a community inclusive centre"
