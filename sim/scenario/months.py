"""Calendar months written ``YYYY-MM``: the model's unit of time."""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import BeforeValidator
from pydantic_core import PydanticCustomError

from sim.errors import show

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def parse_month(value: Any) -> str:
    """Canonical ``YYYY-MM`` or a ValueError saying what was expected."""
    text = str(value).strip() if isinstance(value, str | int) and not isinstance(value, bool) else None
    match = _MONTH.match(text) if text is not None else None
    if not match or not 1 <= int(match.group(2)) <= 12 or not 1900 <= int(match.group(1)) <= 2200:
        raise ValueError(f"expected a month as YYYY-MM (e.g. 2025-01), got {show(value)}")
    return text


def month_number(month: str) -> int:
    """Months since year 0, so that differences count months."""
    year, mon = month.split("-")
    return int(year) * 12 + int(mon) - 1


def month_label(number: int) -> str:
    return f"{number // 12:04d}-{number % 12 + 1:02d}"


def month_range(start: str, end: str) -> list[str]:
    """Every month from ``start`` to ``end`` inclusive."""
    return [month_label(n) for n in range(month_number(start), month_number(end) + 1)]


def _validate(value: Any) -> str:
    try:
        return parse_month(value)
    except ValueError as err:
        raise PydanticCustomError("month", str(err)) from None


Month = Annotated[str, BeforeValidator(_validate)]
