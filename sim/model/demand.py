"""Demand for childcare (需求): stated need, then effective demand after price and access.

stated[s, a]    = children[s, a] × need share by age × (1 + awareness), at most every child;
effective[s, a] = stated[s, a] × P(willingness to pay ≥ net fee) × access[s].

Willingness to pay is log-normal: P(WTP ≥ f) = Φ(−ln(f / median) / σ). The net fee a street's families
weigh is the capacity-weighted fee of inclusive places in their district (the places they queue for
first), or of market places where the district has no inclusive ones, less any fee subsidy. Access is 1
where the street has places and the other-street acceptance share where it has none.
"""

from __future__ import annotations

import numpy as np
from scipy import special


def willing_share(net_fee: np.ndarray, median: float, sigma: float) -> np.ndarray:
    """Share of families whose willingness to pay is at least ``net_fee`` (yuan/month)."""
    fee = np.maximum(np.asarray(net_fee, float), 1e-9)
    return special.ndtr(-np.log(fee / max(median, 1e-9)) / sigma)


def district_price(capacity: np.ndarray, net_fee: np.ndarray, inclusive: np.ndarray, district: np.ndarray,
                   n_districts: int, fallback: float) -> np.ndarray:
    """Net fee families of each district weigh: capacity-weighted over inclusive places, else market places,
    else the city's average, else ``fallback``."""
    places = capacity.sum(axis=1)
    price = np.full(n_districts, np.nan)
    for tier in (False, True):  # market first, so inclusive prices overwrite where they exist
        weight = places * (inclusive == tier)
        total = np.bincount(district, weight, minlength=n_districts)
        paid = np.bincount(district, weight * net_fee, minlength=n_districts)
        price = np.where(total > 0, paid / np.maximum(total, 1e-9), price)
    city = np.sum(places * net_fee) / places.sum() if places.sum() > 0 else fallback
    return np.where(np.isnan(price), city, price)


def awareness(month: int, campaigns: list[tuple[int, float]], half_life_months: float) -> float:
    """Uplift of stated need from publicity campaigns (month index, uplift), each decaying by half-life."""
    return sum(uplift * 0.5 ** ((month - start) / half_life_months) for start, uplift in campaigns if month >= start)
