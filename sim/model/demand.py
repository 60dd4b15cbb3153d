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


def mean_fee_by_district(places: np.ndarray, net_fee: np.ndarray, district: np.ndarray, n_districts: int
                         ) -> np.ndarray:
    """Place-weighted net fee of each district's providers (``places`` per provider); NaN where it has none."""
    total = np.bincount(district, places, minlength=n_districts)
    paid = np.bincount(district, places * net_fee, minlength=n_districts)
    return np.divide(paid, total, out=np.full(n_districts, np.nan), where=total > 0)


def district_price(capacity: np.ndarray, net_fee: np.ndarray, inclusive: np.ndarray, district: np.ndarray,
                   n_districts: int, fallback: float) -> np.ndarray:
    """Net fee families of each district weigh: capacity-weighted over inclusive places, else market places,
    else the city's average, else ``fallback``."""
    places = capacity.sum(axis=1)
    inclusive_fee = mean_fee_by_district(places * inclusive, net_fee, district, n_districts)
    market_fee = mean_fee_by_district(places * ~inclusive, net_fee, district, n_districts)
    price = np.where(np.isnan(inclusive_fee), market_fee, inclusive_fee)
    city = np.sum(places * net_fee) / places.sum() if places.sum() > 0 else fallback
    return np.where(np.isnan(price), city, price)


def awareness(month: int, campaigns: list[tuple[int, float]], half_life_months: float) -> float:
    """Uplift of stated need from publicity campaigns (month index, uplift), each decaying by half-life."""
    return sum(uplift * 0.5 ** ((month - start) / half_life_months) for start, uplift in campaigns if month >= start)
