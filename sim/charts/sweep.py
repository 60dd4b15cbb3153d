"""Charts of a sensitivity sweep (敏感性分析), one panel per metric on a 16:9 slide, from ``analysis.csv``: a
tornado chart for one-at-a-time sweeps, Sobol and Morris indices with their intervals, rank correlations for
LHS and grids. Parameters are named in words with their units (:mod:`sim.charts.parameters`), and the foot of
the slide says how many runs the analysis rests on and which intervals are too wide to rank by."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib import rcParams
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties

from sim.charts import layout, numbers, style
from sim.charts.parameters import parameter_label
from sim.charts.words import label, word
from sim.experiments.analysis import WIDE
from sim.indicators import INDICATORS
from sim.result_folders import SweepFolder

LABEL_ROOM = 0.17  # of the slide's width, the most a parameter's name takes before it wraps


def metric_title(metric: str, language: str) -> str:
    """``places_per_1000@2027-12`` → "Places per 1,000 residents, 2027-12"."""
    name, _, period = metric.partition("@")
    text = label(name, language) if name in INDICATORS else name
    return f"{text}, {period}" if period else text


def _panels(folder: SweepFolder, axes: Sequence[Axes] | None) -> list[tuple[Axes, str, pd.DataFrame]]:
    """One axes per metric of analysis.csv, in a grid on a 16:9 slide."""
    analysis = folder.table("analysis.csv")
    metrics = list(dict.fromkeys(analysis["metric"]))
    rows = 1 if len(metrics) <= 2 else 2
    axs = style.axes_row(axes, len(metrics), rows=rows)
    return [(ax, metric, analysis[analysis["metric"] == metric].reset_index(drop=True))
            for ax, metric in zip(axs, metrics, strict=True)]


def _finish(ax: Axes, metric: str, rows: pd.DataFrame, language: str, x_label: str,
            ranges: list[str] | None = None) -> None:
    """Parameters named in words (with the swept range, when given, on a line of its own), largest on top."""
    measure = layout.renderer(ax.figure)
    size = FontProperties(size=rcParams["ytick.labelsize"]).get_size_in_points()
    room = LABEL_ROOM * ax.figure.get_figwidth() * 72
    names = [layout.wrap(parameter_label(p, language), room, size, measure) for p in rows["parameter"]]
    ax.set_yticks(np.arange(len(rows)), [f"{n}\n{r}" for n, r in zip(names, ranges, strict=True)] if ranges
                  else names)
    ax.invert_yaxis()  # the largest effect on top
    ax.grid(axis="y", visible=False)
    ax.set_title(metric_title(metric, language), fontsize=11)
    ax.set_xlabel(x_label)


def _legend_and_notes(panels: list[tuple[Axes, str, pd.DataFrame]], own_figure: bool, title: str, language: str,
                      notes: list[str]) -> Figure:
    axs = [ax for ax, _, _ in panels]
    figure = axs[0].figure
    style.wrap_titles(axs)
    style.shared_legend(axs, ncols=4)
    if own_figure:
        figure.suptitle(word(title, language), fontweight="bold", x=0.01, ha="left")
    for text in notes:
        style.note(figure, text)
    return figure


def _run_note(folder: SweepFolder, language: str) -> str:
    manifest = folder.manifest
    values = {"n": manifest.get("n"), "k": len(manifest.get("parameters", [])), "runs": manifest.get("runs", "?"),
              "reps": folder.reps, "method": folder.method.upper()}
    key = {"sobol": "note.sobol", "morris": "note.morris", "oat": "note.oat"}.get(folder.method, "note.correlation")
    return word(key, language, **values)


@style.chart
def tornado(folder: SweepFolder, language: str = "zh", axes: Sequence[Axes] | None = None) -> Figure:
    """One-at-a-time: the metric with each parameter at its low and at its high value, around the base run;
    parameters by swing, largest on top."""
    panels = _panels(folder, axes)
    for ax, metric, rows in panels:
        rows = rows.sort_values("swing", ascending=False).reset_index(drop=True)
        name = metric.partition("@")[0]
        outputs = [*rows["output_low"], *rows["output_high"]]
        shown = numbers.unit(name, language, outputs) if name in INDICATORS else numbers.Unit(1.0, metric)
        y = np.arange(len(rows))
        base = float(rows["output_base"].iloc[0]) * shown.factor
        for i, (column, key) in enumerate((("output_low", "legend.low"), ("output_high", "legend.high"))):
            ax.barh(y, rows[column] * shown.factor - base, left=base, height=0.6, color=style.PALETTE[i],
                    hatch=style.HATCHES[i + 1], edgecolor="white", label=word(key, language), zorder=2)
        ax.axvline(base, color="#222222", linewidth=1.2, label=word("legend.base", language))
        ranges = [word("axis.range", language, low=f"{row['low']:,g}", high=f"{row['high']:,g}")
                  for _, row in rows.iterrows()]
        _finish(ax, metric, rows, language, shown.name, ranges)
        style.thousands(ax.xaxis)
    return _legend_and_notes(panels, axes is None, "title.tornado", language, [_run_note(folder, language)])


def _index_bars(folder: SweepFolder, language: str, axes: Sequence[Axes] | None, series: list[tuple[str, str, str]],
                order: str, title: str) -> Figure:
    """Grouped horizontal bars of indices (column, its interval's half-width column or "", legend word) per
    parameter, largest ``order`` in size on top; intervals wider than ``WIDE`` drawn in red and counted."""
    panels = _panels(folder, axes)
    height = 0.8 / len(series)
    wide = total = 0
    for ax, metric, rows in panels:
        rows = rows.loc[rows[order].abs().sort_values(ascending=False).index].reset_index(drop=True)
        y = np.arange(len(rows))
        for i, (column, conf, key) in enumerate(series):
            at = y - 0.4 + height * (i + 0.5)
            ax.barh(at, rows[column], height=height * 0.9, color=style.PALETTE[i], hatch=style.HATCHES[i + 1],
                    edgecolor="white", label=word(key, language), zorder=2)
            if conf:
                # Sobol indices are shares of variance: an interval of ±0.1 is too rough to rank by (as the
                # sweep's own notes say); μ* has the metric's unit, so its interval is judged against μ* itself.
                rough = rows[conf] > (WIDE if folder.method == "sobol" else rows[column].abs() / 2)
                wide += int(rough.sum())
                total += len(rows)
                wide_key = "legend.wide" if folder.method == "sobol" else "legend.wide_half"
                for chosen, colour, text in ((~rough, "#222222", word("legend.interval_95", language)),
                                             (rough, style.TARGET_COLOUR, word(wide_key, language, wide=WIDE))):
                    if chosen.any():
                        ax.hlines(at[chosen], (rows[column] - rows[conf])[chosen], (rows[column] + rows[conf])[chosen],
                                  color=colour, linewidth=1.2, label=text, zorder=3)
        style.guide(ax.axvline(0, color="#333333", linewidth=0.8))
        _finish(ax, metric, rows, language, word("axis.index", language))
    notes = [_run_note(folder, language)]
    if wide:
        key = "note.wide" if folder.method == "sobol" else "note.wide_half"
        notes.append(word(key, language, count=wide, total=total, wide=WIDE))
    return _legend_and_notes(panels, axes is None, title, language, notes)


@style.chart
def sobol(folder: SweepFolder, language: str = "zh", axes: Sequence[Axes] | None = None) -> Figure:
    """First-order and total Sobol indices with their 95% intervals, n and the intervals too wide to rank by."""
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

