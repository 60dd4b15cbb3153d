"""``summary.xlsx``: a results folder's summary as a workbook for people who work in Excel and PowerPoint.

One sheet per question, labelled in the scenario's language (Chinese or English) with units, number formats,
frozen headers and filters: the city and each district at every year end (mean and the 90% range across
replications), the targets, spending by item and by fund, and the cost measures; an "about" sheet says what the
numbers are. The first sheet is also written as ``summary_wide.csv``. The long tables beside them stay for
analysts.

The writer takes :class:`Sheet`\\ s, so every command that produces results (run, compare, and an optimisation)
builds its own sheets and writes them the same way.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path

import numpy as np
import pandas as pd

from sim import costs, targets
from sim.indicators import FUND_LABELS, INDICATORS
from sim.results import Result
from sim.scenario.budget_schema import FUNDS
from sim.scenario.policy_schema import levers, spending_items

# Excel number formats by an indicator's unit (its English unit in the indicator table).
FORMATS = {"share": "0.0%", "yuan": "#,##0", "per 1,000 residents": "0.00", "months": "0.0",
           "children per place": "0.00"}
COUNT_FORMAT = "#,##0"
PROBABILITY_FORMAT = "0%"

WORDS = {
    "zh": {"geography": "地区", "level": "层级", "indicator": "指标", "unit": "单位", "key": "指标代码",
           "mean": "均值", "p5": "P5", "p95": "P95", "city": "全市", "district": "区县", "year": "年份",
           "item": "支出项目", "fund": "资金", "appropriated": "拨入", "paid": "支出", "lapsed": "收回",
           "closing": "年末余额", "target": "目标", "condition": "条件", "where": "范围", "deadline": "期限",
           "probability": "达标概率", "first_met": "首次达标月份（中位数）", "value": "期限时的值",
           "measure": "指标", "subject": "对象", "period": "期间", "scenario": "情景", "difference": "与基准之差",
           "ci_low": "95%区间下限", "ci_high": "95%区间上限", "spending": "支出（元）", "transfers": "发放给家庭",
           "sheets": ("城市", "区县", "目标", "支出", "资金", "成本", "说明", "对比"),
           "about": "说明"},
    "en": {"geography": "area", "level": "level", "indicator": "indicator", "unit": "unit", "key": "indicator key",
           "mean": "mean", "p5": "p5", "p95": "p95", "city": "city", "district": "district", "year": "year",
           "item": "spending item", "fund": "fund", "appropriated": "appropriated", "paid": "paid",
           "lapsed": "lapsed", "closing": "closing balance", "target": "target", "condition": "condition",
           "where": "where", "deadline": "deadline", "probability": "P(met at deadline)",
           "first_met": "median month first met", "value": "value at deadline", "measure": "measure",
           "subject": "subject", "period": "period", "scenario": "scenario", "difference": "difference from the first",
           "ci_low": "95% interval low", "ci_high": "95% interval high", "spending": "spending (yuan)",
           "transfers": "paid to families",
           "sheets": ("City", "Districts", "Targets", "Spending", "Funds", "Costs", "About", "Comparison"),
           "about": "About"},
}


@dataclass
class Sheet:
    """A worksheet: a table, the number format of each row (``row_formats``, for tables whose rows are indicators
    of different units) or of named columns, and how many leading columns stay in view."""

    name: str
    frame: pd.DataFrame
    row_formats: list[str] | None = None
    column_formats: dict[str, str] = field(default_factory=dict)
    frozen_columns: int = 0


def write_workbook(path: Path, sheets: Sequence[Sheet]) -> None:
    """Write ``sheets`` to ``path`` (xlsx): bold wrapped headers, frozen, filtered, sized columns."""
    with pd.ExcelWriter(path, engine="xlsxwriter") as writer:
        book = writer.book
        # the day, not the second: the same tables written the same day are the same file (the page's export and
        # tuoyu run of its overlay compare byte for byte)
        book.set_properties({"created": datetime.combine(date.today(), time())})
        header = book.add_format({"bold": True, "text_wrap": True, "valign": "top", "bg_color": "#EDEDED",
                                  "border": 1})
        formats: dict[str, object] = {}

        def number(code: str) -> object:
            if code not in formats:
                formats[code] = book.add_format({"num_format": code})
            return formats[code]

        for sheet in sheets:
            frame = sheet.frame
            frame.to_excel(writer, sheet_name=sheet.name, index=False)
            page = writer.sheets[sheet.name]
            for column, title in enumerate(frame.columns):
                page.write(0, column, str(title), header)
                page.set_column(column, column, _width(frame, column),
                                number(sheet.column_formats[title]) if title in sheet.column_formats else None)
            for row, code in enumerate(sheet.row_formats or ()):
                if code:
                    page.set_row(row + 1, None, number(code))
            page.freeze_panes(1, sheet.frozen_columns)
            if len(frame):
                page.autofilter(0, 0, len(frame), len(frame.columns) - 1)


def _width(frame: pd.DataFrame, column: int) -> float:
    """Characters a column needs (a Chinese character counts two), within reason."""
    texts = [str(frame.columns[column]), *(str(v) for v in frame.iloc[:200, column])]
    longest = max(sum(2 if ord(c) > 0x2E80 else 1 for c in text) for text in texts)
    return float(min(max(longest + 2, 8), 60 if frame.dtypes.iloc[column] is np.dtype(object) else 16))


def unit_format(indicator: str) -> str:
    return FORMATS.get(INDICATORS[indicator].unit_en, COUNT_FORMAT)


# --------------------------------------------------------------------------- a run


def year_ends(result: Result, language: str) -> pd.DataFrame:
    """The city and each district (rows: area × indicator) at every year end: mean, p5 and p95 (columns)."""
    w = WORDS[language]
    summary = result.summary()
    summary = summary[summary["level"].isin(["city", "district"])]
    months = result.calendar.year_end_months
    wide = summary.pivot_table(index=["level", "geography", "indicator"], columns="year",
                               values=["mean", "p5", "p95"], observed=True, sort=False, dropna=False)
    order = pd.MultiIndex.from_tuples([(level, g, i) for level, g in result.monthly_geographies for i in INDICATORS],
                                      names=["level", "geography", "indicator"])
    wide = wide.reindex(order)
    names = summary.drop_duplicates("geography").set_index("geography")["name"]
    frame = pd.DataFrame({
        w["level"]: [w[level] for level, _, _ in order],
        w["geography"]: [names[g] for _, g, _ in order],
        w["indicator"]: [INDICATORS[i].label(language) for _, _, i in order],
        w["unit"]: [INDICATORS[i].unit(language) for _, _, i in order],
        w["key"]: [i for _, _, i in order],
    })
    for year, month in months.items():
        for stat in ("mean", "p5", "p95"):
            frame[f"{month} {w[stat]}"] = wide[(stat, year)].to_numpy()
    return frame


def spending_by_item(result: Result, language: str) -> pd.DataFrame:
    """Each spending item (and what is paid to families) by year: mean, p5 and p95 across replications."""
    w = WORDS[language]
    rows = []
    for item in spending_items():
        indicator = f"transfer_{item.name}" if item.transfer else f"spend_{item.name}"
        label = item.label_zh if language == "zh" else item.label_en
        rows.append((label + (f"（{w['transfers']}）" if item.transfer and language == "zh" else
                              f" ({w['transfers']})" if item.transfer else ""), result.annual_values(indicator)))
    rows.append((INDICATORS["spend_total"].label(language), result.annual_values("spend_total")))
    frame = pd.DataFrame({w["item"]: [label for label, _ in rows]})
    for year, month in result.calendar.year_end_months.items():
        index = list(result.calendar.years).index(year)
        period = str(year) if month.endswith("-12") else month
        for stat, values in (("mean", [v[:, index].mean() for _, v in rows]),
                             ("p5", [np.percentile(v[:, index], 5) for _, v in rows]),
                             ("p95", [np.percentile(v[:, index], 95) for _, v in rows])):
            frame[f"{period} {w[stat]}"] = values
    return frame


def funds_by_year(result: Result, language: str) -> pd.DataFrame:
    """Each fund by year: appropriated, paid, lapsed (sums) and the closing balance, means across replications."""
    w = WORDS[language]
    funds = result.funds
    if not len(funds):
        return pd.DataFrame(columns=[w["fund"], w["year"]])
    funds = funds.assign(year=funds["month"].str[:4].astype(int))
    flows = funds.groupby(["replication", "fund", "year"])[["appropriated_yuan", "paid_yuan", "lapsed_yuan"]].sum()
    closing = funds.groupby(["replication", "fund", "year"])["closing_yuan"].last()
    means = flows.join(closing).groupby(["fund", "year"]).mean().reset_index()
    means["fund"] = pd.Categorical(means["fund"], categories=list(FUNDS), ordered=True)
    means = means.sort_values(["fund", "year"])
    return pd.DataFrame({
        w["fund"]: [FUND_LABELS[f][0 if language == "zh" else 1] for f in means["fund"]],
        w["year"]: means["year"].to_numpy(),
        w["appropriated"]: means["appropriated_yuan"].to_numpy(), w["paid"]: means["paid_yuan"].to_numpy(),
        w["lapsed"]: means["lapsed_yuan"].to_numpy(), w["closing"]: means["closing_yuan"].to_numpy()})


# The default targets' names in Chinese (a scenario's own targets keep the names it gives them).
DEFAULT_TARGET_NAMES_ZH = {
    "4.5 places per 1,000 residents by 2025-12 (national, 14th Five-Year Plan)":
        "2025年底每千人口托位数达到4.5个（国家“十四五”规划）",
    "100% certified carers by 2026-12 (持证上岗)": "2026年底托育从业人员100%持证上岗",
    "a community inclusive centre in every urban street by 2027-12": "2027年底每个街道至少建成1个社区普惠托育中心",
}


def targets_sheet(table: pd.DataFrame, language: str) -> Sheet:
    w = WORDS[language]
    zh = language == "zh"
    frame = pd.DataFrame({
        w["target"]: [DEFAULT_TARGET_NAMES_ZH.get(t, t) if zh else t for t in table["target"]],
        w["indicator"]: [INDICATORS[i].label(language) for i in table["indicator"]],
        w["condition"]: table["condition"], w["where"]: [w["city"] if where == "city" else where
                                                          for where in table["where"]],
        w["deadline"]: table["deadline"],
        w["probability"]: table["probability_met"], w["first_met"]: table["median_month_first_met"],
        f"{w['value']} {w['mean']}": table["value_at_deadline_mean"],
        f"{w['value']} {w['p5']}": table["value_at_deadline_p5"],
        f"{w['value']} {w['p95']}": table["value_at_deadline_p95"]})
    return Sheet(w["sheets"][2], frame, row_formats=[unit_format(i) for i in table["indicator"]],
                 column_formats={w["probability"]: PROBABILITY_FORMAT}, frozen_columns=1)


# The cost measures (sim.costs) in words: measure → (Chinese, English) label and unit.
COST_MEASURES = {
    "cost_per_new_place": (("每新增托位成本", "元/托位"), ("cost per new place", "yuan per place")),
    "public_cost_per_enrolled_child_year": (("每名在托婴幼儿年均财政支出", "元/人·年"),
                                            ("public cost per enrolled child-year", "yuan per child-year")),
    "appropriations_used_share": (("预算资金使用率", "比例"), ("share of appropriations used", "share")),
}


def _cost_subject(subject: str, language: str) -> str:
    """Who a cost measure is of: a lever that adds places, private entry, all spending or all funds."""
    zh = language == "zh"
    if subject == "private_entry":
        return "民办机构进入" if zh else "private entry"
    if subject == "all funds":
        return "全部资金" if zh else subject
    if subject in INDICATORS:
        return INDICATORS[subject].label(language)
    lever = levers().get(subject)
    return lever.label(language) if lever else subject


def costs_sheet(table: pd.DataFrame, language: str) -> Sheet:
    w = WORDS[language]
    words = [COST_MEASURES[m][0 if language == "zh" else 1] for m in table["measure"]]
    frame = pd.DataFrame({
        w["period"]: table["period"], w["measure"]: [label for label, _ in words],
        w["subject"]: [_cost_subject(s, language) for s in table["subject"]], w["unit"]: [unit for _, unit in words],
        w["mean"]: table["mean"], w["p5"]: table["p5"], w["p95"]: table["p95"],
        w["key"]: table["measure"] + ":" + table["subject"]})
    return Sheet(w["sheets"][5], frame, row_formats=["0.0%" if unit == "share" else COUNT_FORMAT
                                                     for unit in table["unit"]], frozen_columns=3)


def about_sheet(lines: Sequence[tuple[str, object]], language: str) -> Sheet:
    columns = ["项目", "内容"] if language == "zh" else ["item", "value"]
    return Sheet(WORDS[language]["about"], pd.DataFrame(list(lines), columns=columns))


def run_sheets(result: Result, warnings: Sequence[str] = ()) -> list[Sheet]:
    """The sheets of a run's summary.xlsx, in the scenario's language."""
    language = result.scenario.spec.meta.language
    w = WORDS[language]
    table = year_ends(result, language)

    def areas(name: str, rows: pd.Series) -> Sheet:
        part = table[rows].drop(columns=w["level"])
        return Sheet(name, part, [unit_format(i) for i in part[w["key"]]], frozen_columns=3)

    city = table[w["level"]] == w["city"]
    sheets = [areas(w["sheets"][0], city), areas(w["sheets"][1], ~city),
              targets_sheet(targets.table(result), language),
              Sheet(w["sheets"][3], spending_by_item(result, language), column_formats={}, frozen_columns=1),
              Sheet(w["sheets"][4], funds_by_year(result, language), frozen_columns=2),
              costs_sheet(costs.table(result), language)]
    for sheet in sheets[3:5]:
        sheet.column_formats = {c: COUNT_FORMAT for c in sheet.frame.columns[sheet.frozen_columns:]}
    return [*sheets, about_sheet(_about(result, warnings, language), language)]


def _about(result: Result, warnings: Sequence[str], language: str) -> list[tuple[str, object]]:
    zh = language == "zh"
    spec = result.scenario.spec
    lines: list[tuple[str, object]] = [
        ("情景" if zh else "scenario", spec.meta.name),
        ("情景文件" if zh else "scenario file", str(result.scenario.path)),
        ("时段" if zh else "horizon", f"{spec.horizon.start}–{spec.horizon.end}"),
        ("重复次数" if zh else "replications", result.reps),
        ("随机种子" if zh else "seed", result.seed),
        ("读法" if zh else "how to read",
         "每个数值为各次重复模拟的均值，P5–P95为90%区间；存量取年末值，流量为全年合计，比率由合计值计算。"
         if zh else "Each number is the mean across replications, p5–p95 their 90% range; stocks are read at the "
                    "year's last month, flows summed over the year, ratios computed from the sums."),
    ]
    lines += [("提示" if zh else "note", note) for note in result.notes()]
    lines += [("输入警告" if zh else "input warning", warning) for warning in warnings]
    return lines


# --------------------------------------------------------------------------- a comparison


def comparison_frame(comparison: pd.DataFrame, differences: pd.DataFrame, labels: Sequence[str],
                     language: str) -> pd.DataFrame:
    """Rows: indicator × year end; columns: each scenario's mean, p5 and p95, then each one's difference from
    the first (mean and 95% interval)."""
    w = WORDS[language]
    keys = comparison.drop_duplicates(["indicator", "period"])[["indicator", "period"]]
    frame = pd.DataFrame({w["indicator"]: [INDICATORS[i].label(language) for i in keys["indicator"]],
                          w["unit"]: [INDICATORS[i].unit(language) for i in keys["indicator"]],
                          w["period"]: keys["period"].to_numpy(), w["key"]: keys["indicator"].to_numpy()})
    for label in labels:
        rows = comparison[comparison["scenario"] == label]
        for stat in ("mean", "p5", "p95"):
            frame[f"{label} {w[stat]}"] = rows[stat].to_numpy()
    for label in labels[1:]:
        rows = differences[differences["scenario"] == label]
        for stat in ("mean", "ci_low", "ci_high"):
            frame[f"{label} {w['difference']} {w[stat]}"] = rows[stat].to_numpy()
    return frame


def compare_sheets(results: Sequence[Result], labels: Sequence[str], comparison: pd.DataFrame,
                   differences: pd.DataFrame, target_table: pd.DataFrame) -> list[Sheet]:
    """The sheets of a comparison's summary.xlsx, in the first scenario's language."""
    language = results[0].scenario.spec.meta.language
    w = WORDS[language]
    frame = comparison_frame(comparison, differences, labels, language)
    met = target_table.pivot_table(index="target", columns="scenario", values="probability_met", sort=False,
                                   dropna=False).reindex(columns=list(labels)).reset_index()
    met.columns = [w["target"], *labels]
    if language == "zh":
        met[w["target"]] = [DEFAULT_TARGET_NAMES_ZH.get(t, t) for t in met[w["target"]]]
    spending = pd.concat([spending_by_item(r, language).assign(**{w["scenario"]: label})
                          for r, label in zip(results, labels, strict=True)], ignore_index=True)
    spending = spending[[w["scenario"], *spending.columns[:-1]]]
    funds = pd.concat([funds_by_year(r, language).assign(**{w["scenario"]: label})
                       for r, label in zip(results, labels, strict=True)], ignore_index=True)
    funds = funds[[w["scenario"], *funds.columns[:-1]]]
    cost_tables = [costs.table(r).assign(scenario=label) for r, label in zip(results, labels, strict=True)]
    cost_table = pd.concat(cost_tables, ignore_index=True)
    cost = costs_sheet(cost_table, language)
    cost.frame.insert(0, w["scenario"], cost_table["scenario"].to_numpy())
    cost.frozen_columns += 1
    about = [("情景" if language == "zh" else "scenarios", " · ".join(labels)),
             ("重复次数" if language == "zh" else "replications", results[0].reps),
             ("随机种子" if language == "zh" else "seed", results[0].seed)]
    return [Sheet(w["sheets"][7], frame, [unit_format(i) for i in frame[w["key"]]], frozen_columns=3),
            Sheet(w["sheets"][2], met, column_formats={label: PROBABILITY_FORMAT for label in labels},
                  frozen_columns=1),
            Sheet(w["sheets"][3], spending, column_formats={c: COUNT_FORMAT for c in spending.columns[2:]},
                  frozen_columns=2),
            Sheet(w["sheets"][4], funds, column_formats={c: COUNT_FORMAT for c in funds.columns[3:]},
                  frozen_columns=3),
            cost,
            about_sheet(about, language)]
