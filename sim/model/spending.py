"""Spending requests from the levers: every payment is a row (month, item, district, provider, amount).

Until funds are modelled every request is paid when made. Monthly totals by item and street feed the
``spend_<item>`` indicators; the household subsidy is a transfer to families, kept out of ``spend_total``.
"""

from __future__ import annotations

import numpy as np

from sim.indicators import SPENDING_LABELS_ZH

ITEMS = tuple(SPENDING_LABELS_ZH)
TRANSFERS = ("household_subsidy",)
NO_PROVIDER = -1


class SpendingLog:
    """Requests of one replication; ``by_street[item]`` is months × streets."""

    def __init__(self, months: int, streets: int, keep_rows: bool):
        self.by_street = {item: np.zeros((months, streets)) for item in (*ITEMS, *TRANSFERS)}
        self.keep_rows = keep_rows
        self.rows: list[tuple[int, str, int, int, float]] = []

    def request(self, month: int, item: str, street: int, amount: float, provider: int = NO_PROVIDER) -> None:
        if amount <= 0 or month >= len(self.by_street[item]):
            return
        self.by_street[item][month, street] += amount
        if self.keep_rows:
            self.rows.append((month, item, street, provider, float(amount)))

    def request_many(self, month: int, item: str, streets: np.ndarray, amounts: np.ndarray,
                     providers: np.ndarray | None = None) -> None:
        """Requests of many providers or streets at once (monthly payments)."""
        paid = amounts > 0
        if not paid.any() or month >= len(self.by_street[item]):
            return
        np.add.at(self.by_street[item][month], streets[paid], amounts[paid])
        if self.keep_rows:
            who = providers[paid] if providers is not None else np.full(paid.sum(), NO_PROVIDER)
            self.rows.extend(zip([month] * int(paid.sum()), [item] * int(paid.sum()), streets[paid].tolist(),
                                 who.tolist(), amounts[paid].tolist(), strict=True))
