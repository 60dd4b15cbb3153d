"""Scenario sections of the workforce (托育从业人员): stocks, flows, wages, training and the certification
mandate (持证上岗).

The number of carers, their certification rate and turnover are not published (facts: ≈500,000 certified
childcare workers nationally in 2025; turnover "high", no rate): defaults are assumptions and natural
candidates for calibration and sensitivity sweeps.
"""

from __future__ import annotations

from typing import Annotated, ClassVar

from pydantic import AfterValidator, Field

from sim.scenario.lever_info import LeverInfo, SpendingItem
from sim.scenario.months import Month, month_number
from sim.scenario.params import (
    MonthlyShare,
    People,
    Sensitivity,
    Share,
    StrictModel,
    Usual,
    Wage,
    WholePeople,
    Yuan,
    param,
    per_event,
    uncertain,
)


class Workforce(StrictModel):
    """Carers by provider (certified / uncertified), certified job-seekers and trainees by district."""

    initial_certified_share: Share = Field(
        uncertain(0.4, 0.6, 0.8),
        description="Assumption: certification rate of the carers "
                                                            "employed at the start (not found in the sourced "
                                                            "facts; a city may know it from its information "
                                                            "platform). The warm-up sets how many carers there "
                                                            "are, this share how many of them are certified.")
    initial_job_seekers_share: Share = Field(
        uncertain(0.02, 0.05, 0.1),
        description="Assumption: certified carers looking for work, as a share of those employed.")
    # Both wages are at least 1 yuan: attrition scales with their ratio raised to a negative power.
    carer_wage_yuan_per_month: Wage = Field(
        uncertain(3000, 3500, 4500),
        description="Assumption (carer wages not found): monthly cost of a carer in a Hebei prefecture "
                            "city, incl. social insurance.")
    reference_wage_yuan_per_month: Wage = Field(
        3500.0, description="Wage at which attrition equals the rates below.")
    attrition_wage_elasticity: Sensitivity = Field(
        uncertain(0.5, 1, 1.5),
        description="Assumption: attrition = rate × (wage / reference wage)^(−elasticity): 10% higher pay, "
                         "about 10% fewer leavers.")
    certified_attrition_per_month_share: MonthlyShare = Field(
        uncertain(0.01, 0.015, 0.025),
        description="Assumption: monthly share of certified carers who leave childcare (≈17% a year; "
                           "turnover described as high, no rate published).")
    uncertified_attrition_per_month_share: MonthlyShare = Field(
        uncertain(0.02, 0.03, 0.045),
        description="Assumption: monthly share of uncertified carers who leave (≈31% a year).")
    job_seeker_exit_per_month_share: MonthlyShare = Field(
        uncertain(0.02, 0.05, 0.08),
        description="Assumption: certified job-seekers who take work outside childcare, per month.")
    uncertified_hiring_share: Share = Field(
        uncertain(0.5, 0.7, 0.9),
        description="Assumption: share of a month's remaining vacancies filled by uncertified hires.")
    self_certification_per_month_share: MonthlyShare = Field(
        uncertain(0.002, 0.004, 0.008),
        description="Assumption: uncertified carers who pass the certificate on their own, per month.")
    # A class holds at most 20 children: more carers than that is no class.
    min_carers_per_open_class: param(ge=0, le=20, usual=Usual(1, 4, "assumption")) = Field(
        1.5, description="Assumption: a class open for any child needs a lead carer and half an assistant.")
    hiring_headroom_share: Share = Field(
        uncertain(0.05, 0.1, 0.2),
        description="Assumption: providers keep carers for this share of their places beyond their "
                          "children and the waiting children of their street they could take, so they can "
                          "admit new ones.")
    opening_staffed_share: Share = Field(
        uncertain(0.2, 0.3, 0.5),
        description="Assumption: a new provider opens once it has carers for this share of its places.")
    graduates_per_year: Annotated[People, Usual(
        0, 0.5, "the default 600 is for a city of 7 million, 0.09 per 1,000 (assumption)",
        per="1,000 residents")] = Field(
        600.0, description="Assumption: childcare graduates of the city's vocational colleges each September "
                           "(>600 colleges nationally run the programme, 2025).")
    graduates_entering_share: Share = Field(
        uncertain(0.3, 0.5, 0.7),
        description="Assumption: graduates who enter "
                                                                                "childcare.")
    graduates_certified_share: Share = Field(0.9, description="Assumption: graduates holding the certificate.")


def _schedule(shares: dict[str, float]) -> dict[str, float]:
    months = sorted(shares, key=month_number)
    return {month: shares[month] for month in months}


class Training(StrictModel):
    """三(二)一 Annual training of directors and carers (年度培训**人次): cohorts start in the given months,
    split between upskilling uncertified carers and new entrants; those who pass are certified."""

    lever: ClassVar[LeverInfo] = LeverInfo("三(二)一", "从业人员培训", "Training of carers", (
        SpendingItem("training", "托育从业人员培训", "training of carers", "the training courses, per trainee"),))

    trainees_per_year: Annotated[dict[int, Annotated[WholePeople, Usual(
        0, 1.5, "the example city's plan trains 800–2,500 a year in 7 million residents, at most 0.36 per 1,000 "
                "(assumption)", per="1,000 residents")]], AfterValidator(lambda d: dict(sorted(d.items())))] = \
        Field(default_factory=dict, description="Training places (人次) by calendar year.")
    start_months_of_year: list[Annotated[int, Field(ge=1, le=12)]] = Field(
        default_factory=lambda: [3, 9], description="Months in which cohorts start; each takes an equal part.")
    duration_months: param(ge=0, le=36, usual=Usual(0.5, 12, "assumption")) = per_event(
        4.0, "Assumption: months from start to the exam.")
    pass_share: Share = Field(0.8, description="Assumption: trainees who pass the certificate.")
    upskilling_share: Share = Field(
        0.7, description="Assumption: places given to uncertified carers (the rest to new entrants).")
    cost_yuan_per_trainee: Annotated[Yuan, Usual(200, 20_000, "assumption")] = Field(
        2000.0, description="Assumption: course and exam fees paid by the programme (entry training ≥120 h).")


class CertificationMandate(StrictModel):
    """三(二)一 100% certified carers (持证上岗) by the effective date: from then only certified carers count
    toward the ratios. A schedule of required certified shares may phase it in."""

    lever: ClassVar[LeverInfo] = LeverInfo("三(二)一", "持证上岗", "Certification mandate")

    effective: Month = Field("2026-12", description="Month from which every counted carer must be certified.")
    schedule: Annotated[dict[Month, Share], AfterValidator(_schedule)] = Field(
        default_factory=dict, description="Required certified share from each month on, before the effective date.")
    anticipation_months: param(ge=0, le=60, usual=Usual(0, 24, "assumption")) = Field(
        uncertain(6, 12, 18),
        description="Assumption: months before the effective date (or the schedule's first step) in which "
                    "uncertified carers start to prepare for the certificate on their own.")
    anticipation_certification_per_month_share: Share = Field(
        uncertain(0.01, 0.02, 0.04),
        description="Assumption: uncertified carers who certify on their own each month because of the mandate, "
                    "rising in step from none at the start of the anticipation to this at the date, and kept after "
                    "it (on top of workforce.self_certification_per_month_share).")

    def anticipation(self, month: int) -> float:
        """The extra monthly share of uncertified carers who certify on their own in calendar month ``month``:
        rising in a straight line over the anticipation to its full value at the first required share."""
        first = min([month_number(m) for m in self.schedule] + [month_number(self.effective)])
        lead = float(self.anticipation_months)
        if lead <= 0:
            progress = 1.0 if month >= first else 0.0
        else:
            progress = min(max((month - (first - lead)) / lead, 0.0), 1.0)
        return progress * float(self.anticipation_certification_per_month_share)

    def required_share(self, month: int) -> float:
        """The share of counted carers who must be certified in calendar month ``month``."""
        if month >= month_number(self.effective):
            return 1.0
        share = 0.0
        for start, value in self.schedule.items():
            if month_number(start) <= month:
                share = float(value)
        return share
