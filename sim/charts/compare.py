"""Charts of a comparison folder (情景比较): every scenario on the same axes, and paired differences from
the reference scenario with their intervals."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib import rcParams
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties

from sim.charts import draw, layout, numbers, style
from sim.charts.words import label, word
from sim.result_folders import CompareFolder

KEY_INDICATORS = ("places_per_1000", "enrolment_rate", "waitlist", "spend_cumulative")
NAME_ROOM = 0.22  # of the figure's width, the most a scenario's name takes beside a panel before it wraps


def key_indicators(folder: CompareFolder) -> list[str]:
    """The key indicators the comparison holds (differences.csv names them), in the house order."""
    present = set(folder.table("differences.csv")["indicator"])
    chosen = [name for name in KEY_INDICATORS if name in present]
    return chosen or sorted(present)[: len(KEY_INDICATORS)]


@style.chart
def scenarios(folder: CompareFolder, language: str = "zh", axes: Sequence[Axes] | None = None) -> Figure:
    """Each key indicator over months, one line and band per scenario, the reference's targets dashed."""
    indicators = list(KEY_INDICATORS)
    axs = style.axes_row(axes, len(indicators), rows=2)
    runs = folder.runs
    names = folder.titles(language)
    for ax, indicator in zip(axs, indicators, strict=True):
        shown = numbers.unit(indicator, language, [v for _, run in runs for v in run.city_monthly(indicator)["p95"]])
        for i, ((_, run), name) in enumerate(zip(runs, names, strict=True)):
            draw.band_line(ax, run.city_monthly(indicator), shown.factor, name, i)
        draw.targets(ax, runs[0][1], indicator, language, shown)
        draw.month_axis(ax)
        ax.set_title(label(indicator, language), fontsize=11)
        ax.set_ylabel(shown.name)
        draw.counts_axis(ax)
    draw.band_legend_entry(axs[0], language)
    style.wrap_titles(axs)
    style.shared_legend(axs, ncols=min(len(runs) + 2, 3))
    if axes is None:
        axs[0].figure.suptitle(word("title.scenarios", language), fontweight="bold", x=0.01, ha="left")
    return axs[0].figure


@style.chart
def differences(folder: CompareFolder, language: str = "zh", axes: Sequence[Axes] | None = None) -> Figure:
    """Per key indicator at the horizon: each scenario's mean paired difference from the reference, the
    middle 90% of replications' differences (thin) and the 95% interval of the mean difference (thick);
    differences of shares in percentage points."""
    table = folder.table("differences.csv")
    table = table[table["period"] == table["period"].max()]
    indicators = key_indicators(folder)
    axs = style.axes_row(axes, len(indicators), rows=2)
    figure = axs[0].figure
    english = dict(zip((name for name, _ in folder.runs), folder.titles(language), strict=True))
    measure = layout.renderer(figure)
    room = NAME_ROOM * figure.get_figwidth() * 72
    for n, (ax, indicator) in enumerate(zip(axs, indicators, strict=True)):
        rows = table[table["indicator"] == indicator].reset_index(drop=True)
        shown = numbers.unit(indicator, language, [*rows["p5"], *rows["p95"]], difference=True)
        y = np.arange(len(rows))
        ax.hlines(y, rows["p5"] * shown.factor, rows["p95"] * shown.factor, color="#777777", linewidth=2,
                  label=word("legend.interval_90", language))
        ax.hlines(y, rows["ci_low"] * shown.factor, rows["ci_high"] * shown.factor, color=style.PALETTE[0],
                  linewidth=6, label=word("legend.ci_95", language))
        ax.plot(rows["mean"] * shown.factor, y, linestyle="none", marker="D", color="black", markersize=6, zorder=3,
                label=word("legend.mean_difference", language))
        style.guide(ax.axvline(0, color="#333333", linewidth=0.8))
        size = FontProperties(size=rcParams["ytick.labelsize"]).get_size_in_points()
        ax.set_yticks(y, [layout.wrap(english.get(s, s), room, size, measure) for s in rows["scenario"]])
        if n % 2:  # panels side by side list the scenarios in one order: the left panel names them
            ax.tick_params(labelleft=False)
        ax.set_ylim(-0.6, len(rows) - 0.4)
        ax.grid(axis="y", visible=False)
        ax.set_title(label(indicator, language), fontsize=11)
        ax.set_xlabel("Δ " + shown.name)
        style.thousands(ax.xaxis)
    reference = english.get(table["reference"].iloc[0], table["reference"].iloc[0]) if len(table) else ""
    if axes is None:
        figure.suptitle(word("title.differences_from", language, reference=reference, month=table["period"].max()),
                        fontweight="bold", x=0.01, ha="left")
    style.wrap_titles(axs)
    style.shared_legend(axs, ncols=3)
    return figure
