"""Every word a chart or the brief prints, in English and Chinese (图表用语).

Indicator names and units come from :mod:`sim.indicators`; this table holds only the words charts add:
titles, axis names, legend entries and the brief's headings. Plotting code never writes a word itself.
"""

from __future__ import annotations

from sim.indicators import INDICATORS

LANGUAGES = ("zh", "en")

# key: (English, 中文)
WORDS: dict[str, tuple[str, str]] = {
    # chart titles
    "title.places_demand": ("Places against demand", "托位供给与需求"),
    "title.places_per_1000": ("Places per 1,000 residents against the target", "每千人口托位数与目标"),
    "title.enrolment": ("Enrolment rate and waitlist", "入托率与排队人数"),
    "title.staff": ("Licensed and usable places: the staff shortage", "备案托位与可用托位：从业人员缺口"),
    "title.certification": ("Certified carers against the mandate", "持证上岗率与要求"),
    "title.spending": ("Public spending by item and appropriations", "财政支出（分项）与年度预算"),
    "title.cumulative_cost": ("Cumulative public spending", "财政累计支出"),
    "title.districts": ("Districts side by side", "各区县比较"),
    "title.street_centres": ("Urban streets with a community inclusive centre", "社区普惠托育中心街道覆盖率"),
    "title.binding": ("What limits enrolment", "制约入托的主要因素"),
    "title.scenarios": ("Scenarios compared", "情景比较"),
    "title.differences": ("Difference from the reference scenario at the horizon", "与参照情景的差异（期末）"),
    "title.tornado": ("One-at-a-time sensitivity", "单因素敏感性分析"),
    "title.sobol": ("Sobol sensitivity indices", "Sobol 敏感性指数"),
    "title.morris": ("Morris elementary effects", "Morris 基本效应"),
    "title.correlation": ("Rank correlation with the parameters", "参数秩相关分析"),
    "title.calibration_fit": ("Calibration: observed against simulated at the fitted values",
                              "模型校准：观测值与拟合参数下的模拟值"),
    # axes and legends
    "axis.year": ("Year", "年份"),
    "axis.district": ("District", "区县"),
    "axis.scenario": ("Scenario", "情景"),
    "axis.parameter": ("Parameter", "参数"),
    "axis.share_of_districts": ("Share of districts (%)", "区县占比（%）"),
    "axis.index": ("Index", "指数"),
    "legend.band": ("p5–p95 across replications", "模拟区间（p5–p95）"),
    "legend.mean": ("mean", "均值"),
    "legend.target_full": ("Target {condition} by {deadline}: P(met) {probability}",
                           "目标 {condition}，期限 {deadline}：实现概率 {probability}"),
    "legend.deadline": ("deadline", "期限"),
    "legend.mandate": ("Mandate in force", "持证上岗要求生效"),
    "legend.appropriated": ("Appropriations (all funds)", "年度预算（全部资金）"),
    "legend.places_lost": ("Places lost to the staff shortage", "因缺少从业人员无法使用的托位"),
    "legend.desert": ("Childcare desert: more than {value:g} children per place",
                      "托育荒漠：每托位超过{value:g}名婴幼儿"),
    "legend.interval_90": ("90% of replications (p5–p95)", "90%模拟区间（p5–p95）"),
    "legend.ci_95": ("95% interval of the mean", "均值95%置信区间"),
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
    # units the charts rescale to
    "unit.money": ("million yuan", "万元"),
    "unit.share": ("%", "%"),
    # the brief
    "brief.title": ("Brief: {name}", "决策简报：{name}"),
    "brief.compare_title": ("Brief: {names}", "决策简报：{names}"),
    "brief.assumptions": ("Key assumptions", "主要假设"),
    "brief.horizon": ("Horizon {start} to {end}; {reps} replications, seed {seed}",
                      "模拟期 {start} 至 {end}；{reps} 次重复模拟，随机种子 {seed}"),
    "brief.births": ("Births per 1,000 residents: {path}", "出生率（‰）：{path}"),
    "brief.policies": ("Policies: {names}", "政策措施：{names}"),
    "brief.no_policies": ("none", "无"),
    "brief.budget": ("Budget {year}: {amount} {unit} in all funds", "{year}年预算：各项资金合计 {amount} {unit}"),
    "brief.headline": ("At the horizon ({month}): mean (90% interval)", "期末（{month}）：均值（90%区间）"),
    "brief.targets": ("Targets: probability of meeting each at its deadline", "目标：按期实现的概率"),
    "brief.target": ("target", "目标"),
    "brief.deadline": ("deadline", "期限"),
    "brief.probability": ("P(met)", "实现概率"),
    "brief.value": ("value at deadline: mean (p5–p95)", "期限时数值：均值（p5–p95）"),
    "brief.mean_interval": ("mean (p5–p95)", "均值（p5–p95）"),
    "brief.beyond": ("after horizon", "超出模拟期"),
    "brief.costs": ("Spending paid by year and payer ({unit})", "按年度和资金来源的支出（{unit}）"),
    "brief.of_which_household_subsidy": ("of which to families", "其中：育儿补贴（发给家庭）"),
    "brief.total": ("total", "合计"),
    "brief.year": ("year", "年份"),
    "brief.indicator": ("indicator", "指标"),
    "brief.no_costs": ("No budget in this scenario: spending is paid as requested.",
                       "本情景未设预算：支出按申请全额拨付。"),
    "brief.reference": ("reference", "参照"),
    "where.every_district": ("in every district", "（各区县）"),
    "where.every_street": ("in every street", "（各街道）"),
    "footer": ("{name} · seed {seed} · tuoyu-sim {version} · {date}",
               "{name} · 随机种子 {seed} · tuoyu-sim {version} · {date}"),
    # policy levers, for the brief's assumptions
    "policy.public_build": ("public build", "新建公办机构"),
    "policy.public_expansion": ("public expansion", "公办机构改扩建"),
    "policy.construction_subsidy": ("construction subsidy", "建设补贴"),
    "policy.new_housing_quota": ("new-housing quota", "新建小区配建"),
    "policy.existing_area_quota": ("existing-area quota", "老旧小区补建"),
    "policy.street_centres": ("street centres", "街道社区托育中心"),
    "policy.kindergarten_classes": ("kindergarten classes", "幼儿园托班"),
    "policy.purchased_services": ("purchased services", "政府购买服务"),
    "policy.quality_evaluation": ("quality evaluation", "质量评估"),
    "policy.vouchers": ("vouchers", "托育体验券"),
    "policy.publicity": ("publicity", "宣传"),
    "policy.family_points": ("family care points", "家庭托育点"),
    "policy.operating_subsidy": ("operating subsidy", "运营补贴"),
    "policy.rent_relief": ("rent relief", "房租减免"),
    "policy.training": ("training", "从业人员培训"),
    "policy.certification_mandate": ("certification mandate", "持证上岗"),
    "policy.household_subsidy": ("household subsidy", "育儿补贴"),
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


def unit(indicator: str, language: str) -> str:
    """The unit an axis shows: shares as %, yuan rescaled (see :func:`sim.charts.style.money_scale`)."""
    indicator_unit = INDICATORS[indicator].unit_en
    if indicator_unit == "share":
        return word("unit.share", language)
    if indicator_unit == "yuan":
        return word("unit.money", language)
    return INDICATORS[indicator].unit(language)


def axis_label(indicator: str, language: str) -> str:
    separator = "（" if language == "zh" else " ("
    closing = "）" if language == "zh" else ")"
    return f"{label(indicator, language)}{separator}{unit(indicator, language)}{closing}"
