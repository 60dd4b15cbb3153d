"""Cost indicators agree with the spending and places they divide."""

from __future__ import annotations

import numpy as np
import pytest

import sim
from sim import costs
from sim.model.engine import build
from sim.model.providers import TYPES
from tests.conftest import EXAMPLE
from tests.helpers import drawn


@pytest.fixture(scope="module")
def plan():
    scenario = sim.load_scenario(EXAMPLE.parent / "three_year_plan.yaml", overrides=[
        "policies.public_expansion.build_months=0", "horizon.end=2026-06"])
    return sim.run(scenario, reps=2, seed=2)


def test_an_expansion_paid_and_built_at_once_costs_its_price_per_place(plan):
    table = costs.table(plan)
    row = table.query("measure == 'cost_per_new_place' and subject == 'public_expansion'")
    assert len(row) and np.allclose(row[["mean", "p5", "p95"]], 15000)


def test_cost_per_child_year_and_appropriations_used(plan):
    table = costs.table(plan)
    whole = f"{plan.calendar.months[0]}–{plan.calendar.months[-1]}"

    def mean(measure: str) -> float:  # a mask, not .loc on a MultiIndex, which pandas 2 warns is slow
        return table[(table["period"] == whole) & (table["measure"] == measure)]["mean"].item()

    spent = plan.values("spend_total").sum(axis=1)
    child_years = plan.values("enrolled").sum(axis=1) / 12
    assert mean("public_cost_per_enrolled_child_year") == pytest.approx(np.mean(spent / child_years), rel=1e-3)
    funds = plan.funds.groupby("replication")[["paid_yuan", "appropriated_yuan"]].sum()
    assert mean("appropriations_used_share") == pytest.approx(
        np.mean(funds["paid_yuan"] / funds["appropriated_yuan"]), rel=1e-3)


def test_places_added_add_up(plan):
    levers = sum(plan.values(f"places_added_{lever}") for lever in
                 ("private_entry", "public_build", "public_expansion", "new_housing_quota", "existing_area_quota",
                  "street_centres", "kindergarten_classes", "purchased_services", "family_points"))
    np.testing.assert_allclose(levers, plan.values("places_added"))
    assert plan.values("places_added_street_centres").sum() > 0


def test_the_construction_subsidy_goes_only_to_the_eligible_types_and_counts_in_their_cost():
    """By default only private inclusive providers are paid the subsidy at opening; a scenario may add types,
    and the places of the levers that build them then cost the subsidy too."""
    scenario = sim.load_scenario(EXAMPLE.parent / "three_year_plan.yaml", overrides=["horizon.end=2026-06"])
    spec, streams = drawn(scenario, seed=2)
    env, ctx, state, _ = build(spec, scenario.city, streams, keep_ledger=True)
    env.run(until=spec.horizon.months)
    paid = [provider for _, _, item, _, provider, _ in ctx.spending.rows if item == "construction_subsidy"]
    types = {TYPES[state.providers.type[i]] for i in paid}
    assert paid and types == {"private_inclusive"}
    assert all(state.providers.inclusive[i] for i in paid)

    wider = sim.run(sim.load_scenario(EXAMPLE.parent / "three_year_plan.yaml", overrides=[
        "policies.construction_subsidy.eligible_types=[private_inclusive, community_centre]"]), reps=1, seed=2)
    centres = wider.values("places_added_street_centres").sum()
    assert centres > 0
    # capped at each centre's fit-out cost (drawn from 12,000–24,000 yuan a place): never above 15,000 a place
    assert 0 < wider.values("opening_payments_street_centres").sum() <= 15000 * centres
    uncapped = sim.run(sim.load_scenario(EXAMPLE.parent / "three_year_plan.yaml", overrides=[
        "policies.construction_subsidy.eligible_types=[private_inclusive, community_centre]",
        "policies.construction_subsidy.cap=none"]), reps=1, seed=2)
    centres = uncapped.values("places_added_street_centres").sum()
    assert uncapped.values("opening_payments_street_centres").sum() == pytest.approx(15000 * centres)
    housing = costs.table(uncapped).query("measure == 'cost_per_new_place' and subject == 'new_housing_quota'")
    assert len(housing) and np.allclose(housing["mean"], 15000)  # developers build; the subsidy is all it costs
