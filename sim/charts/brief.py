"""The brief (决策简报): A4 pages a decision-maker reads in two minutes.

For a run, page one holds the scenario and its key assumptions, headline numbers at the horizon with 90%
intervals, the targets with the probability of meeting each, four key charts and the money by year; page
two shows on maps where the city falls short (:mod:`sim.charts.maps`). For a comparison, page one puts the
scenarios' headline numbers and targets side by side with the comparison charts, and page two maps the
change from the reference. Pages are filled from the top (:class:`sim.charts.layout.Page`): a long scenario
name, a city's own targets or four scenarios push the charts down instead of running into them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure

from sim.binding import probe_label
from sim.charts import compare, draw, layout, maps, money, numbers, places, style
from sim.charts.layout import Page, Table
from sim.charts.render import footer_text, save
from sim.charts.words import label, with_unit, word
from sim.errors import InputError, Problem, shown_path
from sim.indicators import INDICATORS
from sim.result_folders import CompareFolder, ResultFolder, RunFolder

HEADLINE = ("children_0_3", "places_licensed", "places_per_1000", "enrolment_rate", "licensed_occupancy", "waitlist",
            "certification_rate", "streets_with_centre_share", "spend_cumulative")
BRIEF_RC = {"font.size": 7, "axes.titlesize": 8.5, "axes.labelsize": 7, "legend.fontsize": 6.5,
            "xtick.labelsize": 6.5, "ytick.labelsize": 6.5, "lines.linewidth": 1.3, "lines.markersize": 3}
TABLE_SIZE = 7.0
TITLE_SIZE = 15.0
LINE_SIZE = 7.5


def interval(values: pd.Series | dict, shown: numbers.Unit, indicator: str, language: str) -> str:
    """"mean (p5 – p95)" as a reader sees it."""
    texts = [numbers.value_text(values[c], indicator, language, shown) for c in ("mean", "p5", "p95")]
    return f"{texts[0]} ({texts[1]} – {texts[2]})"


def headline(runs: Sequence[RunFolder], indicator: str, language: str) -> list[str]:
    """The indicator's label (with its unit where the number alone does not say it) and each run's mean
    (p5–p95) at the horizon, all in one unit."""
    at = [run.city_monthly(indicator).iloc[-1] for run in runs]
    shown = numbers.unit(indicator, language, [values["p95"] for values in at])
    text = label(indicator, language)
    if INDICATORS[indicator].unit_en == "yuan":
        text = with_unit(text, shown.name, language)
    return [text, *(interval(values, shown, indicator, language) for values in at)]


def household_subsidy_to_date(run: RunFolder, language: str) -> tuple[str, str] | None:
    """The household subsidy paid over the horizon, beside the services' spending to date; None if none was paid."""
    totals = run.city_total("transfer_household_subsidy")
    if not totals.any():
        return None
    values = {"mean": totals.mean(), "p5": totals.quantile(0.05), "p95": totals.quantile(0.95)}
    shown = numbers.money_unit([values["p95"]], language)
    return (with_unit(word("brief.household_subsidy_to_date", language), shown.name, language),
            interval(values, shown, "transfer_household_subsidy", language))


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


def amount(value: float, language: str) -> str:
    """An amount of yuan with the unit that suits it: "6.50亿元", "831万元", "650 million yuan"."""
    shown = numbers.money_unit([value], language)
    return f"{shown.text(value)}{'' if language == 'zh' else ' '}{shown.name}"


def policies(run: RunFolder, language: str) -> str:
    names = [word(f"policy.{name}", language) for name, lever in (run.scenario.get("policies") or {}).items() if lever]
    separator = "、" if language == "zh" else ", "
    return word("brief.policies", language, names=separator.join(names) or word("brief.no_policies", language))


def assumptions(run: RunFolder, language: str) -> list[str]:
    scenario = run.scenario
    lines = [word("brief.horizon", language, start=scenario["horizon"]["start"], end=scenario["horizon"]["end"],
                  reps=run.reps, seed=run.seed),
             word("brief.births", language, path=birth_path(scenario)), policies(run, language)]
    if (bands := band_line(run, language)) is not None:
        lines.append(bands)
    if (binds := binding_line(run, language)) is not None:
        lines.append(binds)
    yearly = money.yearly_money(run)
    if "appropriated" in yearly:
        year = yearly.index[0]
        first = yearly.loc[year]
        lines.append(word("brief.budget", language, year=year, amount=amount(first["appropriated"], language),
                          services=amount(first["services"], language),
                          subsidy=amount(first["household_subsidy"], language)))
    return lines


def band_line(run: RunFolder, language: str) -> str | None:
    """How much of the headline bands comes from uncertain assumptions rather than chance (uncertainty.csv)."""
    if not (run.has("uncertainty.csv") and run.has("parameters.csv")):
        return None
    split = run.table("uncertainty.csv")
    last = split[split["month"] == run.horizon[1]].set_index("indicator")["parameter_share"]
    shown = ["places_per_1000", "enrolment_rate"]
    if not set(shown) <= set(last.index) or last[shown].isna().any():
        return None
    count = run.table("parameters.csv")["parameter"].nunique()
    return word("brief.bands", language, count=count, month=run.horizon[1],
                places=f"{last['places_per_1000']:.0%}", enrolment=f"{last['enrolment_rate']:.0%}")


def binding_line(run: RunFolder, language: str) -> str | None:
    """What limits enrolment, from the probes of binding_constraint.csv: the constraints' shares of district-years
    and what a little more of each resource from the first year adds in the city."""
    if not run.has("binding_constraint.csv"):
        return None
    table = run.table("binding_constraint.csv")
    if not len(table):
        return None
    separator = "，" if language == "zh" else ", "
    shares = table["binding_constraint"].value_counts(normalize=True)
    first = table["year"].min()
    gains = table[table["year"] == first].filter(like="gain_").sum()
    return word("brief.binding", language, first=first, end=run.horizon[1],
                shares=separator.join(f"{word(f'constraint.{name}', language)} {share:.0%}"
                                      for name, share in shares.items()),
                gains=separator.join(f"{probe_label(column.removeprefix('gain_'), language)} {value:+,.0f}"
                                     for column, value in gains.items()))


def _value_range(row: Any, language: str) -> str:
    if pd.isna(row.value_at_deadline_mean):
        return "—"
    values = {s: getattr(row, f"value_at_deadline_{s}") for s in ("mean", "p5", "p95")}
    return interval(values, numbers.unit(row.indicator, language, [values["p95"]]), row.indicator, language)


def money_table(run: RunFolder, language: str) -> Table:
    """Money by year: appropriations, what paid out for services and as household subsidy, the balance left,
    and the whole horizon's sums; one unit for the table, suited to its largest amount."""
    yearly = money.yearly_money(run)
    budget = "appropriated" in yearly
    columns = ["appropriated", "services", "household_subsidy", "paid", "closing"] if budget else \
        ["services", "household_subsidy", "paid"]
    if not yearly["household_subsidy"].any():  # no subsidy paid: services are all that was paid
        columns = [c for c in columns if c not in ("household_subsidy", "paid")]
    yearly = yearly.assign(paid=yearly["services"] + yearly["household_subsidy"])
    whole = yearly[[c for c in columns if c != "closing"]].sum()
    if budget:
        whole["closing"] = yearly["closing"].iloc[-1]
    shown = numbers.money_unit(yearly[columns].to_numpy().ravel(), language)
    rows = [[str(year), *(shown.text(values[c]) for c in columns)] for year, values in yearly.iterrows()]
    rows.append([word("brief.whole", language, first=yearly.index[0], last=yearly.index[-1]),
                 *(shown.text(whole[c]) for c in columns)])
    header = [word("brief.year", language), *(word(f"brief.{c}", language) for c in columns)]
    return Table("money", header, rows, word("brief.costs", language, unit=shown.name), TABLE_SIZE)


def _header(page: Page, title: str, lines: Sequence[str]) -> None:
    page.text(title, TITLE_SIZE, gap=6, weight="bold")
    for line in lines:
        page.text(line, LINE_SIZE, gap=1.5)
    page.top -= 8


def _panels(page: Page, rows: int, columns: int) -> tuple[list[Axes], Callable[[], None]]:
    """Axes in a grid filling the page's free room, and the function that fits them (with their legends and
    labels) into it once drawn, titles broken at the panels' final widths."""
    rect = page.rest()
    grid = page.figure.add_gridspec(rows, columns)
    axs = [page.figure.add_subplot(spec) for spec in grid]

    def fit() -> None:
        layout.fit_grid(page.figure, grid, rect)
        style.wrap_titles(axs, 8.5)
        layout.fit_grid(page.figure, grid, rect)

    return axs, fit


def _page() -> Figure:
    return Figure(figsize=style.A4_PORTRAIT)


def run_brief(run: RunFolder, language: str = "zh") -> Figure:
    """Page one of the brief of one scenario's result."""
    page = Page(_page())
    _header(page, word("brief.title", language, name=run.title(language)), assumptions(run, language))
    rows = [headline([run], name, language) for name in HEADLINE]
    if (subsidy := household_subsidy_to_date(run, language)) is not None:
        rows.append(list(subsidy))
    page.table(Table("headline", [word(f"brief.{k}", language) for k in ("indicator", "mean_interval")], rows,
                     word("brief.headline", language, month=run.horizon[1]), TABLE_SIZE))
    targets = run.targets(where=None)
    rows = [[target_text(row, language), row.deadline, draw.probability(row.probability_met, language),
             _value_range(row, language)] for row in targets.itertuples()]
    page.table(Table("targets", [word(f"brief.{k}", language) for k in ("target", "deadline", "probability", "value")],
                     rows, word("brief.targets", language), TABLE_SIZE, left_columns=2))
    page.table_at_foot(money_table(run, language))
    axs, fit = _panels(page, 2, 2)
    for ax, chart in zip(axs, (places.places_per_1000, places.enrolment, places.certification,
                               money.cumulative_cost), strict=True):
        chart(run, language=language, ax=ax)
    fit()
    return page.figure


def compare_brief(folder: CompareFolder, language: str = "zh") -> Figure:
    """Page one of a comparison's brief: scenarios side by side, headline numbers, targets and the charts."""
    page = Page(_page())
    runs = folder.runs
    names = folder.titles(language)
    reference = runs[0][1]
    lines = [word("brief.horizon", language, start=reference.scenario["horizon"]["start"],
                  end=reference.scenario["horizon"]["end"], reps=folder.reps, seed=folder.seed)]
    lines += [f"{name}: {policies(run, language)}" for name, (_, run) in zip(names, runs, strict=True)]
    _header(page, word("brief.compare_title", language, names=" / ".join(names)), lines)
    header = [word("brief.indicator", language),
              *(name + (f" ({word('brief.reference', language)})" if i == 0 else "") for i, name in enumerate(names))]
    rows = [headline([run for _, run in runs], indicator, language) for indicator in HEADLINE]
    page.table(Table("headline", header, rows, word("brief.headline", language, month=reference.horizon[1]),
                     TABLE_SIZE))
    targets = [run.targets(where=None).reset_index(drop=True) for _, run in runs]
    rows = [[target_text(row, language) + f" ({row.deadline})",
             *(draw.probability(t["probability_met"].iloc[i], language) for t in targets)]
            for i, row in enumerate(targets[0].itertuples())]
    page.table(Table("targets", [word("brief.target", language), *header[1:]], rows, word("brief.targets", language),
                     TABLE_SIZE))
    top, fit = _panels(page, 2, 2)
    compare.scenarios(folder, language=language, axes=top)
    fit()
    return page.figure


def compare_changes(folder: CompareFolder, language: str = "zh") -> Figure:
    """Page two of a comparison's brief: each scenario's paired difference from the reference at the horizon,
    and on maps where it makes them."""
    page = Page(_page())
    names = folder.titles(language)
    month = maps.chosen_month(folder.runs[0][1], None)
    page.text(word("map.compare_page_title", language, reference=names[0], month=month), 13, gap=6, weight="bold")
    free = page.rest()
    height = page.figure.get_figheight() * 72
    page.floor = (free[1] + (free[3] - free[1]) * 0.55) * height
    panels, fit = _panels(page, 2, 2)
    compare.differences(folder, language=language, axes=panels)
    fit()
    page.top, page.floor = page.floor - 10, free[1] * height
    return maps.map_page(folder, language, page=page)


def pages(folder: ResultFolder, language: str = "zh") -> list[Figure]:
    """The brief's pages: the summary, and the maps of where the city falls short."""
    with style.house_style(language, **BRIEF_RC):
        if isinstance(folder, RunFolder):
            found = [run_brief(folder, language), maps.map_page(folder, language)]
        elif isinstance(folder, CompareFolder):
            found = [compare_brief(folder, language), compare_changes(folder, language)]
        else:
            raise InputError([Problem(shown_path(folder.path), f"a brief is made from a run or compare folder, "
                                      f"got a {folder.kind} folder (tuoyu chart draws its charts)")])
        for n, figure in enumerate(found, start=1):
            style.footer(figure, f"{footer_text(folder, language)} · {n}/{len(found)}", inside=True)
    return found


def brief(folder: ResultFolder, language: str = "zh") -> Figure:
    """The brief's first page (the whole brief: :func:`pages`)."""
    return pages(folder, language)[0]


def write_brief(folder: ResultFolder, language: str = "zh", out: Path | None = None, dpi: int = 150) -> list[Path]:
    """Write ``brief_<language>.pdf`` (every page) and a PNG of each page, ``brief_<language>.png`` and
    ``brief_<language>_maps.png``, into ``out`` (default: the result folder)."""
    found = pages(folder, language)
    out = Path(out or folder.path)
    out.mkdir(parents=True, exist_ok=True)
    pdf = out / f"brief_{language}.pdf"
    partial = pdf.with_name(f".{pdf.stem}.partial.pdf")
    with style.house_style(language, dpi):
        try:
            with PdfPages(partial, metadata={"Creator": "tuoyu-sim", "CreationDate": None}) as document:
                for figure in found:
                    document.savefig(figure)
            partial.replace(pdf)
        finally:
            partial.unlink(missing_ok=True)
        pngs = [save(figure, out / f"brief_{language}{suffix}.png", dpi)
                for figure, suffix in zip(found, ("", "_maps"), strict=False)]
    return [pdf, *pngs]

