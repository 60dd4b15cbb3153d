"""The scenario file's schema: every section, key, unit, allowed range and default.

Each key names its unit (``_per_1000_per_year``, ``_months``, ``_share``); each default says where it
comes from: a published statistic (and its publisher) or the word *assumption*. Unknown keys are errors.
Later capabilities add their sections here in the same style.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, Field, model_validator

from sim.scenario.budget_schema import Budget
from sim.scenario.market_schema import Demand, Providers
from sim.scenario.months import Month, month_number
from sim.scenario.params import (
    BIRTHS_PER_1000_MAX,
    PEOPLE_MAX,
    PER_1000_MAX,
    IdKeys,
    Number,
    PerThousand,
    Share,
    StrictModel,
    Usual,
    WholeNumber,
    param,
    uncertain,
)
from sim.scenario.policy_schema import Policies
from sim.scenario.target_schema import DEFAULT_TARGETS, Target
from sim.scenario.workforce_schema import Workforce

FIRST_YEAR, LAST_YEAR = 1950, 2200
BIRTH_RATE_USUAL = Usual(
    3, 13, "Hebei 5.5–8.15‰ 2020–2024 (statistical communiqués); China's rate was about 13‰ at its 2016 peak; the "
           "margins are an assumption")
BirthRate = param(ge=0, le=BIRTHS_PER_1000_MAX, usual=BIRTH_RATE_USUAL)
Weight = Annotated[Number, Field(le=PEOPLE_MAX)]  # weights may be monthly birth counts: bounded as people
# All residents leaving, or as many arriving.
Migration = param(ge=-PER_1000_MAX, le=PER_1000_MAX, usual=Usual(
    -20, 20, "Hebei +0.27‰ in 2024 (statistical communiqué); ±20‰ a year is an assumption for a fast-changing city"))


def _year_keys(rates: dict[int, object]) -> dict[int, object]:
    if not rates:
        raise ValueError("expected at least one year, e.g. {2025: 5.9}")
    bad = [year for year in rates if not FIRST_YEAR <= year <= LAST_YEAR]
    if bad:
        raise ValueError(f"expected years between {FIRST_YEAR} and {LAST_YEAR} as keys, got {bad[0]}")
    return dict(sorted(rates.items()))


def _twelve_weights(weights: list[float]) -> list[float]:
    if len(weights) != 12:
        raise ValueError(f"expected 12 weights, January to December, got {len(weights)}")
    if any(w < 0 for w in weights) or sum(weights) <= 0:
        raise ValueError("expected non-negative weights that are not all zero")
    return weights


class Meta(StrictModel):
    name: str = Field(min_length=1, description="Scenario name shown in tables, charts and briefs.")
    name_en: str | None = Field(None, min_length=1, description=(
        "The name in English charts and briefs (--lang en); name is used without it. A file that extends "
        "another and renames the scenario sets this too, or it keeps the name_en of the file it extends."))
    description: str = ""
    language: Literal["zh", "en"] = Field("zh", description="Language of labels in outputs.")


class Horizon(StrictModel):
    start: Month = Field("2025-01", description="First simulated month (t = 0).")
    end: Month = Field("2027-12", description="Last simulated month, inclusive.")

    @model_validator(mode="after")
    def _ordered(self) -> Horizon:
        months = month_number(self.end) - month_number(self.start) + 1
        if months < 1:
            raise ValueError(f"end ({self.end}) is before start ({self.start})")
        if months > 600:
            raise ValueError(f"the horizon is {months} months; at most 600 (50 years) are allowed")
        return self

    @property
    def months(self) -> int:
        return month_number(self.end) - month_number(self.start) + 1


class GeographyFiles(StrictModel):
    """The city's data: CSV files, or the sheets of one Excel workbook (districts 区县, streets 街道, providers
    托育机构, new_housing 新建住宅), each path relative to the scenario file that names it."""

    workbook_xlsx: str | None = Field(
        None, description="An Excel workbook whose sheets hold the tables not given as CSV files (sheets named "
                          "districts or 区县, streets or 街道, providers or 托育机构, new_housing or 新建住宅).")
    districts_csv: str | None = Field(None, description="districts.csv: district_id, name_zh, name_en, kind.")
    streets_csv: str | None = Field(
        None, description="streets.csv: street_id, district_id, name_zh, name_en, kind (street|town), population.")
    new_housing_csv: str | None = Field(
        None, description="new_housing.csv: street_id, month (YYYY-MM completion), residents.")
    providers_csv: str | None = Field(
        None, description="providers.csv: provider_id, street_id, type, name_zh, inclusive, fee_yuan_per_month, "
                          "infant_classes, toddler_classes, older_classes, mixed_classes, status.")

    @model_validator(mode="after")
    def _complete(self) -> GeographyFiles:
        if self.workbook_xlsx is None and (self.districts_csv is None or self.streets_csv is None):
            raise ValueError("expected districts_csv and streets_csv, or a workbook_xlsx with their sheets")
        return self

    def paths(self) -> list[str]:
        """The files named, in the order of the keys."""
        return [path for path in (self.workbook_xlsx, self.districts_csv, self.streets_csv, self.new_housing_csv,
                                  self.providers_csv) if path]


class NewHousing(StrictModel):
    """Residents moving into newly completed housing (新建住宅小区) listed in new_housing.csv."""

    move_in_lag_months: Annotated[WholeNumber, Usual(0, 24, "assumption")] = Field(
        6, ge=0, le=60, description="Assumption: months from completion to move-in.")
    occupancy_share: Share = Field(0.8, description="Assumption: share of expected residents who move in.")
    relocated_within_district_share: Share = Field(
        0.7, description="Assumption: share of movers who come from older housing elsewhere in the same "
                         "district (they leave those streets); the rest are newcomers to the city.")
    children_0_3_per_1000_newcomers: Annotated[PerThousand, Usual(
        5, 80, "assumption: a city has ≈17 children under 3 per 1,000 residents at 5.9‰ births; newcomers are "
               "younger")] = Field(
        25.0, description="Assumption: children under 3 arriving with every 1,000 newcomers.")


class Demography(StrictModel):
    """Births, deaths, migration and new housing (人口)."""

    birth_rate_per_1000_per_year: Annotated[dict[int, BirthRate], AfterValidator(_year_keys)] = Field(
        default_factory=lambda: {2022: 6.09, 2023: 5.55, 2024: 5.9},
        description="Crude birth rate by calendar year; a year not listed takes the nearest listed year. "
                    "Defaults: Hebei 6.09‰ (2022) and 5.9‰ (2024), Hebei statistical communiqués; "
                    "2023 derived from 41.0万 births / 7,393万 residents. The years before the horizon "
                    "build the initial children by month of age.")
    birth_seasonality_by_month: Annotated[list[Weight], AfterValidator(_twelve_weights)] = Field(
        default_factory=lambda: [1.0] * 12,
        description="Assumption: relative weight of births in January … December (no seasonality).")
    infant_mortality_per_1000_births: Annotated[PerThousand, Usual(0.5, 15, "assumption")] = Field(
        4.0, description="Assumption: deaths before age 1 per 1,000 live births (not in the sourced facts).")
    child_mortality_per_1000_per_year: Annotated[PerThousand, Usual(0, 3, "assumption")] = Field(
        0.3, description="Assumption: yearly deaths per 1,000 children aged 12–35 months.")
    death_rate_per_1000_per_year: Annotated[PerThousand, Usual(
        3, 15, "Hebei 8.2‰ in 2024 (statistical communiqué); the margins are an assumption")] = Field(
        8.2, description="Crude death rate of all residents: Hebei 2024, 8.2‰ (statistical communiqué).")
    net_migration_per_1000_per_year: Migration = Field(
        0.27, description="Net in-migration: Hebei 2024, +2万 on 7,378万 residents (statistical communiqué).")
    net_migration_by_district_per_1000_per_year: Annotated[dict[str, Migration], IdKeys] = Field(
        default_factory=dict, description="Per-district net migration replacing the city-wide rate.")
    new_housing: NewHousing = Field(default_factory=NewHousing)


class WarmStart(StrictModel):
    """The market's state at the start (开局): the data give the providers and their places, not the families
    waiting, the children in care by age, how long families have waited or the carers each provider employs.
    Those warm up: the market runs ``burn_in_months`` before the start with the population and the providers as
    the data give them (no entry, exit, levers or money), starting empty with providers staffed for their
    headroom, and the scenario starts from where it arrives. The burn-in is not reported. With 0 the scenario
    starts from the empty market (every family with effective demand asks in the first month)."""

    burn_in_months: Annotated[WholeNumber, Usual(12, 60, "assumption: one to five years of a cohort in care")] = Field(
        36, ge=0, le=120, description="Assumption: a cohort of children under 3 passes through care and the "
                                      "slow give and take between enrolment and the carers hired for it settles "
                                      "(tested on the example city: with flat births and no lever every indicator "
                                      "starts within its band of the following year; 24 months left enrolment "
                                      "≈1% low).")
    recent_growth_share_per_year: Annotated[Share, Usual(
        0, 0.6, "national places grew >20% a year in 2022–24 (NHC vice-minister, 2025-07); the margin is an "
                "assumption")] = Field(
        uncertain(0.15, 0.2, 0.3),
        description="Growth of places in the year before the start, which sets the private centres found in "
                         "the pipeline at the start (being fitted out or registered) beyond those the city's file "
                         "lists: national places grew >20% a year in 2022–24 (NHC vice-minister, 2025-07).")


class ScenarioSpec(StrictModel):
    """A whole scenario file after ``extends`` and ``--set`` are applied."""

    meta: Meta
    horizon: Horizon = Field(default_factory=Horizon)
    geography: GeographyFiles
    demography: Demography = Field(default_factory=Demography)
    demand: Demand = Field(default_factory=Demand)
    providers: Providers = Field(default_factory=Providers)
    workforce: Workforce = Field(default_factory=Workforce)
    warm_start: WarmStart = Field(default_factory=WarmStart)
    budget: Budget | None = Field(None, description="Funds; without it every request is paid when made.")
    policies: Policies = Field(default_factory=Policies)
    default_targets: bool = Field(True, description="Include the nation's and the speech's targets.")
    targets: list[Target] = Field(default_factory=list, description="The city's own targets, added to the defaults.")

    def all_targets(self) -> list[Target]:
        return [*(DEFAULT_TARGETS if self.default_targets else ()), *self.targets]

