"""Whole-number allocation helpers, vectorised over groups.

Children must stay whole and an allocation must never exceed the room it fills: shares are rounded down
and the few children left over go to members with room, in index order.
"""

from __future__ import annotations

import numpy as np


def apportion(totals: np.ndarray, weights: np.ndarray, group: np.ndarray) -> np.ndarray:
    """Split each group's whole ``totals[g]`` (at most the group's total weight) among its members in
    proportion to ``weights``, never giving a member more than its weight: each gets the whole part of its
    share, and the few children left over go to the members with room, in index order."""
    weights = np.asarray(weights, float)
    totals = np.asarray(totals, float)
    group_weight = np.bincount(group, weights, minlength=len(totals))
    share = np.divide(weights, group_weight[group], out=np.zeros_like(weights), where=group_weight[group] > 0)
    base = np.minimum(np.floor(totals[group] * share + 1e-9), weights)
    left = np.maximum(totals - np.bincount(group, base, minlength=len(totals)), 0)
    if not left.any():
        return base
    return base + fill_in_order(left, weights - base, group)


def fill_in_order(totals: np.ndarray, room: np.ndarray, group: np.ndarray) -> np.ndarray:
    """Give each group's ``totals[g]`` to its members in index order, each taking up to its ``room``."""
    order = np.argsort(group, kind="stable")
    before = np.cumsum(room[order]) - room[order]
    first = np.concatenate([[0.0], np.cumsum(np.bincount(group, room, minlength=len(totals)))[:-1]])
    before -= first[group[order]]
    taken = np.empty_like(room)
    taken[order] = np.clip(totals[group[order]] - before, 0, room[order])
    return taken

