"""Drawing pieces the charts share: a mean line with its p5–p95 band over months, target lines, a month axis."""

from __future__ import annotations

import math
from typing import Any

import matplotlib.dates as mdates
import matplotlib.ticker as mticker
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from sim.charts import style
from sim.charts.folders import RunFolder
from sim.charts.words import label, unit, word
from sim.indicators import INDICATORS


def months(index: pd.Index) -> pd.DatetimeIndex:
    return pd.to_datetime(pd.Index(index).astype(str), format="%Y-%m")


def month_axis(ax: Axes) -> None:
    """Ticks at each January and July, written YYYY-MM in both languages (no axis name: dates say it)."""
    ax.xaxis.set_major_locator(mdates.MonthLocator(bymonth=(1, 7)))
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y-%m"))


def band_line(ax: Axes, series: pd.DataFrame, factor: float, text: str, i: int, band: bool = True) -> None:
    """The mean over months as a line (marker every few months) and the p5–p95 band behind it."""
    x = months(series.index)
    look = style.series_style(i)
    ax.plot(x, series["mean"] * factor, label=text, markevery=max(len(x) // 8, 1), zorder=2, **look)
    if band:
        ax.fill_between(x, series["p5"] * factor, series["p95"] * factor, color=look["color"],
                        alpha=style.BAND_ALPHA, linewidth=0, zorder=1)


def indicator_lines(ax: Axes, folder: RunFolder, indicators: list[str], language: str, first: int = 0) -> None:
    """Several city indicators of one unit over months, each with its band; the y axis names the unit."""
    factor = style.scale(indicators[0], language)
    for i, indicator in enumerate(indicators, start=first):
        band_line(ax, folder.city_monthly(indicator), factor, label(indicator, language), i)
    month_axis(ax)


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


def shown_value(value: float, indicator: str, language: str) -> str:
    """A value as a reader sees it: shares in %, yuan in 万 or millions, ratios with one decimal."""
    factor = style.scale(indicator, language)
    unit = INDICATORS[indicator].unit_en
    if unit == "share":
        return f"{value * factor:.0f}%" if abs(value * factor - round(value * factor)) < 0.05 else \
            f"{value * factor:.1f}%"
    if unit == "yuan":
        return f"{value * factor:,.0f}"
    return f"{value:,.1f}" if INDICATORS[indicator].kind == "ratio" else f"{value:,.0f}"


def probability(value: float, language: str) -> str:
    return word("brief.beyond", language) if value is None or math.isnan(value) else f"{value:.0%}"


def condition(target: Any, language: str) -> str:
    """A target row's condition as a reader sees it: "≥ 4.5", "≥ 100%"."""
    sign = "≥" if target.at_least else "≤"
    return f"{sign} {shown_value(target.threshold, target.indicator, language)}"


def targets(ax: Axes, folder: RunFolder, indicator: str, language: str, where: str = "city",
            time_axis: bool = True, horizontal: bool = True) -> list[float]:
    """The result's targets on ``indicator`` as dashed lines (on a time axis also a dotted line at each
    deadline); the thresholds drawn, in axis units."""
    factor = style.scale(indicator, language)
    drawn = []
    for row in folder.targets(indicator, where).itertuples():
        text = word("legend.target_full", language, condition=condition(row, language), deadline=row.deadline,
                    probability=probability(row.probability_met, language))
        style.target_line(ax, row.threshold * factor, text, horizontal)
        if time_axis:
            ax.axvline(months([row.deadline])[0], **style.DEADLINE_STYLE)
        drawn.append(row.threshold * factor)
    return drawn


def y_label(ax: Axes, indicator: str, language: str) -> None:
    """The unit alone: the title and legend name the indicator."""
    ax.set_ylabel(unit(indicator, language))


def against_targets(ax: Axes, folder: RunFolder, indicator: str, language: str) -> list[float]:
    """One city indicator with its band, the result's targets on it and its unit; the thresholds drawn."""
    indicator_lines(ax, folder, [indicator], language)
    thresholds = targets(ax, folder, indicator, language)
    y_label(ax, indicator, language)
    return thresholds


def right_axis(ax: Axes) -> Axes:
    """A second y axis on the right for a series of another unit."""
    right = ax.twinx()
    right.grid(False)
    right.spines["right"].set_visible(True)
    return right


def counts_axis(ax: Axes) -> None:
    """A y axis of counts: from zero, whole-number ticks with thousands separators (an all-zero series, such
    as no staff shortage, still gets a readable 0–1 axis)."""
    ax.set_ylim(0, max(ax.get_ylim()[1], 1))
    ax.yaxis.set_major_locator(mticker.MaxNLocator(integer=True))
    ax.yaxis.set_major_formatter(mticker.StrMethodFormatter("{x:,.0f}"))
