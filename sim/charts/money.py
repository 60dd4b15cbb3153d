"""Charts of public money (财政资金), from a run folder: where the appropriations went, the spending on childcare
services by item against what the appropriations leave for them, and money paid out to date.

The funds pay two kinds of thing: childcare services (the ``spend_<item>`` indicators, ``spend_total``) and the
household childcare subsidy (育儿补贴, ``transfer_household_subsidy``), a transfer to families that is usually
most of the money. Every chart names the two apart, so services are never set against appropriations that
mostly pay the subsidy, and appropriations are called appropriations (拨款), never a budget left unused.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from sim.charts import draw, numbers, style
from sim.charts.words import short_label, word
from sim.indicators import INDICATORS
from sim.result_folders import RunFolder

SPENDING_ITEMS = [name for name in INDICATORS
                  if name.startswith("spend_") and name not in ("spend_total", "spend_cumulative", "spend_deferred")]
MAX_ITEMS = 8  # the rest is drawn as one "other items" block, so the legend stays readable
SERVICES_COLOUR, SUBSIDY_COLOUR = style.PALETTE[0], style.PALETTE[4]
# Blocks of the sources-and-uses chart: (column of yearly_money, legend word, colour, hatch).
SOURCES = (("carried_in", "legend.carried_in", "#cccccc", ".."), ("appropriated", "legend.appropriated_year",
                                                                   "#888888", ""))
USES = (("services", "legend.services", SERVICES_COLOUR, ""), ("household_subsidy", "legend.household_subsidy",
                                                               SUBSIDY_COLOUR, "//"),
        ("lapsed", "legend.lapsed", style.TARGET_COLOUR, "xx"), ("closing", "legend.closing", "white", "\\\\"))


def spending_by_item(folder: RunFolder) -> pd.DataFrame:
    """Mean spending per calendar year (rows) and item (columns, largest first), yuan; items never paid left out."""
    frame = pd.DataFrame({item: folder.city_yearly(item)["mean"] for item in SPENDING_ITEMS})
    frame = frame.loc[:, frame.sum() > 0]
    return frame[frame.sum().sort_values(ascending=False).index]


def yearly_money(folder: RunFolder) -> pd.DataFrame:
    """Per calendar year, means over replications in yuan: ``services`` (spend_total) and ``household_subsidy``
    paid, and with a budget the funds' ``carried_in`` (balance at the year's start), ``appropriated``, ``lapsed``
    and ``closing`` (balance at the year's end); carried_in + appropriated = services + household_subsidy +
    lapsed + closing."""
    frame = pd.DataFrame({"services": folder.city_yearly("spend_total")["mean"],
                          "household_subsidy": folder.city_yearly("transfer_household_subsidy")["mean"]})
    fund_months = folder.funds()
    if fund_months is None:
        return frame
    per_month = fund_months.groupby(["replication", "month"], sort=True)[
        ["opening_yuan", "appropriated_yuan", "lapsed_yuan", "closing_yuan"]].sum().reset_index()
    per_month["year"] = per_month["month"].str[:4].astype(int)
    years = per_month.groupby(["replication", "year"], sort=True)
    per_year = pd.DataFrame({"carried_in": years["opening_yuan"].first(),
                             "appropriated": years["appropriated_yuan"].sum(),
                             "lapsed": years["lapsed_yuan"].sum(), "closing": years["closing_yuan"].last()})
    return frame.join(per_year.groupby("year").mean(), how="left")


def to_date(folder: RunFolder) -> pd.DataFrame:
    """Per month, means in yuan: services and household subsidy paid to date and, with a budget, the money made
    available to date (opening balances and appropriations)."""
    services = folder.city_monthly("spend_cumulative")
    frame = pd.DataFrame({"services": services["mean"], "services_p5": services["p5"], "services_p95": services["p95"],
                          "household_subsidy": folder.city_monthly("transfer_household_subsidy")["mean"].cumsum()})
    fund_months = folder.funds()
    if fund_months is not None:
        per_month = fund_months.groupby(["replication", "month"])[["opening_yuan", "appropriated_yuan"]].sum()
        means = per_month.groupby("month").mean()
        frame["available"] = means["opening_yuan"].iloc[0] + means["appropriated_yuan"].cumsum()
        frame.attrs["opening"] = float(means["opening_yuan"].iloc[0])
    return frame


@style.chart
def funds(folder: RunFolder, language: str = "zh", ax: Axes | None = None) -> Figure:
    """Per year the money the funds had (carried over, appropriated) beside what it paid for: childcare services,
    the household subsidy to families, lapsed money and the balance left at the year's end."""
    ax = style.axes(ax)
    money = yearly_money(folder)
    with_budget = "appropriated" in money
    shown = numbers.money_unit(money.sum(axis=1) if not with_budget else money[["carried_in", "appropriated"]].sum(
        axis=1), language)
    years = np.arange(len(money))
    pairs = ((-0.21, SOURCES), (0.21, USES)) if with_budget else ((0.0, USES[:2]),)
    for offset, blocks in pairs:
        bottom = np.zeros(len(years))
        for column, key, colour, hatch in blocks:
            values = money[column].fillna(0).to_numpy() * shown.factor
            if not values.any():
                continue
            ax.bar(years + offset, values, bottom=bottom, width=0.38, color=colour, hatch=hatch,
                   edgecolor="#555555" if colour == "white" else "white", linewidth=0.6, label=word(key, language),
                   zorder=2)
            bottom += values
    if with_budget:
        ax.set_xticks(np.concatenate([years - 0.21, years + 0.21]),
                      [f"{year}\n{word(side, language)}" for side in ("axis.sources", "axis.uses")
                       for year in money.index])
    else:
        ax.set_xticks(years, [str(y) for y in money.index])
    ax.set_ylabel(shown.name)
    draw.counts_axis(ax)
    ax.set_title(word("title.funds", language))
    style.legend_below(ax, ncols=3)
    return ax.figure


@style.chart
def spending(folder: RunFolder, language: str = "zh", ax: Axes | None = None) -> Figure:
    """Spending on childcare services stacked by item per year, against the year's appropriations less the
    household subsidy they paid; each bar's total and its share of that."""
    ax = style.axes(ax)
    items = spending_by_item(folder)
    money = yearly_money(folder)
    room = money["appropriated"] - money["household_subsidy"] if "appropriated" in money else None
    shown = numbers.money_unit([*items.sum(axis=1), *([] if room is None else room)], language)
    items = items * shown.factor
    if items.shape[1] > MAX_ITEMS:
        kept = items.iloc[:, : MAX_ITEMS - 1]
        items = kept.assign(other=items.iloc[:, MAX_ITEMS - 1:].sum(axis=1))
    years = np.arange(len(money.index))
    items = items.reindex(money.index, fill_value=0.0)
    bottom = np.zeros(len(years))
    for i, item in enumerate(items.columns):
        text = word("legend.other_items", language) if item == "other" else short_label(item, language)
        ax.bar(years, items[item], bottom=bottom, width=0.6, label=text, color=style.PALETTE[i % len(style.PALETTE)],
               hatch=style.HATCHES[i % len(style.HATCHES)], edgecolor="white", linewidth=0.5, zorder=2)
        bottom += items[item].to_numpy()
    if room is not None:
        ax.hlines(room * shown.factor, years - 0.4, years + 0.4, label=word("legend.service_budget", language),
                  zorder=3, **style.TARGET_STYLE)
    for year, total in zip(years, bottom, strict=True):
        share = f" ({total / (room.iloc[year] * shown.factor):.0%})" if room is not None and room.iloc[year] > 0 else ""
        ax.annotate(shown.text(total / shown.factor) + share, (year, total), xytext=(0, 3), textcoords="offset points",
                    ha="center", va="bottom", fontsize=8)
    ax.set_xticks(years, [str(y) for y in money.index])
    ax.set_ylabel(shown.name)
    draw.counts_axis(ax)
    ax.set_ylim(top=ax.get_ylim()[1] * 1.08)  # room for the totals above the bars
    ax.set_title(word("title.spending", language))
    style.legend_below(ax, ncols=3)
    return ax.figure


@style.chart
def cumulative_cost(folder: RunFolder, language: str = "zh", ax: Axes | None = None) -> Figure:
    """Childcare services paid to date (with its band) and the household subsidy paid to date on top of it,
    against the money made available to date (appropriations, and opening balances if any)."""
    ax = style.axes(ax)
    frame = to_date(folder)
    top = frame["services"] + frame["household_subsidy"]
    shown = numbers.money_unit([*top, *frame.get("available", [])], language)
    x = draw.months(frame.index)
    services = frame[["services", "services_p5", "services_p95"]].set_axis(["mean", "p5", "p95"], axis=1)
    draw.band_line(ax, services, shown.factor, word("legend.services_to_date", language), 0)
    if frame["household_subsidy"].any():
        ax.fill_between(x, frame["services"] * shown.factor, top * shown.factor, facecolor=SUBSIDY_COLOUR, alpha=0.55,
                        hatch="//", edgecolor="white", linewidth=0, label=word("legend.household_subsidy_to_date",
                                                                              language), zorder=1)
    if "available" in frame:
        key = "legend.available_cumulative" if frame.attrs.get("opening") else "legend.appropriated_cumulative"
        ax.step(x, frame["available"] * shown.factor, where="post", label=word(key, language), **style.TARGET_STYLE)
    draw.month_axis(ax)
    ax.set_ylabel(shown.name)
    draw.counts_axis(ax)
    title = "title.cumulative_cost" if "available" in frame else "title.cumulative_spending"
    return draw.finish_banded(ax, word(title, language), language, ncols=2)
