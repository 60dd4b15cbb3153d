"""Charts of a sensitivity sweep (敏感性分析), one panel per metric, from ``analysis.csv``: a tornado chart
for one-at-a-time sweeps, Sobol and Morris indices with their intervals, rank correlations for LHS and grids."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from sim.charts import style
from sim.charts.folders import SweepFolder
from sim.charts.words import label, unit, word
from sim.indicators import INDICATORS


def metric_title(metric: str, language: str) -> str:
    """``places_per_1000@2027-12`` → "Places per 1,000 residents, 2027-12"."""
    name, _, period = metric.partition("@")
    text = label(name, language) if name in INDICATORS else name
    return f"{text}, {period}" if period else text


def _panels(folder: SweepFolder, axes: Sequence[Axes] | None) -> list[tuple[Axes, str, pd.DataFrame]]:
    """One axes per metric of analysis.csv, sized to its parameters."""
    analysis = folder.table("analysis.csv")
    metrics = list(dict.fromkeys(analysis["metric"]))
    parameters = analysis["parameter"].nunique()
    axs = style.axes_row(axes, len(metrics), size=(10.0, 1.2 + (0.45 * parameters + 1.0) * len(metrics)),
                         rows=len(metrics))
    return [(ax, metric, analysis[analysis["metric"] == metric].reset_index(drop=True))
            for ax, metric in zip(axs, metrics, strict=True)]


def _finish(ax: Axes, metric: str, rows: pd.DataFrame, language: str, x_label: str) -> None:
    ax.set_yticks(np.arange(len(rows)), rows["parameter"])
    ax.invert_yaxis()  # the largest effect on top
    ax.grid(axis="y", visible=False)
    ax.set_title(metric_title(metric, language), fontsize=11)
    ax.set_xlabel(x_label)
    style.legend_below(ax, ncols=3)


@style.chart
def tornado(folder: SweepFolder, language: str = "zh", axes: Sequence[Axes] | None = None) -> Figure:
    """One-at-a-time: the metric with each parameter at its low and at its high value, around the base run;
    parameters by swing, largest on top."""
    panels = _panels(folder, axes)
    for ax, metric, rows in panels:
        rows = rows.sort_values("swing", ascending=False).reset_index(drop=True)
        name = metric.partition("@")[0]
        factor = style.scale(name, language) if name in INDICATORS else 1.0
        y = np.arange(len(rows))
        base = float(rows["output_base"].iloc[0]) * factor
        for i, (column, key) in enumerate((("output_low", "legend.low"), ("output_high", "legend.high"))):
            ax.barh(y, rows[column] * factor - base, left=base, height=0.6, color=style.PALETTE[i],
                    hatch=style.HATCHES[i + 1], edgecolor="white", label=word(key, language), zorder=2)
        ax.axvline(base, color="#222222", linewidth=1.2, label=word("legend.base", language))
        for i, row in rows.iterrows():  # the range right of both bars and of the base line, clear of the bars
            right = max(row["output_low"] * factor, row["output_high"] * factor, base)
            ax.annotate(f"{row['low']:g} / {row['high']:g}", (right, i), xytext=(4, 0), textcoords="offset points",
                        va="center", fontsize=7, color="#444444")
        _finish(ax, metric, rows, language, unit(name, language) if name in INDICATORS else metric)
    panels[0][0].figure.suptitle(word("title.tornado", language), fontweight="bold", x=0.01, ha="left")
    return panels[0][0].figure


def _index_bars(folder: SweepFolder, language: str, axes: Sequence[Axes] | None, series: list[tuple[str, str, str]],
                order: str, title: str) -> Figure:
    """Grouped horizontal bars of indices (column, its interval's half-width column or "", legend word) per
    parameter, largest ``order`` in size on top."""
    panels = _panels(folder, axes)
    height = 0.8 / len(series)
    for ax, metric, rows in panels:
        rows = rows.loc[rows[order].abs().sort_values(ascending=False).index].reset_index(drop=True)
        y = np.arange(len(rows))
        for i, (column, conf, key) in enumerate(series):
            ax.barh(y - 0.4 + height * (i + 0.5), rows[column], height=height * 0.9, color=style.PALETTE[i],
                    hatch=style.HATCHES[i + 1], edgecolor="white", label=word(key, language), zorder=2,
                    xerr=rows[conf] if conf else None, error_kw={"ecolor": "#222222", "elinewidth": 1, "capsize": 2})
        ax.axvline(0, color="#333333", linewidth=0.8)
        _finish(ax, metric, rows, language, word("axis.index", language))
    panels[0][0].figure.suptitle(word(title, language), fontweight="bold", x=0.01, ha="left")
    return panels[0][0].figure


@style.chart
def sobol(folder: SweepFolder, language: str = "zh", axes: Sequence[Axes] | None = None) -> Figure:
    """First-order and total Sobol indices with their 95% intervals."""
    return _index_bars(folder, language, axes, [("S1", "S1_conf", "legend.first_order"),
                                                ("ST", "ST_conf", "legend.total_order")], "ST", "title.sobol")


@style.chart
def morris(folder: SweepFolder, language: str = "zh", axes: Sequence[Axes] | None = None) -> Figure:
    """Morris μ* with its 95% interval, and σ."""
    return _index_bars(folder, language, axes, [("mu_star", "mu_star_conf", "legend.mu_star"),
                                                ("sigma", "", "legend.sigma")], "mu_star", "title.morris")


@style.chart
def correlation(folder: SweepFolder, language: str = "zh", axes: Sequence[Axes] | None = None) -> Figure:
    """Latin hypercube or grid sweeps: Spearman rank correlation and standardised regression coefficients."""
    return _index_bars(folder, language, axes, [("spearman", "", "legend.spearman"), ("src", "", "legend.src")],
                       "spearman", "title.correlation")
