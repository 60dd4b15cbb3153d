"""Age bands, class sizes and carer ratios of the national standard (托育机构设置标准, NHC 2019)."""

from __future__ import annotations

import numpy as np

from sim.scenario.city import BANDS

AGES = 36  # months of age 0–35: the 0–3 group (托育 age)
# Months of age a class admits (entry ages): 乳儿班 6–12, 托小班 12–24, 托大班 24–36, mixed over 18 months.
BAND_AGES = {"infant": (6, 12), "toddler": (12, 24), "older": (24, 36), "mixed": (18, 36)}
CLASS_SIZE = np.array([10, 15, 20, 18], dtype=float)  # children per class at most
CHILDREN_PER_CARER = np.array([3, 5, 7, 6], dtype=float)  # 1:3, 1:5, 1:7; mixed 1:6 (Shenzhen rule)
# A band's successor when a child outgrows it; older and mixed classes keep children to 36 months.
NEXT_BAND = {"infant": "toddler", "toddler": "older"}

ADMITS = np.zeros((len(BANDS), AGES), dtype=bool)
for _b, _name in enumerate(BANDS):
    ADMITS[_b, BAND_AGES[_name][0]:BAND_AGES[_name][1]] = True

# Demand is stated by these age groups (children under 6 months are not admitted by any class).
DEMAND_GROUPS = {"under_6_months": (0, 6), "infant_6_11_months": (6, 12), "toddler_12_23_months": (12, 24),
                 "older_24_35_months": (24, 36)}


def by_age(values_by_group: dict[str, float]) -> np.ndarray:
    """A value per month of age 0–35 from one value per demand group."""
    out = np.zeros(AGES)
    for group, (low, high) in DEMAND_GROUPS.items():
        out[low:high] = values_by_group[group]
    return out
