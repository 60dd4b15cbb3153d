"""The indicators: names (a public contract, DESIGN §4), units, labels and how each aggregates.

A *stock* is a level at month end (summed over streets, taken at the last month of a year); a *flow*
happens during the month (summed over streets and over the months of a year); a *ratio* is computed
from the aggregated numerator and denominator, never averaged.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal


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
)}

def base_indicators() -> list[str]:
    """Stocks and flows, in registry order: what a replication records."""
    return [name for name, ind in INDICATORS.items() if ind.kind != "ratio"]

