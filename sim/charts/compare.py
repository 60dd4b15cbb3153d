"""Charts of a comparison folder (情景比较): every scenario on the same axes, and paired differences from
the reference scenario with their intervals."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from sim.charts import draw, style
from sim.charts.folders import CompareFolder
from sim.charts.words import label, unit, word

KEY_INDICATORS = ("places_per_1000", "enrolment_rate", "waitlist", "spend_cumulative")


def key_indicators(folder: CompareFolder) -> list[str]:
    """The key indicators the comparison holds (differences.csv names them), in the house order."""
    present = set(folder.table("differences.csv")["indicator"])
    chosen = [name for name in KEY_INDICATORS if name in present]
    return chosen or sorted(present)[: len(KEY_INDICATORS)]


@style.chart
def scenarios(folder: CompareFolder, language: str = "zh", axes: Sequence[Axes] | None = None) -> Figure:
    """Each key indicator over months, one line and band per scenario, the reference's targets dashed."""
    indicators = list(KEY_INDICATORS)
    axs = style.axes_row(axes, len(indicators), size=(12.0, 7.5), rows=2)
    runs = folder.runs
    for ax, indicator in zip(axs, indicators, strict=True):
        factor = style.scale(indicator, language)
        for i, (name, run) in enumerate(runs):
            draw.band_line(ax, run.city_monthly(indicator), factor, name, i)
        draw.targets(ax, runs[0][1], indicator, language)
        draw.month_axis(ax)
        ax.set_title(label(indicator, language), fontsize=11)
        ax.set_ylabel(unit(indicator, language))
        draw.counts_axis(ax)
    axs[0].legend(loc="best", fontsize=8, framealpha=0.8, frameon=True)
    axs[0].figure.suptitle(word("title.scenarios", language), fontweight="bold", x=0.01, ha="left")
    return axs[0].figure


@style.chart
def differences(folder: CompareFolder, language: str = "zh", axes: Sequence[Axes] | None = None) -> Figure:
    """Per key indicator at the horizon: each scenario's mean paired difference from the reference, the
    middle 90% of replications' differences (thin) and the 95% interval of the mean difference (thick)."""
    table = folder.table("differences.csv")
    table = table[table["period"] == table["period"].max()]
    indicators = key_indicators(folder)
    axs = style.axes_row(axes, len(indicators), size=(12.0, 2.0 + 0.9 * table["scenario"].nunique() * 2), rows=2)
    for n, (ax, indicator) in enumerate(zip(axs, indicators, strict=True)):
        rows = table[table["indicator"] == indicator].reset_index(drop=True)
        factor = style.scale(indicator, language)
        y = np.arange(len(rows))
        ax.hlines(y, rows["p5"] * factor, rows["p95"] * factor, color="#777777", linewidth=2,
                  label=word("legend.interval_90", language) if n == 0 else None)
        ax.hlines(y, rows["ci_low"] * factor, rows["ci_high"] * factor, color=style.PALETTE[0], linewidth=6,
                  label=word("legend.ci_95", language) if n == 0 else None)
        for i, row in rows.iterrows():
            ax.plot(row["mean"] * factor, i, **{**style.series_style(i + 1), "linestyle": "none", "color": "black"},
                    markersize=6, zorder=3)
        ax.axvline(0, color="#333333", linewidth=0.8)
        ax.set_yticks(y, rows["scenario"])
        ax.set_ylim(-0.6, len(rows) - 0.4)
        ax.grid(axis="y", visible=False)
        ax.set_title(label(indicator, language), fontsize=11)
        ax.set_xlabel("Δ " + unit(indicator, language))
    reference = table["reference"].iloc[0] if len(table) else ""
    figure = axs[0].figure
    figure.suptitle(f"{word('title.differences', language)}: {reference} ({table['period'].max()})",
                    fontweight="bold", x=0.01, ha="left")
    style.legend_below(axs[-1], ncols=2)
    return figure
