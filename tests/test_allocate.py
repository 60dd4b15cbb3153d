"""Whole-number allocation among the members of groups."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.model.numerics import apportion


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 3), st.integers(0, 40)), min_size=1, max_size=30),
       st.lists(st.floats(0, 1), min_size=4, max_size=4))
def test_each_group_gets_its_total_in_whole_shares_within_the_room(members, fractions):
    group, weights = (np.array(column) for column in zip(*members, strict=True))
    room = np.bincount(group, weights, minlength=4)
    totals = np.floor(room * np.array(fractions))
    given_out = apportion(totals, weights.astype(float), group)
    assert (given_out == np.floor(given_out)).all() and (given_out >= 0).all() and (given_out <= weights).all()
    assert np.array_equal(np.bincount(group, given_out, minlength=4), totals)
    # each member gets at least its proportional share rounded down; what rounding left over (fewer than the
    # group's members) goes to the first members with room
    share = np.divide(totals[group] * weights, room[group], out=np.zeros(len(weights)), where=room[group] > 0)
    assert (given_out >= np.floor(share + 1e-9)).all()
    left_over = np.bincount(group, given_out - np.floor(share + 1e-9), minlength=4)
    assert (left_over < np.maximum(np.bincount(group, minlength=4), 1)).all()
