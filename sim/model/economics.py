"""Provider economics: monthly revenue and cost, and the margin that drives private entry.

cost    = staff employed × wage + (rent − rent relief) × places + fixed cost
revenue = fee × enrolled + operating subsidy × enrolled (inclusive places) + per-place payments from levers
"""

from __future__ import annotations

import numpy as np

from sim.model.bands import CLASS_SIZE
from sim.model.workforce import staff_for
from sim.scenario.market_schema import Economics, Entry
from sim.scenario.workforce_schema import Workforce


def monthly_cost(staff: np.ndarray, places: np.ndarray, economics: Economics, wage: float,
                 rent_relief_per_place: float) -> np.ndarray:
    rent = max(economics.rent_yuan_per_place_per_month - rent_relief_per_place, 0.0)
    return staff * wage + places * rent + economics.fixed_cost_yuan_per_month


def entry_margin(fee: float, occupancy: np.ndarray, subsidy_per_child: float, construction_subsidy: float,
                 economics: Economics, entry: Entry, workforce: Workforce, rent_relief_per_place: float
                 ) -> np.ndarray:
    """Expected monthly profit per place of a new private centre at each expected ``occupancy``, as a share
    of its cost, with the fit-out cost net of the construction subsidy spread over the payback period."""
    occupancy = np.asarray(occupancy, float)
    classes = np.array(entry.classes.as_list(), float)
    places = float(classes @ CLASS_SIZE)
    if places <= 0:
        return np.full(occupancy.shape, -1.0)
    enrolled = classes * CLASS_SIZE * occupancy[:, None]
    staff = staff_for(enrolled, workforce.min_carers_per_open_class)
    cost = monthly_cost(staff, np.full(len(occupancy), places), economics, workforce.carer_wage_yuan_per_month,
                        rent_relief_per_place)
    revenue = (fee + subsidy_per_child) * enrolled.sum(axis=1)
    fit_out = max(entry.fit_out_cost_yuan_per_place - construction_subsidy, 0.0) * places / entry.payback_months
    return (revenue - cost - fit_out) / cost
