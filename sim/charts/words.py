"""Every word a chart or the brief prints, in English and Chinese (图表用语).

Indicator names and units come from :mod:`sim.indicators`; this table holds only the words charts add:
titles, axis names, legend entries and the brief's headings. Plotting code never writes a word itself.
"""

from __future__ import annotations

from sim.indicators import INDICATORS
from sim.scenario.policy_schema import levers

LANGUAGES = ("zh", "en")

# key: (English, 中文)
WORDS: dict[str, tuple[str, str]] = {
    # chart titles
    "title.places_demand": ("Places against demand", "托位供给与需求"),
    "title.places_per_1000": ("Places per 1,000 residents against the target", "每千人口托位数与目标"),
    "title.enrolment": ("Enrolment rate and waitlist", "入托率与排队人数"),
    "title.staff": ("Licensed and usable places, and the carers they lack", "备案托位、可用托位与从业人员缺口"),
    "title.certification": ("Certified carers against the mandate", "持证上岗率与要求"),
    "title.spending": ("Spending on childcare services by item, against the appropriations left for them",
                       "托育服务财政支出（分项）与可用拨款"),
    "title.funds": ("Where the appropriations went", "资金来源与使用"),
    "title.cumulative_cost": ("Paid out to date against appropriations to date", "累计支出与累计拨款"),
    "title.cumulative_spending": ("Paid out to date", "累计支出"),
    "title.districts": ("Districts side by side", "各区县比较"),
    "title.districts_fewest": ("The {shown} districts with the fewest places per 1,000 residents (of {total})",
                               "每千人口托位数最少的{shown}个区县（共{total}个）"),
    "title.street_centres": ("Urban streets with a community inclusive centre", "社区普惠托育中心街道覆盖率"),
    "title.binding": ("What limits enrolment (share of districts)", "制约入托的主要因素（区县占比）"),
    "title.binding_gains": ("A little more of each, from the year on", "各项资源自当年起略增"),
    "axis.children_added": ("children in care added (mean to {end})", "新增在托婴幼儿（至{end}平均）"),
    "note.binding_not_measured": ("Not measured in this run (--binding-reps 0).",
                                  "本次运行未测算（--binding-reps 0）。"),
    "title.scenarios": ("Scenarios compared", "情景比较"),
    "title.differences": ("Difference from the reference scenario at the horizon", "与参照情景的差异（期末）"),
    "title.differences_from": ("Difference from {reference} at the horizon ({month})",
                               "与参照情景（{reference}）的差异（期末，{month}）"),
    "title.tornado": ("One-at-a-time sensitivity", "单因素敏感性分析"),
    "title.sobol": ("Sobol sensitivity indices", "Sobol 敏感性指数"),
    "title.morris": ("Morris elementary effects", "Morris 基本效应"),
    "title.correlation": ("Rank correlation with the parameters", "参数秩相关分析"),
    "title.calibration_fit": ("Calibration: observed against simulated at the fitted values",
                              "模型校准：观测值与拟合参数下的模拟值"),
    # axes and legends
    "axis.district": ("District", "区县"),
    "axis.scenario": ("Scenario", "情景"),
    "axis.parameter": ("Parameter", "参数"),
    "axis.share_of_districts": ("Share of districts (%)", "区县占比（%）"),
    "axis.index": ("Index", "指数"),
    "axis.range": ("range {low} to {high}", "取值 {low}–{high}"),
    "axis.places_children": ("places / children", "托位数 / 人数"),
    "axis.sources": ("sources", "来源"),
    "axis.uses": ("uses", "使用"),
    "legend.band": ("p5–p95 across replications", "模拟区间（p5–p95）"),
    "legend.mean": ("mean", "均值"),
    "legend.target_full": ("Target {condition} by {deadline}: P(met) {probability}",
                           "目标 {condition}，期限 {deadline}：实现概率 {probability}"),
    "legend.deadline": ("deadline", "期限"),
    "legend.mandate": ("Mandate in force", "持证上岗要求生效"),
    "legend.appropriated_cumulative": ("Appropriations to date (all funds)", "累计拨款（全部资金）"),
    "legend.available_cumulative": ("Opening balances and appropriations to date", "期初余额与累计拨款"),
    "legend.services": ("Childcare services", "托育服务支出"),
    "legend.services_to_date": ("Childcare services, paid to date", "托育服务累计支出"),
    "legend.household_subsidy": ("Household subsidy paid to families (育儿补贴)", "育儿补贴（发放给家庭）"),
    "legend.household_subsidy_to_date": ("Household subsidy paid to date", "育儿补贴累计发放"),
    "legend.service_budget": ("This year's appropriations less the household subsidy",
                              "当年拨款扣除育儿补贴"),
    "legend.carried_in": ("Carried over from last year", "上年结转"),
    "legend.appropriated_year": ("Appropriated this year", "当年拨款"),
    "legend.closing": ("Balance at year end", "年末结余"),
    "legend.lapsed": ("Lapsed at year end", "年末收回"),
    "legend.constant": ("{name}: {value} throughout", "{name}：模拟期内均为{value}"),
    "legend.mean_difference": ("mean difference", "差异均值"),
    "legend.wide": ("95% interval wider than ±{wide:g}: too few runs to rank by",
                    "95%区间宽于±{wide:g}：样本不足，不宜据此排序"),
    "legend.wide_half": ("95% interval wider than half of μ*: too few runs to rank by",
                         "95%区间宽于μ*的一半：样本不足，不宜据此排序"),
    "legend.places_lost": ("Places lost to the staff shortage", "因缺少从业人员无法使用的托位"),
    "legend.desert": ("Childcare desert: more than {value:g} children per place",
                      "托育荒漠：每托位超过{value:g}名婴幼儿"),
    "legend.interval_90": ("90% of replications (p5–p95)", "90%模拟区间（p5–p95）"),
    "legend.ci_95": ("95% interval of the mean", "均值95%置信区间"),
    "legend.interval_95": ("95% interval", "95%置信区间"),
    "legend.low": ("parameter at its low value", "参数取低值"),
    "legend.high": ("parameter at its high value", "参数取高值"),
    "legend.base": ("all at base values", "全部取基准值"),
    "legend.first_order": ("first order S1", "一阶指数 S1"),
    "legend.total_order": ("total order ST", "总效应指数 ST"),
    "legend.mu_star": ("μ* (mean absolute effect)", "μ*（平均绝对效应）"),
    "legend.sigma": ("σ (interactions, non-linearity)", "σ（交互与非线性）"),
    "legend.spearman": ("Spearman rank correlation", "Spearman 秩相关系数"),
    "legend.src": ("standardised regression coefficient", "标准化回归系数"),
    "legend.no_funds": ("no budget in this scenario", "本情景未设预算"),
    "legend.other_items": ("other items", "其他项目"),
    "legend.observed_target": ("observed, fitted", "观测值（校准目标）"),
    "legend.observed_backtest": ("observed, held out (backtest)", "观测值（回测，未参与校准）"),
    "legend.backtest_band": ("backtest range (plausible sets)", "回测区间（各可信参数组合）"),
    # binding constraints
    "constraint.demand": ("demand", "需求"),
    "constraint.buildings": ("buildings (places)", "托位（场地）"),
    "constraint.staff": ("staff", "从业人员"),
    "constraint.money": ("money", "资金"),
    # funds
    "fund.central_transfer": ("central transfer", "中央转移支付"),
    "fund.provincial": ("provincial", "省级资金"),
    "fund.city_special_fund": ("city special fund", "市级专项资金"),
    "fund.district_funds": ("district funds", "区县资金"),
    "note.sobol": ("Sobol: n = {n} base samples × ({k} parameters + 2) = {runs} runs of {reps} replications "
                   "each; bars: 95% intervals.",
                   "Sobol分析：基础样本 n = {n}，×（{k}个参数 + 2）= {runs} 次运行，"
                   "每次 {reps} 次重复模拟；误差线为95%置信区间。"),
    "note.wide_half": ("{count} of {total} intervals are wider than half their μ* (red): the ranking may change "
                       "with more trajectories.",
                       "{count}/{total} 个区间宽于μ*的一半（红色）：增加轨迹数后排序可能改变。"),
    "note.wide": ("{count} of {total} intervals are wider than ±{wide:g} (red): the ranking may change with a "
                  "larger n or more replications.",
                  "{count}/{total} 个区间宽于±{wide:g}（红色）：增大 n 或重复次数后排序可能改变。"),
    "note.morris": ("Morris: {n} trajectories × ({k} parameters + 1) = {runs} runs of {reps} replications each; "
                    "bars: 95% intervals of μ*.",
                    "Morris分析：{n} 条轨迹 ×（{k}个参数 + 1）= {runs} 次运行，"
                    "每次 {reps} 次重复模拟；误差线为μ*的95%置信区间。"),
    "note.oat": ("One at a time: {runs} runs of {reps} replications each; each parameter at its low and high value, "
                 "the others at their base values.",
                 "单因素分析：{runs} 次运行，每次 {reps} 次重复模拟；"
                 "每个参数分别取低值和高值，其余参数取基准值。"),
    "note.correlation": ("{method}: {runs} runs of {reps} replications each.",
                         "{method}：{runs} 次运行，每次 {reps} 次重复模拟。"),
    # the brief
    "brief.title": ("Brief: {name}", "决策简报：{name}"),
    "brief.compare_title": ("Brief: {names}", "决策简报：{names}"),
    "brief.horizon": ("Horizon {start} to {end}; {reps} replications, seed {seed}",
                      "模拟期 {start} 至 {end}；{reps} 次重复模拟，随机种子 {seed}"),
    "brief.births": ("Births per 1,000 residents: {path}", "出生率（‰）：{path}"),
    "brief.bands": ("Bands (p5–p95) carry {count} uncertain assumptions drawn in each replication and chance; at "
                    "{month} the assumptions make {places} of the spread of places per 1,000 and {enrolment} of "
                    "enrolment's",
                    "区间（p5–p95）含{count}项不确定假设（每次模拟抽取）与随机波动；{month}每千人口托位数区间的{places}、"
                    "入托率区间的{enrolment}来自这些假设"),
    "brief.binding": ("What limits enrolment (share of district-years): {shares}. A little more from {first} adds, "
                      "in children in care on average to {end}: {gains}",
                      "制约入托的因素（区县·年占比）：{shares}。自{first}起略增各项资源，至{end}平均新增在托婴幼儿："
                      "{gains}"),
    "brief.policies": ("Policies: {names}", "政策措施：{names}"),
    "brief.no_policies": ("none", "无"),
    "brief.budget": ("Appropriations {year}: {amount} in all funds; paid from them that year: {services} for childcare "
                     "services, {subsidy} household subsidy to families",
                     "{year}年拨款：各项资金合计 {amount}；当年支出托育服务 {services}，发放育儿补贴 {subsidy}"),
    "brief.headline": ("At the horizon ({month}): mean (90% interval)", "期末（{month}）：均值（90%区间）"),
    "brief.targets": ("Targets: probability of meeting each at its deadline", "目标：按期实现的概率"),
    "brief.target": ("target", "目标"),
    "brief.deadline": ("deadline", "期限"),
    "brief.probability": ("P(met)", "实现概率"),
    "brief.value": ("value at deadline: mean (p5–p95)", "期限时数值：均值（p5–p95）"),
    "brief.mean_interval": ("mean (p5–p95)", "均值（p5–p95）"),
    "brief.beyond": ("after horizon", "超出模拟期"),
    "brief.costs": ("Money by year ({unit})", "分年度资金（{unit}）"),
    "brief.appropriated": ("appropriated", "当年拨款"),
    "brief.services": ("childcare services", "托育服务支出"),
    "brief.household_subsidy": ("household subsidy to families", "育儿补贴（发放给家庭）"),
    "brief.paid": ("paid in all", "支出合计"),
    "brief.closing": ("balance at year end", "年末结余"),
    "brief.whole": ("{first}–{last}", "{first}–{last}年"),
    "brief.household_subsidy_to_date": ("Household subsidy paid to date", "育儿补贴累计发放"),
    "brief.year": ("year", "年份"),
    "brief.indicator": ("indicator", "指标"),
    "brief.reference": ("reference", "参照"),
    "where.every_district": ("in every district", "（各区县）"),
    "where.every_street": ("in every street", "（各街道）"),
    "footer": ("{name} · seed {seed} · tuoyu-sim {version} · {date}",
               "{name} · 随机种子 {seed} · tuoyu-sim {version} · {date}"),
    # maps
    "map.no_geometry": ("No street boundaries for this city: each street is drawn as a square, grouped by district. "
                        "Put the streets' boundaries beside streets.csv as streets.geojson (with a street_id column) "
                        "or give --geometry FILE; see docs/charts.md.",
                        "本市无街道边界数据：每个街道（乡镇）画作一个方格，按区县分组。"
                        "将含 street_id 字段的街道边界文件 streets.geojson 放在 streets.csv 旁，"
                        "或用 --geometry 指定，见 docs/charts.md。"),
    "map.geometry_from": ("Street boundaries: {file}.", "街道边界：{file}。"),
    "map.streets_without_shape": ("{count} streets have no shape in it and are not drawn.",
                                  "其中缺少 {count} 个街道的边界，未绘出。"),
    "map.no_places": ("no licensed places", "无备案托位"),
    "map.title.places_per_1000": ("Places per 1,000 residents", "每千人口托位数"),
    "map.title.unmet_demand": ("Unmet demand: children waiting (outlined: the neediest streets)",
                               "未满足需求：排队等待人数（黑框为最需要的街道）"),
    "map.title.licensed_occupancy": ("Licensed places in use", "托位使用率（按备案托位）"),
    "map.title.centre_coverage": ("Community inclusive centre in the street", "街道社区普惠托育中心"),
    "map.title.deserts": ("Childcare deserts", "托育荒漠"),
    "map.change_title": ("{what}: change from {reference}, {month}", "{what}：与{reference}相比的变化（{month}）"),
    "map.centre_coverage.centre": ("has a centre", "有中心"),
    "map.centre_coverage.centre_some": ("has one in some replications", "部分模拟中有"),
    "map.centre_coverage.no_centre": ("no centre", "无中心"),
    "map.centre_coverage.town": ("town or township (not counted)", "乡镇（不计入）"),
    "map.centre_coverage.gained": ("gains a centre", "新增中心"),
    "map.centre_coverage.lost": ("loses its centre", "失去中心"),
    "map.centre_coverage.same_yes": ("has one in both", "两情景均有"),
    "map.centre_coverage.same_no": ("has none in either", "两情景均无"),
    "map.deserts.no_places": ("no licensed place at all", "无任何备案托位"),
    "map.deserts.desert": ("desert: more than {value:g} children per place", "荒漠：每托位超过{value:g}名婴幼儿"),
    "map.deserts.not_desert": ("{value:g} or fewer children per place", "每托位不超过{value:g}名婴幼儿"),
    "map.deserts.gained": ("no longer a desert", "不再是荒漠"),
    "map.deserts.lost": ("becomes a desert", "变为荒漠"),
    "map.deserts.same_yes": ("not a desert in either", "两情景均非荒漠"),
    "map.deserts.same_no": ("a desert in both", "两情景均为荒漠"),
    "map.deserts.town": ("town", "乡镇"),
    "map.page_title": ("Where the city falls short, street by street ({month})",
                       "托育短板在哪里：分街道地图（{month}）"),
    "map.compare_page_title": ("What each scenario changes, street by street, against {reference} ({month})",
                               "各情景与{reference}相比：分街道变化（{month}）"),
    "map.neediest": ("The {count} streets with the most children waiting ({month})",
                     "排队等待人数最多的{count}个街道（{month}）"),
    "map.table.rank": ("#", "序号"),
    "map.table.street": ("street", "街道（乡镇）"),
    "map.table.district": ("district", "区县"),
    "map.table.waiting": ("children waiting", "排队等待人数"),
    "map.table.per_1000": ("places per 1,000", "每千人口托位数"),
    "map.table.per_place": ("children per place", "每托位婴幼儿数"),
    "map.table.centre": ("community centre", "社区中心"),
    "map.yes": ("yes", "有"),
    "map.no": ("no", "无"),
    # policy levers (the brief's assumptions, sweep parameters): their declared labels
    **{f"policy.{name}": (lever.label_en[0].lower() + lever.label_en[1:], lever.label_zh)
       for name, lever in levers().items()},
}


def word(key: str, language: str, **values: object) -> str:
    """The word for ``key`` in ``language``, with ``{placeholders}`` filled from ``values``."""
    english, chinese = WORDS[key]
    return (chinese if language == "zh" else english).format(**values)


def label(indicator: str, language: str) -> str:
    return INDICATORS[indicator].label(language)


def short_label(indicator: str, language: str) -> str:
    """The label without its family prefix ("Spending: training" → "training"), for legends."""
    text = label(indicator, language)
    for separator in ("：", ": "):
        if separator in text:
            return text.split(separator, 1)[1]
    return text


def with_unit(text: str, unit: str, language: str) -> str:
    """"托位数（个）", "Places (places)": a label with its unit in brackets of the language."""
    return f"{text}（{unit}）" if language == "zh" else f"{text} ({unit})"
