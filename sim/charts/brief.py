"""The one-page brief (决策简报): an A4 page a decision-maker reads in two minutes.

For a run: the scenario and its key assumptions, headline numbers at the horizon with 90% intervals, the
targets with the probability of meeting each, four key charts and the spending by year and payer. For a
comparison: the scenarios' headline numbers and targets side by side and the comparison charts.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from typing import Any

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from sim.charts import compare, draw, money, places, style
from sim.charts.folders import CompareFolder, ResultFolder, RunFolder
from sim.charts.render import footer_text, save
from sim.charts.words import axis_label, label, word
from sim.errors import InputError, Problem, shown_path
from sim.indicators import INDICATORS

HEADLINE = ("children_0_3", "places_licensed", "places_per_1000", "enrolment_rate", "waitlist",
            "certification_rate", "streets_with_centre_share", "spend_cumulative")
BRIEF_RC = {"font.size": 7, "axes.titlesize": 8.5, "axes.labelsize": 7, "legend.fontsize": 6.5,
            "xtick.labelsize": 6.5, "ytick.labelsize": 6.5, "lines.linewidth": 1.3, "lines.markersize": 3}
TABLE_FONT = 7


def headline(run: RunFolder, indicator: str, language: str) -> str:
    """Mean (p5–p95) at the horizon, as a reader sees it."""
    at = run.city_monthly(indicator).iloc[-1]
    text = " – ".join(draw.shown_value(at[c], indicator, language) for c in ("p5", "p95"))
    return f"{draw.shown_value(at['mean'], indicator, language)} ({text})"


def headline_label(indicator: str, language: str) -> str:
    """The indicator's label, with the unit where the number alone does not say it (money)."""
    return axis_label(indicator, language) if INDICATORS[indicator].unit_en == "yuan" else label(indicator, language)


def target_text(row: Any, language: str) -> str:
    where = "" if row.where == "city" else " " + word(f"where.{row.where}", language)
    return f"{label(row.indicator, language)} {draw.condition(row, language)}{where}"


def birth_path(scenario: dict[str, Any]) -> str:
    """Birth rates by year from the horizon's first year, a drawn rate shown as its range."""
    first = int(scenario["horizon"]["start"][:4])
    rates = scenario["demography"]["birth_rate_per_1000_per_year"]
    shown = []
    for year, value in sorted(rates.items(), key=lambda kv: int(kv[0])):
        if int(year) >= first - 1:
            shown.append(f"{year}: {_number(value)}")
    return ", ".join(shown)


def _number(value: Any) -> str:
    if not isinstance(value, dict):
        return f"{value:g}"
    if "low" in value:
        return f"{value['low']:g}–{value['high']:g}"
    return f"{value['mean']:g}±{value['sd']:g}"


def assumptions(run: RunFolder, language: str) -> list[str]:
    scenario = run.scenario
    policies = [word(f"policy.{name}", language) for name, lever in (scenario.get("policies") or {}).items() if lever]
    separator = "、" if language == "zh" else ", "
    lines = [word("brief.horizon", language, start=scenario["horizon"]["start"], end=scenario["horizon"]["end"],
                  reps=run.reps, seed=run.seed),
             word("brief.births", language, path=birth_path(scenario)),
             word("brief.policies", language, names=separator.join(policies) or word("brief.no_policies", language))]
    appropriated = money.by_year_and_fund(run, "appropriated_yuan")
    if appropriated is not None:
        year = appropriated.index[0]
        amount = appropriated.loc[year].sum() * style.money_scale(language)
        lines.append(word("brief.budget", language, year=year, amount=f"{amount:,.0f}",
                          unit=word("unit.money", language)))
    return lines


def table(ax: Axes, header: Sequence[str], rows: Sequence[Sequence[str]], widths: Sequence[float],
          title: str) -> None:
    """A plain table filling ``ax``: header in bold, thin rules between rows."""
    ax.axis("off")
    ax.set_title(title, loc="left", fontsize=9, fontweight="bold")
    cells = ax.table(cellText=[list(r) for r in rows], colLabels=list(header), colWidths=list(widths),
                     loc="upper left", cellLoc="left", edges="horizontal")
    cells.auto_set_font_size(False)
    cells.set_fontsize(TABLE_FONT)
    for (row, _), cell in cells.get_celld().items():
        cell.set_edgecolor("#bbbbbb")
        cell.set_height(1.0 / (len(rows) + 1.5))
        if row == 0:
            cell.set_text_props(fontweight="bold")


def _page() -> Figure:
    return Figure(figsize=style.A4_PORTRAIT)


def _header(figure: Figure, title: str, lines: list[str]) -> None:
    figure.text(0.04, 0.975, title, fontsize=15, fontweight="bold", va="top")
    figure.text(0.04, 0.945, "\n".join(lines), fontsize=7.5, va="top", linespacing=1.5, wrap=True)


def run_brief(run: RunFolder, language: str = "zh") -> Figure:
    """The brief of one scenario's result."""
    figure = _page()
    _header(figure, word("brief.title", language, name=run.name), assumptions(run, language))
    horizon = run.horizon[1]
    table(figure.add_axes((0.04, 0.71, 0.92, 0.125)), [word(f"brief.{k}", language) for k in
                                                        ("indicator", "mean_interval")],
          _headline_rows(run, language), [0.45, 0.4], word("brief.headline", language, month=horizon))
    targets = run.targets(where=None)
    rows = [[target_text(row, language), row.deadline, draw.probability(row.probability_met, language),
             _value_range(row, language)] for row in targets.itertuples()]
    table(figure.add_axes((0.04, 0.595, 0.92, 0.075)), [word(f"brief.{k}", language) for k in
                                                         ("target", "deadline", "probability", "value")],
          rows, [0.5, 0.12, 0.12, 0.26], word("brief.targets", language))
    grid = figure.add_gridspec(2, 2, left=0.09, right=0.9, bottom=0.255, top=0.54, hspace=0.95, wspace=0.42)
    for spec, draw_chart in zip(grid, (places.places_per_1000, places.enrolment, places.certification,
                                       money.cumulative_cost), strict=True):
        draw_chart(run, language=language, ax=figure.add_subplot(spec))
    _costs(figure.add_axes((0.04, 0.035, 0.92, 0.1)), run, language)
    return figure


def _headline_rows(run: RunFolder, language: str) -> list[list[str]]:
    return [[headline_label(name, language), headline(run, name, language)] for name in HEADLINE]


def _value_range(row: Any, language: str) -> str:
    if pd.isna(row.value_at_deadline_mean):
        return "—"
    shown = [draw.shown_value(getattr(row, f"value_at_deadline_{s}"), row.indicator, language)
             for s in ("mean", "p5", "p95")]
    return f"{shown[0]} ({shown[1]} – {shown[2]})"


def _costs(ax: Axes, run: RunFolder, language: str) -> None:
    """Spending paid per year by fund, in 万元 or million yuan; without a budget, a note."""
    paid = money.by_year_and_fund(run, "paid_yuan")
    unit = word("unit.money", language)
    if paid is None:
        ax.axis("off")
        ax.set_title(word("brief.costs", language, unit=unit), loc="left", fontsize=9, fontweight="bold")
        ax.text(0, 0.8, word("brief.no_costs", language), fontsize=TABLE_FONT, transform=ax.transAxes, va="top")
        return
    paid = paid * style.money_scale(language)
    # The funds also pay the household subsidy, a transfer to families outside spend_total: shown apart so
    # the total reads against the cumulative-spending chart.
    transfers = run.city_yearly("transfer_household_subsidy")["mean"] * style.money_scale(language)
    header = [word("brief.year", language), *(word(f"fund.{f}", language) for f in paid.columns),
              word("brief.total", language), word("brief.of_which_household_subsidy", language)]
    rows = [[str(year), *(f"{v:,.0f}" for v in values), f"{values.sum():,.0f}", f"{transfers.get(year, 0.0):,.0f}"]
            for year, values in paid.iterrows()]
    widths = [0.08] + [0.92 / (len(header) - 1)] * (len(header) - 1)
    table(ax, header, rows, widths, word("brief.costs", language, unit=unit))


def compare_brief(folder: CompareFolder, language: str = "zh") -> Figure:
    """Scenarios side by side: headline numbers, targets and the comparison charts."""
    figure = _page()
    runs = folder.runs
    reference = runs[0][1]
    lines = [word("brief.horizon", language, start=reference.scenario["horizon"]["start"],
                  end=reference.scenario["horizon"]["end"], reps=folder.reps, seed=folder.seed)]
    lines += [f"{name}: " + assumptions(run, language)[2] for name, run in runs]
    _header(figure, word("brief.compare_title", language, names=" / ".join(n for n, _ in runs)), lines)
    names = [name + (f" ({word('brief.reference', language)})" if i == 0 else "") for i, (name, _) in enumerate(runs)]
    rows = [[headline_label(ind, language), *(headline(run, ind, language) for _, run in runs)] for ind in HEADLINE]
    table(figure.add_axes((0.04, 0.72, 0.92, 0.12)), [word("brief.indicator", language), *names], rows,
          [0.44] + [0.56 / len(runs)] * len(runs), word("brief.headline", language, month=reference.horizon[1]))
    targets = [run.targets(where=None).reset_index(drop=True) for _, run in runs]
    rows = [[target_text(row, language) + f" ({row.deadline})",
             *(draw.probability(t["probability_met"].iloc[i], language) for t in targets)]
            for i, row in enumerate(targets[0].itertuples())]
    table(figure.add_axes((0.04, 0.6, 0.92, 0.08)), [word("brief.target", language), *names], rows,
          [0.56] + [0.44 / len(runs)] * len(runs), word("brief.targets", language))
    top = [figure.add_subplot(s) for s in figure.add_gridspec(2, 2, left=0.09, right=0.97, bottom=0.33, top=0.56,
                                                              hspace=0.55, wspace=0.3)]
    compare.scenarios(folder, language=language, axes=top)
    bottom = [figure.add_subplot(s) for s in figure.add_gridspec(2, 2, left=0.22, right=0.97, bottom=0.06,
                                                                 top=0.27, hspace=0.8, wspace=0.6)]
    compare.differences(folder, language=language, axes=bottom)
    for ax in (*top, *bottom):
        _fit_title(ax)
    figure.suptitle("")
    return figure


def _fit_title(ax: Axes, characters: int = 34, size: float = 9) -> None:
    """A panel's title (a long indicator label) in a smaller size, broken over lines so that a quarter of the
    page holds it."""
    for loc in ("left", "center", "right"):
        if title := ax.get_title(loc):
            ax.set_title(textwrap.fill(title, characters), loc=loc, fontsize=size)


def brief(folder: ResultFolder, language: str = "zh") -> Figure:
    """The brief of a run or comparison folder."""
    with style.house_style(language, **BRIEF_RC):
        if isinstance(folder, RunFolder):
            figure = run_brief(folder, language)
        elif isinstance(folder, CompareFolder):
            figure = compare_brief(folder, language)
        else:
            raise InputError([Problem(shown_path(folder.path), f"a brief is made from a run or compare folder, "
                                      f"got a {folder.kind} folder (tuoyu chart draws its charts)")])
        style.footer(figure, footer_text(folder, language), inside=True)
    return figure


def write_brief(folder: ResultFolder, language: str = "zh", out: Any = None, dpi: int = 150) -> list[Any]:
    """Write ``brief_<language>.pdf`` and ``.png`` into ``out`` (default: the result folder)."""
    figure = brief(folder, language)
    out = out or folder.path
    with style.house_style(language, dpi):
        return [save(figure, out / f"brief_{language}.{fmt}", dpi, page=True) for fmt in ("pdf", "png")]
