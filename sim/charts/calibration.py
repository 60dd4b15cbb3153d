"""The fit chart of a calibration (校准拟合图): per indicator and geography of the targets, the simulated mean
and p5–p95 band over the horizon at the fitted values, the observed values fitted (filled) and held out for
the backtest (hollow), and at each held-out date the backtest's own mean and p5–p95 over the plausible parameter
sets (the range backtest.csv judges it by, wider than the band at the fitted values alone)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from sim.charts import draw, numbers, style
from sim.charts.render import save
from sim.charts.words import label, word
from sim.output import versions


@style.chart
def fit_chart(series: pd.DataFrame, fit: pd.DataFrame, backtest: pd.DataFrame, language: str = "zh") -> Figure:
    """One panel per (indicator, geography) of ``series`` (fit_series.csv) with the rows of fit.csv and
    backtest.csv that belong to it."""
    panels = list(series.groupby(["indicator", "geography"], sort=False))
    axs = style.axes_row(None, len(panels), size=(min(5.0 * len(panels), 15.0), 4.8))
    for ax, ((indicator, geography), rows) in zip(axs, panels, strict=True):
        shown = numbers.unit(indicator, language, rows["p95"])
        factor = shown.factor
        draw.band_line(ax, rows.set_index("month"), factor, word("legend.mean", language), 0)
        for i, (table, key, face) in enumerate(((fit, "legend.observed_target", style.TARGET_COLOUR),
                                                (backtest, "legend.observed_backtest", "white"))):
            if table.empty:
                continue
            points = table[(table["indicator"] == indicator) & (table["geography"] == geography)]
            if not points.empty:
                x = draw.months(pd.Index(points["date"]))
                ax.scatter(x, points["observed"] * factor, s=48, zorder=4, marker=style.MARKERS[i + 1],
                           facecolor=face, edgecolor=style.TARGET_COLOUR, linewidth=1.4, label=word(key, language))
                if table is backtest and "simulated_p5" in points:
                    backtest_range(ax, x, points, factor, language)
        draw.month_axis(ax)
        ax.set_ylabel(shown.name)
        where = "" if geography == "city" else f" · {geography}"
        ax.set_title(label(indicator, language) + where, fontsize=11)
        draw.band_legend_entry(ax, language)
        style.legend_below(ax, ncols=2)
    axs[0].figure.suptitle(word("title.calibration_fit", language), fontweight="bold", x=0.01, ha="left")
    style.wrap_titles(axs)
    return axs[0].figure


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
                    backtest: pd.DataFrame, languages: Sequence[str]) -> list[Path]:
    """fit_<language>.png in ``out`` for each language, with the house footer."""
    written = []
    for language in languages:
        with style.house_style(language):
            figure = fit_chart(series, fit, backtest, language=language)
            style.footer(figure, word("footer", language, name=name, seed=seed, version=versions()["tuoyu-sim"],
                                      date=datetime.now(UTC).date().isoformat()))
            written.append(save(figure, out / f"fit_{language}.png"))
    return written
