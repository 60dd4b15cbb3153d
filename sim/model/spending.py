"""Spending requests from the levers and what was paid: every payment is a ledger row (month paid, fund,
item, street, provider, yuan).

Without a budget every request is paid when made (fund ``unlimited``). With one, each request is paid
from the funds its item's rule names (``funds.Funds``): a request that must wait for money stays in
``pending`` (the ``spend_deferred`` indicator) and the caller may wait for it. Monthly payments by item and
street feed the ``spend_<item>`` indicators; the household subsidy is a transfer to families, kept out of
``spend_total``.
"""

from __future__ import annotations

import numpy as np
import simpy

from sim.model.funds import Funds
from sim.scenario.policy_schema import spending_items

ITEMS = tuple(item.name for item in spending_items() if not item.transfer)  # spending on services: spend_<item>
TRANSFERS = tuple(item.name for item in spending_items() if item.transfer)  # to families: transfer_<item>
NO_PROVIDER = -1
UNLIMITED = "unlimited"


class SpendingLog:
    """Payments of one replication; ``by_street[item]`` is months × streets of money paid."""

    def __init__(self, env: simpy.Environment, months: int, streets: int, keep_rows: bool,
                 funds: Funds | None = None):
        self.env, self.funds = env, funds
        self.by_street = {item: np.zeros((months, streets)) for item in (*ITEMS, *TRANSFERS)}
        self.pending = np.zeros(streets)  # requested, not yet paid
        self.keep_rows = keep_rows
        self.rows: list[tuple[int, str, str, int, int, float]] = []

    def request(self, month: int, item: str, street: int, amount: float,
                provider: int = NO_PROVIDER) -> simpy.Process | None:
        """Ask for a payment; returns the process paying it (to wait for) when a budget decides, else None."""
        if amount <= 0 or month >= len(self.by_street[item]):
            return None
        return self.request_many(month, item, np.array([street]), np.array([float(amount)]),
                                 np.array([provider]))

    def request_many(self, month: int, item: str, streets: np.ndarray, amounts: np.ndarray,
                     providers: np.ndarray | None = None) -> simpy.Process | None:
        """Requests of many providers or streets at once (monthly payments), paid together."""
        asked = amounts > 0
        if not asked.any() or month >= len(self.by_street[item]):
            return None
        streets, amounts = streets[asked], amounts[asked]
        who = providers[asked] if providers is not None else np.full(len(streets), NO_PROVIDER)
        if self.funds is None:
            self._paid(item, [(UNLIMITED, 1.0)], streets, amounts, who)
            return None
        np.add.at(self.pending, streets, amounts)
        total = float(amounts.sum())
        if self.funds.can_pay_now(item, total):
            parts: list[tuple[str, float]] = []
            self.funds.pay_now(item, total, lambda fund, part: parts.append((fund, part / total)))
            self._paid(item, parts, streets, amounts, who)
            return None
        return self.env.process(self.funds.pay(
            item, total, lambda fund, part: self._paid(item, [(fund, part / total)], streets, amounts, who)))

    def _paid(self, item: str, shares: list[tuple[str, float]], streets: np.ndarray, amounts: np.ndarray,
              who: np.ndarray) -> None:
        """Record a payment of ``share`` of each request from each fund (the parts of one payment made now)."""
        month = int(self.env.now)
        paid = amounts * sum(share for _, share in shares)
        if month < len(self.by_street[item]):
            np.add.at(self.by_street[item][month], streets, paid)
        if self.funds is not None:
            np.add.at(self.pending, streets, -paid)
        if self.keep_rows:
            for fund, share in shares:
                self.rows.extend(zip([month] * len(streets), [fund] * len(streets), [item] * len(streets),
                                     streets.tolist(), who.tolist(), (amounts * share).tolist(), strict=True))
