"""The ``budget:`` section: funds (资金), their yearly appropriations and which funds pay for which item.

Without it every request is paid when made (the funds are not limited). With it, a payment a fund cannot
make waits until money arrives, first come first served, and the project it pays for waits with it.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, Field, model_validator

from sim.scenario.params import Share, StrictModel, Usual, WholeNumber, Yuan
from sim.scenario.policy_schema import spending_items

FUNDS = ("central_transfer", "provincial", "city_special_fund", "district_funds")
ITEMS = tuple(item.name for item in spending_items())


def _years(amounts: dict[int, float]) -> dict[int, float]:
    bad = [year for year in amounts if not 1950 <= year <= 2200]
    if bad:
        raise ValueError(f"expected calendar years as keys, got {bad[0]}")
    return dict(sorted(amounts.items()))


# The example city's four funds total ≈93 yuan per resident a year, most of it the household subsidy (3,600 yuan per
# child under 3, ≈62 per resident); a fund beyond 200 per resident was sized for a larger city.
PerResident = Annotated[Yuan, Usual(0, 200, "the example city's funds total ≈93 yuan per resident a year, ≈62 of it "
                                          "the household subsidy (assumption)", per="resident")]


class Fund(StrictModel):
    """One fund: what it holds at the start and what is appropriated to it each fiscal year."""

    opening_balance_yuan: PerResident = 0.0
    yuan_per_year: Annotated[dict[int, PerResident], AfterValidator(_years)] = Field(
        default_factory=dict, description="Appropriation by calendar year; a later year not listed grows the last "
                                          "listed one by growth_share_per_year.")
    growth_share_per_year: Annotated[Share, Usual(0, 0.3, "assumption: budgets grow a few percent a year")] = 0.0
    month_available: WholeNumber = Field(3, ge=1, le=12, description="Month of the year the money arrives.")

    def appropriation(self, year: int) -> float:
        if not self.yuan_per_year:
            return 0.0
        if year in self.yuan_per_year:
            return float(self.yuan_per_year[year])
        last = max(y for y in self.yuan_per_year if y <= year) if min(self.yuan_per_year) <= year else None
        if last is None:
            return 0.0
        return float(self.yuan_per_year[last]) * (1 + float(self.growth_share_per_year)) ** (year - last)


class Rule(StrictModel):
    """Which funds pay an item: ``shares`` split each payment; ``waterfall`` takes from the funds in order,
    each as far as its balance goes (the last waits for money if need be)."""

    shares: dict[Literal[FUNDS], Share] | None = None
    waterfall: list[Literal[FUNDS]] | None = None

    @model_validator(mode="after")
    def _one(self) -> Rule:
        if (self.shares is None) == (self.waterfall is None):
            raise ValueError("give exactly one of shares and waterfall")
        if self.shares is not None and abs(sum(self.shares.values()) - 1) > 1e-9:
            raise ValueError(f"shares must add up to 1, got {sum(self.shares.values()):g}")
        if self.waterfall is not None and not self.waterfall:
            raise ValueError("a waterfall needs at least one fund")
        return self


DEFAULT_RULES = {
    "default": Rule(waterfall=["city_special_fund", "district_funds"]),
    # Central per-place subsidy first, the city tops up (普惠托育服务专项行动).
    "construction_subsidy": Rule(waterfall=["central_transfer", "city_special_fund"]),
    "public_construction": Rule(waterfall=["central_transfer", "city_special_fund"]),
    # 育儿补贴: assumption on the split (the national rule sets central and local shares by region).
    "household_subsidy": Rule(shares={"central_transfer": 0.9, "provincial": 0.05, "city_special_fund": 0.05}),
}


class Budget(StrictModel):
    """三(三)一 Budgets include childcare with stable growth: funds, year-end rule and funding rules."""

    funds: dict[Literal[FUNDS], Fund] = Field(default_factory=dict)
    year_end: Literal["carry_over", "lapse"] = Field("carry_over", description="What happens to balances in "
                                                                              "December.")
    allow_deficit: bool = Field(False, description="Pay anyway and report the deficit instead of waiting.")
    rules: dict[Literal[("default", *ITEMS)], Rule] = Field(
        default_factory=dict, description="Rules by item (or default), on top of DEFAULT_RULES.")

    def rule(self, item: str) -> Rule:
        return self.rules.get(item) or DEFAULT_RULES.get(item) or self.rules.get("default") or DEFAULT_RULES["default"]
