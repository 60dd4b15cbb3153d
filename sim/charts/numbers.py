"""How numbers read on a chart or in the brief (数字格式): money in the unit that suits its size (元, 万元, 亿元;
yuan, thousand, million, billion yuan), shares in %, differences of shares in percentage points (百分点), counts
with thousands separators, and never a "0" for an amount that is not zero."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from sim.indicators import INDICATORS

# (yuan per unit, Chinese, English): the largest unit in which the largest amount is at least 1 is used.
ZH_MONEY = ((1e8, "亿元"), (1e4, "万元"), (1.0, "元"))
EN_MONEY = ((1e9, "billion yuan"), (1e6, "million yuan"), (1e3, "thousand yuan"), (1.0, "yuan"))
POINTS = {"zh": "百分点", "en": "percentage points"}
SIGNIFICANT = 3  # digits the largest amount of a table or axis keeps


@dataclass(frozen=True)
class Unit:
    """What values are multiplied by to be shown, the unit's name and the decimals a table prints."""

    factor: float
    name: str
    decimals: int = 0

    def text(self, value: float) -> str:
        """``value`` (in the stored unit, e.g. yuan) as shown: thousands separators, the unit's decimals, and
        "<0.01" (not "0.00") for an amount that rounds to zero but is not zero."""
        if value is None or not math.isfinite(value):
            return "—"
        shown = value * self.factor
        smallest = 10.0 ** -self.decimals
        if shown != 0 and abs(shown) < smallest / 2:
            return f"{'-' if shown < 0 else ''}<{smallest:.{self.decimals}f}"
        return f"{shown:,.{self.decimals}f}"


def _largest(values: Iterable[float]) -> float:
    found = [abs(float(v)) for v in np.ravel(np.asarray(list(values), dtype=float)) if math.isfinite(v)]
    return max(found, default=0.0)


def _decimals(largest: float, most: int = 2) -> int:
    """Decimals that give the largest value ``SIGNIFICANT`` digits (none for 100 and above)."""
    if largest <= 0:
        return 0
    return int(min(max(SIGNIFICANT - 1 - math.floor(math.log10(largest)), 0), most))


def money_unit(values: Iterable[float], language: str) -> Unit:
    """The unit for amounts of yuan of this size: a city's millions in 万元, a province's billions in 亿元."""
    largest = _largest(values)
    for size, name in ZH_MONEY if language == "zh" else EN_MONEY:
        if largest >= size or size == 1.0:
            return Unit(1.0 / size, name, _decimals(largest / size))
    raise AssertionError("unreachable: the last unit is 1 yuan")


def unit(indicator: str, language: str, values: Iterable[float] = (), difference: bool = False) -> Unit:
    """How ``indicator`` is shown: shares in % (a difference of shares in percentage points), yuan in the unit
    that suits ``values``, anything else in its own unit."""
    spec = INDICATORS[indicator]
    if spec.unit_en == "share":
        return Unit(100.0, POINTS[language] if difference else "%", 1)
    if spec.unit_en == "yuan":
        return money_unit(values, language)
    decimals = 1 if spec.kind == "ratio" or difference else 0
    return Unit(1.0, spec.unit(language), decimals)


def value_text(value: float, indicator: str, language: str, shown_in: Unit | None = None) -> str:
    """One value as a reader sees it; a share with its % sign, a whole % without decimals. A share short of 100%
    never prints as "100%" (">99.9%"), nor one above 0 as "0%" ("<0.1%"): a certification rate of 99.97% beside a
    target of 100% is not met."""
    shown_in = shown_in or unit(indicator, language, [value])
    if shown_in.name == "%":
        percent = value * 100
        if 99.95 <= percent < 100:
            return ">99.9%"
        if 0 < percent < 0.05:
            return "<0.1%"
        return f"{percent:.0f}%" if abs(percent - round(percent)) < 0.05 else f"{percent:.1f}%"
    return shown_in.text(value)
