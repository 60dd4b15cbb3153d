"""Charts across the city's districts (区县), from a run folder: places side by side, and which constraint
limits enrolment, year by year."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from sim.binding import CONSTRAINTS, probe_label
from sim.charts import draw, numbers, style
from sim.charts.words import label, with_unit, word
from sim.model.lifecycle import DESERT_CHILDREN_PER_PLACE
from sim.model.probe import RESOURCES
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
def binding(folder: RunFolder, language: str = "zh", axes: Sequence[Axes] | None = None) -> Figure:
    """What limits enrolment, measured by probes: the share of districts each constraint binds in, by year, and
    the children in care a little more of each resource adds in the city."""
    shares_ax, gains_ax = style.axes_row(axes, 2)
    table = folder.table("binding_constraint.csv")
    if not len(table):  # the run measured nothing (--binding-reps 0)
        for ax in (shares_ax, gains_ax):
            ax.set_axis_off()
        shares_ax.text(0, 0.5, word("note.binding_not_measured", language), transform=shares_ax.transAxes)
        shares_ax.set_title(word("title.binding", language))
        return shares_ax.figure
    years = sorted(table["year"].unique())
    x = np.arange(len(years))
    bottom = np.zeros(len(years))
    for i, constraint in enumerate(CONSTRAINTS):
        share = np.array([np.mean(table.loc[table["year"] == year, "binding_constraint"] == constraint)
                          for year in years]) * 100
        shares_ax.bar(x, share, bottom=bottom, width=0.6, color=style.CONSTRAINT_COLOURS[constraint],
                      hatch=style.HATCHES[i], edgecolor="white", label=word(f"constraint.{constraint}", language))
        bottom += share
    shares_ax.set_xticks(x, [str(year) for year in years])
    shares_ax.set_ylim(0, 100)
    shares_ax.set_ylabel(word("axis.share_of_districts", language))
    shares_ax.set_title(word("title.binding", language))
    style.legend_below(shares_ax, ncols=2)
    resources = [r for r in RESOURCES if f"gain_{r}" in table.columns]
    gains = table.groupby("year")[[f"gain_{r}" for r in resources]].sum()
    width = 0.8 / len(resources)
    for i, resource in enumerate(resources):
        look = style.series_style(i)
        gains_ax.bar(x - 0.4 + width * (i + 0.5), gains[f"gain_{resource}"].to_numpy(), width=width,
                     color=look["color"], hatch=style.HATCHES[i + 1], edgecolor="white",
                     label=probe_label(resource, language))
    style.guide(gains_ax.axhline(0, color="#444444", linewidth=0.8))
    gains_ax.set_xticks(x, [str(year) for year in years])
    gains_ax.set_ylabel(word("axis.children_added", language, end=folder.horizon[1]))
    gains_ax.set_title(word("title.binding_gains", language))
    style.legend_below(gains_ax, ncols=2)
    return shares_ax.figure
