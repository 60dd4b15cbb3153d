"""Scenario sections of the childcare market: who wants care (``demand``) and who offers it (``providers``).

Behavioural parameters are not published; every default below is marked as an assumption, anchored
where possible on a sourced figure, and is a natural candidate for calibration and sensitivity sweeps.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from sim.scenario.params import (
    CLASSES_PER_BAND_MAX,
    CLASSES_PER_BAND_USUAL,
    INSTITUTIONS_PER_YEAR_MAX,
    MONTHS_MAX,
    Fee,
    MonthlyShare,
    People,
    Sensitivity,
    Share,
    StrictModel,
    Usual,
    WholeNumber,
    Yuan,
    YuanPerPlace,
    YuanPerPlaceMonth,
    param,
    per_event,
    uncertain,
)

BandClasses = Annotated[WholeNumber, CLASSES_PER_BAND_USUAL]
MonthsToClose = Annotated[WholeNumber, Usual(3, 36, "assumption")]


class ClassCounts(StrictModel):
    """Classes by age band (national standard: 乳儿班 ≤10, 托小班 ≤15, 托大班 ≤20, mixed ≤18 children)."""

    infant: BandClasses = Field(0, ge=0, le=CLASSES_PER_BAND_MAX)
    toddler: BandClasses = Field(0, ge=0, le=CLASSES_PER_BAND_MAX)
    older: BandClasses = Field(0, ge=0, le=CLASSES_PER_BAND_MAX)
    mixed: BandClasses = Field(0, ge=0, le=CLASSES_PER_BAND_MAX)

    def as_list(self) -> list[int]:
        return [self.infant, self.toddler, self.older, self.mixed]


class StatedNeedShares(StrictModel):
    """Share of children whose families want formal care, by age. Assumption: chosen so that about one third
    of families want care overall (NHC surveys: about one third in 2021, >1/3 in 2023), rising with age as in
    Germany's survey quotas (1-year-olds ≈62%, 2-year-olds ≈79%, DJI)."""

    under_6_months: Share = 0.02
    infant_6_11_months: Share = 0.15
    toddler_12_23_months: Share = 0.35
    older_24_35_months: Share = 0.52


class Demand(StrictModel):
    """Demand for places (需求): stated need → effective demand (price, access) → waitlist → enrolment."""

    stated_need_share: StatedNeedShares = Field(default_factory=StatedNeedShares)
    willingness_to_pay_median_yuan_per_month: Fee = Field(
        uncertain(1250, 1450, 1650),
        description="Anchored on surveys: >70% of parents accept at most 2,000 yuan/month (survey, 2025) and the "
                    "average full-day fee, ≈1,900 yuan/month in 2025, is ≈20% of family income (think tank). With "
                    "the spread below, 1,450 puts 69% of families at or below 2,000; the range is an assumption.")
    willingness_to_pay_sigma: param(ge=0.05, le=3, usual=Usual(0.2, 1.5, "assumption")) = Field(
        uncertain(0.5, 0.65, 0.8),
        description="Assumption: spread (log-normal sigma) of willingness to pay, as of "
                                               "household income, which the fee follows at ≈20%.")
    market_preference_share: Share = Field(
        uncertain(0.6, 0.8, 0.95),
        description="Assumption: families able to pay the market fee who look for a market-rate place "
                         "before an inclusive one (hours, quality, brand).")
    other_street_acceptance_share: Share = Field(
        uncertain(0.3, 0.5, 0.7),
        description="Assumption: families who accept a place in another street of their district "
                         "(>90% accept a centre within 3 km, survey 2025; streets are larger).")
    give_up_per_month_share: MonthlyShare = Field(
        uncertain(0.29, 0.35, 0.39),
        description="Calibrated (calibration/hebei_history.yaml, Hebei 2021–22: places per 1,000 and how full "
                    "places were): waiting families who stop waiting, per month (they join the hidden waitlist); the "
                    "range is the 10th–90th percentile of the parameter sets fitting about as well as the best.")
    return_at_new_band_share: Share = Field(
        uncertain(0.2, 0.4, 0.6),
        description="Assumption: families of the hidden waitlist who look again when their child reaches the "
                         "entry age of the next class band (12, 18 or 24 months), where places may be free (Japan's "
                         "待機児童: 1–2-year-olds wait while other ages' places stand empty).")
    return_when_place_opens_share: Share = Field(
        uncertain(0.1, 0.3, 0.5),
        description="Assumption: families of the hidden waitlist in a street who look again when a provider "
                         "there opens, or adds a class, that admits their child's age.")
    dropout_per_month_share: MonthlyShare = Field(
        uncertain(0.005, 0.01, 0.02),
        description="Assumption: enrolled children who leave care, per month.")
    trust_need_uplift_share: param(ge=0, le=1) = Field(
        uncertain(0.0, 0.05, 0.1),
        description="Assumption: how much more often families state need where every place of their district has "
                    "passed a public check (quality evaluation, joint inspection) within trust_memory_months (safety "
                    "is a reason families give for not using care); in proportion to the share of places that has.")
    trust_memory_months: Annotated[WholeNumber, Usual(6, 60, "assumption")] = Field(
        24, ge=1, le=MONTHS_MAX, description="Assumption: months a passed check keeps families' trust.")


class Lifecycle(StrictModel):
    """Durations of a provider's lifecycle planned → building → registering (备案) → open → rectifying → closed."""

    fit_out_months: param(ge=0, le=60, usual=Usual(0, 24, "assumption")) = per_event(
        uncertain(2, 4, 8),
        description="Assumption: private fit-out before registering.")
    registration_months: param(ge=0, le=24, usual=Usual(0, 12, "assumption")) = per_event(
        uncertain(1, 3, 6),
        description="Assumption: months to register (备案); departmental coordination shortens "
                                        "it.")
    rectification_months: param(ge=1, le=24, usual=Usual(1, 12, "assumption")) = per_event(
        uncertain(1, 3, 6),
        description="Assumption: months a provider that failed evaluation rectifies, capacity "
                                        "frozen.")


class Economics(StrictModel):
    """Monthly costs of providers besides carers' wages (``workforce``): rent + labour >75% of costs (State
    Council report to the NPCSC, 2024)."""

    rent_yuan_per_place_per_month: YuanPerPlaceMonth = Field(
        uncertain(150, 200, 300),
        description="Assumption: about 7 m² per place (Shenzhen ≥6–8 m²) at about 30 yuan/m² a month, "
                           "below the 80–150 of tier-1/2 cities (survey estimate).")
    fixed_cost_yuan_per_month: Annotated[Yuan, Usual(1000, 100_000, "assumption")] = Field(
        uncertain(6000, 8000, 10000),
        description="Assumption: director, health worker, food, utilities, insurance.")


class Exit(StrictModel):
    """Private providers that have made losses, or had low occupancy, for long enough close with a monthly
    probability (most private institutions make long-run losses, survey 2025, yet places kept growing)."""

    loss_months_to_close: MonthsToClose = Field(12, ge=1, le=120, description="Assumption: consecutive loss months.")
    low_occupancy_share: Share = Field(
        uncertain(0.1, 0.2, 0.3),
        description="Assumption: occupancy counted as too "
                                                                           "low.")
    low_occupancy_months_to_close: MonthsToClose = Field(
        9, ge=1, le=120, description="Assumption: consecutive months of low occupancy before closing.")
    closure_per_month_share: MonthlyShare = Field(
        uncertain(0.01, 0.02, 0.04),
        description="Assumption: monthly probability that a provider past either threshold closes.")


class Entry(StrictModel):
    """Private entry by district: rate = max rate × W / (W + W½) × (exp(β m_inclusive) + exp(β m_market)) / 2,
    W the district's waitlist, m the expected monthly profit per place over cost per place of an inclusive or
    a market-rate centre at the district's private occupancy, the fit-out cost net of the construction subsidy
    spread over the payback period; β is the margin sensitivity."""

    max_entries_per_district_per_year: param(ge=0, le=INSTITUTIONS_PER_YEAR_MAX, usual=Usual(
        0, 3, "the calibrated default, at most 2.0 a district, is 0.46 per 100,000 residents of Hebei's county-level "
              "districts (439,000 on average); at 3 a small district's places grow by several per 1,000 a year "
              "without any lever (assumption)",
        per="100,000 residents of an average district")) = Field(
        uncertain(0.97, 1.51, 2.0),
        description="Calibrated (calibration/hebei_history.yaml, as give_up_per_month_share): most private centres "
                    "a county-level district draws a year, at a long waitlist and no margin.")
    waitlist_half_saturation_children: Annotated[People, Usual(10, 5000, "assumption")] = Field(
        uncertain(75, 150, 300),
        description="Assumption: W½.")
    margin_sensitivity: Sensitivity = Field(
        uncertain(1.5, 3, 4.5),
        description="Assumption.")
    inclusive_choice_sensitivity: Sensitivity = Field(
        uncertain(3, 6, 9),
        description="Assumption: an entrant is inclusive with probability logistic(sensitivity × "
                         "(inclusive margin − market margin)).")
    # Fit-out is spread over these months (a divisor): at least one.
    payback_months: param(ge=1, le=MONTHS_MAX, usual=Usual(12, 180, "assumption")) = Field(
        uncertain(36, 60, 84),
        description="Assumption: horizon over which fit-out is recovered.")
    fit_out_cost_yuan_per_place: YuanPerPlace = Field(
        uncertain(12000, 15000, 24000),
        description="Fit-out 2,000–3,000 yuan/m² × 6–8 m² ≈ 12–24k per place (survey estimate).")
    classes: ClassCounts = Field(default_factory=lambda: ClassCounts(infant=0, toddler=2, older=2),
                                 description="Assumption: classes of a new private centre.")
    market_fee_yuan_per_month: Fee = Field(
        uncertain(2000, 2400, 3000),
        description="Assumption: average full-day fee ≈1,900 yuan/month in 2025 (think tank); "
                            "market-rate above it.")
    inclusive_fee_yuan_per_month: Fee = Field(
        uncertain(1200, 1400, 1600),
        description="Assumption: inclusive price "
                                                                                      "cap.")


class Providers(StrictModel):
    """Providers (托育机构): lifecycle, economics, exit and entry."""

    lifecycle: Lifecycle = Field(default_factory=Lifecycle)
    economics: Economics = Field(default_factory=Economics)
    exit: Exit = Field(default_factory=Exit)
    entry: Entry = Field(default_factory=Entry)
