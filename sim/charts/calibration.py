"""The fit chart of a calibration (校准拟合图): per scenario, indicator and geography of the targets, the simulated mean
and p5–p95 band over the horizon at the fitted values, the observed values fitted (filled) and held out for
the backtest (hollow), and at each held-out date the backtest's own mean and p5–p95 over the plausible parameter
sets (the range backtest.csv judges it by, wider than the band at the fitted values alone)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from sim.charts import draw, numbers, style
from sim.charts.render import save
from sim.charts.words import label, word
from sim.output import versions

PANELS_PER_ROW = 3  # a calibration of several scenarios can have many panels: rows of at most three


@style.chart
def fit_chart(series: pd.DataFrame, fit: pd.DataFrame, backtest: pd.DataFrame, language: str = "zh",
              scenario_names: Mapping[str, Mapping[str, str]] | None = None) -> Figure:
    """One panel per (scenario, indicator, geography) of ``series`` (fit_series.csv) with the rows of fit.csv and
    backtest.csv that belong to it; ``scenario_names`` (by scenario, by language) head the panels of a
    calibration of several scenarios."""
    panels = list(series.assign(scenario=scenario_of(series)).groupby(["scenario", "indicator", "geography"],
                                                                     sort=False))
    grid_rows = -(-len(panels) // PANELS_PER_ROW)
    columns = -(-len(panels) // grid_rows)
    axs = style.axes_row(None, len(panels), size=(max(5.0 * columns, 8.0), 0.8 + 4.0 * grid_rows), rows=grid_rows)
    for ax, ((scenario, indicator, geography), path) in zip(axs, panels, strict=True):
        shown = numbers.unit(indicator, language, path["p95"])
        factor = shown.factor
        draw.band_line(ax, path.set_index("month"), factor, word("legend.mean", language), 0)
        for i, (table, key, face) in enumerate(((fit, "legend.observed_target", style.TARGET_COLOUR),
                                                (backtest, "legend.observed_backtest", "white"))):
            if table.empty:
                continue
            points = table[(scenario_of(table) == scenario) & (table["indicator"] == indicator)
                           & (table["geography"] == geography)]
            if not points.empty:
                x = draw.months(pd.Index(points["date"]))
                ax.scatter(x, points["observed"] * factor, s=48, zorder=4, marker=style.MARKERS[i + 1],
                           facecolor=face, edgecolor=style.TARGET_COLOUR, linewidth=1.4, label=word(key, language))
                if table is backtest and "simulated_p5" in points:
                    backtest_range(ax, x, points, factor, language)
        draw.month_axis(ax)
        ax.set_ylabel(shown.name)
        where = "" if geography == "city" else f" · {geography}"
        named = (scenario_names or {}).get(scenario, {}).get(language, scenario)
        ax.set_title((f"{named} · " if named else "") + label(indicator, language) + where, fontsize=11)
        draw.band_legend_entry(ax, language)
    style.shared_legend(axs, ncols=3)
    axs[0].figure.suptitle(word("title.calibration_fit", language), fontweight="bold", x=0.01, ha="left")
    style.wrap_titles(axs)
    return axs[0].figure


def scenario_of(table: pd.DataFrame) -> pd.Series:
    """Each row's scenario: "" in a calibration of one scenario (an empty cell read back, or no column)."""
    if "scenario" not in table:
        return pd.Series("", index=table.index)
    return table["scenario"].fillna("").astype(str)


def backtest_range(ax: Axes, x: pd.DatetimeIndex, points: pd.DataFrame, factor: float, language: str) -> None:
    """At each held-out date, the backtest's p5–p95 over the plausible sets as a bar with caps and its mean as a
    wider tick (lines only, in the mean line's colour, so one legend entry names them)."""
    colour = style.series_style(0)["color"]
    low, mean, high = (points[f"simulated_{k}"].to_numpy() * factor for k in ("p5", "mean", "p95"))
    ax.vlines(x, low, high, colors=colour, linewidth=1.2, zorder=3, label=word("legend.backtest_band", language))
    cap, tick = pd.Timedelta(days=15), pd.Timedelta(days=30)
    ax.hlines([*low, *high], [*(x - cap), *(x - cap)], [*(x + cap), *(x + cap)], colors=colour, linewidth=1.2, zorder=3)
    ax.hlines(mean, x - tick, x + tick, colors=colour, linewidth=2.0, zorder=3)


def save_fit_charts(out: Path, name: str, seed: int, series: pd.DataFrame, fit: pd.DataFrame,
                    backtest: pd.DataFrame, languages: Sequence[str],
                    scenario_names: Mapping[str, Mapping[str, str]] | None = None) -> list[Path]:
    """fit_<language>.png in ``out`` for each language, with the house footer."""
    written = []
    for language in languages:
        with style.house_style(language):
            figure = fit_chart(series, fit, backtest, language=language, scenario_names=scenario_names)
            style.footer(figure, word("footer", language, name=name, seed=seed, version=versions()["tuoyu-sim"],
                                      date=datetime.now(UTC).date().isoformat()))
            written.append(save(figure, out / f"fit_{language}.png"))
    return written
