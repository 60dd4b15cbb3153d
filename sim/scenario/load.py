"""Load a scenario: layers → overrides → schema → city CSVs → cross-checks, every problem located."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sim.errors import InputError, Problem, did_you_mean
from sim.model.city import City
from sim.scenario.city_csv import read_city
from sim.scenario.layers import apply_overrides, load_layers
from sim.scenario.schema import ScenarioSpec
from sim.scenario.validate import validate_spec
from sim.scenario.yamlio import Locations


@dataclass(frozen=True)
class Scenario:
    """A validated scenario: the resolved settings, the city's data and the files they came from."""

    spec: ScenarioSpec
    city: City
    path: Path
    files: tuple[Path, ...]
    overrides: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        return self.spec.meta.name


def load_scenario(path: str | Path, overrides: Sequence[str] = ()) -> Scenario:
    """Read, layer, override and validate a scenario file and its city data.

    ``overrides`` are ``dotted.key=value`` strings as given to ``--set``. Raises :class:`InputError`
    with every problem found.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError([Problem(str(path), "no such scenario file")])
    data, locations, files = load_layers(path)
    data = apply_overrides(data, locations, list(overrides))
    spec = validate_spec(data, locations, str(path))
    city = read_city(spec.geography)
    _check_names(spec, city, locations, str(path))
    inputs = [Path(p) for p in (spec.geography.districts_csv, spec.geography.streets_csv,
                                spec.geography.new_housing_csv) if p]
    return Scenario(spec=spec, city=city, path=path.resolve(), files=(*files, *inputs), overrides=tuple(overrides))


def _check_names(spec: ScenarioSpec, city: City, locations: Locations, source: str) -> None:
    """Districts named in the scenario must exist in the city's files."""
    problems = []
    key = ("demography", "net_migration_by_district_per_1000_per_year")
    for district in spec.demography.net_migration_by_district_per_1000_per_year:
        if district not in city.district_ids:
            problems.append(Problem(locations.get((*key, district), source),
                                    f"unknown district {district!r}" + did_you_mean(district, city.district_ids),
                                    ".".join(key)))
    if problems:
        raise InputError(problems)
