"""Funds (资金) as SimPy Containers: appropriations arrive each fiscal year, payments wait for money.

A payment takes from the funds its item's rule names: ``shares`` split it, a ``waterfall`` takes from each
fund in turn as far as its balance goes. A payment a fund cannot make waits in that fund's queue until
money arrives, first come first served (SimPy's Container order); whoever asked for it (a construction
project, say) waits with it. With ``allow_deficit`` the missing money is paid anyway and counted as a
deficit. In December a fund's balance lapses or carries over. For every fund and month:
opening + appropriations − payments − lapsed = closing, and at the horizon the closing balance is what the
Container holds (tested).
"""

from __future__ import annotations

from collections.abc import Generator

import numpy as np
import simpy

from sim.model.clock import StartOfMonth
from sim.scenario.budget_schema import FUNDS, Budget
from sim.scenario.months import month_number

FUND_FLOWS = ("appropriated", "paid", "lapsed")


class Funds:
    """The funds of one replication and what flowed through them each month (fund × month arrays)."""

    def __init__(self, env: simpy.Environment, budget: Budget, start: str, months: int):
        self.env, self.budget = env, budget
        self.allow_deficit = budget.allow_deficit  # a probe (``sim.model.probe``) may lift the budget's limit
        self.start = month_number(start)
        self.containers = {name: simpy.Container(env, init=float(budget.funds[name].opening_balance_yuan)
                                                 if name in budget.funds else 0.0) for name in FUNDS}
        self.opening = np.array([c.level for c in self.containers.values()])
        self.flows = {flow: np.zeros((len(FUNDS), months)) for flow in FUND_FLOWS}
        self.deficit = np.zeros(months)
        for index, name in enumerate(FUNDS):
            if name in budget.funds:
                env.process(self._appropriate(index, name))

    @property
    def month(self) -> int:
        return int(self.env.now)

    def _appropriate(self, index: int, name: str) -> Generator[simpy.Event, None, None]:
        fund = self.budget.funds[name]
        year, months = self.start // 12, len(self.deficit)
        while True:
            due = year * 12 + fund.month_available - 1 - self.start
            if due >= months:
                return
            if due >= self.month:
                if due > self.month:  # money due this month arrives at once, before anything asks for it
                    yield StartOfMonth(self.env, due - self.month)
                amount = fund.appropriation(year)
                if amount > 0:
                    self.flows["appropriated"][index, self.month] += amount
                    yield self.containers[name].put(amount)
            year += 1

    def can_pay_now(self, item: str, amount: float) -> bool:
        """Whether the payment can be made at once: its funds hold enough and nobody is queueing before it."""
        rule = self.budget.rule(item)
        if self.allow_deficit:
            return True
        if rule.shares is not None:
            return all(not self.containers[f].get_queue and self.containers[f].level >= amount * share
                       for f, share in rule.shares.items())
        return all(not self.containers[f].get_queue for f in rule.waterfall) and \
            sum(self.containers[f].level for f in rule.waterfall) >= amount

    def pay_now(self, item: str, amount: float, on_paid) -> None:
        """Make a payment that ``can_pay_now`` allows, within the current step."""
        for event in self.pay(item, amount, on_paid):
            if not event.triggered:  # a Container pays out at once when it holds enough
                raise RuntimeError(f"a payment for {item} could not be made at once")

    def pay(self, item: str, amount: float, on_paid) -> Generator[simpy.Event, None, None]:
        """Take ``amount`` for ``item`` from its funds; ``on_paid(fund, amount)`` records each part when paid."""
        rule = self.budget.rule(item)
        if rule.shares is not None:
            parts = [(fund, amount * share) for fund, share in rule.shares.items() if share > 0]
            for fund, part in parts:
                yield from self._take(fund, part, on_paid, wait=True)
            return
        remaining = amount
        for position, fund in enumerate(rule.waterfall):
            last = position == len(rule.waterfall) - 1
            container = self.containers[fund]
            # An earlier fund gives what it holds, unless payments already queue for it (first come first served).
            part = remaining if last else (0.0 if container.get_queue else min(remaining, container.level))
            if part > 0:
                yield from self._take(fund, part, on_paid, wait=last)
                remaining -= part

    def _take(self, fund: str, amount: float, on_paid, wait: bool) -> Generator[simpy.Event, None, None]:
        container = self.containers[fund]
        if self.allow_deficit and container.level < amount:
            short = amount - container.level
            self.deficit[self.month] += short
            amount = container.level
            on_paid("deficit", short)
            if amount <= 0:
                return
        yield container.get(amount)
        self.flows["paid"][FUNDS.index(fund), self.month] += amount
        on_paid(fund, amount)

    @property
    def closing(self) -> np.ndarray:
        """Month-end balances (funds × months): everything that happened at a month's time belongs to it."""
        flows = self.flows["appropriated"] - self.flows["paid"] - self.flows["lapsed"]
        return self.opening[:, None] + np.cumsum(flows, axis=1)

    def lift_limit(self) -> None:
        """From now on every payment is made when asked, the missing money counted as a deficit; the payments
        waiting are made now."""
        self.allow_deficit = True
        for container in self.containers.values():
            if container.get_queue:
                # A micro-yuan more than the waiting payments ask, so that rounding leaves none of them waiting.
                short = max(sum(event.amount for event in container.get_queue) - container.level, 0.0) + 1e-6
                self.deficit[self.month] += short
                container.put(short)
                # SimPy serves the waiting payments when the put event is processed, after this month's steps
                # would have asked for more: serve them now, in their order.
                container._trigger_get(None)

    def year_end(self) -> None:
        """Called as December's market step ends: balances lapse if the budget says so."""
        if self.budget.year_end == "lapse" and (self.start + self.month) % 12 == 11:
            for index, container in enumerate(self.containers.values()):
                if container.level > 0:
                    self.flows["lapsed"][index, self.month] += container.level
                    # A lapse is no payment: it goes before the payments queueing for more than is left.
                    waiting = list(container.get_queue)
                    container.get_queue.clear()
                    container.get(container.level)  # a Container pays out at once when it holds enough
                    container.get_queue.extend(waiting)
