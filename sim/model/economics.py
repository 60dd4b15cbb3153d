"""Provider economics: monthly revenue and cost, and the margin that drives private entry.

cost    = carers × wage + rent × places + fixed cost − rent relief × places
carers  = Σ over bands of max(min staff per class × open classes, enrolled ÷ children per carer), rounded up
revenue = fee × enrolled + operating subsidy × enrolled (inclusive places) + per-place payments from levers
"""

from __future__ import annotations

import numpy as np

from sim.model.bands import CHILDREN_PER_CARER, CLASS_SIZE
from sim.scenario.market_schema import Economics, Entry


def carers_needed(enrolled_by_band: np.ndarray, min_staff_per_class: float) -> np.ndarray:
    """Carers each provider needs for its children (providers × bands in, providers out)."""
    open_classes = np.ceil(enrolled_by_band / CLASS_SIZE - 1e-9)
    by_ratio = np.ceil(enrolled_by_band / CHILDREN_PER_CARER - 1e-9)
    return np.maximum(open_classes * min_staff_per_class, by_ratio).sum(axis=1)


def monthly_cost(enrolled_by_band: np.ndarray, places: np.ndarray, economics: Economics,
                 rent_relief_per_place: float) -> np.ndarray:
    carers = carers_needed(enrolled_by_band, economics.min_staff_per_class)
    rent = max(economics.rent_yuan_per_place_per_month - rent_relief_per_place, 0.0)
    return carers * economics.carer_wage_yuan_per_month + places * rent + economics.fixed_cost_yuan_per_month


def entry_margin(fee: float, occupancy: np.ndarray, subsidy_per_child: float, construction_subsidy: float,
                 economics: Economics, entry: Entry, rent_relief_per_place: float) -> np.ndarray:
    """Expected monthly profit per place of a new private centre at each expected ``occupancy``, as a share
    of its cost, with the fit-out cost net of the construction subsidy spread over the payback period."""
    occupancy = np.asarray(occupancy, float)
    classes = np.array(entry.classes.as_list(), float)
    places = float(classes @ CLASS_SIZE)
    if places <= 0:
        return np.full(occupancy.shape, -1.0)
    enrolled = classes * CLASS_SIZE * occupancy[:, None]
    cost = monthly_cost(enrolled, np.full(len(occupancy), places), economics, rent_relief_per_place)
    revenue = (fee + subsidy_per_child) * enrolled.sum(axis=1)
    fit_out = max(entry.fit_out_cost_yuan_per_place - construction_subsidy, 0.0) * places / entry.payback_months
    return (revenue - cost - fit_out) / cost
