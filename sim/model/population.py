"""The population process (人口): births, deaths, migration, new housing and ageing, street by street.

Children are held as a streets × 36 array of counts by completed month of age. Each month, in order:
births are Poisson with mean population × crude birth rate / 12 × seasonality; children die with an
age-specific monthly hazard (infant mortality in the first year); residents migrate at the net rate
(for a street with net out-migration children leave binomially, with net in-migration they arrive as
Poisson counts); residents move into new housing completed ``move_in_lag_months`` earlier, part of
them from older housing elsewhere in the district, the newcomers bringing young children; finally
every child ages one month and those reaching 36 months leave for kindergarten.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from sim.model.bands import AGES
from sim.model.numerics import binomial, district_sums, poisson
from sim.model.streams import Streams
from sim.scenario.city import City
from sim.scenario.months import month_number
from sim.scenario.schema import Demography, NewHousing, ScenarioSpec

if TYPE_CHECKING:
    from sim.model.state import Context, State

# Indicators this mechanism records each month.
RECORDS = ("births", "deaths", "net_migration", "new_housing_residents", "relocated_to_new_housing", "child_deaths",
           "children_aged_out", "child_net_migration", "population", "children_0_3")


@dataclass
class Population:
    """Residents per street and children per street and month of age (mutable state)."""

    residents: np.ndarray
    children: np.ndarray


def birth_rate_per_month(demography: Demography, month: int) -> float:
    """Births per resident in calendar month ``month`` (months since year 0): yearly rate, nearest listed year,
    spread over the year by the seasonal weights."""
    rates = demography.birth_rate_per_1000_per_year
    year = month // 12
    listed = min(rates, key=lambda y: (abs(y - year), -y))
    weights = np.asarray(demography.birth_seasonality_by_month, float)
    return rates[listed] / 1000 / 12 * weights[month % 12] * 12 / weights.sum()


def monthly_death_hazard(demography: Demography) -> np.ndarray:
    """Probability of dying within a month, by month of age 0–35."""
    infant = 1 - (1 - demography.infant_mortality_per_1000_births / 1000) ** (1 / 12)
    child = 1 - (1 - demography.child_mortality_per_1000_per_year / 1000) ** (1 / 12)
    return np.where(np.arange(AGES) < 12, infant, child)


def initial_population(spec: ScenarioSpec, city: City) -> Population:
    """Residents from the streets file; children by month of age from the birth rates of the 36 months
    before the start, thinned by mortality and, where the file gives ``children_0_3``, scaled to it."""
    start = month_number(spec.horizon.start)
    demography = spec.demography
    born = np.array([birth_rate_per_month(demography, start - 1 - age) for age in range(AGES)])
    survival = np.concatenate([[1.0], np.cumprod(1 - monthly_death_hazard(demography))[:-1]])
    expected = city.population[:, None] * (born * survival)[None, :]
    if city.children_0_3 is not None:
        totals = expected.sum(axis=1, keepdims=True)
        expected = expected * np.divide(city.children_0_3[:, None], totals,
                                        out=np.zeros_like(totals), where=totals > 0)
    return Population(residents=city.population.astype(float).copy(), children=np.round(expected))


def _migration_rates(spec: ScenarioSpec, city: City) -> np.ndarray:
    """Net migration per resident per month, by street."""
    demography = spec.demography
    by_district = demography.net_migration_by_district_per_1000_per_year
    yearly = np.array([by_district.get(d, demography.net_migration_per_1000_per_year) for d in city.district_ids])
    return yearly[city.street_district] / 1000 / 12


def _completions_by_month(spec: ScenarioSpec, city: City) -> dict[int, np.ndarray]:
    """Expected residents of new housing by move-in month index (from t = 0) and street."""
    lag = spec.demography.new_housing.move_in_lag_months
    start = month_number(spec.horizon.start)
    by_month: dict[int, np.ndarray] = {}
    for street, month, residents in city.new_housing:
        t = month_number(month) + lag - start
        if 0 <= t < spec.horizon.months:
            by_month.setdefault(t, np.zeros(city.n_streets))[street] += residents
    return by_month


def _move_into_new_housing(expected: np.ndarray, u_move_in: np.ndarray, u_with_children: np.ndarray,
                           adults: np.ndarray, housing: NewHousing, city: City
                           ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Residents moving in by street, residents leaving older housing by street, children arriving by street.

    Movers from older housing leave the district's streets in proportion to their residents over 3
    (their young children are not tracked as moving); a district cannot send more than it has.
    """
    moved_in = binomial(u_move_in, expected, housing.occupancy_share)
    movers_from_district = np.round(moved_in * housing.relocated_within_district_share)
    district_adults = district_sums(city, adults)
    wanted = district_sums(city, movers_from_district)
    scale = np.divide(district_adults, wanted, out=np.ones_like(wanted), where=wanted > district_adults)
    movers_from_district = np.floor(movers_from_district * scale[city.street_district])
    leaving_share = np.divide(district_sums(city, movers_from_district), district_adults,
                              out=np.zeros_like(district_adults), where=district_adults > 0)
    relocated = np.minimum(leaving_share[city.street_district] * adults, adults)
    newcomers = moved_in - movers_from_district
    children = poisson(u_with_children, newcomers * housing.children_0_3_per_1000_newcomers / 1000)
    return moved_in, relocated, children


def _spread_over_ages(counts: np.ndarray, streams: Streams, draw: tuple[object, ...]) -> np.ndarray:
    """Arriving children per street → streets × months of age, each child's age uniform over 0–35 months."""
    arrivals = counts.astype(np.intp)
    streets = np.repeat(np.arange(len(arrivals)), arrivals)
    ages = (streams.uniforms(draw, len(streets)) * AGES).astype(np.intp)
    return np.bincount(streets * AGES + ages, minlength=len(arrivals) * AGES).reshape(len(arrivals), AGES).astype(float)


@dataclass(frozen=True)
class Demographics:
    """The population's rules for a run: birth rate per resident by month (from t = 0), monthly death hazard
    by month of age, residents' death rate, net migration by street, new housing by move-in month."""

    birth_rates: tuple[float, ...]
    hazard: np.ndarray
    death_rate: float
    migration: np.ndarray
    completions: dict[int, np.ndarray]


def demographics(spec: ScenarioSpec, city: City) -> Demographics:
    demography = spec.demography
    start = month_number(spec.horizon.start)
    return Demographics(tuple(birth_rate_per_month(demography, start + t) for t in range(spec.horizon.months)),
                        monthly_death_hazard(demography)[None, :], demography.death_rate_per_1000_per_year / 1000 / 12,
                        _migration_rates(spec, city), _completions_by_month(spec, city))


def step(ctx: Context, state: State) -> None:
    """Births → deaths → migration → new housing → ageing, street by street."""
    rules, streams, city, t = ctx.demography, ctx.streams, ctx.city, ctx.month
    housing = ctx.spec.demography.new_housing
    population = state.population
    n = city.n_streets
    migration = rules.migration
    children, residents = population.children, population.residents
    shape = children.shape
    under_3 = children.sum(axis=1)
    adults = np.maximum(residents - under_3, 0)
    # Street-level counts in one call: births, deaths and migration of residents over 3, children arriving.
    births, adult_deaths, adult_moves, children_arriving = poisson(
        streams.uniforms(("births, deaths and migration", t), (4, n)),
        np.stack([residents * rules.birth_rates[t], adults * rules.death_rate,
                  adults * np.abs(migration), under_3 * np.maximum(migration, 0)]))
    adult_deaths = np.minimum(adult_deaths, adults)
    adult_migration = np.where(migration < 0, -np.minimum(adult_moves, adults - adult_deaths), adult_moves)

    child_deaths = binomial(streams.uniforms(("child deaths", t), shape), children, rules.hazard)
    children = children - child_deaths

    child_migration = _spread_over_ages(children_arriving, streams, ("arrival ages", t))
    leaving = np.maximum(-migration, 0)
    if leaving.any():
        child_migration -= binomial(streams.uniforms(("children leaving", t), shape), children, leaving[:, None])

    u_move_in, u_with_children = streams.uniforms(("new housing", t), (2, n))
    moved_in = relocated = housing_children_total = np.zeros(n)
    housing_children = 0.0
    if t in rules.completions:
        moved_in, relocated, housing_children_total = _move_into_new_housing(
            rules.completions[t], u_move_in, u_with_children, adults - adult_deaths + adult_migration, housing, city)
        housing_children = _spread_over_ages(housing_children_total, streams, ("new housing ages", t))
    children = children + child_migration + housing_children

    aged_out = children[:, -1].copy()
    population.children = np.concatenate([births[:, None], children[:, :-1]], axis=1)
    deaths = child_deaths.sum(axis=1) + adult_deaths
    net_migration = child_migration.sum(axis=1) + adult_migration
    population.residents = residents + births - deaths + net_migration + moved_in - relocated

    ctx.record.add(t, births=births, deaths=deaths, net_migration=net_migration,
                   new_housing_residents=moved_in, relocated_to_new_housing=relocated,
                   child_deaths=child_deaths.sum(axis=1), children_aged_out=aged_out,
                   child_net_migration=child_migration.sum(axis=1) + housing_children_total,
                   population=population.residents, children_0_3=population.children.sum(axis=1))
