"""Drawing pieces the charts share: a mean line with its p5–p95 band over months, target lines, a month axis."""

from __future__ import annotations

import math
from typing import Any

import matplotlib.dates as mdates
import matplotlib.ticker as mticker
import numpy as np
import pandas as pd
from matplotlib import rcParams
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties

from sim.charts import numbers, style
from sim.charts.numbers import Unit
from sim.charts.words import label, word
from sim.result_folders import RunFolder

LABEL_EMS = 4.6  # a "2025-07" tick label and the gap after it, in font sizes


def months(index: pd.Index) -> pd.DatetimeIndex:
    return pd.to_datetime(pd.Index(index).astype(str), format="%Y-%m")


def month_axis(ax: Axes) -> None:
    """Ticks at each January and July (only January where a narrow panel has no room for both), written
    YYYY-MM in both languages (no axis name: dates say it)."""
    low, high = ax.get_xlim()
    size = FontProperties(size=rcParams["xtick.labelsize"]).get_size_in_points()
    room = ax.get_position().width * ax.figure.get_figwidth() * 72
    half_years = (high - low) / 182.6  # matplotlib's dates are days
    ax.xaxis.set_major_locator(mdates.MonthLocator(bymonth=(1, 7) if half_years * LABEL_EMS * size < room else (1,)))
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y-%m"))


def band_line(ax: Axes, series: pd.DataFrame, factor: float, text: str, i: int, band: bool = True) -> None:
    """The mean over months as a line (marker every few months) and the p5–p95 band behind it."""
    x = months(series.index)
    look = style.series_style(i)
    ax.plot(x, series["mean"] * factor, label=text, markevery=max(len(x) // 8, 1), zorder=2, **look)
    if band:
        ax.fill_between(x, series["p5"] * factor, series["p95"] * factor, color=look["color"],
                        alpha=style.BAND_ALPHA, linewidth=0, zorder=1)


def shown_unit(folder: RunFolder, indicators: list[str], language: str) -> Unit:
    """The unit the axis of ``indicators`` (of one unit) shows, money scaled to their size."""
    values = [v for name in indicators for v in folder.city_monthly(name)["p95"]]
    return numbers.unit(indicators[0], language, values)


def indicator_lines(ax: Axes, folder: RunFolder, indicators: list[str], language: str, first: int = 0) -> Unit:
    """Several city indicators of one unit over months, each with its band; returns the unit shown."""
    shown = shown_unit(folder, indicators, language)
    for i, indicator in enumerate(indicators, start=first):
        band_line(ax, folder.city_monthly(indicator), shown.factor, label(indicator, language), i)
    month_axis(ax)
    return shown


def band_legend_entry(ax: Axes, language: str) -> None:
    """A grey patch in the legend saying what the bands are."""
    ax.fill_between([], [], [], color="#777777", alpha=style.BAND_ALPHA * 1.5, linewidth=0,
                    label=word("legend.band", language))


def finish_banded(ax: Axes, title: str, language: str, ncols: int = 2, others: tuple[Axes, ...] = ()) -> Figure:
    """A chart of lines with p5–p95 bands finished: its title, the band's legend entry, the legend below."""
    ax.set_title(title)
    band_legend_entry(ax, language)
    style.legend_below(ax, ncols=ncols, others=others)
    return ax.figure


def probability(value: float, language: str) -> str:
    return word("brief.beyond", language) if value is None or math.isnan(value) else f"{value:.0%}"


def condition(target: Any, language: str, shown_in: Unit | None = None) -> str:
    """A target row's condition as a reader sees it: "≥ 4.5", "≥ 100%"."""
    sign = "≥" if target.at_least else "≤"
    return f"{sign} {numbers.value_text(target.threshold, target.indicator, language, shown_in)}"


def targets(ax: Axes, folder: RunFolder, indicator: str, language: str, shown_in: Unit, where: str = "city",
            time_axis: bool = True, horizontal: bool = True) -> list[float]:
    """The result's targets on ``indicator`` as dashed lines (on a time axis also a dotted line at each
    deadline); the thresholds drawn, in axis units."""
    drawn = []
    for row in folder.targets(indicator, where).itertuples():
        text = word("legend.target_full", language, condition=condition(row, language, shown_in),
                    deadline=row.deadline, probability=probability(row.probability_met, language))
        style.target_line(ax, row.threshold * shown_in.factor, text, horizontal)
        if time_axis:
            style.guide(ax.axvline(months([row.deadline])[0], **style.DEADLINE_STYLE))
        drawn.append(row.threshold * shown_in.factor)
    return drawn


def against_targets(ax: Axes, folder: RunFolder, indicator: str, language: str) -> list[float]:
    """One city indicator with its band, the result's targets on it and its unit; the thresholds drawn."""
    shown = indicator_lines(ax, folder, [indicator], language)
    thresholds = targets(ax, folder, indicator, language, shown)
    ax.set_ylabel(shown.name)
    return thresholds


def right_axis(ax: Axes) -> Axes:
    """A second y axis on the right for a series of another unit."""
    right = ax.twinx()
    right.grid(False)
    right.spines["right"].set_visible(True)
    return right


def counts_axis(ax: Axes) -> None:
    """A y axis of counts or amounts: from zero, thousands separators (an all-zero series still gets a readable
    0–1 axis)."""
    ax.set_ylim(0, max(ax.get_ylim()[1], 1))
    ax.yaxis.set_major_locator(mticker.MaxNLocator(nbins="auto", steps=[1, 2, 2.5, 5, 10]))
    style.thousands(ax.yaxis)


def second_series(ax: Axes, folder: RunFolder, indicator: str, language: str, i: int) -> tuple[Axes, ...]:
    """``indicator`` on a right-hand axis with its targets, returned for the legend; a series that never moves
    (no staff shortage at all) gets no axis, only a legend entry saying its value."""
    series = folder.city_monthly(indicator)
    shown = shown_unit(folder, [indicator], language)
    if np.ptp(series[["mean", "p5", "p95"]].to_numpy()) == 0:
        value = numbers.value_text(float(series["mean"].iloc[0]), indicator, language, shown)
        ax.plot([], [], linestyle="none", label=word("legend.constant", language, name=label(indicator, language),
                                                     value=value))
        return ()
    right = right_axis(ax)
    band_line(right, series, shown.factor, label(indicator, language), i)
    targets(right, folder, indicator, language, shown)
    right.set_ylabel(shown.name)
    counts_axis(right)
    return (right,)
