"""The ``policies:`` section: the levers of the source speech, each off unless written in the scenario.

Every lever adds places or demand and produces spending requests (item, amount, month, district,
provider or project). Speech sections are given as 二(一), 三(一)一 … so a reader can trace each lever.
"""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal

from pydantic import AfterValidator, Field, model_validator

from sim.scenario.city import FAMILY_POINT_MAX_CHILDREN, PROVIDER_TYPES
from sim.scenario.lever_info import LeverInfo, SpendingItem
from sim.scenario.market_schema import ClassCounts
from sim.scenario.months import Month, month_number
from sim.scenario.params import (
    INSTITUTIONS_PER_YEAR_MAX,
    Classes,
    Fee,
    Institutions,
    LeadMonths,
    People,
    PerThousand,
    Share,
    StrictModel,
    Usual,
    WholeNumber,
    WholePeople,
    Yuan,
    YuanPerPlace,
    YuanPerPlaceMonth,
    param,
    per_event,
    uncertain,
)
from sim.scenario.workforce_schema import CertificationMandate, Training


def _years(counts: dict[int, object]) -> dict[int, object]:
    bad = [year for year in counts if not 1950 <= year <= 2200]
    if bad:
        raise ValueError(f"expected calendar years as keys, got {bad[0]}")
    return dict(sorted(counts.items()))


def per_year(count: type, usual: Usual) -> type:
    """Counts by calendar year, each usually within ``usual`` (relative to the city's size)."""
    return Annotated[dict[int, Annotated[count, usual]], AfterValidator(_years)]


def per_million(high: float, source: str) -> Usual:
    return Usual(0, high, source, per="million residents")


Months = LeadMonths


def _in_order(first: str, last: str | None, first_name: str, last_name: str) -> None:
    """A lever whose last month comes before its first would never act, silently."""
    if last is not None and month_number(last) < month_number(first):
        raise ValueError(f"{last_name} ({last}) is before {first_name} ({first}), so the lever would never act")


class Dated(StrictModel):
    start: Month = Field("2025-01", description="First month the lever applies.")
    end: Month | None = Field(None, description="Last month it applies (open-ended if absent).")

    @model_validator(mode="after")
    def _ordered(self) -> Dated:
        _in_order(self.start, self.end, "start", "end")
        return self


class PublicProject(StrictModel):
    street: str
    start: Month
    classes: ClassCounts | None = None


class PublicBuild(StrictModel):
    """三(一)一 New public institutions (新建公办托育机构): budget approval → construction → 备案 → open.
    Counts per year start at even intervals through the year, each in the street of greatest unmet need."""

    lever: ClassVar[LeverInfo] = LeverInfo("三(一)一", "新建公办机构", "New public institutions", (
        SpendingItem("public_construction", "公办机构建设", "building public institutions",
                     "construction of the public institutions, in monthly instalments"),), adds_places=True)

    projects_per_year: per_year(Institutions, per_million(
        5, "the example city's plan starts 4 a year in 7 million residents, 0.6 per million; one a year in a city of "
           "200,000 is 5 (assumption)")) = Field(
        default_factory=dict)
    projects: list[PublicProject] = Field(default_factory=list, description="Projects at named streets.")
    classes: ClassCounts = Field(default_factory=lambda: ClassCounts(infant=1, toddler=2, older=2),
                                 description="Assumption: classes of a new public institution.")
    cost_yuan_per_place: YuanPerPlace = Field(
        30000.0, description="Assumption: fit-out 12–24k per place (survey estimate) plus building works.")
    build_months: Months = per_event(12.0, description="Assumption: construction time; a distribution is drawn "
                                                   "per project.")
    fee_yuan_per_month: Fee = Field(1200.0, description="Assumption: public inclusive fee.")


class PublicExpansion(StrictModel):
    """三(一)一 Renovation and expansion of public institutions (改扩建): classes added to existing public
    providers with the longest waitlists in their street."""

    lever: ClassVar[LeverInfo] = LeverInfo("三(一)一", "公办机构改扩建", "Expansion of public institutions", (
        SpendingItem("public_expansion", "公办机构改扩建", "expanding public institutions",
                     "works on the public institutions expanded, in monthly instalments"),), adds_places=True)

    classes_per_year: per_year(Classes, per_million(
        5, "the example city's plan adds 6 classes a year in 7 million residents, 0.9 per million (assumption)")) = \
        Field(default_factory=dict)
    band: str = Field("toddler", pattern="^(infant|toddler|older|mixed)$")
    cost_yuan_per_place: YuanPerPlace = Field(15000.0, description="Assumption.")
    build_months: Months = per_event(6.0, description="Assumption.")


class ConstructionSubsidy(Dated):
    """三(一)一 One-time construction subsidy per new inclusive place (每个普惠托位一次性建设补贴), paid when the
    places of an eligible provider open; raises private inclusive entry. Central 10,000 yuan per place
    (普惠托育服务专项行动, unverified). The speech gives it to 社会力量 (private providers of inclusive places);
    publicly built places are paid for by their own lever. A place is paid at most its fit-out cost
    (``providers.entry.fit_out_cost_yuan_per_place``): more would change no entrant's decision."""

    lever: ClassVar[LeverInfo] = LeverInfo("三(一)一", "普惠托位建设补贴", "Construction subsidy per inclusive place", (
        SpendingItem("construction_subsidy", "普惠托位建设补贴", "construction subsidy for inclusive places",
                     "inclusive providers when their new places open"),))

    yuan_per_place: YuanPerPlace = 10000.0
    eligible_types: list[Literal[PROVIDER_TYPES]] = Field(
        default_factory=lambda: ["private_inclusive"],
        description="Provider types whose new inclusive places receive it: the speech's 社会力量, private "
                    "inclusive providers (entrants, and those in the city's file still being built). Add "
                    "community_centre, kindergarten_class, public … to pay it on places the government builds too.")
    cap: Literal["fit_out_cost", "none"] = Field(
        "fit_out_cost",
        description="fit_out_cost: a place is paid at most the fit-out cost of a new centre's place (the part of "
                    "the subsidy above it buys no place an entrant would not open anyway); none: the full amount.")
    existing_centres_registering: bool = Field(
        False,
        description="Whether existing unregistered centres that register (备案 by a registration drive or the "
                    "administrative push) receive it: their places are licensed, not built.")


class NewHousingQuota(StrictModel):
    """三(一)二 New residential areas provide ≥10 places per 1,000 residents (新建小区配建), opened as community
    inclusive centres some months after the residents move in, for the complying share of developments."""

    lever: ClassVar[LeverInfo] = LeverInfo("三(一)二", "新建小区配建", "Places in new housing", adds_places=True)

    places_per_1000_residents: Annotated[PerThousand, Usual(
        3, 30, "the speech's 10 per 1,000; Yuncheng 6 per 1,000 (2020); the margins are an assumption")] = 10.0
    compliance_share: Share = Field(0.6, description="Assumption: developments that deliver the places.")
    lag_months: Months = per_event(12.0, description="Assumption: from completion to the facility opening.")
    start: Month = Field("2025-01", description="Completions from this month on are covered.")
    fee_yuan_per_month: Fee = Field(1200.0, description="Assumption: inclusive fee.")


class ExistingAreaQuota(StrictModel):
    """三(一)二 Existing areas reach ≥5 places per 1,000 residents (老旧小区补建) by purchase, swap or lease,
    the streets furthest below first, up to a delivery capacity per year."""

    lever: ClassVar[LeverInfo] = LeverInfo("三(一)二", "老旧小区补建", "Places in existing areas", (
        SpendingItem("community_retrofit", "老旧小区补建托位", "places in existing areas",
                     "premises bought or swapped (one-off) and leased (monthly, to the operator)"),), adds_places=True)

    places_per_1000_residents: Annotated[PerThousand, Usual(
        1, 20, "the speech's and Yuncheng's 5 per 1,000; the margins are an assumption")] = 5.0
    places_per_year: per_year(WholePeople, Usual(
        0, 1, "the example city's plan delivers 800–1,000 a year in 7 million residents, 0.14 per 1,000 (assumption)",
        per="1,000 residents")) = Field(default_factory=dict, description="Places the programme can deliver.")
    purchase_share: Share = Field(0.3, description="Assumption: places bought (one-off cost).")
    swap_share: Share = Field(0.2, description="Assumption: places obtained by swapping premises (one-off).")
    purchase_yuan_per_place: YuanPerPlace = Field(40000.0, description="Assumption.")
    swap_yuan_per_place: YuanPerPlace = Field(15000.0, description="Assumption: fit-out only.")
    lease_yuan_per_place_per_month: YuanPerPlaceMonth = Field(250.0, description="Assumption: as private rent.")
    build_months: Months = per_event(6.0, description="Assumption.")
    fee_yuan_per_month: Fee = Field(1200.0, description="Assumption: inclusive fee.")

    @model_validator(mode="after")
    def _shares(self) -> ExistingAreaQuota:
        if isinstance(self.purchase_share, float) and isinstance(self.swap_share, float) \
                and self.purchase_share + self.swap_share > 1:
            raise ValueError("purchase_share + swap_share must be at most 1 (the rest is leased)")
        return self


class StreetCentres(StrictModel):
    """三(一)二 Every urban street (街道; towns excluded) has at least one community inclusive centre
    (社区普惠托育中心) by the deadline: streets without one are scheduled, largest need first, as fast as
    the yearly capacity allows."""

    lever: ClassVar[LeverInfo] = LeverInfo("三(一)二", "街道社区托育中心", "A community centre in every street", (
        SpendingItem("street_centre_capital", "街道托育中心建设", "building street centres",
                     "renovation of community premises, in monthly instalments"),
        SpendingItem("street_centre_operating", "街道托育中心运营", "operating street centres",
                     "the contracted operator, per place and month"),), adds_places=True)

    deadline: Month = "2027-12"
    start: Month = "2025-01"
    centres_per_year: param(ge=0, le=INSTITUTIONS_PER_YEAR_MAX, usual=Usual(
        0, 1, "more centres a year than urban streets finds no street to put them in; the example city starts 40 a "
              "year for 82 streets", per="urban street")) = Field(
        30.0, description="Capacity: centres that can be started per year.")
    classes: ClassCounts = Field(default_factory=lambda: ClassCounts(toddler=1, older=1, mixed=1),
                                 description="Assumption: classes of a street centre.")
    build_months: Months = per_event(6.0, description="Assumption: renovation of community premises.")
    capital_yuan_per_place: YuanPerPlace = Field(20000.0, description="Assumption.")
    operating_yuan_per_place_per_month: YuanPerPlaceMonth = Field(
        200.0, description="Assumption: payment to the contracted operator per place.")
    fee_yuan_per_month: Fee = Field(1200.0, description="Assumption: inclusive fee.")

    @model_validator(mode="after")
    def _ordered(self) -> StreetCentres:
        _in_order(self.start, self.deadline, "start", "deadline")
        return self


class TargetPush(StrictModel):
    """Administrative supply toward the official places targets (行政推动: 托位数纳入考核). The targets are the
    scenario's own on ``places_per_1000`` (``at_least``, for the city or every district; the defaults include the
    14th Five-Year Plan's 4.5 per 1,000 by end-2025). While places, with those coming, fall short of a target,
    each month the push starts a share of the pace that would close the gap by the deadline (so it quickens as
    the deadline nears), through channels that open within months: registering existing unregistered centres
    (备案), kindergarten 托班 and public premises converted to community centres. Documented as the government's
    response to an assessed target, not a lever a scenario sizes; its pace is fitted to the 2021–22 growth of
    places (calibration/)."""

    lever: ClassVar[LeverInfo] = LeverInfo(
        "十四五目标考核", "行政推动补足托位", "Administrative push toward the places target", (
        SpendingItem("target_push", "行政推动补足托位", "administrative push toward the places target",
                     "registration support for existing centres, kindergartens converting classrooms, public "
                     "premises converted"),), adds_places=True)

    start: Month = Field("2021-03", description="First month the push acts: the 14th Five-Year Plan (2021-03) made "
                                                "places per 1,000 an assessed target.")
    held_back_until: Month | None = Field(
        None, description="A history assumption, absent by default: through this month the push starts nothing (what "
                          "held it back, such as the pandemic years, is not in the model), and after it the push acts "
                          "at the pace it would have reached, still quickening from start.")
    pace_share: param(ge=0, le=5) = Field(
        uncertain(0.13, 0.17, 0.39),
        description="Calibrated (calibration/hebei_history.yaml, Hebei 2021–22; the range is the 10th–90th "
                    "percentile of the parameter sets fitting about as well as the best): the share of the pace that "
                    "would close the gap by the deadline (the places short, counting those coming, over the months "
                    "left, at least six) that the city starts each month; 1 keeps exactly to the pace.")
    pace_growth_per_year: param(ge=0, le=5) = Field(
        uncertain(0.22, 0.63, 1.05),
        description="Calibrated with pace_share: how much it rises each year after the push starts, as the "
                    "assessment tightens and the means grow (the national push quickened: places +13% in 2021, "
                    "+23% in 2022, +35% in 2023).")
    lag_months: Months = per_event(
        3.0, description="Assumption: months to register a centre or convert premises (a distribution is drawn for "
                         "each).")
    registration_share: Share = Field(
        0.5, description="Assumption: share of the places through registering existing unregistered centres "
                         "(they join as private inclusive centres).")
    kindergarten_share: Share = Field(
        0.3, description="Assumption: share through kindergarten 托班 (24–36 months).")
    registration_yuan_per_place: YuanPerPlace = Field(
        2000.0, description="Assumption: support to bring an unregistered centre up to standard, per place.")
    kindergarten_yuan_per_class: Annotated[Yuan, Usual(5000, 500_000, "assumption")] = Field(
        50000.0, description="Assumption: as kindergarten_classes.")
    conversion_yuan_per_place: YuanPerPlace = Field(
        15000.0, description="Assumption: converting public premises, fit-out only (12–24k yuan per place, survey "
                             "estimate, less what the premises already have).")
    fee_yuan_per_month: Fee = Field(1200.0, description="Assumption: inclusive fee of the places it adds.")

    @model_validator(mode="after")
    def _shares(self) -> TargetPush:
        if self.held_back_until is not None and month_number(self.held_back_until) < month_number(self.start):
            raise ValueError(f"held_back_until ({self.held_back_until}) is before start ({self.start}), so it would "
                             "hold nothing back")
        if isinstance(self.registration_share, float) and isinstance(self.kindergarten_share, float) \
                and self.registration_share + self.kindergarten_share > 1:
            raise ValueError("registration_share + kindergarten_share must be at most 1 (the rest is public "
                             "premises converted)")
        return self


class RegistrationDrives(StrictModel):
    """二(一) Registration drives (备案): existing unregistered centres are brought up to standard and register,
    as many a year as the drive reaches, in the streets of greatest unmet need; they open as private providers
    (inclusive as the share says) once registered and staffed. Their places are licensed, not built."""

    lever: ClassVar[LeverInfo] = LeverInfo("二(一)", "备案专项行动", "Registration drives", (
        SpendingItem("registration_drives", "备案专项行动", "registration drives",
                     "support to bring each registering centre up to standard"),), adds_places=True)

    centres_per_year: per_year(Institutions, per_million(
        20, "assumption: the supervision example registers 30 a year in 7 million residents, 4 per million")) = Field(
        default_factory=dict, description="Unregistered centres the drive brings to register, by calendar year.")
    classes: ClassCounts = Field(default_factory=lambda: ClassCounts(toddler=1, older=1),
                                 description="Assumption: classes of an unregistered centre (smaller than a new "
                                             "private centre).")
    inclusive_share: Share = Field(
        0.5, description="Assumption: registering centres that join as inclusive (普惠) providers.")
    registration_months: Months = per_event(
        uncertain(1, 3, 6), description="Assumption: months from the drive reaching a centre to its registration.")
    support_yuan_per_centre: Annotated[Yuan, Usual(
        0, 200_000, "assumption: about the fit-out of a small centre")] = Field(
        20000.0, description="Assumption: support to bring a centre up to the fire and safety standards.")
    inclusive_fee_yuan_per_month: Fee = Field(1400.0, description="Assumption: as a new inclusive centre's.")
    market_fee_yuan_per_month: Fee = Field(1900.0, description="Assumption: the average full-day fee (≈1,900 "
                                                                "yuan/month in 2025, think tank).")


class JointInspections(Dated):
    """三(二)二 Joint safety inspections (联合市场监管、消防专项检查): in each inspection month every open private
    provider is inspected; an unsafe one closes with a probability, the others rectify with capacity frozen;
    the places that pass raise families' trust (``demand.trust_need_uplift_share``), as an evaluation does."""

    lever: ClassVar[LeverInfo] = LeverInfo("三(二)二", "联合检查", "Joint safety inspections", (
        SpendingItem("joint_inspections", "联合检查", "joint safety inspections", "the inspectors, per provider "
                     "inspected"),))

    months_of_year: list[Annotated[int, Field(ge=1, le=12)]] = Field(
        default_factory=lambda: [4], description="Months in which the inspections take place each year.")
    unsafe_share: Share = Field(uncertain(0.02, 0.05, 0.1),
                                description="Assumption: private providers found unsafe at an inspection.")
    close_share_if_unsafe: Share = Field(uncertain(0.2, 0.4, 0.6),
                                         description="Assumption: unsafe providers closed (the rest rectify).")
    yuan_per_provider: Annotated[Yuan, Usual(0, 20_000, "assumption: a day of two or three inspectors")] = Field(
        500.0, description="Assumption: cost of inspecting one provider.")


class InformationPlatform(Dated):
    """三(二)三 The information platform (托育信息管理平台): online registration (shorter 备案), families finding
    free places in the other streets of their district, and supervision that shortens rectification."""

    lever: ClassVar[LeverInfo] = LeverInfo("三(二)三", "信息管理平台", "Information platform", (
        SpendingItem("information_platform", "信息管理平台", "information platform",
                     "building it (once, at the start) and running it (monthly)"),))

    registration_time_share: param(ge=0, le=1) = Field(
        uncertain(0.5, 0.7, 0.9), description="Assumption: registration takes this share of its time when filed "
                                              "online.")
    other_street_gain_share: Share = Field(
        uncertain(0.1, 0.25, 0.4),
        description="Assumption: share of the families who would not look beyond their street who do once they "
                    "see the free places there.")
    rectification_time_share: param(ge=0, le=1) = Field(
        uncertain(0.5, 0.7, 0.9), description="Assumption: rectification takes this share of its time under "
                                              "real-time supervision.")
    setup_yuan: Annotated[Yuan, Usual(0, 5, "assumption: the example's 3 million yuan in 7 million residents, 0.4 "
                                           "per resident", per="resident")] = Field(
        3000000.0, description="Assumption: building the platform.")
    yuan_per_year: Annotated[Yuan, Usual(0, 1, "assumption: the example's 500,000 yuan a year in 7 million "
                                               "residents, 0.07 per resident", per="resident")] = Field(
        500000.0, description="Assumption: running it.")


class DepartmentCoordination(Dated):
    """三(三)三 Department coordination (部门协同): health, housing, fire, market regulation and civil affairs
    approve together, so registration and building take less time."""

    lever: ClassVar[LeverInfo] = LeverInfo("三(三)三", "部门协同", "Department coordination")

    registration_time_share: param(ge=0, le=1) = Field(
        uncertain(0.4, 0.6, 0.8), description="Assumption: registration (备案) takes this share of its time.")
    build_time_share: param(ge=0, le=1) = Field(
        uncertain(0.7, 0.85, 1.0), description="Assumption: approvals inside building and fit-out take less, so "
                                               "they take this share of their time.")


class KindergartenClasses(StrictModel):
    """二(三) Kindergartens open 托班 in idle classrooms (24–36 months only) as births fall."""

    lever: ClassVar[LeverInfo] = LeverInfo("二(三)", "幼儿园托班", "Kindergarten classes (托班)", (
        SpendingItem("kindergarten_conversion", "幼儿园开设托班", "kindergarten classes",
                     "the kindergarten converting a classroom, once per class"),), adds_places=True)

    classes_per_year: per_year(Classes, per_million(
        30, "the example's kindergarten package opens 40 a year in 7 million residents, 5.7 per million; China has "
            "about 274,000 kindergartens for 1.41 billion people, 194 per million (2023) (assumption)")) = Field(
        default_factory=dict)
    conversion_months: Months = per_event(3.0, description="Assumption.")
    conversion_yuan_per_class: Annotated[Yuan, Usual(5000, 500_000, "assumption")] = Field(
        50000.0, description="Assumption.")
    fee_yuan_per_month: Fee = Field(1000.0, description="Assumption: kindergarten 托班 fee.")


class PurchasedServices(StrictModel):
    """二(三) Government purchase of services (政府购买服务): community points run by contracted providers."""

    lever: ClassVar[LeverInfo] = LeverInfo("二(三)", "政府购买服务", "Government purchase of services", (
        SpendingItem("purchased_services", "政府购买服务", "purchased services",
                     "the contracted operator, per place and month"),), adds_places=True)

    points_per_year: per_year(Institutions, per_million(30, "assumption: as many as kindergarten classes")) = Field(
        default_factory=dict)
    classes: ClassCounts = Field(default_factory=lambda: ClassCounts(mixed=1), description="Assumption.")
    payment_yuan_per_place_per_month: YuanPerPlaceMonth = Field(300.0, description="Assumption.")
    setup_months: Months = per_event(3.0, description="Assumption.")
    fee_yuan_per_month: Fee = Field(1000.0, description="Assumption.")


class QualityEvaluation(StrictModel):
    """三(二)二 Yearly quality evaluation (质量评估; NHC standard in force 2024-04-01): a failing provider
    rectifies with capacity frozen, or closes with a probability; the places that pass raise families' trust
    (``demand.trust_need_uplift_share``). It was in force the year before the start: the providers licensed
    then passed last year's evaluation, or failed it, as they would now."""

    lever: ClassVar[LeverInfo] = LeverInfo("三(二)二", "质量评估", "Quality evaluation", (
        SpendingItem("quality_evaluation", "质量评估", "quality evaluation", "the evaluators, per provider "
                     "evaluated"),))

    start: Month = Field("2024-04", description="First month the evaluation is in force (the NHC standard: "
                                                "2024-04-01); its first evaluation is the next evaluation month.")
    month_of_year: WholeNumber = Field(10, ge=1, le=12)
    fail_share: Annotated[Share, Usual(0, 0.3, "assumption")] = Field(uncertain(0.02, 0.05, 0.1),
                                                                      description="Assumption.")
    close_share_if_failed: Share = Field(uncertain(0.1, 0.2, 0.3), description="Assumption.")
    yuan_per_provider: Annotated[Yuan, Usual(0, 20_000, "assumption: an expert visit and its records")] = Field(
        0.0, description="Cost of evaluating one provider (experts' visit, records); not in the sourced facts.")


class Vouchers(Dated):
    """二(二) Experience vouchers (体验券): families who want care but do not ask for it (priced out, or far from
    places) try a month of care; care is an experience good, so having tried it they value it more
    (``experience_wtp_uplift_share``) and those whose raised willingness to pay now reaches the net fee join the
    waitlist. A family tries once: the vouchers reach fewer new families as those who tried accumulate."""

    lever: ClassVar[LeverInfo] = LeverInfo("二(二)", "托育体验券", "Experience vouchers", (
        SpendingItem("vouchers", "托育体验券", "experience vouchers", "providers redeeming the vouchers used"),))

    vouchers_per_year: Annotated[People, Usual(
        0, 20, "about one a year per child under 3, of whom a city has ≈17 per 1,000 residents; the example's "
               "affordability package gives 0.9 per 1,000 (assumption)", per="1,000 residents")] = 0.0
    value_yuan: Annotated[Yuan, Usual(50, 3000, "Jiangxi 200-yuan childcare vouchers (2025); the margins are an "
                                                "assumption")] = Field(
        200.0, description="Jiangxi 200-yuan childcare vouchers (2025).")
    trial_share: Share = Field(0.3, description="Assumption: vouchers that lead to a trial month.")
    experience_wtp_uplift_share: param(ge=0, le=3, usual=Usual(0, 1, "assumption")) = Field(
        uncertain(0.1, 0.25, 0.5),
        description="Assumption: how much more a family values care after a month of it (an experience good); the "
                    "families who then stay are those whose raised willingness to pay reaches the net fee.")


class Campaign(StrictModel):
    month: Month
    reach_share: Share = Field(
        0.2, description="Share of the families not yet informed whom the campaign informs (open days, community "
                         "outreach, the platform's notices).")
    cost_yuan: Annotated[Yuan, Usual(0, 5, "the example's campaigns cost 500,000 yuan in 7 million residents, 0.07 "
                                           "per resident (assumption)", per="resident")] = 0.0


class Publicity(StrictModel):
    """二(二), 三(四) Publicity, open days, parenting guidance: families who know the inclusive places near them,
    their fees and subsidies state need more often than those who do not. Campaigns inform a share of the
    uninformed (so each reaches fewer new families as more are informed); what they add fades back with the
    half-life."""

    lever: ClassVar[LeverInfo] = LeverInfo("二(二)", "宣传", "Publicity", (
        SpendingItem("publicity", "宣传", "publicity", "the campaigns"),))

    campaigns: list[Campaign] = Field(default_factory=list)
    informed_share_at_start: Share = Field(
        uncertain(0.4, 0.6, 0.8),
        description="Assumption: families who know the inclusive places near them, their fees and subsidies, "
                    "before any campaign.")
    uninformed_need_ratio: Share = Field(
        uncertain(0.5, 0.7, 0.9),
        description="Assumption: how often an uninformed family states need, relative to an informed one.")
    half_life_months: param(ge=0.5, le=120, usual=Usual(1, 36, "assumption")) = Field(
        uncertain(6, 12, 24),
        description="Assumption: months in which half of what campaigns added to the informed share fades (families "
                    "move, forget, new parents arrive uninformed).")


class FamilyPoints(StrictModel):
    """三(四) Family care points (家庭托育点): home-based providers of at most 5 children (家庭托育点管理办法（试行）,
    国卫人口发〔2023〕28号, art. 2; one carer per 3 children), taking children of a mixed class's ages."""

    lever: ClassVar[LeverInfo] = LeverInfo("三(四)", "家庭托育点", "Family care points", (
        SpendingItem("family_points", "家庭托育点补贴", "family care point subsidy",
                     "each new family care point, once"),), adds_places=True)

    points_per_year: per_year(Institutions, per_million(
        50, "the example city has 80 family points in 7 million residents, 11 per million (assumption)")) = Field(
        default_factory=dict)
    children_per_point: WholeNumber = Field(
        5, ge=1, le=FAMILY_POINT_MAX_CHILDREN,
        description="Children a point takes: at most 5 (国卫人口发〔2023〕28号; more is a childcare institution).")
    setup_months: Months = per_event(2.0, description="Assumption.")
    subsidy_yuan_per_point: Annotated[Yuan, Usual(
        0, 200_000, "日照东港区 pays 20,000 yuan per class once (2025); the margin is an assumption")] = Field(0.0)
    fee_yuan_per_month: Fee = Field(1500.0, description="Assumption.")


class OperatingSubsidy(Dated):
    """三(三) Operating subsidy per enrolled child-month in inclusive places (e.g. Sichuan 200 yuan, Shanxi
    500 yuan per child per month, 2025); part may be passed on to fees."""

    lever: ClassVar[LeverInfo] = LeverInfo("三(三)", "运营补贴", "Operating subsidy", (
        SpendingItem("operating_subsidy", "普惠运营补贴", "operating subsidy for inclusive places",
                     "inclusive providers, per enrolled child and month"),))

    yuan_per_child_per_month: Annotated[Yuan, Usual(
        20, 1500, "Sichuan 200, Shanxi 500, Beijing E-Town 1,000 yuan per child-month (2025); the margins are an "
                  "assumption")] = 200.0
    fee_pass_through_share: Share = Field(0.0, description="Assumption: share that lowers families' fees.")


class RentRelief(Dated):
    """三(三)二 Preferential policies (落实优惠政策: rent and utility relief) for inclusive providers: lower their
    monthly rent per licensed place (or per enrolled child, so that empty places are not paid for), and that of
    prospective entrants of the kinds it covers."""

    lever: ClassVar[LeverInfo] = LeverInfo("三(三)二", "房租减免", "Rent relief", (
        SpendingItem("rent_relief", "房租减免", "rent relief",
                     "eligible providers, per licensed place (or enrolled child) and month"),))

    yuan_per_place_per_month: YuanPerPlaceMonth = 100.0
    eligible_types: list[Literal[PROVIDER_TYPES]] = Field(
        default_factory=lambda: [t for t in PROVIDER_TYPES if t != "public"],
        description="Provider types whose rent it relieves (public institutions pay no market rent).")
    inclusive_only: bool = Field(True, description="Only inclusive (普惠) places: the preferential policies are "
                                                   "for inclusive childcare.")
    per: Literal["licensed_place", "enrolled_child"] = Field(
        "licensed_place",
        description="licensed_place: relief for every licensed place; enrolled_child: for places in use only.")


class HouseholdSubsidy(Dated):
    """National childcare subsidy (育儿补贴): 3,600 yuan per child under 3 per year from 2025-01-01. A transfer
    to families, reported apart from spending on services."""

    lever: ClassVar[LeverInfo] = LeverInfo("国家育儿补贴", "育儿补贴", "Household childcare subsidy", (
        SpendingItem("household_subsidy", "育儿补贴", "household childcare subsidy",
                     "families, per child under 3 and month", transfer=True),))

    yuan_per_child_per_year: Annotated[Yuan, Usual(
        1000, 20_000, "national 3,600 yuan per child a year (2025); local top-ups of a few times that are an "
                      "assumption")] = 3600.0
    fee_effect_share: Share = Field(
        0.0, description="Assumption: share of the subsidy families count against the fee (0 = no effect).")


class Policies(StrictModel):
    """The policy package. A lever not written here is off."""

    public_build: PublicBuild | None = None
    public_expansion: PublicExpansion | None = None
    construction_subsidy: ConstructionSubsidy | None = None
    new_housing_quota: NewHousingQuota | None = None
    existing_area_quota: ExistingAreaQuota | None = None
    street_centres: StreetCentres | None = None
    target_push: TargetPush | None = None
    registration_drives: RegistrationDrives | None = None
    kindergarten_classes: KindergartenClasses | None = None
    purchased_services: PurchasedServices | None = None
    operating_subsidy: OperatingSubsidy | None = None
    quality_evaluation: QualityEvaluation | None = None
    joint_inspections: JointInspections | None = None
    information_platform: InformationPlatform | None = None
    department_coordination: DepartmentCoordination | None = None
    vouchers: Vouchers | None = None
    publicity: Publicity | None = None
    family_points: FamilyPoints | None = None
    rent_relief: RentRelief | None = None
    household_subsidy: HouseholdSubsidy | None = None
    training: Training | None = None
    certification_mandate: CertificationMandate | None = None


# Not a lever: the government covers the operating deficit of public institutions.
PUBLIC_OPERATING_DEFICIT = SpendingItem("public_operating_deficit", "公办机构运营补亏",
                                        "operating deficit of public institutions",
                                        "public institutions whose fees and payments do not cover their costs")


def levers() -> dict[str, LeverInfo]:
    """Every lever's declaration, in the order of the ``policies`` section."""
    return {name: _section(name).lever for name in Policies.model_fields}


def _section(name: str) -> type[StrictModel]:
    """The schema class of the section ``policies.<name>`` (its annotation is ``Section | None``)."""
    return next(arg for arg in Policies.model_fields[name].annotation.__args__ if arg is not type(None))


def place_origins() -> tuple[str, ...]:
    """Who adds places besides the existing stock: private entry (民办机构进入) and the levers that add places."""
    return ("private_entry", *(name for name, lever in levers().items() if lever.adds_places))


def spending_items() -> tuple[SpendingItem, ...]:
    """Every spending item: the levers' in section order, then the public operating deficit."""
    return (*(item for info in levers().values() for item in info.items), PUBLIC_OPERATING_DEFICIT)
