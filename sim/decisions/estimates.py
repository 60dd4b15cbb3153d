"""What a package's replications say: its mean cost and, for each constraint, the probability it holds with a
95% Wilson interval; and the racing rule that decides a package only with enough replications.

Racing (successive halving in spirit): every candidate gets a cheap screen; the cheapest ones still possible are
given more replications, rung by rung. A candidate whose interval lies wholly below the level is dropped at once;
one still in doubt climbs, and at the top rung (the most replications the spec allows) its point estimate
decides. So a probability near the threshold is decided by the most runs, a hopeless one by few.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

Z95 = 1.959963984540054
FEASIBLE, INFEASIBLE, UNDECIDED = "feasible", "infeasible", "undecided"


def wilson(successes: float, n: int, z: float = Z95) -> tuple[float, float]:
    """The Wilson score interval of a probability from ``successes`` in ``n`` trials (it stays inside [0, 1] and
    is honest at 0 or n successes, where the normal approximation collapses to a point)."""
    if n <= 0:
        return 0.0, 1.0
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, float(centre - half)), min(1.0, float(centre + half))


@dataclass(frozen=True)
class Estimate:
    """A package over its first ``reps`` replications: mean cost (p5, p95 across replications) and, per constraint,
    the share of replications where it holds with its interval."""

    reps: int
    cost: float
    cost_p5: float
    cost_p95: float
    probability: tuple[float, ...]
    low: tuple[float, ...]
    high: tuple[float, ...]

    @classmethod
    def of(cls, costs: np.ndarray, held: np.ndarray) -> Estimate:
        """``costs`` (replications) and ``held`` (replications × constraints, 1 where it holds)."""
        n = len(costs)
        successes = held.sum(axis=0)
        intervals = [wilson(float(s), n) for s in successes]
        return cls(n, float(costs.mean()), float(np.percentile(costs, 5)), float(np.percentile(costs, 95)),
                   tuple(float(s / n) for s in successes), tuple(i[0] for i in intervals),
                   tuple(i[1] for i in intervals))

    def status(self, level: float, final: bool, total_yuan: float | None = None) -> str:
        """Feasible, infeasible or undecided at ``level`` (and within ``total_yuan`` on average, if given): decided
        by the intervals, or at the ``final`` rung by the point estimates."""
        over_budget = total_yuan is not None and self.cost > total_yuan
        if over_budget or any(high < level for high in self.high):
            return INFEASIBLE
        if final:
            return FEASIBLE if all(p >= level for p in self.probability) else INFEASIBLE
        return FEASIBLE if all(low >= level for low in self.low) else UNDECIDED

    def violations(self, level: float) -> list[float]:
        """Per constraint, how far the estimate falls short of the level (≤ 0: met): what the sampler is told."""
        return [level - p for p in self.probability]
