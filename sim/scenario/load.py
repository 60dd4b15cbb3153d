"""Load a scenario: layers → overrides → schema → city CSVs → cross-checks, every problem located."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from sim.errors import InputError, Problem, did_you_mean, in_file_order, shown_path
from sim.scenario.city import City
from sim.scenario.city_csv import read_city
from sim.scenario.layers import apply_overrides, load_layers
from sim.scenario.plausible import spec_warnings
from sim.scenario.schema import GeographyFiles, ScenarioSpec
from sim.scenario.validate import validate_spec
from sim.scenario.yamlio import Locations


@dataclass(frozen=True)
class Scenario:
    """A validated scenario: the resolved settings, the city's data, the files they came from and the warnings
    about values that are possible but unusual (see ``sim.scenario.plausible``)."""

    spec: ScenarioSpec
    city: City
    path: Path
    files: tuple[Path, ...]
    overrides: tuple[str, ...] = ()
    warnings: tuple[Problem, ...] = ()

    @property
    def name(self) -> str:
        return self.spec.meta.name


def load_scenario(path: str | Path, overrides: Sequence[str] | Mapping[str, Any] = ()) -> Scenario:
    """Read, layer, override and validate a scenario file and its city data.

    ``overrides`` are ``dotted.key=value`` strings as given to ``--set``, or a mapping ``{dotted.key: value}``.
    Raises :class:`InputError` with every problem found.
    """
    path = Path(path)
    if not path.exists():  # anything else that is no file (a folder, a device) is refused as it is read
        raise InputError([Problem(shown_path(path), "no such scenario file")])
    overrides = override_texts(overrides)
    warnings: list[Problem] = []
    data, locations, files = load_layers(path, warnings=warnings)
    data = apply_overrides(data, locations, list(overrides))
    warnings += _mixed_city(data, locations)
    problems: list[Problem] = []
    spec = city = None
    try:
        spec = validate_spec(data, locations, shown_path(path))
    except InputError as err:
        problems += err.problems
    try:
        # The city's files are checked even when other sections have mistakes: one pass shows all.
        files_spec = spec.geography if spec else GeographyFiles.model_validate(data.get("geography"))
        city = read_city(files_spec, warnings)
    except ValidationError:
        pass  # already reported by the schema
    except InputError as err:
        problems += err.problems
    if city is not None:
        problems += _check_names(data, city, locations, shown_path(path))
    if problems or spec is None or city is None:
        raise InputError(in_file_order(problems), warnings)
    warnings += spec_warnings(spec, city, locations, shown_path(path))
    inputs = [Path(p) for p in spec.geography.paths()]
    return Scenario(spec=spec, city=city, path=path.resolve(), files=(*files, *inputs), overrides=tuple(overrides),
                    warnings=tuple(warnings))


def override_texts(overrides: Sequence[str] | Mapping[str, Any]) -> list[str]:
    """Overrides as ``--set`` texts: a mapping's values are written as JSON, which YAML reads back as written."""
    if isinstance(overrides, Mapping):
        return [f"{key}={json.dumps(value, ensure_ascii=False)}" for key, value in overrides.items()]
    return list(overrides)


def _mixed_city(data: dict, locations: Locations) -> list[Problem]:
    """A warning for each data file named in another file than the city's streets: a scenario that gives its own
    streets but inherits another city's providers or new housing."""
    geography = data.get("geography") if isinstance(data.get("geography"), dict) else {}
    anchor = next((key for key in ("streets_csv", "workbook_xlsx") if geography.get(key)), None)
    if anchor is None:
        return []
    home = _file_of(locations.get(("geography", anchor), ""))
    warnings = []
    for key in ("districts_csv", "new_housing_csv", "providers_csv"):
        where = locations.get(("geography", key), "")
        if geography.get(key) and _file_of(where) != home:
            warnings.append(Problem(where, f"{shown_path(geography[key])} is named here, but the city's {anchor} in "
                                           f"{home}: are they one city's? Write `{key}: null` in {home} to use none, "
                                           f"or name your own", f"geography.{key}"))
    return warnings


def _file_of(location: str) -> str:
    """The file of a location ``file:line:column`` (an override is its own source)."""
    return location.rsplit(":", 2)[0] if location.count(":") >= 2 and not location.startswith("--set") else location


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
