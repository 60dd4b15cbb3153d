"""The hidden waitlist (隐性排队): families who gave up waiting are counted, conserved, and look again when their
child reaches a further class band or a place for its age opens in their street."""

from __future__ import annotations

import numpy as np

import sim
from sim.model import waitlist
from sim.model.bands import AGES, BAND_ENTRY_AGES
from sim.model.engine import build, simulate
from tests.conftest import SMALL
from tests.helpers import drawn


def test_the_hidden_waitlist_is_conserved_every_month(small):
    """Δ hidden waitlist = gave up − looked again − left (child aged out, died or moved), street by street."""
    spec, streams = drawn(small)
    simulation = simulate(spec, small.city, streams)
    values = simulation.values
    hidden = values["hidden_waitlist"]
    change = np.diff(np.concatenate([simulation.initial["hidden_waitlist"][None, :], hidden]), axis=0)
    np.testing.assert_allclose(change, values["gave_up"] - values["returned"] - values["hidden_waitlist_left"],
                               atol=1e-9)
    assert values["gave_up"].sum() > 0 and values["returned"].sum() > 0 and hidden.sum() > 0


def look_again_at_band_entry(share: float) -> tuple[float, float]:
    """Hidden families with children of 11 months in every street, one month on: (hidden at 12, released)."""
    scenario = sim.load_scenario(SMALL, overrides=[f"demand.return_at_new_band_share={share}"])
    spec, streams = drawn(scenario)
    _, ctx, state, _ = build(spec, scenario.city, streams)
    state.population.children[:, 12] = state.population.children[:, 11] = 50
    state.waiting[:], state.hidden[:], state.engaged[:] = 0, 0, 0
    state.hidden[:, 11] = state.engaged[:, 11] = 10
    state.flows.take()
    waitlist.age(ctx, state)
    return state.hidden[:, 12].sum(), state.flows.take()["returned"].sum()


def test_hidden_families_look_again_when_their_child_reaches_a_further_band():
    assert 12 in BAND_ENTRY_AGES
    streets = sim.load_scenario(SMALL).city.n_streets
    assert look_again_at_band_entry(0.0) == (10 * streets, 0)
    assert look_again_at_band_entry(1.0) == (0, 10 * streets)
    hidden, released = look_again_at_band_entry(0.5)
    assert hidden + released == 10 * streets and 0 < released < 10 * streets


def test_hidden_families_look_again_when_a_place_for_their_child_opens_nearby():
    scenario = sim.load_scenario(SMALL, overrides=["demand.return_when_place_opens_share=1"])
    spec, streams = drawn(scenario)
    _, ctx, state, _ = build(spec, scenario.city, streams)
    state.hidden[:] = 0
    state.hidden[0] = 2
    state.engaged[0] = np.maximum(state.engaged[0], state.waiting[0] + 2)
    before = state.engaged[0].copy()
    ages = np.arange(24, AGES)  # a 托大班 opens
    waitlist.look_again_near(ctx, state, 0, ages, ("test",))
    assert state.hidden[0, ages].sum() == 0 and state.hidden[0, :24].sum() == 2 * 24
    np.testing.assert_array_equal(before - state.engaged[0], np.where(np.arange(AGES) >= 24, 2, 0))
    assert state.hidden[1:].sum() == 0
