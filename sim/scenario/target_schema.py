"""Targets (目标): an indicator, a threshold and a deadline, for the city, every district or every street.

The defaults are the nation's and the speech's: 4.5 places per 1,000 residents by end-2025 (14th
Five-Year Plan), 100% certified carers by end-2026 and a community inclusive centre in every urban street
by end-2027 (the speech). A scenario adds its own under ``targets``.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator, model_validator

from sim.errors import did_you_mean
from sim.indicators import INDICATORS
from sim.scenario.months import Month
from sim.scenario.params import Number, StrictModel


class Target(StrictModel):
    name: str = Field("", description="Label in tables; the indicator and threshold if empty.")
    indicator: str
    at_least: Number | None = None
    at_most: Number | None = None
    deadline: Month
    where: Literal["city", "every_district", "every_street"] = Field(
        "city", description="Every street is checked at year ends (streets are recorded then).")
    announced: Month | None = Field(
        None, description="Month the target was set: the administrative push (policies.target_push) answers a "
                          "places target from then on (from its own start if absent).")

    @field_validator("indicator")
    @classmethod
    def _known(cls, name: str) -> str:
        if name not in INDICATORS:
            raise ValueError(f"expected an indicator (`tuoyu indicators` lists them), got {name!r}"
                             f"{did_you_mean(name, INDICATORS)}")
        return name

    @model_validator(mode="after")
    def _one_threshold(self) -> Target:
        if (self.at_least is None) == (self.at_most is None):
            raise ValueError("give exactly one of at_least and at_most")
        threshold = self.at_least if self.at_least is not None else self.at_most
        if INDICATORS[self.indicator].unit_en == "share" and not 0 <= threshold <= 1:
            hint = f"; for {threshold:g}% write {threshold / 100:g}" if 1 < threshold <= 100 else ""
            raise ValueError(f"{self.indicator} is a share between 0 and 1, so the threshold must be too{hint}, got "
                             f"{threshold:g}")
        return self

    @property
    def label(self) -> str:
        if self.name:
            return self.name
        sign, value = ("≥", self.at_least) if self.at_least is not None else ("≤", self.at_most)
        where = "" if self.where == "city" else f" in {self.where.replace('_', ' ')}"
        return f"{self.indicator} {sign} {value:g}{where} by {self.deadline}"


DEFAULT_TARGETS = (
    Target(name="4.5 places per 1,000 residents by 2025-12 (national, 14th Five-Year Plan)",
           indicator="places_per_1000", at_least=4.5, deadline="2025-12"),
    Target(name="100% certified carers by 2026-12 (持证上岗)", indicator="certification_rate", at_least=1.0,
           deadline="2026-12"),
    Target(name="a community inclusive centre in every urban street by 2027-12", indicator="streets_with_centre_share",
           at_least=1.0, deadline="2027-12"),
)
