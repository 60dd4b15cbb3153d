"""Whole-number allocation, vectorised over groups.

Children and carers must stay whole and an allocation must never exceed the room it fills: shares are
rounded down and the few left over go to members with room, in index order.
"""

from __future__ import annotations

import numpy as np

from sim.model import kernels


def apportion(totals: np.ndarray, weights: np.ndarray, group: np.ndarray) -> np.ndarray:
    """Split each group's whole ``totals[g]`` (at most the group's total weight) among its members in
    proportion to ``weights``, never giving a member more than its weight: each gets the whole part of its
    share, and the few left over go to the members with room, in index order."""
    return kernels.apportion_by_group(np.ascontiguousarray(totals, float), np.ascontiguousarray(weights, float),
                                      np.ascontiguousarray(group, np.int64))
