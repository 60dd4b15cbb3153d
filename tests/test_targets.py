"""Targets: the table agrees with the monthly indicators it summarises."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import sim
from sim import targets
from tests.conftest import SMALL

OWN = ("targets=[{indicator: enrolment_rate, at_least: 0.08, deadline: 2026-06},"
       "{indicator: waitlist, at_most: 30, deadline: 2025-12, where: every_district},"
       "{indicator: children_per_place, at_most: 6, deadline: 2025-12, where: every_street},"
       "{indicator: places_per_1000, at_least: 1, deadline: 2030-12}]")


@pytest.fixture(scope="module")
def result():
    return sim.run(sim.load_scenario(SMALL, overrides=[OWN]), reps=6, seed=3)


def first_met(met: np.ndarray, months: list[str]) -> list[str | None]:
    return [months[int(np.argmax(row))] if row.any() else None for row in met]


def test_city_target_matches_the_monthly_values(result):
    table = targets.table(result).set_index("indicator")
    per_rep = targets.by_replication(result)
    values = result.values("enrolment_rate")
    months = list(result.calendar.months)
    met = values >= 0.08
    row = table.loc["enrolment_rate"]
    assert row["probability_met"] == pytest.approx(met[:, months.index("2026-06")].mean())
    recorded = per_rep[per_rep["target"] == row["target"]]["first_met"]
    assert [None if pd.isna(m) else m for m in recorded] == first_met(met, months)
    default = table.loc["places_per_1000"]
    assert {"4.5 places per 1,000 residents by 2025-12 (national, 14th Five-Year Plan)",
            "places_per_1000 ≥ 1 by 2030-12"} <= set(table["target"])
    assert not isinstance(default, float)


def test_every_district_and_every_street_targets_use_the_worst_unit(result):
    table = targets.table(result).set_index("indicator")
    waiting = result.values("waitlist", "district")
    months = list(result.calendar.months)
    worst = waiting[:, months.index("2025-12")].max(axis=1)
    assert table.loc["waitlist", "probability_met"] == pytest.approx((worst <= 30).mean())
    assert table.loc["waitlist", "value_at_deadline_mean"] == pytest.approx(worst.mean(), abs=1e-3)
    annual = result.annual.query("level == 'street' and indicator == 'children_per_place' and year == 2025")
    worst_street = annual.groupby("replication")["value"].max().to_numpy()
    assert table.loc["children_per_place", "probability_met"] == pytest.approx((worst_street <= 6).mean())


def test_a_deadline_beyond_the_horizon_is_not_judged(result):
    rows = targets.table(result)
    beyond = rows[rows["target"] == "places_per_1000 ≥ 1 by 2030-12"].iloc[0]
    assert beyond["probability_met"] is None or np.isnan(beyond["probability_met"])
    months = list(result.calendar.months)
    first = sorted(m or "9999-99" for m in first_met(result.values("places_per_1000") >= 1, months))
    assert beyond["median_month_first_met"] == first[(len(first) - 1) // 2]


@pytest.mark.parametrize("target, message", [
    ("{indicator: places_per_100, at_least: 4.5, deadline: 2025-12}", "did you mean 'places_per_1000'"),
    ("{indicator: waitlist, deadline: 2025-12}", "give exactly one of at_least and at_most"),
    ("{indicator: waitlist, at_most: 1, at_least: 0, deadline: 2025-12}", "give exactly one of at_least and at_most"),
    ("{indicator: waitlist, at_most: 1, deadline: 2025-12, where: everywhere}", "every_district"),
])
def test_bad_targets_are_located(target, message):
    with pytest.raises(sim.InputError) as error:
        sim.load_scenario(SMALL, overrides=[f"targets=[{target}]"])
    problems = [str(problem) for problem in error.value.problems]
    assert any(message in problem and problem.startswith("--set targets=") for problem in problems), problems


def test_default_targets_can_be_switched_off():
    scenario = sim.load_scenario(SMALL, overrides=["default_targets=false"])
    assert scenario.spec.all_targets() == []
