"""One replication: a SimPy environment with one process per mechanism, stepping month by month.

The engine takes a scenario whose uncertain parameters have already been drawn, the city and the
replication's random streams, and returns the monthly values per street. It does no file I/O.
"""

from __future__ import annotations

import numpy as np
import simpy

from sim.indicators import base_indicators
from sim.model.city import City
from sim.model.population import initial_population, population_process
from sim.model.record import MonthlyRecord
from sim.model.streams import Streams
from sim.scenario.schema import ScenarioSpec


def simulate(spec: ScenarioSpec, city: City, streams: Streams) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Run one replication. Returns (monthly values: indicator → months × streets,
    initial stocks: indicator → streets)."""
    months = spec.horizon.months
    record = MonthlyRecord(base_indicators(), months, city.n_streets)
    population = initial_population(spec, city)
    initial = {"population": population.residents.copy(), "children_0_3": population.children.sum(axis=1)}
    env = simpy.Environment()
    env.process(population_process(env, population, spec, city, streams, record))
    env.run(until=months)
    return record.values, initial
