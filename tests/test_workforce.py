"""The workforce: staff conservation, the certification mandate, training and wages."""

from __future__ import annotations

import numpy as np

import sim
from sim.model.bands import CLASS_SIZE
from sim.model.engine import build, simulate
from sim.model.providers import OPEN, RECTIFYING
from sim.model.workforce import staff_for
from sim.scenario.months import month_number
from tests.conftest import EXAMPLE
from tests.helpers import drawn, initial_staff_stock, staff_flows_balance

PLAN = EXAMPLE.parent / "three_year_plan.yaml"
NO_TRAINING = EXAMPLE.parent / "mandate_without_training.yaml"


def test_staff_stocks_conserve_every_month():
    scenario = sim.load_scenario(PLAN)  # training, the mandate, graduates, closures: every flow moves
    spec, streams = drawn(scenario)
    values = simulate(spec, scenario.city, streams).values
    for flow in ("staff_graduates", "staff_hired_uncertified", "staff_training_entrants", "staff_attrition",
                 "staff_job_seeker_exits", "staff_training_failed", "staff_certified_new", "staff_hired_certified"):
        assert values[flow].sum() > 0, flow
    staff_flows_balance(values, initial_staff_stock(scenario))


def test_after_the_mandate_usable_places_are_covered_by_certified_carers():
    scenario = sim.load_scenario(NO_TRAINING)
    spec, streams = drawn(scenario)
    env, _, state, _ = build(spec, scenario.city, streams)
    first = month_number(spec.policies.certification_mandate.effective) - month_number(spec.horizon.start)
    failures = []

    def check():
        while True:
            if env.now >= first:
                providers = state.providers
                n = providers.n
                open_now = np.isin(providers.status[:n], (OPEN, RECTIFYING))
                usable = np.zeros((n, len(CLASS_SIZE)))
                usable[: len(state.usable)] = state.usable[:n]  # entrants of this month have none yet
                needed = staff_for(usable, spec.workforce.min_carers_per_open_class)
                if (needed[open_now] > providers.certified[:n][open_now] + 1e-9).any():
                    failures.append(env.now)
                if (providers.enrolled_by_band()[open_now] > usable[open_now] + 1e-9).any():
                    failures.append(("enrolled above usable", env.now))
            yield env.timeout(1)

    env.process(check())
    env.run(until=spec.horizon.months)
    assert failures == []


def test_the_mandate_without_training_loses_usable_places():
    with_mandate = sim.run(sim.load_scenario(NO_TRAINING), reps=2, seed=4)
    without = sim.run(sim.load_scenario(EXAMPLE), reps=2, seed=4)
    month = with_mandate.calendar.months.index("2026-12")
    before = with_mandate.values("places_usable")[:, month - 1]
    after = with_mandate.values("places_usable")[:, month]
    assert (after < 0.8 * before).all()  # about 40% of carers are uncertified at the start
    assert (with_mandate.values("places_usable")[:, month:] < without.values("places_usable")[:, month:]).all()
    assert with_mandate.values("children_displaced_by_staff")[:, month].min() > 1000


def test_enough_training_reaches_full_certification_by_the_date():
    scenario = sim.load_scenario(PLAN, overrides=["policies.training.trainees_per_year={2025: 4000, 2026: 2000}",
                                                  "policies.certification_mandate.schedule={2026-06: 0.9}"])
    result = sim.run(scenario, reps=2, seed=2)
    month = result.calendar.months.index("2026-12")
    assert (result.values("certification_rate")[:, month] >= 0.98).all()
    short = sim.run(sim.load_scenario(NO_TRAINING), reps=2, seed=2)
    assert (short.values("certification_rate")[:, month] < 0.8).all()


def test_higher_wages_mean_fewer_carers_leave():
    """attrition = rate × (wage / reference)^−elasticity: with the same seed, higher pay never loses more."""
    cheap, dear = (sim.load_scenario(EXAMPLE, overrides=["horizon.end=2025-12",
                                                         f"workforce.carer_wage_yuan_per_month={w}"])
                   for w in (3500, 4500))
    leaving_cheap = sim.run(cheap, reps=3, seed=3).values("staff_attrition").sum(axis=1)
    leaving_dear = sim.run(dear, reps=3, seed=3).values("staff_attrition").sum(axis=1)
    assert (leaving_dear < leaving_cheap).all()
    expected = (4500 / 3500) ** -1.0  # the documented elasticity of 1
    assert abs(leaving_dear.sum() / leaving_cheap.sum() - expected) < 0.1


def test_new_providers_open_only_when_staffed():
    scenario = sim.load_scenario(EXAMPLE, overrides=["workforce.initial_job_seekers_share=0",
                                                     "workforce.graduates_per_year=0",
                                                     "workforce.uncertified_hiring_share=0",
                                                     "providers.exit.closure_per_month_share=0",
                                                     "policies.quality_evaluation.fail_share=0",
                                                     "horizon.end=2025-12"])
    spec, streams = drawn(scenario)
    env, _, state, _ = build(spec, scenario.city, streams)
    env.run(until=spec.horizon.months)
    providers = state.providers
    new = providers.origin[: providers.n] != 0
    opened = new & (providers.opened[: providers.n] >= 0)
    places = providers.classes[: providers.n] @ CLASS_SIZE
    staff = providers.certified[: providers.n] + providers.uncertified[: providers.n]
    # Without job-seekers, graduates, uncertified hires or closures nobody can staff a new centre: none opens.
    assert new.any() and not opened.any()
    assert (staff[new] == 0).all() and (places[new] > 0).all()


def test_a_provider_added_leaves_the_other_providers_draws_alone(small):
    """Common random numbers: each provider's attrition and hiring draws are its own, so a new provider (a
    lever's, say) changes nothing for the others in that month."""
    from sim.model import workforce
    from sim.model.lifecycle import new_provider

    def one_month(extra: bool):
        spec, streams = drawn(small, seed=3)
        _, ctx, state, _ = build(spec, small.city, streams)
        n = state.providers.n
        if extra:
            new_provider(ctx, state, 0, "public", True, 1200.0, [0, 1, 1, 0], "public_build", None)
            state.providers.status[n] = OPEN
            state.providers.uncertified[n] = 5
            state.capacity, state.enrolled_bands = state.providers.capacity(), state.providers.enrolled_by_band()
        workforce.leave(ctx, state)
        workforce.hire(ctx, state)
        return state.providers.certified[:n].copy(), state.providers.uncertified[:n].copy()

    without, with_extra = one_month(False), one_month(True)
    np.testing.assert_array_equal(without[0], with_extra[0])
    np.testing.assert_array_equal(without[1], with_extra[1])
