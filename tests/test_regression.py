"""The example city against its fixed-seed regression baseline (see tests/regression.py)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from tests.regression import BASELINE, KEY, current


def moved(expected: pd.DataFrame, now: pd.DataFrame) -> list[str]:
    """One line per value that differs beyond rounding, or that one side lacks."""
    both = expected.merge(now, on=KEY, how="outer", suffixes=("_baseline", "_now"), indicator="side")
    one_side = both[both["side"] != "both"]
    lines = [f"{row.indicator} {row.month} replication {row.replication}: only in the "
             f"{'baseline' if row.side == 'left_only' else 'model'}" for row in one_side.itertuples()]
    common = both[both["side"] == "both"]
    old, new = common["value_baseline"].to_numpy(), common["value_now"].to_numpy()
    differs = ~np.isclose(new, old, rtol=1e-7, atol=1e-9, equal_nan=True)
    return lines + [f"{row.indicator} {row.month} replication {row.replication}: {o:.8g} → {n:.8g}"
                    for row, o, n in zip(common[differs].itertuples(), old[differs], new[differs], strict=True)]


def test_the_example_city_matches_its_regression_baseline():
    expected = pd.read_csv(BASELINE, dtype={"month": str})
    assert list(expected.columns) == [*KEY, "value"]
    changes = moved(expected, current())
    assert not changes, (f"{len(changes)} values moved from {BASELINE.name} (if meant, run `make baseline` and "
                         "say why in the commit):\n" + "\n".join(changes[:25]))


def test_the_comparison_sees_a_moved_value_and_a_missing_one():
    expected = pd.DataFrame({"indicator": ["a", "a", "b"], "month": ["2025-12", "2026-12", "2025-12"],
                             "replication": [0, 0, 1], "value": [1.0, 2.0, np.nan]})
    assert moved(expected, expected.copy()) == []
    now = expected.iloc[:2].copy()
    now.loc[1, "value"] = 2.001
    assert moved(expected, now) == ["b 2025-12 replication 1: only in the baseline",
                                    "a 2026-12 replication 0: 2 → 2.001"]
