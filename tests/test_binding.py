"""What binds, measured by probes: a probe of nothing changes nothing, each probe adds what it says, and the
measure tells constructed cases apart (price barriers and empty places → demand; full places and waitlists →
buildings; carers missing → staff; payments waiting for a budget that holds places back → money; a budget that
changes nothing never binds)."""

from __future__ import annotations

import numpy as np
import pytest

import sim
from sim import binding
from sim.model.engine import simulate
from sim.model.probe import RESOURCES, SHARE, Probe
from sim.runner import run_probe
from tests.conftest import SMALL
from tests.helpers import drawn

REPS = 3
PLACES_BIND = "demand.willingness_to_pay_median_yuan_per_month=20000"  # every family pays: places are the limit
STARVED_PROGRAMME = [PLACES_BIND, "policies={public_build: {projects_per_year: {2025: 6, 2026: 6}, build_months: 3}}",
                     "budget={funds: {city_special_fund: {yuan_per_year: {2025: 3000000}}}}"]


def _overview(overrides: list[str]) -> dict[int, dict[str, float]]:
    result = sim.run(sim.load_scenario(SMALL, overrides=overrides), reps=REPS, seed=1, binding_reps=REPS)
    return binding.year_overview(result).set_index("year").to_dict("index")


@pytest.mark.parametrize("resource", [r for r in RESOURCES if r != "money"])
def test_a_probe_of_nothing_leaves_the_replication_as_it_was(resource):
    spec, streams = drawn(sim.load_scenario(SMALL), seed=4)
    plain = simulate(spec, sim.load_scenario(SMALL).city, streams)
    spec, streams = drawn(sim.load_scenario(SMALL), seed=4)
    probed = simulate(spec, sim.load_scenario(SMALL).city, streams, probing=Probe(resource, 6, share=0.0))
    for name, values in plain.values.items():
        np.testing.assert_array_equal(values, probed.values[name], err_msg=name)


def test_lifting_the_budget_pays_what_waits_and_changes_no_enrolment_where_money_holds_nothing_back():
    # Public institutions' deficits wait for the March appropriation; paying them earlier changes no place.
    scenario = sim.load_scenario(SMALL, overrides=["budget={funds: {city_special_fund: {yuan_per_year: "
                                                   "{2025: 100000000}}}}"])
    spec, streams = drawn(scenario, seed=2)
    plain = simulate(spec, scenario.city, streams)
    assert plain.values["spend_deferred"][0].sum() > 0
    spec, streams = drawn(scenario, seed=2)
    lifted = simulate(spec, scenario.city, streams, probing=Probe("money", 0))
    np.testing.assert_array_equal(plain.values["enrolled"], lifted.values["enrolled"])
    assert (lifted.values["spend_deferred"] < 1e-3).all()
    np.testing.assert_allclose(lifted.probed.sum(), lifted.funds.deficit.sum())


def test_each_probe_adds_what_it_says():
    scenario = sim.load_scenario(SMALL, overrides=STARVED_PROGRAMME)
    city = scenario.city
    spec, streams = drawn(scenario, seed=1)
    plain = simulate(spec, city, streams)
    licensed = np.bincount(city.street_district, plain.values["places_licensed"][11], minlength=city.n_districts)
    places = run_probe(scenario, 1, 0, "places", 1)  # from 2026-01, on the places of 2025-12
    np.testing.assert_allclose(places.added, SHARE * licensed)
    staff = run_probe(scenario, 1, 0, "staff", 1)
    certified = np.bincount(city.street_district, plain.values["staff_certified"][11], minlength=city.n_districts)
    np.testing.assert_array_equal(staff.added, np.maximum(np.round(SHARE * certified), 1))
    money = run_probe(scenario, 1, 0, "money", 0)
    assert money.added.sum() > 0  # payments waited, and the lifted limit paid them
    price = run_probe(scenario, 1, 0, "price", 0)
    assert (price.added > 0).all()  # yuan a month off each district's mean fee


def test_price_barriers_beside_empty_places_make_demand_bind():
    result = sim.run(sim.load_scenario(SMALL, overrides=["demand.willingness_to_pay_median_yuan_per_month=700"]),
                     reps=REPS, seed=1, binding_reps=REPS)
    assert (binding.year_overview(result)["demand"] >= 2 / 3).all()
    gains = binding.city_gains(result)
    assert (gains["price"] > gains[["places", "staff"]].max(axis=1)).all()  # the lower fee is what helps


def test_full_places_and_waitlists_make_buildings_bind():
    overview = _overview([PLACES_BIND])
    assert overview[2026]["buildings"] == 1.0


def test_missing_carers_make_staff_bind():
    overview = _overview([PLACES_BIND, "policies.certification_mandate={effective: 2025-01}",
                          "workforce.initial_certified_share=0.7", "workforce.graduates_per_year=0",
                          "workforce.initial_job_seekers_share=0"])
    assert overview[2025]["staff"] == 1.0
    assert sum(year["staff"] for year in overview.values()) > sum(year["demand"] for year in overview.values())


def test_money_binds_where_payments_wait_and_hold_places_back():
    overview = _overview(STARVED_PROGRAMME)
    assert overview[2025]["money"] >= 2 / 3 and overview[2026]["money"] >= 2 / 3


def test_a_budget_that_changes_nothing_never_binds():
    rich = "budget={funds: {city_special_fund: {opening_balance_yuan: 500000000, yuan_per_year: {2025: 0}}}}"
    result = sim.run(sim.load_scenario(SMALL, overrides=[PLACES_BIND, STARVED_PROGRAMME[1], rich]),
                     reps=REPS, seed=1, binding_reps=REPS)
    table = binding.table(result)
    assert (table["binding_constraint"] != "money").all()
    assert (table["gain_money"] == 0).all()


def test_the_table_reports_every_resource_per_district_and_year():
    result = sim.run(sim.load_scenario(SMALL, overrides=STARVED_PROGRAMME), reps=2, seed=3, binding_reps=2)
    table = binding.table(result)
    assert len(table) == 2 * result.scenario.city.n_districts
    for column in ("gain_places", "elasticity_places", "children_per_100_places", "gain_staff",
                   "children_per_100_carers", "gain_money", "children_per_million_yuan", "gain_price",
                   "elasticity_price", "children_per_100_yuan_off_fee"):
        assert column in table.columns
    assert set(table["binding_constraint"]) <= set(binding.CONSTRAINTS)
    overview = binding.year_overview(result)
    np.testing.assert_allclose(overview[list(binding.CONSTRAINTS)].sum(axis=1), 1.0)
    gains = binding.city_gains(result)
    np.testing.assert_allclose(gains.loc[2025, "places"], table.loc[table["year"] == 2025, "gain_places"].sum())


def test_the_probes_use_the_replications_streams_on_any_number_of_workers():
    scenario = sim.load_scenario(SMALL, overrides=STARVED_PROGRAMME)
    here = sim.run(scenario, reps=2, seed=5, binding_reps=2)
    pool = sim.run(scenario, reps=2, seed=5, binding_reps=2, workers=2)
    assert binding.table(here).equals(binding.table(pool))


def test_a_run_without_probes_says_so():
    result = sim.run(sim.load_scenario(SMALL), reps=1, seed=1)
    assert not binding.measured(result) and binding.table(result).empty
    with pytest.raises(ValueError, match="binding_reps"):
        sim.run(sim.load_scenario(SMALL), reps=1, seed=1, binding_reps=2)
