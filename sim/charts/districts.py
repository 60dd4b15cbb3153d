"""Charts across the city's districts (区县), from a run folder: places side by side, and which constraint
limits enrolment over time."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from sim.charts import draw, numbers, style
from sim.charts.words import label, with_unit, word
from sim.model.lifecycle import DESERT_CHILDREN_PER_PLACE
from sim.result_folders import RunFolder

MOST_DISTRICTS = 24  # bars a slide holds with readable names


@style.chart
def districts(folder: RunFolder, language: str = "zh", axes: Sequence[Axes] | None = None) -> Figure:
    """Per district at the horizon: places per 1,000 residents (with the city's target) and children per
    place (with the childcare-desert threshold), mean and p5–p95 across replications."""
    per_1000_ax, per_place_ax = style.axes_row(axes, 2)
    every = folder.districts_at_horizon("places_per_1000", language).sort_values("mean")
    per_1000 = every.head(MOST_DISTRICTS)  # a province's 168 districts do not fit: those furthest behind do
    per_place = folder.districts_at_horizon("children_per_place", language).set_index("geography").loc[
        per_1000["geography"]].reset_index()
    _bars(per_1000_ax, per_1000, 0, label("places_per_1000", language), language)
    shown = numbers.unit("places_per_1000", language)
    draw.targets(per_1000_ax, folder, "places_per_1000", language, shown, time_axis=False, horizontal=False)
    per_1000_ax.set_xlabel(with_unit(label("places_per_1000", language), shown.name, language))
    _bars(per_place_ax, per_place, 1, label("children_per_place", language), language)
    desert = folder.targets("children_per_place", where=None)
    threshold = float(desert["threshold"].iloc[0]) if len(desert) else DESERT_CHILDREN_PER_PLACE
    style.target_line(per_place_ax, threshold, word("legend.desert", language, value=threshold), horizontal=False)
    per_place_ax.set_xlabel(with_unit(label("children_per_place", language),
                                      numbers.unit("children_per_place", language).name, language))
    per_place_ax.tick_params(labelleft=False)
    for ax in (per_1000_ax, per_place_ax):
        ax.grid(axis="y", visible=False)
        style.legend_below(ax, ncols=1)
    per_1000_ax.set_title(word("title.districts", language) if len(every) <= MOST_DISTRICTS else
                          word("title.districts_fewest", language, shown=MOST_DISTRICTS, total=len(every)))
    return per_1000_ax.figure


def _bars(ax: Axes, rows, i: int, text: str, language: str) -> None:
    y = np.arange(len(rows))
    look = style.series_style(i)
    ax.barh(y, rows["mean"], color=look["color"], hatch=style.HATCHES[i + 1], edgecolor="white", height=0.65,
            label=text, zorder=2)
    ax.hlines(y, rows["p5"], rows["p95"], color="#222222", linewidth=1, zorder=3,
              label=word("legend.interval_90", language))
    ax.set_yticks(y, rows["label"])


@style.chart
def binding(folder: RunFolder, language: str = "zh", ax: Axes | None = None) -> Figure:
    """Share of districts (averaged over replications) in which each constraint limits enrolment, by month."""
    ax = style.axes(ax)
    table = folder.table("binding_constraint.csv")
    columns = [c for c in table.columns if c.startswith("share_")]
    shares = table.groupby("month")[columns].mean() * 100
    x = draw.months(shares.index)
    ax.stackplot(x, shares.T.to_numpy(), labels=[word(f"constraint.{c.removeprefix('share_')}", language)
                                                  for c in columns],
                 colors=[style.CONSTRAINT_COLOURS.get(c.removeprefix("share_"), "#bbbbbb") for c in columns],
                 hatch=list(style.HATCHES[: len(columns)]), edgecolor="white", linewidth=0.4)
    ax.set_ylim(0, 100)
    ax.set_xlim(x[0], x[-1])
    ax.set_ylabel(word("axis.share_of_districts", language))
    draw.month_axis(ax)
    ax.set_title(word("title.binding", language))
    style.legend_below(ax, ncols=len(columns))
    return ax.figure
