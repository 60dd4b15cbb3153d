"""The engine as a whole: a replication's state is freed as soon as it ends."""

from __future__ import annotations

import gc

from sim.model.population import Population
from sim.model.state import State
from sim.runner import run_replication


def test_a_replication_leaves_nothing_for_the_cyclic_garbage_collector(small):
    """SimPy's waiting processes and the model's objects must not form cycles that hold the replication's arrays:
    Python collects cycles by counting objects, not bytes, so a province's ≈ 140 MB a replication piled up."""
    gc.collect()
    gc.disable()
    try:
        run_replication(small, 1, 0)
        left = [o for o in gc.get_objects() if isinstance(o, State | Population)]
    finally:
        gc.enable()
    assert left == []
