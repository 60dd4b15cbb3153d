"""Charts and the one-page brief of ``tuoyu optimize`` (优化决策简报): the cost–robustness front and the
recommended package, its cost by year and fund, each target's probability with its interval, and what it buys
against the baseline and the city's own plan. Drawn from the tables the optimisation wrote, in both languages.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure

from sim.charts import numbers, style
from sim.charts.brief import BRIEF_RC, LINE_SIZE, TABLE_SIZE, TITLE_SIZE
from sim.charts.layout import Page, Table, fit_grid
from sim.charts.render import save
from sim.charts.words import WORDS, label, word
from sim.decisions.evaluate import PAYERS

DECISION_WORDS: dict[str, tuple[str, str]] = {
    "opt.front_title": ("Cost against robustness: the cheapest packages for each level of confidence",
                        "成本与稳健性：各置信水平下最省钱的政策组合"),
    "opt.cost_axis": ("public cost over the horizon ({unit})", "规划期财政成本（{unit}）"),
    "opt.robust_axis": ("lowest probability of meeting a target (%)", "各目标中最低的实现概率（%）"),
    "opt.screened": ("packages screened", "筛选过的组合"),
    "opt.front": ("front: no package is both cheaper and more robust",
                  "前沿：没有更便宜且更稳健的组合"),
    "opt.recommended": ("recommended package", "推荐组合"),
    "opt.plan": ("the city's plan", "城市现行计划"),
    "opt.baseline": ("baseline", "基线"),
    "opt.level": ("required probability {level:.0%}", "要求的实现概率 {level:.0%}"),
    "opt.brief_title": ("Cheapest package meeting the targets: {name}", "达标最省的政策组合：{name}"),
    "opt.none_title": ("No package found that meets every target: {name}", "未找到满足全部目标的政策组合：{name}"),
    "opt.setup": ("Each target met with probability ≥ {level:.0%}; {budget}. {reps} replications per package "
                  "compared (the same random numbers for every package), seed {seed}; {candidates} packages "
                  "screened.",
                  "每项目标的实现概率不低于 {level:.0%}；{budget}。每个组合 {reps} 次重复模拟"
                  "（所有组合使用相同随机数），随机种子 {seed}；共筛选 {candidates} 个组合。"),
    "opt.budget.appropriations": ("no payment waits for money (spending within each fund's appropriations)",
                                  "各项资金支出不超过当年预算（无待拨付）"),
    "opt.budget.total": ("public cost within {amount}", "财政成本不超过 {amount}"),
    "opt.budget.none": ("no budget limit", "不设预算约束"),
    "opt.package": ("The package", "政策组合"),
    "opt.decision": ("lever setting", "政策杠杆"),
    "opt.recommended_short": ("recommended", "推荐"),
    "opt.plan_short": ("plan", "现行计划"),
    "opt.baseline_short": ("baseline", "基线"),
    "opt.targets": ("Probability of meeting each target (95% interval)", "各目标实现概率（95%区间）"),
    "opt.constraint": ("target", "目标"),
    "opt.costs": ("Cost of the recommended package by year and fund ({unit}; mean, 90% range)",
                  "推荐组合分年度、分资金来源成本（{unit}；均值，90%区间）"),
    "opt.year": ("year", "年度"),
    "opt.total": ("total", "合计"),
    "opt.buys": ("What it buys at {month} (mean)", "{month}期末效果（均值）"),
    "opt.cost_row": ("public cost over the horizon ({unit})", "规划期财政成本（{unit}）"),
    "opt.transfers_row": ("household transfers, not counted ({unit})", "育儿补贴等转移支付（不计入，{unit}）"),
    "opt.none": ("No package among those raced meets every target with the required probability; the front shows "
                 "how close the search came.", "参与比较的组合均未以要求的概率达到全部目标；前沿图显示最接近的组合。"),
    "payer.central_transfer": ("central transfer", "中央转移支付"),
    "payer.provincial": ("provincial funds", "省级资金"),
    "payer.city_special_fund": ("city special fund", "市级专项资金"),
    "payer.district_funds": ("district funds", "区县资金"),
    "payer.unbudgeted": ("paid without a budget", "预算外支付"),
    "constraint.budget": ("spending within appropriations", "支出不超过预算"),
}
WORDS.update(DECISION_WORDS)


def _money(values: Sequence[float], language: str) -> numbers.Unit:
    return numbers.money_unit(values, language)


def _scenario_points(targets: pd.DataFrame, costs: pd.DataFrame, name: str) -> tuple[float, float] | None:
    rows = targets[(targets["scenario"] == name) & targets["indicator"].notna()]
    cost = costs[(costs["scenario"] == name) & (costs["payer"] == "objective")]
    if rows.empty or cost.empty:
        return None
    return float(cost["mean"].iloc[0]), float(rows["probability"].min())


@style.chart
def front(tables: dict[str, pd.DataFrame], level: float, language: str = "zh", ax: Axes | None = None) -> Figure:
    """Every package screened (grey), the front (no package cheaper and more robust), the recommended package,
    the city's plan and the baseline, against the required probability."""
    ax = style.axes(ax)
    candidates = tables["candidates"]
    points = [candidates["cost_yuan"].to_numpy()]
    marks = {name: _scenario_points(tables["targets"], tables["costs"], name) for name in ("plan", "baseline")}
    points += [np.array([m[0]]) for m in marks.values() if m is not None]
    unit = _money(np.concatenate(points), language)
    x = candidates["cost_yuan"] * unit.factor
    y = candidates["lowest_target_probability"] * 100
    ax.scatter(x, y, s=14, color="#BBBBBB", label=word("opt.screened", language), zorder=2)
    on_front = candidates[candidates["on_front"]].sort_values("cost_yuan")
    ax.plot(on_front["cost_yuan"] * unit.factor, on_front["lowest_target_probability"] * 100, drawstyle="steps-post",
            marker="o", markersize=4, color=style.PALETTE[0], label=word("opt.front", language), zorder=3)
    chosen = candidates[candidates["status"] == "recommended"]
    if not chosen.empty:
        ax.scatter(chosen["cost_yuan"] * unit.factor, chosen["lowest_target_probability"] * 100, marker="*", s=180,
                   color=style.PALETTE[1], label=word("opt.recommended", language), zorder=5)
    for i, (name, mark) in enumerate(marks.items()):
        if mark is not None:
            ax.scatter([mark[0] * unit.factor], [mark[1] * 100], marker=style.MARKERS[1 + i], s=50,
                       color=style.PALETTE[2 + i], label=word(f"opt.{name}", language), zorder=4)
    style.target_line(ax, level * 100, word("opt.level", language, level=level))
    ax.set_ylim(-3, 103)
    ax.set_xlabel(word("opt.cost_axis", language, unit=unit.name))
    ax.set_ylabel(word("opt.robust_axis", language))
    ax.set_title(word("opt.front_title", language))
    style.thousands(ax.xaxis)
    ax.grid(alpha=0.3)
    style.legend_below(ax, ncols=3)
    return ax.figure


def _probability(row: Any) -> str:
    return f"{row.probability:.0%} ({row.low:.0%}–{row.high:.0%})"


def _constraint_text(name: str, indicator: Any, language: str, row: Any) -> str:
    if not isinstance(indicator, str):
        return word("constraint.budget", language)
    return f"{label(indicator, language)} ({row.deadline})" if language == "zh" else name


def brief(tables: dict[str, pd.DataFrame], info: dict[str, Any], language: str = "zh") -> Figure:
    """The optimisation's one-page brief (A4)."""
    from sim.decisions.discover import dimension_label

    with style.house_style(language, **BRIEF_RC):
        page = Page(Figure(figsize=style.A4_PORTRAIT))
        recommended = not tables["package"]["recommended"].isna().all()
        title = word("opt.brief_title" if recommended else "opt.none_title", language, name=info["name"][language])
        page.text(title, TITLE_SIZE, gap=6, weight="bold")
        page.text(word("opt.setup", language, level=info["level"], budget=info["budget"][language], reps=info["reps"],
                       seed=info["seed"], candidates=len(tables["candidates"])), LINE_SIZE, gap=8)
        names = [n for n in ("recommended", "plan", "baseline") if n in set(tables["targets"]["scenario"])]
        shown_names = [word(f"opt.{n}_short", language) for n in names]
        package = tables["package"]
        columns = ["recommended", *(n for n in ("plan", "baseline") if n in names)]
        rows = [[_first_upper(dimension_label(row["decision"], language)), row["bounds"],
                 *("" if pd.isna(row[c]) else str(row[c]) for c in columns)] for _, row in package.iterrows()]
        page.table(Table("package", [word("opt.decision", language), "bounds" if language == "en" else "范围",
                                     *(word(f"opt.{c}_short", language) for c in columns)], rows,
                         word("opt.package", language), TABLE_SIZE, left_columns=1))
        targets = tables["targets"]
        rows = []
        for constraint in dict.fromkeys(targets["constraint"]):
            block = targets[targets["constraint"] == constraint].set_index("scenario")
            first = block.iloc[0]
            rows.append([_constraint_text(constraint, first.get("indicator"), language, first),
                         *(_probability(block.loc[n]) for n in names)])
        page.table(Table("targets", [word("opt.constraint", language), *shown_names], rows,
                         word("opt.targets", language), TABLE_SIZE))
        if recommended:
            page.table(_cost_table(tables["costs"], language))
        page.table(_buys_table(tables, names, shown_names, language, info["month"]))
        if not recommended:
            page.text(word("opt.none", language), LINE_SIZE, gap=6)
        rect = page.rest()
        grid = page.figure.add_gridspec(1, 1)
        ax = page.figure.add_subplot(grid[0])
        front(tables, info["level"], language=language, ax=ax)
        fit_grid(page.figure, grid, rect)
        style.wrap_titles([ax], 8.5)
        fit_grid(page.figure, grid, rect)
        style.footer(page.figure, info["footer"], inside=True)
    return page.figure


def _cost_table(costs: pd.DataFrame, language: str) -> Table:
    own = costs[costs["scenario"] == "recommended"]
    yearly = own[own["payer"].isin([*PAYERS, "all"]) & own["period"].str.fullmatch(r"\d{4}")]
    unit = _money(yearly["p95"].to_numpy(), language)
    payers = [p for p in PAYERS if p in set(yearly["payer"])]
    rows = []
    for period in dict.fromkeys(yearly["period"]):
        block = yearly[yearly["period"] == period].set_index("payer")
        rows.append([period, *(unit.text(block.at[p, "mean"]) if p in block.index else "—" for p in payers),
                     f"{unit.text(block.at['all', 'mean'])} ({unit.text(block.at['all', 'p5'])}–"
                     f"{unit.text(block.at['all', 'p95'])})"])
    whole = own[(own["payer"] == "all") & ~own["period"].str.fullmatch(r"\d{4}")].iloc[0]
    rows.append([whole["period"], *("" for _ in payers),
                 f"{unit.text(whole['mean'])} ({unit.text(whole['p5'])}–{unit.text(whole['p95'])})"])
    header = [word("opt.year", language), *(word(f"payer.{p}", language) for p in payers), word("opt.total", language)]
    return Table("costs", header, rows, word("opt.costs", language, unit=unit.name), TABLE_SIZE)


def _first_upper(text: str) -> str:
    """A label that starts a table's row starts with a capital (labels are lower case to sit inside sentences)."""
    return text[:1].upper() + text[1:]


def _buys_table(tables: dict[str, pd.DataFrame], names: list[str], shown: list[str], language: str,
                month: str) -> Table:
    outcomes, costs = tables["outcomes"], tables["costs"]
    objective = costs[costs["payer"] == "objective"].set_index("scenario")
    transfers = costs[costs["payer"] == "household transfers"].set_index("scenario")
    unit = _money(objective["mean"].to_numpy(), language)
    rows = [[_first_upper(word("opt.cost_row", language, unit=unit.name)),
             *(unit.text(objective.at[n, "mean"]) for n in names)]]
    if transfers["mean"].any():
        t_unit = _money(transfers["mean"].to_numpy(), language)
        rows.append([_first_upper(word("opt.transfers_row", language, unit=t_unit.name)),
                     *(t_unit.text(transfers.at[n, "mean"]) for n in names)])
    for indicator in dict.fromkeys(outcomes["indicator"]):
        block = outcomes[outcomes["indicator"] == indicator].set_index("scenario")
        rows.append([label(indicator, language),
                     *(numbers.value_text(block.at[n, "mean"], indicator, language) for n in names)])
    return Table("buys", ["", *shown], rows,
                 word("opt.buys", language, month=month), TABLE_SIZE)


def write_optimize_charts(out: Path, spec: Any, tables: dict[str, pd.DataFrame], notes: list[str],
                          languages: Sequence[str]) -> list[Path]:
    """front_<lang>.png and brief_<lang>.pdf/.png in each language."""
    from sim import __version__

    info = brief_info(spec, tables, __version__)
    written = []
    for language in languages:
        with style.house_style(language):
            figure = front(tables, spec.level, language=language)
            style.footer(figure, info["footer"])
            written.append(save(figure, out / f"front_{language}.png"))
        page = brief(tables, info, language)
        pdf = out / f"brief_{language}.pdf"
        partial = pdf.with_name(f".{pdf.stem}.partial.pdf")
        with style.house_style(language):
            with PdfPages(partial, metadata={"Creator": "tuoyu-sim", "CreationDate": None}) as document:
                document.savefig(page)
            partial.replace(pdf)
            written += [pdf, save(page, out / f"brief_{language}.png", 150)]
    return written


def brief_info(spec: Any, tables: dict[str, pd.DataFrame], version: str) -> dict[str, Any]:
    """What the brief says about the optimisation besides its tables."""
    if spec.total_yuan is not None:
        budget = {lang: word("opt.budget.total", lang, amount=_money([spec.total_yuan], lang).text(spec.total_yuan)
                             + " " + _money([spec.total_yuan], lang).name) for lang in ("zh", "en")}
    else:
        budget = {lang: word(f"opt.budget.{spec.budget}", lang) for lang in ("zh", "en")}
    meta = spec.base.scenario.spec.meta
    return {"name": {"zh": meta.name, "en": meta.name_en or meta.name}, "level": spec.level, "budget": budget,
            "reps": spec.search.final_reps, "seed": spec.seed, "month": spec.base.scenario.spec.horizon.end,
            "footer": f"tuoyu optimize {spec.path.name} · seed {spec.seed} · tuoyu-sim {version}"}


DISCOVER_WORDS: dict[str, tuple[str, str]] = {
    "disc.title": ("When does it fail? {target}", "何种条件下目标无法实现：{target}"),
    "disc.trajectory": ("PRIM's peeling trajectory: coverage against density", "PRIM 剥离轨迹：覆盖率与密度"),
    "disc.coverage": ("coverage: share of all failures inside the box (%)", "覆盖率：箱内失败占全部失败的比例（%）"),
    "disc.density": ("density: share of the runs in the box that fail (%)", "密度：箱内模拟失败的比例（%）"),
    "disc.boxes": ("candidate boxes", "候选箱"),
    "disc.chosen": ("box chosen (box {box})", "选定的箱（箱{box}）"),
    "disc.cases": ("The runs and the box", "模拟与箱"),
    "disc.failed": ("target failed", "目标未实现"),
    "disc.met": ("target met", "目标实现"),
    "disc.box": ("box {box}: coverage {coverage:.0%}, density {density:.0%}",
                 "箱{box}：覆盖率 {coverage:.0%}，密度 {density:.0%}"),
}
WORDS.update(DISCOVER_WORDS)


def _pair(cases: Any, box: dict[str, Any]) -> list[str]:
    """The two dimensions to show: the box's most significant restrictions, else those whose values differ most
    between failing and other runs."""
    def significance(item: tuple[str, dict]) -> float:
        values = [v for v in (item[1]["qp_low"], item[1]["qp_high"]) if v is not None]
        return min(values, default=1.0)

    chosen = [name for name, _ in sorted(box["restricted"].items(), key=significance)][:2]
    if len(chosen) < 2:
        x = cases.x
        spread = ((x[cases.failed].mean() - x[~cases.failed].mean()).abs() / x.std().replace(0, 1)).sort_values(
            ascending=False)
        chosen += [name for name in spread.index if name not in chosen][:2 - len(chosen)]
    return chosen


def discovery(cases: Any, boxes: list[dict[str, Any]], language: str = "zh", axes: Sequence[Axes] | None = None
              ) -> Figure:
    """Left: the peeling trajectory with the box chosen; right: the runs on the box's two main dimensions, failing
    ones marked, the box drawn."""
    from matplotlib.patches import Rectangle

    from sim.decisions.discover import dimension_label

    with style.house_style(language):
        axs = list(axes) if axes is not None else list(style.slide(style.WIDE_SIZE).subplots(1, 2))
        left, right = axs
        box = boxes[0]
        trajectory = box["trajectory"]
        left.plot(trajectory["coverage"] * 100, trajectory["density"] * 100, marker="o", markersize=3,
                  color=style.PALETTE[0], label=word("disc.boxes", language))
        left.scatter([box["coverage"] * 100], [box["density"] * 100], marker="*", s=160, zorder=4,
                     color=style.PALETTE[1], label=word("disc.chosen", language, box=box["box"]))
        left.set_xlabel(word("disc.coverage", language))
        left.set_ylabel(word("disc.density", language))
        left.set_title(word("disc.trajectory", language))
        left.grid(alpha=0.3)
        style.legend_below(left, ncols=2)
        first, second = _pair(cases, box)
        x, y = cases.x[first].to_numpy(), cases.x[second].to_numpy()
        right.scatter(x[~cases.failed], y[~cases.failed], s=8, color="#BBBBBB", label=word("disc.met", language))
        right.scatter(x[cases.failed], y[cases.failed], s=10, marker="x", color=style.PALETTE[1],
                      label=word("disc.failed", language))
        x0, x1 = _limits(box["restricted"].get(first, {}), x)
        y0, y1 = _limits(box["restricted"].get(second, {}), y)
        right.add_patch(Rectangle((x0, y0), x1 - x0, y1 - y0, fill=False, linewidth=1.8, edgecolor=style.PALETTE[0],
                                  label=word("disc.box", language, box=box["box"], coverage=box["coverage"],
                                             density=box["density"])))
        right.set_xlabel(dimension_label(first, language))
        right.set_ylabel(dimension_label(second, language))
        right.set_title(word("disc.cases", language))
        style.legend_below(right, ncols=2)
        style.wrap_titles(axs)
        return left.figure


def _limits(restriction: dict[str, Any], values: np.ndarray) -> tuple[float, float]:
    """A box's side on one dimension, the runs' range where it does not restrict it (a limit of 0 is a limit)."""
    low, high = restriction.get("low"), restriction.get("high")
    return (values.min() if low is None else low), (values.max() if high is None else high)


def write_discover_charts(out: Path, cases: Any, boxes: list[dict[str, Any]], languages: Sequence[str]) -> list[Path]:
    from sim import __version__
    from sim.decisions.discover import sentence, target_words

    written = []
    for language in languages:
        with style.house_style(language):
            figure = discovery(cases, boxes, language=language)
            figure.suptitle(word("disc.title", language, target=target_words(cases.target, language)))
            for box in boxes:
                style.note(figure, sentence(cases.target, box, language))
            style.footer(figure, f"tuoyu discover · {cases.source} · {len(cases.x)} runs · tuoyu-sim {__version__}")
            written.append(save(figure, out / f"discover_{language}.png"))
    return written
