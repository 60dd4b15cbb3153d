"""Charts of places, children and carers over time (托位、入托与从业人员), from a run folder."""

from __future__ import annotations

from matplotlib.axes import Axes
from matplotlib.figure import Figure

from sim.charts import draw, style
from sim.charts.words import word
from sim.result_folders import RunFolder


@style.chart
def places_demand(folder: RunFolder, language: str = "zh", ax: Axes | None = None) -> Figure:
    """Licensed and usable places against the children whose families want care and who would enrol."""
    ax = style.axes(ax)
    draw.indicator_lines(ax, folder, ["places_licensed", "places_usable", "demand_stated", "demand_effective",
                                      "enrolled"], language)
    ax.set_ylabel(word("axis.places_children", language))
    draw.counts_axis(ax)
    return draw.finish_banded(ax, word("title.places_demand", language), language, ncols=3)


@style.chart
def places_per_1000(folder: RunFolder, language: str = "zh", ax: Axes | None = None) -> Figure:
    """Places per 1,000 residents with its band and the result's targets (4.5 by 2025-12 nationally)."""
    ax = style.axes(ax)
    thresholds = draw.against_targets(ax, folder, "places_per_1000", language)
    ax.set_ylim(0, max([ax.get_ylim()[1], *(t * 1.15 for t in thresholds)]))
    return draw.finish_banded(ax, word("title.places_per_1000", language), language, ncols=2)


@style.chart
def enrolment(folder: RunFolder, language: str = "zh", ax: Axes | None = None) -> Figure:
    """Enrolment rate (left axis, %) and the waitlist (right axis, children)."""
    ax = style.axes(ax)
    draw.against_targets(ax, folder, "enrolment_rate", language)
    ax.set_ylim(bottom=0)
    right = draw.second_series(ax, folder, "waitlist", language, 1)
    return draw.finish_banded(ax, word("title.enrolment", language), language, ncols=2, others=right)


@style.chart
def staff(folder: RunFolder, language: str = "zh", ax: Axes | None = None) -> Figure:
    """Licensed places, usable places and children enrolled; hatched above the usable places, the places
    providers would use but lack the carers for; the staff shortage (right axis) when there is one."""
    ax = style.axes(ax)
    shown = draw.indicator_lines(ax, folder, ["places_licensed", "places_usable", "enrolled"], language)
    usable, lost = folder.city_monthly("places_usable"), folder.city_monthly("places_lost_to_staff_shortage")
    ax.fill_between(draw.months(usable.index), usable["mean"] * shown.factor,
                    (usable["mean"] + lost["mean"]) * shown.factor, facecolor="none", edgecolor=style.GAP_COLOUR,
                    hatch="//", linewidth=0, label=word("legend.places_lost", language))
    ax.set_ylabel(word("axis.places_children", language))
    draw.counts_axis(ax)
    right = draw.second_series(ax, folder, "staff_shortage", language, 3)
    return draw.finish_banded(ax, word("title.staff", language), language, ncols=2, others=right)


@style.chart
def certification(folder: RunFolder, language: str = "zh", ax: Axes | None = None) -> Figure:
    """The certified share of carers against the mandate's target (持证上岗) and the month it takes effect."""
    ax = style.axes(ax)
    draw.against_targets(ax, folder, "certification_rate", language)
    mandate = (folder.scenario.get("policies") or {}).get("certification_mandate")
    if mandate:
        ax.axvline(draw.months([mandate["effective"]])[0], color="#333333", linestyle="-.", linewidth=1.2,
                   label=word("legend.mandate", language) + f" ({mandate['effective']})")
    ax.set_ylim(0, 105)
    return draw.finish_banded(ax, word("title.certification", language), language, ncols=2)


@style.chart
def street_centres(folder: RunFolder, language: str = "zh", ax: Axes | None = None) -> Figure:
    """Share of urban streets with a community inclusive centre, against the every-street target."""
    ax = style.axes(ax)
    draw.against_targets(ax, folder, "streets_with_centre_share", language)
    ax.set_ylim(0, 105)
    return draw.finish_banded(ax, word("title.street_centres", language), language, ncols=2)
