"""Load a scenario: layers → overrides → schema → city CSVs → cross-checks, every problem located."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from sim.errors import InputError, Problem, did_you_mean, in_file_order, shown_path
from sim.scenario.city import City
from sim.scenario.city_csv import read_city
from sim.scenario.layers import apply_overrides, load_layers
from sim.scenario.schema import GeographyFiles, ScenarioSpec
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
        raise InputError([Problem(shown_path(path), "no such scenario file")])
    data, locations, files = load_layers(path)
    data = apply_overrides(data, locations, list(overrides))
    problems: list[Problem] = []
    spec = city = None
    try:
        spec = validate_spec(data, locations, shown_path(path))
    except InputError as err:
        problems += err.problems
    try:
        # The city's files are checked even when other sections have mistakes: one pass shows all.
        files_spec = spec.geography if spec else GeographyFiles.model_validate(data.get("geography"))
        city = read_city(files_spec)
    except ValidationError:
        pass  # already reported by the schema
    except InputError as err:
        problems += err.problems
    if city is not None:
        problems += _check_names(data, city, locations, shown_path(path))
    if problems or spec is None or city is None:
        raise InputError(in_file_order(problems))
    geography = spec.geography
    inputs = [Path(p) for p in (geography.districts_csv, geography.streets_csv, geography.new_housing_csv,
                                geography.providers_csv) if p]
    return Scenario(spec=spec, city=city, path=path.resolve(), files=(*files, *inputs), overrides=tuple(overrides))


def _check_names(data: dict, city: City, locations: Locations, source: str) -> list[Problem]:
    """Districts and streets named in the scenario must exist in the city's files."""
    key = ("demography", "net_migration_by_district_per_1000_per_year")
    named = _get(data, key)
    problems = [Problem(locations.get((*key, district), source),
                        f"unknown district {district!r}" + did_you_mean(district, city.district_ids), ".".join(key))
                for district in (named if isinstance(named, dict) else {})
                if str(district) not in city.district_ids]
    key = ("policies", "public_build", "projects")
    projects = _get(data, key)
    for index, project in enumerate(projects if isinstance(projects, list) else []):
        street = project.get("street") if isinstance(project, dict) else None
        if street is not None and str(street) not in city.street_ids:
            problems.append(Problem(locations.get((*key, index, "street"), source),
                                    f"unknown street {street!r}" + did_you_mean(street, city.street_ids),
                                    f"{'.'.join(key)}.{index}.street"))
    return problems


def _get(data: dict, key: tuple[str, ...]):
    for part in key:
        data = data.get(part) if isinstance(data, dict) else None
    return data
