"""Funds: the balance identity, funding rules, payments that wait for money, lapse and carry-over."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import sim
from sim.model.engine import build
from tests.conftest import EXAMPLE, SMALL
from tests.helpers import drawn

PLAN = EXAMPLE.parent / "three_year_plan.yaml"


def balance_holds(result: sim.Result) -> None:
    funds = result.funds
    np.testing.assert_allclose(funds["opening_yuan"] + funds["appropriated_yuan"] - funds["paid_yuan"]
                               - funds["lapsed_yuan"], funds["closing_yuan"], atol=1e-3)
    assert (funds["closing_yuan"] >= -1e-6).all()
    ledger = result.ledger
    paid = ledger[ledger["fund"].isin(funds["fund"].unique())].groupby(["month", "fund"])["amount_yuan"].sum()
    books = funds[funds["replication"] == 0].set_index(["month", "fund"])["paid_yuan"]
    np.testing.assert_allclose(paid.reindex(books.index, fill_value=0).astype(float), books.astype(float),
                               rtol=1e-9, atol=1e-3)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(st.sampled_from(["central_transfer", "provincial", "city_special_fund", "district_funds"]),
                       st.tuples(st.integers(0, 30_000_000), st.integers(1, 12), st.floats(0, 0.2)), min_size=1),
       st.sampled_from(["carry_over", "lapse"]), st.booleans(), st.integers(0, 1000))
def test_every_fund_balances_every_month(funds, year_end, allow_deficit, seed):
    budget = {name: {"yuan_per_year": {2025: amount}, "month_available": month, "growth_share_per_year": growth}
              for name, (amount, month, growth) in funds.items()}
    scenario = sim.load_scenario(SMALL, overrides=[
        f"budget={{funds: {budget}, year_end: {year_end}, allow_deficit: {str(allow_deficit).lower()}}}",
        "policies={public_build: {projects_per_year: {2025: 2}}, household_subsidy: {},"
        " operating_subsidy: {yuan_per_child_per_month: 300}, construction_subsidy: {}}"])
    balance_holds(sim.run(scenario, reps=1, seed=seed))
    containers_hold_the_closing_balances(scenario, seed)


def containers_hold_the_closing_balances(scenario: sim.Scenario, seed: int) -> None:
    """The books (flows month by month) and the money (what the Containers hold) agree at the horizon."""
    spec, streams = drawn(scenario, seed)
    env, ctx, _, _ = build(spec, scenario.city, streams)
    spending = ctx.spending
    env.run(until=spec.horizon.months)
    held = np.array([container.level for container in spending.funds.containers.values()])
    np.testing.assert_allclose(held, spending.funds.closing[:, -1], atol=1e-3)


def test_the_example_plan_is_paid_in_full_and_its_books_balance():
    result = sim.run(sim.load_scenario(PLAN, overrides=["horizon.end=2026-12"]), reps=2, seed=3)
    balance_holds(result)
    december = result.values("spend_deferred")[:, [11, 23]]
    assert (december < 1).all()  # money waits only until the year's appropriations arrive
    assert set(result.ledger["fund"]) <= {"central_transfer", "provincial", "city_special_fund", "district_funds"}


def test_shares_split_each_payment():
    result = sim.run(sim.load_scenario(EXAMPLE, overrides=["horizon.end=2025-06"]), reps=1, seed=1)
    household = result.ledger.query("item == 'household_subsidy'").groupby("fund")["amount_yuan"].sum()
    total = household.sum()
    assert household["central_transfer"] / total == pytest_approx(0.9)
    assert household["provincial"] / total == pytest_approx(0.05)


def pytest_approx(value: float):
    import pytest

    return pytest.approx(value, rel=1e-6)


def test_doubling_the_subsidy_doubles_its_spending_for_the_same_openings():
    """No private entry: the openings come from the levers alone and are the same with either subsidy (uncapped:
    by default the subsidy stops at the fit-out cost)."""
    base = ["horizon.end=2026-12", "providers.entry.max_entries_per_district_per_year=0", "budget=null",
            "policies.construction_subsidy.cap=none"]
    single, double = (sim.load_scenario(PLAN, overrides=[*base, f"policies.construction_subsidy.yuan_per_place={v}"])
                      for v in (15000, 30000))
    one, two = sim.run(single, reps=2, seed=4), sim.run(double, reps=2, seed=4)
    np.testing.assert_array_equal(one.values("openings"), two.values("openings"))
    assert one.values("spend_construction_subsidy").sum() > 0
    np.testing.assert_allclose(two.values("spend_construction_subsidy"), 2 * one.values("spend_construction_subsidy"))


def test_an_empty_fund_delays_projects_and_the_delay_shows_in_places():
    short = ["horizon.end=2026-12",
             "budget.funds.city_special_fund.yuan_per_year={2025: 0}",
             "budget.funds.district_funds.yuan_per_year={2025: 0}",
             "budget.rules.public_construction={waterfall: [city_special_fund, district_funds]}"]
    starved = sim.run(sim.load_scenario(PLAN, overrides=short), reps=2, seed=5)
    funded = sim.run(sim.load_scenario(PLAN, overrides=["horizon.end=2026-12"]), reps=2, seed=5)
    assert starved.values("spend_public_construction").sum() == 0
    assert (starved.values("spend_deferred")[:, -1] > 0).all()
    assert (starved.values("places_public")[:, -1] < funded.values("places_public")[:, -1]).all()


def test_lapse_empties_funds_in_december_and_carry_over_keeps_them():
    runs = {}
    for rule in ("lapse", "carry_over"):
        scenario = sim.load_scenario(SMALL, overrides=[
            f"budget={{year_end: {rule}, funds: {{district_funds: {{yuan_per_year: {{2025: 1000000}}}}}}}}"])
        runs[rule] = sim.run(scenario, reps=1, seed=1).funds.query("fund == 'district_funds'").set_index("month")
    lapse, carry = runs["lapse"], runs["carry_over"]
    assert lapse.loc["2025-12", "closing_yuan"] == pytest.approx(0, abs=1e-6)  # sums of ~1e9 yuan in floats
    assert lapse.loc["2025-12", "lapsed_yuan"] == pytest.approx(carry.loc["2025-12", "closing_yuan"], rel=1e-12)
    assert lapse.loc["2025-12", "lapsed_yuan"] > 0
    assert carry.loc["2026-12", "closing_yuan"] > carry.loc["2025-12", "closing_yuan"]
    assert carry["lapsed_yuan"].sum() == 0


def test_tight_budget_books_match_the_money():
    containers_hold_the_closing_balances(sim.load_scenario(EXAMPLE.parent / "tight_budget.yaml",
                                                           overrides=["budget.year_end=lapse"]), 3)


def test_allow_deficit_pays_anyway_and_reports_it():
    tight = sim.load_scenario(EXAMPLE.parent / "tight_budget.yaml",
                              overrides=["horizon.end=2026-06", "budget.allow_deficit=true"])
    result = sim.run(tight, reps=1, seed=2)
    assert (result.values("spend_deferred") < 1).all()
    deficit = result.ledger.query("fund == 'deficit'")["amount_yuan"].sum()
    assert deficit > 0
    assert isinstance(result.ledger, pd.DataFrame)
