"""Names of scenario parameters as sweep charts print them (参数名称), in English and Chinese, with their units.

A sweep names a parameter by its dotted key (``demand.willingness_to_pay_median_yuan_per_month``); a slide for
a vice-mayor needs "支付意愿中位数（元/月）". The key is resolved against the scenario schema, so the parts that
are keys of a mapping (a year, a fund, a district) or positions in a list become qualifiers
("市级专项资金·2025年"), and the field is looked up here: a test walks the schema and fails for any number
a sweep could vary that has no name in both languages.
"""

from __future__ import annotations

import typing
from typing import Any

from pydantic import BaseModel

from sim.charts.words import word
from sim.scenario.schema import ScenarioSpec

# Fields outside ``policies``, by schema path: (English, 中文).
FIELDS: dict[str, tuple[str, str]] = {
    "demography.birth_rate_per_1000_per_year": ("births per 1,000 residents", "出生率（‰）"),
    "demography.infant_mortality_per_1000_births": ("infant deaths per 1,000 births", "婴儿死亡率（‰）"),
    "demography.child_mortality_per_1000_per_year": ("deaths per 1,000 children aged 1–2 a year",
                                                     "1–2岁儿童年死亡率（‰）"),
    "demography.death_rate_per_1000_per_year": ("deaths per 1,000 residents", "死亡率（‰）"),
    "demography.net_migration_per_1000_per_year": ("net migration per 1,000 residents", "净迁入率（‰）"),
    "demography.net_migration_by_district_per_1000_per_year": ("net migration per 1,000 residents",
                                                               "净迁入率（‰）"),
    "demography.birth_seasonality_by_month": ("relative births in the month", "月度出生权重"),
    "demography.new_housing.move_in_lag_months": ("months from completion to move-in", "新建住宅入住滞后（月）"),
    "demography.new_housing.occupancy_share": ("new housing occupied (share)", "新建住宅入住率"),
    "demography.new_housing.relocated_within_district_share": ("movers from the same district (share)",
                                                               "区内迁居比例"),
    "demography.new_housing.children_0_3_per_1000_newcomers": ("children under 3 per 1,000 newcomers",
                                                               "每千名新迁入人口中0–3岁婴幼儿数"),
    "demand.stated_need_share.under_6_months": ("families wanting care, under 6 months (share)",
                                                "6个月以下托育需求比例"),
    "demand.stated_need_share.infant_6_11_months": ("families wanting care, 6–11 months (share)",
                                                    "6–11个月托育需求比例"),
    "demand.stated_need_share.toddler_12_23_months": ("families wanting care, 12–23 months (share)",
                                                      "12–23个月托育需求比例"),
    "demand.stated_need_share.older_24_35_months": ("families wanting care, 24–35 months (share)",
                                                    "24–35个月托育需求比例"),
    "demand.willingness_to_pay_median_yuan_per_month": ("median willingness to pay (yuan/month)",
                                                        "家庭支付意愿中位数（元/月）"),
    "demand.willingness_to_pay_sigma": ("spread of willingness to pay (log sigma)", "支付意愿离散度（对数标准差）"),
    "demand.market_preference_share": ("families preferring a market-rate place (share)", "偏好市场价托位的家庭比例"),
    "demand.other_street_acceptance_share": ("families accepting another street (share)", "接受跨街道入托的家庭比例"),
    "demand.give_up_per_month_share": ("waiting families giving up per month (share)", "排队家庭每月放弃比例"),
    "demand.trust_need_uplift_share": ("rise in need when parents trust the system (share)",
                                       "家长信任带来的托育需求提升比例"),
    "demand.trust_memory_months": ("months parents remember a closure or an evaluation", "家长信任记忆时长（月）"),
    "demand.dropout_per_month_share": ("children leaving care per month (share)", "每月中途退托比例"),
    "demand.return_at_new_band_share": ("families who gave up looking again at a new class band (share)",
                                        "放弃家庭在孩子升入新班龄时重新寻找的比例"),
    "demand.return_when_place_opens_share": ("families who gave up looking again when a place opens nearby (share)",
                                             "附近新开托位时放弃家庭重新寻找的比例"),
    "providers.lifecycle.fit_out_months": ("months to fit out a private centre", "民办机构装修期（月）"),
    "providers.lifecycle.registration_months": ("months to register (备案)", "备案办理时长（月）"),
    "providers.lifecycle.rectification_months": ("months to rectify after failing evaluation", "整改时长（月）"),
    "providers.economics.rent_yuan_per_place_per_month": ("rent (yuan per place a month)", "房租（元/托位/月）"),
    "providers.economics.fixed_cost_yuan_per_month": ("fixed costs of a provider (yuan/month)",
                                                      "机构固定成本（元/月）"),
    "providers.exit.loss_months_to_close": ("loss months before closing", "连续亏损关停阈值（月）"),
    "providers.exit.low_occupancy_share": ("occupancy counted as too low (share)", "低使用率阈值"),
    "providers.exit.low_occupancy_months_to_close": ("low-occupancy months before closing",
                                                     "连续低使用率关停阈值（月）"),
    "providers.exit.closure_per_month_share": ("closures per month past a threshold (share)", "超过阈值后每月关停概率"),
    "providers.entry.max_entries_per_district_per_year": ("most private entries per district a year",
                                                          "每区县每年民办机构进入上限（个）"),
    "providers.entry.waitlist_half_saturation_children": ("waitlist at half the entry rate (children)",
                                                          "进入率减半时的排队人数"),
    "providers.entry.margin_sensitivity": ("entry's response to margins", "进入对利润率的敏感度"),
    "providers.entry.inclusive_choice_sensitivity": ("choice of inclusive pricing's response to margins",
                                                     "选择普惠定价的敏感度"),
    "providers.entry.payback_months": ("months to recover fit-out", "装修投资回收期（月）"),
    "providers.entry.fit_out_cost_yuan_per_place": ("fit-out cost (yuan per place)", "装修成本（元/托位）"),
    "providers.entry.market_fee_yuan_per_month": ("market-rate fee of entrants (yuan/month)",
                                                  "新进入机构市场价收费（元/月）"),
    "providers.entry.inclusive_fee_yuan_per_month": ("inclusive fee of entrants (yuan/month)",
                                                     "新进入机构普惠价收费（元/月）"),
    "workforce.initial_certified_share": ("certified carers at the start (share)", "期初持证比例"),
    "workforce.initial_job_seekers_share": ("certified job-seekers at the start (share of employed)",
                                            "期初持证求职人员比例"),
    "workforce.carer_wage_yuan_per_month": ("carer's wage (yuan/month)", "保育人员工资（元/月）"),
    "workforce.reference_wage_yuan_per_month": ("reference wage for attrition (yuan/month)", "离职参照工资（元/月）"),
    "workforce.attrition_wage_elasticity": ("attrition's response to wages", "离职率对工资的弹性"),
    "workforce.certified_attrition_per_month_share": ("certified carers leaving per month (share)", "持证人员月离职率"),
    "workforce.uncertified_attrition_per_month_share": ("uncertified carers leaving per month (share)",
                                                        "未持证人员月离职率"),
    "workforce.job_seeker_exit_per_month_share": ("job-seekers leaving per month (share)", "求职人员月流失率"),
    "workforce.uncertified_hiring_share": ("vacancies filled by uncertified hires (share)", "未持证人员补缺比例"),
    "workforce.self_certification_per_month_share": ("uncertified carers certifying per month (share)",
                                                     "未持证人员每月自行取证比例"),
    "workforce.min_carers_per_open_class": ("least carers per open class", "每个开班最少保育人员数"),
    "workforce.hiring_headroom_share": ("carers kept beyond enrolment (share of places)", "超额配备人员比例"),
    "workforce.opening_staffed_share": ("places staffed before opening (share)", "开业前人员配备比例"),
    "workforce.graduates_per_year": ("childcare graduates a year", "每年托育专业毕业生数"),
    "workforce.graduates_entering_share": ("graduates entering childcare (share)", "毕业生入行比例"),
    "workforce.graduates_certified_share": ("graduates holding the certificate (share)", "毕业生持证比例"),
    "warm_start.burn_in_months": ("months the market runs before the start", "预热期（月）"),
    "warm_start.recent_growth_share_per_year": ("growth of places in the year before the start (share)",
                                                "期初前一年托位增长率"),
    "budget.funds.opening_balance_yuan": ("opening balance (yuan)", "期初余额（元）"),
    "budget.funds.yuan_per_year": ("appropriation (yuan)", "年度拨款（元）"),
    "budget.funds.growth_share_per_year": ("appropriation growth a year (share)", "拨款年增长率"),
    "budget.funds.month_available": ("month the money arrives", "资金到位月份"),
    "budget.rules.shares": ("share of the item paid", "分担比例"),
}

# Fields of the policy levers, by the field's name: (English, 中文); the lever's name goes before it.
POLICY_FIELDS: dict[str, tuple[str, str]] = {
    "projects_per_year": ("projects", "项目数（个）"),
    "cost_yuan_per_place": ("cost (yuan per place)", "每托位成本（元）"),
    "build_months": ("months to build", "建设周期（月）"),
    "fee_yuan_per_month": ("fee (yuan/month)", "收费（元/月）"),
    "classes_per_year": ("classes", "班数（个）"),
    "yuan_per_place": ("subsidy (yuan per place)", "每托位补贴（元）"),
    "places_per_1000_residents": ("places per 1,000 residents", "每千人托位配建标准"),
    "compliance_share": ("developments delivering (share)", "落实比例"),
    "lag_months": ("months from completion to opening", "建成至开办滞后（月）"),
    "places_per_year": ("places", "托位数（个）"),
    "purchase_share": ("places bought (share)", "购置比例"),
    "swap_share": ("places swapped (share)", "置换比例"),
    "purchase_yuan_per_place": ("purchase cost (yuan per place)", "购置成本（元/托位）"),
    "swap_yuan_per_place": ("swap cost (yuan per place)", "置换成本（元/托位）"),
    "lease_yuan_per_place_per_month": ("lease (yuan per place a month)", "租赁成本（元/托位/月）"),
    "centres_per_year": ("centres started a year", "每年可启动中心数（个）"),
    "capital_yuan_per_place": ("capital cost (yuan per place)", "建设成本（元/托位）"),
    "operating_yuan_per_place_per_month": ("operating cost (yuan per place a month)", "运营成本（元/托位/月）"),
    "conversion_months": ("months to convert a classroom", "改造周期（月）"),
    "conversion_yuan_per_class": ("conversion cost (yuan per class)", "改造成本（元/班）"),
    "points_per_year": ("points", "点位数（个）"),
    "payment_yuan_per_place_per_month": ("payment (yuan per place a month)", "购买服务单价（元/托位/月）"),
    "setup_months": ("months to set up", "筹建周期（月）"),
    "month_of_year": ("month of the evaluation", "评估月份"),
    "fail_share": ("providers failing (share)", "不合格比例"),
    "close_share_if_failed": ("failing providers closed (share)", "不合格机构关停比例"),
    "vouchers_per_year": ("vouchers a year", "每年发放数量（张）"),
    "value_yuan": ("value (yuan)", "面值（元）"),
    "trial_share": ("vouchers leading to a trial (share)", "体验转化率"),
    "experience_wtp_uplift_share": ("rise in willingness to pay after a trial (share)", "体验后支付意愿提升比例"),
    "reach_share": ("families reached (share)", "宣传覆盖比例"),
    "informed_share_at_start": ("families informed at the start (share)", "起始知晓比例"),
    "uninformed_need_ratio": ("need of uninformed families relative to informed", "未知晓家庭需求相对比例"),
    "cost_yuan": ("cost (yuan)", "费用（元）"),
    "half_life_months": ("half-life of awareness (months)", "宣传效果半衰期（月）"),
    "subsidy_yuan_per_point": ("subsidy (yuan per point)", "每点补贴（元）"),
    "yuan_per_child_per_month": ("subsidy (yuan per child a month)", "补贴标准（元/人/月）"),
    "fee_pass_through_share": ("share lowering fees", "让利家庭比例"),
    "yuan_per_place_per_month": ("relief (yuan per place a month)", "减免标准（元/托位/月）"),
    "yuan_per_child_per_year": ("subsidy (yuan per child a year)", "补贴标准（元/人/年）"),
    "fee_effect_share": ("share counted against fees", "抵扣托费比例"),
    "trainees_per_year": ("trainees (人次)", "培训人次"),
    "start_months_of_year": ("month a cohort starts", "开班月份"),
    "duration_months": ("months of training", "培训时长（月）"),
    "pass_share": ("trainees passing (share)", "考试通过率"),
    "upskilling_share": ("places for uncertified carers (share)", "在岗人员培训比例"),
    "cost_yuan_per_trainee": ("cost (yuan per trainee)", "人均培训成本（元）"),
    "schedule": ("share of carers certified", "持证比例要求"),
    "pace_share": ("share of the pace to the target kept", "达标进度完成比例"),
    "pace_growth_per_year": ("yearly rise of the share of the pace kept", "达标进度完成比例年增幅"),
    "registration_share": ("places from registering existing centres (share)", "存量机构备案比例"),
    "kindergarten_share": ("places from kindergarten 托班 (share)", "幼儿园托班比例"),
    "registration_yuan_per_place": ("registration support (yuan per place)", "备案扶持（元/托位）"),
    "kindergarten_yuan_per_class": ("kindergarten conversion (yuan per class)", "幼儿园改造（元/班）"),
    "conversion_yuan_per_place": ("conversion of public premises (yuan per place)", "公共用房改造（元/托位）"),
    "children_per_point": ("children per point", "每点托育人数"),
    "anticipation_months": ("months before the deadline carers start certifying", "达标期限前提前取证月数"),
    "anticipation_certification_per_month_share": ("carers certifying a month ahead of the deadline (share)",
                                                   "期限前每月自主取证比例"),
    "yuan_per_provider": ("cost (yuan per provider)", "每机构费用（元）"),
    "inclusive_share": ("inclusive (share)", "普惠比例"),
    "registration_months": ("months to register (备案)", "备案办理时长（月）"),
    "support_yuan_per_centre": ("support (yuan per centre)", "每机构扶持（元）"),
    "inclusive_fee_yuan_per_month": ("inclusive fee (yuan/month)", "普惠收费（元/月）"),
    "market_fee_yuan_per_month": ("market fee (yuan/month)", "市场价收费（元/月）"),
    "months_of_year": ("months of the inspections", "检查月份"),
    "unsafe_share": ("providers found unsafe (share)", "存在隐患比例"),
    "close_share_if_unsafe": ("unsafe providers closed (share)", "隐患机构关停比例"),
    "registration_time_share": ("registration time kept (share)", "备案时长压缩后比例"),
    "other_street_gain_share": ("rise in families accepting another street (share)", "跨街道入托意愿提升比例"),
    "rectification_time_share": ("rectification time kept (share)", "整改时长压缩后比例"),
    "setup_yuan": ("setting up (yuan)", "建设费用（元）"),
    "yuan_per_year": ("running (yuan a year)", "年运行费用（元）"),
    "build_time_share": ("build time kept (share)", "建设周期压缩后比例"),
}
CLASS_BANDS = {"infant": ("infant classes", "乳儿班数"), "toddler": ("toddler classes", "托小班数"),
               "older": ("older classes", "托大班数"), "mixed": ("mixed classes", "混合班数")}
CLASS_OWNERS = {"providers.entry": ("entrants", "新进入机构")}


def _models(annotation: Any) -> list[type[BaseModel]]:
    found = [annotation] if isinstance(annotation, type) and issubclass(annotation, BaseModel) else []
    for argument in typing.get_args(annotation):
        found += _models(argument)
    return [m for m in found if "dist" not in m.model_fields]  # distributions are values, not sections


def _is_collection(annotation: Any) -> bool:
    origin = typing.get_origin(annotation)
    return origin in (dict, list) or any(_is_collection(a) for a in typing.get_args(annotation))


def resolve(key: str) -> tuple[str, list[str]] | None:
    """``budget.funds.city_special_fund.yuan_per_year.2025`` → (``budget.funds.yuan_per_year``,
    [``city_special_fund``, ``2025``]): the schema path of the field and the mapping keys or list positions on
    the way; None for a key the schema does not have."""
    model: type[BaseModel] | None = ScenarioSpec
    path: list[str] = []
    qualifiers: list[str] = []
    field_open = False  # the last field was a mapping or a list: the next part is one of its keys
    for part in key.split("."):
        if field_open:
            qualifiers.append(part)
            field_open = False
            continue
        if model is None or part not in model.model_fields:
            return None
        annotation = model.model_fields[part].annotation
        path.append(part)
        inner = _models(annotation)
        model = inner[0] if inner else None
        field_open = _is_collection(annotation)
    return ".".join(path), qualifiers


def _qualifier(part: str, language: str) -> str:
    if part.isdigit() and len(part) == 4:
        return f"{part}年" if language == "zh" else part
    if part.isdigit():
        return f"#{int(part) + 1}"
    try:
        return word(f"fund.{part}", language)
    except KeyError:
        return part


def field_label(path: str, language: str) -> str | None:
    """The name of a schema field (by its path without mapping keys), or None if it has none here."""
    zh = language == "zh"
    if path in FIELDS:
        return FIELDS[path][zh]
    parts = path.split(".")
    if parts[-2:-1] == ["classes"] and parts[-1] in CLASS_BANDS:
        owner = ".".join(parts[:-2])
        if owner in CLASS_OWNERS:
            prefix = CLASS_OWNERS[owner][zh]
        elif owner.startswith("policies."):
            prefix = word(f"policy.{parts[1]}", language)
        else:
            return None
        return _join(prefix, CLASS_BANDS[parts[-1]][zh], language)
    if parts[0] == "policies" and len(parts) >= 3 and parts[-1] in POLICY_FIELDS:
        return _join(word(f"policy.{parts[1]}", language), POLICY_FIELDS[parts[-1]][zh], language)
    return None


def _join(owner: str, name: str, language: str) -> str:
    return f"{owner}：{name}" if language == "zh" else f"{owner}: {name}"


def parameter_label(key: str, language: str) -> str:
    """A swept parameter's name for a chart; the key itself for a key the schema or this table does not know."""
    resolved = resolve(key)
    name = field_label(resolved[0], language) if resolved else None
    if name is None:
        return key
    qualifiers = [_qualifier(q, language) for q in resolved[1]]
    if not qualifiers:
        return name
    return f"{'·'.join(qualifiers)}：{name}" if language == "zh" else f"{name}, {', '.join(qualifiers)}"
