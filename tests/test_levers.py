"""Every lever of the speech, switched on and off with the same seed (common random numbers): it moves its target
indicators in the expected direction, its spending is zero when it is off, and its payments reach only the
providers its eligibility admits. Hand-checked rules of the levers' mechanisms follow."""

from __future__ import annotations

import numpy as np
import pytest

import sim
from sim.model.engine import build
from sim.model.levers import LEVERS
from sim.model.levers.publicity import need_factor
from sim.model.levers.vouchers import staying_share
from sim.model.providers import TYPES
from sim.scenario.policy_schema import levers
from tests.conftest import SMALL
from tests.helpers import drawn

REPS = 2
WAITING = "demand.willingness_to_pay_median_yuan_per_month=4000"  # families who pay: places fill and waitlists grow
ENTRY = "providers.entry.max_entries_per_district_per_year=40"  # entries many enough to respond to margins
BUILDS = "policies.public_build={projects_per_year: {2025: 3}, build_months: 4}"
PLACES_TARGET = "targets=[{indicator: places_per_1000, at_least: 6, deadline: 2026-12}]"


def total(name: str):
    return lambda result: result.values(name).sum()


def at_end(name: str):
    return lambda result: result.values(name)[:, -1].sum()


def before(name: str, month: int):
    return lambda result: result.values(name)[:, :month].sum()


# lever → (what the scenario adds besides the lever, the lever's section, measure, expected direction)
CASES = {
    "public_build": ([], "{projects_per_year: {2025: 3}, build_months: 4}", at_end("places_public"), +1),
    "public_expansion": ([], "{classes_per_year: {2025: 4}, build_months: 2}", at_end("places_public"), +1),
    "construction_subsidy": ([WAITING, ENTRY], "{yuan_per_place: 12000}", total("private_entries"), +1),
    "new_housing_quota": ([], "{compliance_share: 1}", at_end("places_community_centre"), +1),
    "existing_area_quota": ([], "{places_per_1000_residents: 5, places_per_year: {2025: 400, 2026: 400}}",
                            at_end("places_community_centre"), +1),
    "street_centres": ([], "{deadline: 2026-12, centres_per_year: 4}", at_end("streets_with_centre"), +1),
    "target_push": ([PLACES_TARGET], "{start: 2025-01}", at_end("places_licensed"), +1),
    "registration_drives": ([], "{centres_per_year: {2025: 6}}", at_end("places_licensed"), +1),
    "kindergarten_classes": ([], "{classes_per_year: {2025: 6}}", at_end("places_kindergarten_class"), +1),
    "purchased_services": ([], "{points_per_year: {2025: 4}}", at_end("places_licensed"), +1),
    "operating_subsidy": ([], "{yuan_per_child_per_month: 500, fee_pass_through_share: 0.8}", total("enrolled"), +1),
    "quality_evaluation": ([], "{start: 2025-01, fail_share: 0.2}", total("closures"), +1),
    "joint_inspections": ([], "{unsafe_share: 0.2}", total("closures"), +1),
    "information_platform": ([WAITING], "{other_street_gain_share: 0.8}", total("placed"), +1),
    "department_coordination": ([BUILDS], "{registration_time_share: 0.2, build_time_share: 0.5}",
                                total("places_public"), +1),
    "vouchers": ([], "{vouchers_per_year: 4000, trial_share: 1}", total("joined"), +1),
    "publicity": ([], "{campaigns: [{month: 2025-03, reach_share: 0.5, cost_yuan: 100000}]}", total("demand_stated"),
                  +1),
    "family_points": ([], "{points_per_year: {2025: 6}, subsidy_yuan_per_point: 10000}",
                      at_end("places_family_point"), +1),
    "rent_relief": ([WAITING, ENTRY], "{yuan_per_place_per_month: 150, eligible_types: [private_inclusive, "
                               "private_market]}", total("private_entries"), +1),
    "household_subsidy": ([], "{fee_effect_share: 0.5}", total("enrolled"), +1),
    "training": ([], "{trainees_per_year: {2025: 200, 2026: 200}}", at_end("staff_certified"), +1),
    "certification_mandate": ([], "{effective: 2026-06, anticipation_months: 12}",
                              before("staff_certified_new", 17), +1),
}


def test_every_lever_has_a_case():
    assert set(CASES) == set(levers()) == set(LEVERS)


@pytest.mark.parametrize("lever", sorted(CASES))
def test_a_lever_moves_its_indicators_and_pays_only_when_on(lever):
    extra, section, measure, direction = CASES[lever]
    off = sim.run(sim.load_scenario(SMALL, overrides=extra), reps=REPS, seed=3)
    on = sim.run(sim.load_scenario(SMALL, overrides=[*extra, f"policies.{lever}={section}"]), reps=REPS, seed=3)
    assert direction * (measure(on) - measure(off)) > 0, (measure(off), measure(on))
    for item in LEVERS[lever].info.items:
        name = f"transfer_{item.name}" if item.transfer else f"spend_{item.name}"
        assert off.values(name).sum() == 0, name
        if lever not in ("quality_evaluation",):  # evaluations cost nothing unless priced
            assert on.values(name).sum() > 0, name


def _paid_providers(overrides: list[str], item: str, seed: int = 2) -> tuple[list[int], object]:
    scenario = sim.load_scenario(SMALL, overrides=overrides)
    spec, streams = drawn(scenario, seed=seed)
    env, ctx, state, _ = build(spec, scenario.city, streams, keep_ledger=True)
    env.run(until=spec.horizon.months)
    return [provider for _, _, paid, _, provider, _ in ctx.spending.rows if paid == item], state.providers


def test_rent_relief_reaches_only_eligible_inclusive_providers():
    paid, providers = _paid_providers(["policies.rent_relief={yuan_per_place_per_month: 100}"], "rent_relief")
    assert paid and all(providers.inclusive[i] and TYPES[providers.type[i]] != "public" for i in paid)
    paid, providers = _paid_providers(["policies.rent_relief={yuan_per_place_per_month: 100, inclusive_only: false, "
                                       "eligible_types: [private_market]}"], "rent_relief")
    assert paid and {TYPES[providers.type[i]] for i in paid} == {"private_market"}


def test_rent_relief_per_enrolled_child_pays_no_empty_place():
    per_place = sim.run(sim.load_scenario(SMALL, overrides=["policies.rent_relief={yuan_per_place_per_month: 100}"]),
                        reps=1, seed=1)
    per_child = sim.run(sim.load_scenario(SMALL, overrides=[
        "policies.rent_relief={yuan_per_place_per_month: 100, per: enrolled_child}"]), reps=1, seed=1)
    assert 0 < per_child.values("spend_rent_relief").sum() < per_place.values("spend_rent_relief").sum()


def test_the_construction_subsidy_pays_no_more_than_the_fit_out_and_not_registering_centres():
    overrides = [WAITING, "providers.entry.fit_out_cost_yuan_per_place=15000",
                 "policies.registration_drives={centres_per_year: {2025: 6}}"]
    low = sim.run(sim.load_scenario(SMALL, overrides=[*overrides, "policies.construction_subsidy={yuan_per_place: "
                                                      "15000}"]), reps=REPS, seed=1)
    high = sim.run(sim.load_scenario(SMALL, overrides=[*overrides, "policies.construction_subsidy={yuan_per_place: "
                                                       "30000}"]), reps=REPS, seed=1)
    # Beyond the fit-out cost the subsidy changes nothing: the same places, the same money.
    np.testing.assert_array_equal(low.values("places_licensed"), high.values("places_licensed"))
    np.testing.assert_array_equal(low.values("spend_construction_subsidy"), high.values("spend_construction_subsidy"))
    uncapped = sim.run(sim.load_scenario(SMALL, overrides=[*overrides, "policies.construction_subsidy={yuan_per_place: "
                                                           "30000, cap: none}"]), reps=REPS, seed=1)
    assert uncapped.values("spend_construction_subsidy").sum() > high.values("spend_construction_subsidy").sum()
    paid, providers = _paid_providers([*overrides, "policies.construction_subsidy={yuan_per_place: 15000}"],
                                      "construction_subsidy")
    registered = np.flatnonzero(providers.existed[: providers.n])
    assert len(registered) and paid and not set(paid) & set(registered.tolist())
    paid, providers = _paid_providers([*overrides, "policies.construction_subsidy={yuan_per_place: 15000, "
                                       "existing_centres_registering: true}"], "construction_subsidy")
    assert set(paid) & set(np.flatnonzero(providers.existed[: providers.n]).tolist())


def test_a_family_point_takes_five_children():
    result = sim.run(sim.load_scenario(SMALL, overrides=["policies.family_points={points_per_year: {2025: 4}}"]),
                     reps=1, seed=1)
    assert result.values("places_added_family_points").sum() == pytest.approx(4 * 5)


def test_publicity_saturates_and_fades():
    assert need_factor(0.6, 0.6, 0.7) == 1.0
    assert need_factor(1.0, 0.6, 0.7) == pytest.approx(1 / (0.6 + 0.4 * 0.7))  # everyone informed: the ceiling
    one = sim.run(sim.load_scenario(SMALL, overrides=[
        "policies.publicity={informed_share_at_start: 0.6, uninformed_need_ratio: 0.7, half_life_months: 6, "
        "campaigns: [{month: 2025-03, reach_share: 1}]}"]), reps=1, seed=1)
    two = sim.run(sim.load_scenario(SMALL, overrides=[
        "policies.publicity={informed_share_at_start: 0.6, uninformed_need_ratio: 0.7, half_life_months: 6, "
        "campaigns: [{month: 2025-03, reach_share: 1}, {month: 2025-03, reach_share: 1}]}"]), reps=1, seed=1)
    np.testing.assert_array_equal(one.values("demand_stated"), two.values("demand_stated"))  # nobody left to reach
    base = sim.run(sim.load_scenario(SMALL), reps=1, seed=1).values("demand_stated")[0]
    uplift = one.values("demand_stated")[0] / base - 1
    assert uplift[2] > uplift[8] > uplift[20] > 0  # the informed share fades back with the half-life


def test_vouchers_keep_those_whose_raised_willingness_reaches_the_fee():
    # Median 1,000, σ 0.5: at a fee of 1,500, P(WTP ≥ fee) = Φ(−0.811) = 0.2087; raised by 25%, P(1.25 WTP ≥ 1,500)
    # = P(WTP ≥ 1,200) = Φ(−0.365) = 0.3577; the share of the priced-out who stay is (0.3577 − 0.2087) / 0.7913.
    assert staying_share(np.array([1500.0]), 1000, 0.5, 0.25)[0] == pytest.approx((0.35766 - 0.20867) / 0.79133,
                                                                                  abs=1e-4)
    assert staying_share(np.array([3000.0]), 1000, 0.5, 0.25)[0] < staying_share(np.array([1500.0]), 1000, 0.5,
                                                                                   0.25)[0]


def test_carers_certify_ahead_of_a_mandate():
    mandate = sim.load_scenario(SMALL, overrides=["policies.certification_mandate={effective: 2026-06, "
                                                  "anticipation_months: 12, "
                                                  "anticipation_certification_per_month_share: 0.05}"]).spec
    settings = mandate.policies.certification_mandate
    june_2025, dec_2025, june_2026 = (2025 * 12 + 5, 2025 * 12 + 11, 2026 * 12 + 5)
    assert settings.anticipation(june_2025) == 0.0
    assert settings.anticipation(dec_2025) == pytest.approx(0.025)
    assert settings.anticipation(june_2026) == pytest.approx(0.05) == settings.anticipation(june_2026 + 6)



def test_a_held_back_push_starts_nothing_until_then_and_then_the_pace_it_would_have_reached():
    """Held back through 2025-08, the push starts nothing in the first eight months (the city is the same, month
    for month, as with a push that starts only in 2025-09). In 2025-09 it starts the pace quickened since its start
    in 2025-01, 1 + 3 × 8/12 = 3 times the pace that meets the target, where the late push starts the pace itself:
    with every place through registering centres of 70 places at 1 yuan a place, its spending is three times the
    late push's, to within the whole-centre rounding of each (under one centre per district, three districts)."""
    pace = ["targets=[{indicator: places_per_1000, at_least: 30, deadline: 2025-12}]",
            "policies.target_push.pace_share=1", "policies.target_push.pace_growth_per_year=3",
            "policies.target_push.registration_share=1", "policies.target_push.kindergarten_share=0",
            "policies.target_push.registration_yuan_per_place=1"]
    held = sim.run(sim.load_scenario(SMALL, overrides=[*pace, "policies.target_push.start=2025-01",
                                                       "policies.target_push.held_back_until=2025-08"]),
                   reps=REPS, seed=3)
    late = sim.run(sim.load_scenario(SMALL, overrides=[*pace, "policies.target_push.start=2025-09",
                                                       "policies.target_push.pace_growth_per_year=0"]),
                   reps=REPS, seed=3)
    spent_held, spent_late = held.values("spend_target_push"), late.values("spend_target_push")
    assert spent_held[:, :8].sum() == 0 and spent_late[:, :8].sum() == 0
    np.testing.assert_array_equal(held.values("places_licensed")[:, :9], late.values("places_licensed")[:, :9])
    centre, districts = 70, 3
    assert spent_late[:, 8].min() > 10 * centre  # large enough for the rounding bound to tell
    assert np.abs(spent_held[:, 8] - 3 * spent_late[:, 8]).max() <= centre * districts * (1 + 3)
