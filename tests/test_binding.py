"""The binding constraint: the rule reproduced from the monthly indicators, and the cases it must tell apart."""

from __future__ import annotations

import numpy as np

import sim
from sim import binding
from tests.conftest import EXAMPLE, SMALL


def test_the_rule_agrees_with_the_district_indicators():
    result = sim.run(sim.load_scenario(SMALL), reps=3, seed=2)
    found = binding.codes(result)
    waiting = result.values("waitlist", "district")
    demand = result.values("demand_effective", "district")
    missing = result.values("staff_vacancies", "district") + result.values("staff_shortage", "district")
    deferred = result.values("spend_deferred", "district")
    expected = np.where(waiting <= 0.01 * demand, 0,
                        np.where(deferred > 1, 3, np.where(missing * 5 >= 0.5 * waiting, 2, 1)))
    np.testing.assert_array_equal(found, expected)
    table = binding.table(result)
    assert len(table) == result.calendar.months.__len__() * 3
    shares = table[[f"share_{c}" for c in binding.CONSTRAINTS]].sum(axis=1)
    np.testing.assert_allclose(shares, 1.0, atol=1e-3)


def test_demand_binds_when_nobody_waits():
    scenario = sim.load_scenario(SMALL, overrides=["demand.give_up_per_month_share=1"])  # nobody stays waiting
    overview = binding.year_overview(sim.run(scenario, reps=2, seed=1))
    assert (overview["demand"] > 0.9).all()


def test_staff_binds_once_the_mandate_comes_without_training():
    result = sim.run(sim.load_scenario(EXAMPLE.parent / "mandate_without_training.yaml",
                                       overrides=["horizon.end=2027-03"]), reps=2, seed=1)
    overview = binding.year_overview(result).set_index("year")
    assert overview.loc[2027, "staff"] > 0.8 > overview.loc[2025, "staff"]


def test_money_binds_when_payments_wait():
    result = sim.run(sim.load_scenario(EXAMPLE.parent / "tight_budget.yaml", overrides=["horizon.end=2026-06"]),
                     reps=2, seed=1)
    overview = binding.year_overview(result).set_index("year")
    assert overview.loc[2026, "money"] > 0.5
    plan = sim.run(sim.load_scenario(EXAMPLE.parent / "three_year_plan.yaml", overrides=["horizon.end=2026-06"]),
                   reps=2, seed=1)
    # In the plan money only waits in the first months of a year, before the city's appropriation arrives.
    assert (binding.year_overview(plan)["money"] < 0.3).all()
