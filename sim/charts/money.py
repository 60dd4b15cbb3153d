"""Charts of public money (财政支出), from a run folder: spending by item per year against appropriations,
and cumulative spending."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from sim.charts import draw, style
from sim.charts.folders import RunFolder
from sim.charts.words import short_label, word
from sim.indicators import INDICATORS

SPENDING_ITEMS = [name for name in INDICATORS
                  if name.startswith("spend_") and name not in ("spend_total", "spend_cumulative", "spend_deferred")]
MAX_ITEMS = 8  # the rest is drawn as one "other items" block, so the legend stays readable


def spending_by_item(folder: RunFolder) -> pd.DataFrame:
    """Mean spending per calendar year (rows) and item (columns, largest first), yuan; items never paid left out."""
    frame = pd.DataFrame({item: folder.city_yearly(item)["mean"] for item in SPENDING_ITEMS})
    frame = frame.loc[:, frame.sum() > 0]
    return frame[frame.sum().sort_values(ascending=False).index]


def by_year_and_fund(folder: RunFolder, column: str) -> pd.DataFrame | None:
    """Mean over replications of a funds.csv column summed per calendar year (rows) and fund (columns), yuan;
    None without a budget."""
    funds = folder.funds()
    if funds is None:
        return None
    per_replication = (funds.assign(year=funds["month"].str[:4].astype(int))
                       .groupby(["replication", "year", "fund"], sort=False)[column].sum())
    return per_replication.groupby(["year", "fund"], sort=False).mean().unstack("fund")


@style.chart
def spending(folder: RunFolder, language: str = "zh", ax: Axes | None = None) -> Figure:
    """Spending stacked by item per calendar year (mean of replications) and each year's appropriations."""
    ax = style.axes(ax)
    factor = style.money_scale(language)
    items = spending_by_item(folder) * factor
    if items.shape[1] > MAX_ITEMS:
        kept = items.iloc[:, : MAX_ITEMS - 1]
        items = kept.assign(other=items.iloc[:, MAX_ITEMS - 1:].sum(axis=1))
    years = np.arange(len(items.index))
    bottom = np.zeros(len(years))
    for i, item in enumerate(items.columns):
        text = word("legend.other_items", language) if item == "other" else short_label(item, language)
        ax.bar(years, items[item], bottom=bottom, width=0.6, label=text, color=style.PALETTE[i % len(style.PALETTE)],
               hatch=style.HATCHES[i % len(style.HATCHES)], edgecolor="white", linewidth=0.5, zorder=2)
        bottom += items[item].to_numpy()
    appropriated = by_year_and_fund(folder, "appropriated_yuan")
    if appropriated is not None:
        total = appropriated.sum(axis=1).reindex(items.index) * factor
        ax.hlines(total, years - 0.4, years + 0.4, label=word("legend.appropriated", language), zorder=3,
                  **style.TARGET_STYLE)
    ax.set_xticks(years, [str(y) for y in items.index])
    ax.set_xlabel(word("axis.year", language))
    ax.set_ylabel(word("unit.money", language))
    draw.counts_axis(ax)
    ax.set_title(word("title.spending", language))
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), ncols=1)
    return ax.figure


@style.chart
def cumulative_cost(folder: RunFolder, language: str = "zh", ax: Axes | None = None) -> Figure:
    """Spending paid to date with its band, and appropriations to date when there is a budget."""
    ax = style.axes(ax)
    draw.indicator_lines(ax, folder, ["spend_cumulative"], language)
    funds = folder.funds()
    if funds is not None:
        per_month = funds.groupby(["replication", "month"])["appropriated_yuan"].sum().groupby("month").mean()
        ax.step(draw.months(per_month.index), per_month.cumsum() * style.money_scale(language), where="post",
                label=word("legend.appropriated", language), **style.TARGET_STYLE)
    ax.set_ylabel(word("unit.money", language))
    draw.counts_axis(ax)
    return draw.finish_banded(ax, word("title.cumulative_cost", language), language, ncols=3)
