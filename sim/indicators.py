"""The indicators: names (a public contract, DESIGN §4), units, labels and how each aggregates.

A *stock* is a level at month end (summed over streets, taken at the last month of a year); a *flow*
happens during the month (summed over streets and over the months of a year); a *ratio* is computed
from the aggregated numerator and denominator, never averaged.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from sim.scenario.policy_schema import levers, place_origins, spending_items


def origin_label(origin: str, language: str) -> str:
    """Who added places: private entry (民办机构进入) or a lever."""
    if origin == "private_entry":
        return "民办机构进入" if language == "zh" else "private entry"
    return levers()[origin].label(language)


@dataclass(frozen=True)
class Indicator:
    name: str
    kind: Literal["stock", "flow", "ratio"]
    unit_en: str
    unit_zh: str
    label_en: str
    label_zh: str
    numerator: str = ""
    denominator: str = ""
    scale: float = 1.0

    def label(self, language: str) -> str:
        return self.label_zh if language == "zh" else self.label_en

    def unit(self, language: str) -> str:
        return self.unit_zh if language == "zh" else self.unit_en


FUND_LABELS = {"central_transfer": ("中央转移支付", "central transfer"), "provincial": ("省级资金", "provincial"),
               "city_special_fund": ("市级专项资金", "city special fund"),
               "district_funds": ("区县资金", "district funds")}
"""Each fund's name in Chinese and English."""

INDICATORS: dict[str, Indicator] = {i.name: i for i in (
    Indicator("population", "stock", "persons", "人", "Resident population", "常住人口"),
    Indicator("births", "flow", "children", "人", "Births", "出生人口"),
    Indicator("deaths", "flow", "persons", "人", "Deaths (all ages)", "死亡人口"),
    Indicator("net_migration", "flow", "persons", "人", "Net migration (all ages)", "净迁入人口"),
    Indicator("new_housing_residents", "flow", "persons", "人",
              "Residents moving into new housing", "新建住宅入住人口"),
    Indicator("relocated_to_new_housing", "flow", "persons", "人",
              "Residents leaving for new housing elsewhere in the district", "迁往区内新建住宅人口"),
    Indicator("children_0_3", "stock", "children", "人", "Children aged 0–35 months", "0–3岁婴幼儿数"),
    Indicator("child_deaths", "flow", "children", "人", "Deaths of children under 3", "婴幼儿死亡数"),
    Indicator("children_aged_out", "flow", "children", "人",
              "Children reaching 36 months (leaving the 0–3 group)", "满3岁离开人数"),
    Indicator("child_net_migration", "flow", "children", "人",
              "Net migration of children under 3 (incl. with new housing)", "婴幼儿净迁入"),
    Indicator("children_0_3_per_1000", "ratio", "per 1,000 residents", "每千人",
              "Children under 3 per 1,000 residents", "每千人口0–3岁婴幼儿数",
              numerator="children_0_3", denominator="population", scale=1000.0),
    # --- the childcare market ---
    Indicator("places_licensed", "stock", "places", "个", "Licensed places (open, registered providers)", "托位数"),
    Indicator("places_usable", "stock", "places", "个", "Usable places", "可用托位数"),
    Indicator("places_inclusive", "stock", "places", "个", "Inclusive (普惠) places", "普惠托位数"),
    *(Indicator(f"places_{name}", "stock", "places", "个", f"Places: {en}", f"托位数：{zh}") for name, en, zh in (
        ("public", "public", "公办"), ("private_inclusive", "private inclusive", "民办普惠"),
        ("private_market", "private market-rate", "民办市场价"),
        ("community_centre", "community centres", "社区普惠中心"),
        ("kindergarten_class", "kindergarten classes", "幼儿园托班"), ("employer", "employer-run", "用人单位办"),
        ("family_point", "family care points", "家庭托育点"), ("infant", "infant classes 6–12 months", "乳儿班"),
        ("toddler", "toddler classes 12–24 months", "托小班"), ("older", "older classes 24–36 months", "托大班"),
        ("mixed", "mixed classes 18–36 months", "混合班"))),
    Indicator("demand_stated", "stock", "children", "人", "Children whose families want care", "有托育需求的婴幼儿"),
    Indicator("demand_effective", "stock", "children", "人", "Children who would enrol at today's net fee and access",
              "有效托育需求"),
    Indicator("enrolled", "stock", "children", "人", "Children in care (at the provider's street)", "在托婴幼儿数"),
    Indicator("waitlist", "stock", "children", "人", "Children waiting at month end", "排队等待人数"),
    Indicator("providers_open", "stock", "institutions", "个", "Institutions open", "运营机构数"),
    Indicator("streets_with_centre", "stock", "streets", "个", "Urban streets with a community inclusive centre",
              "有社区普惠托育中心的街道数"),
    Indicator("urban_streets", "stock", "streets", "个", "Urban streets (街道)", "街道数"),
    Indicator("childcare_desert", "stock", "streets", "个", "Streets with more than 3 children per place",
              "托育荒漠街道数（每个托位超过3名婴幼儿）"),
    Indicator("staff_required", "stock", "staff", "人", "Staff required by the ratios (carers and health workers)",
              "按师生比需要的从业人员"),
    Indicator("staff_certified", "stock", "staff", "人", "Certified carers employed", "持证从业人员"),
    Indicator("staff_uncertified", "stock", "staff", "人", "Uncertified carers employed", "未持证从业人员"),
    Indicator("staff_employed", "stock", "staff", "人", "Carers employed", "在岗从业人员"),
    Indicator("staff_counted", "stock", "staff", "人", "Carers who count toward the ratios",
              "计入师生比的从业人员"),
    Indicator("staff_shortage", "stock", "staff", "人", "Staff required but not counted", "从业人员缺口"),
    Indicator("staff_trainees", "stock", "staff", "人", "People in training (district pools, shown pro rata)",
              "在训人员"),
    Indicator("staff_trainees_upskilling", "stock", "staff", "人", "Uncertified carers in training",
              "在训未持证从业人员"),
    Indicator("staff_trainees_entrants", "stock", "staff", "人", "New entrants in training", "在训新入行人员"),
    Indicator("staff_job_seekers", "stock", "staff", "人", "Certified carers looking for work", "持证求职人员"),
    Indicator("staff_vacancies", "stock", "staff", "人", "Vacancies providers could not fill", "空缺岗位"),
    Indicator("places_lost_to_staff_shortage", "stock", "places", "个",
              "Places providers would use but lack the carers for", "因缺少从业人员无法使用的托位"),
    Indicator("staff_graduates", "flow", "staff", "人", "Certified graduates entering childcare",
              "进入托育行业的持证毕业生"),
    Indicator("staff_hired_certified", "flow", "staff", "人", "Certified carers hired", "新招聘持证人员"),
    Indicator("staff_hired_uncertified", "flow", "staff", "人", "Uncertified carers hired", "新招聘未持证人员"),
    Indicator("staff_attrition", "flow", "staff", "人", "Carers leaving childcare", "离职从业人员"),
    Indicator("staff_laid_off", "flow", "staff", "人", "Uncertified carers of closing providers", "机构关闭失业人员"),
    Indicator("staff_job_seeker_exits", "flow", "staff", "人", "Job-seekers leaving childcare", "离开行业的求职人员"),
    Indicator("staff_certified_new", "flow", "staff", "人", "Carers newly certified", "新取得证书人员"),
    Indicator("staff_training_started", "flow", "staff", "人", "Training places started (人次)", "培训人次"),
    Indicator("staff_training_entrants", "flow", "staff", "人", "New entrants starting training",
              "参加培训的新入行人员"),
    Indicator("staff_training_failed", "flow", "staff", "人", "New entrants who failed training",
              "培训未通过的新入行人员"),
    Indicator("children_displaced_by_staff", "flow", "children", "人", "Children losing their place for lack of carers",
              "因缺少从业人员退托人数"),
    Indicator("joined", "flow", "children", "人", "Children joining the waitlist", "新进入排队人数"),
    Indicator("placed", "flow", "children", "人", "Children placed in care", "新入托人数"),
    Indicator("wait_months_placed", "flow", "child-months", "人月", "Months waited by the children placed",
              "入托者累计等待月数"),
    Indicator("gave_up", "flow", "children", "人", "Families who stopped waiting", "放弃等待人数"),
    Indicator("hidden_waitlist", "stock", "children", "人",
              "Hidden waitlist: families who stopped waiting but still want care", "隐性排队人数（放弃等待仍有需求）"),
    Indicator("returned", "flow", "children", "人",
              "Families of the hidden waitlist who look again (new class band, or a place opening nearby)",
              "重新寻找托位的放弃等待家庭"),
    Indicator("hidden_waitlist_left", "flow", "children", "人",
              "Families leaving the hidden waitlist as their child turns 3, dies or moves", "退出隐性排队人数"),
    Indicator("dropouts", "flow", "children", "人", "Children leaving care before 36 months", "中途退托人数"),
    Indicator("enrolled_aged_out", "flow", "children", "人", "Children leaving care at 36 months", "满3岁离园人数"),
    Indicator("displaced", "flow", "children", "人", "Children whose provider closed", "因机构关闭退托人数"),
    Indicator("waiting_aged_out", "flow", "children", "人", "Children reaching 36 months while waiting",
              "等待至满3岁人数"),
    Indicator("openings", "flow", "institutions", "个", "Institutions opened", "新开办机构数"),
    Indicator("closures", "flow", "institutions", "个", "Institutions closed", "关闭机构数"),
    Indicator("private_entries", "flow", "institutions", "个", "Private providers starting to set up",
              "新进入的民办机构数"),
    *(Indicator(f"places_added_{origin}", "flow", "places", "个", f"Places added: {origin_label(origin, 'en')}",
                f"新增托位：{origin_label(origin, 'zh')}") for origin in place_origins()),
    *(Indicator(f"opening_payments_{origin}", "flow", "yuan", "元",
                f"Paid at opening for places added: {origin_label(origin, 'en')}",
                f"新增托位开办时补贴：{origin_label(origin, 'zh')}") for origin in place_origins()),
    Indicator("places_added", "flow", "places", "个", "Places added by openings and new classes", "新增托位合计"),
    *(Indicator(f"spend_{item.name}", "flow", "yuan", "元", f"Spending: {item.label_en}", f"支出：{item.label_zh}")
      for item in spending_items() if not item.transfer),
    Indicator("spend_total", "flow", "yuan", "元", "Public spending on childcare services", "托育服务财政支出合计"),
    Indicator("spend_cumulative", "stock", "yuan", "元", "Public spending on childcare services to date",
              "托育服务财政累计支出"),
    Indicator("spend_deferred", "stock", "yuan", "元", "Payments waiting for money", "待拨付资金"),
    *(Indicator(f"fund_balance_{fund}", "stock", "yuan", "元", f"Balance: {en} "
                "(city-wide, shown pro rata to residents)", f"资金余额：{zh}")
      for fund, (zh, en) in FUND_LABELS.items()),
    *(Indicator(f"transfer_{item.name}", "flow", "yuan", "元", f"Paid to families: {item.label_en}",
                f"{item.label_zh}发放额") for item in spending_items() if item.transfer),
    Indicator("certification_rate", "ratio", "share", "比例", "Certified share of carers employed", "持证上岗率",
              numerator="staff_certified", denominator="staff_employed"),
    Indicator("places_per_1000", "ratio", "per 1,000 residents", "每千人", "Places per 1,000 residents",
              "每千人口托位数", numerator="places_licensed", denominator="population", scale=1000.0),
    Indicator("enrolment_rate", "ratio", "share", "比例", "Enrolment rate of children under 3", "入托率",
              numerator="enrolled", denominator="children_0_3"),
    Indicator("demand_met_share", "ratio", "share", "比例", "Effective demand met", "有效需求满足率",
              numerator="enrolled", denominator="demand_effective"),
    Indicator("occupancy", "ratio", "share", "比例",
              "Occupancy of usable places (可用托位使用率: of the places carers cover)", "可用托位使用率",
              numerator="enrolled", denominator="places_usable"),
    Indicator("licensed_occupancy", "ratio", "share", "比例",
              "Licensed places in use (托位使用率, the 'half empty' figure)", "托位使用率",
              numerator="enrolled", denominator="places_licensed"),
    Indicator("wait_months_mean", "ratio", "months", "月", "Mean months waited by children placed", "平均等待月数",
              numerator="wait_months_placed", denominator="placed"),
    Indicator("streets_with_centre_share", "ratio", "share", "比例",
              "Share of urban streets with a community inclusive centre", "社区普惠托育中心街道覆盖率",
              numerator="streets_with_centre", denominator="urban_streets"),
    Indicator("children_per_place", "ratio", "children per place", "人/托位", "Children under 3 per licensed place",
              "每托位对应婴幼儿数", numerator="children_0_3", denominator="places_licensed"),
)}

def base_indicators() -> list[str]:
    """Stocks and flows, in the table's order: what a replication records."""
    return [name for name, ind in INDICATORS.items() if ind.kind != "ratio"]

