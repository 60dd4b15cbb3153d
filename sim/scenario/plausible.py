"""Warnings about numbers that are possible but unusual: a slip of a digit, a percentage written for a share, a
budget or a lever sized for another city.

Each key's usual range is declared beside it in the schema (:class:`sim.scenario.params.Usual`), with the source
of the range; a range ``per`` resident, urban street or district is compared with this city's size. A warning is
one located line and never stops a run: the hard limits (errors) are the schema's ``ge``/``le``.
"""

from __future__ import annotations

import typing
from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel

from sim.errors import Problem
from sim.scenario.city import City
from sim.scenario.params import PER, Distribution, Usual, plain
from sim.scenario.schema import ScenarioSpec
from sim.scenario.yamlio import KeyPath, Locations


def spec_warnings(spec: ScenarioSpec, city: City, locations: Locations, source: str) -> list[Problem]:
    """One warning per value outside its usual range, located where it was written (``source`` for a default)."""
    sizes = _sizes(city)
    warnings = []
    for path, value, usual in _values(spec, ()):
        where = _located(path, locations)
        low, high = _span(value)
        scale = sizes[usual.per] / PER[usual.per] if usual.per else 1.0
        if scale <= 0 or (usual.low * scale <= low and high <= usual.high * scale):
            continue
        shown = _shown(value)
        default = "" if where else " (the default)"
        if usual.per:
            message = (f"{shown}{default} is {plain(round(_far(low, high, usual, scale) / scale, 2))} per "
                       f"{usual.per} in this city of {_city(city)}; usually {usual.text()} (source: {usual.source}). "
                       f"Was it sized for another city?")
        else:
            message = usual.outside(low if low < usual.low else high, shown + default)
        warnings.append(Problem(where or source, message, ".".join(str(part) for part in path)))
    return warnings


def _sizes(city: City) -> dict[str, float]:
    """What each kind of ``per`` counts in this city."""
    population = float(city.population.sum())
    return {"resident": population, "1,000 residents": population, "million residents": population,
            "urban street": float(sum(kind == "street" for kind in city.street_kinds)),
            "100,000 residents of an average district": population / max(city.n_districts, 1)}


def _city(city: City) -> str:
    streets = sum(kind == "street" for kind in city.street_kinds)
    return (f"{city.population.sum():,.0f} residents, {city.n_districts} districts and {streets} urban "
            f"street{'s' if streets != 1 else ''}")


def _far(low: float, high: float, usual: Usual, scale: float) -> float:
    """The end of a value's span that lies outside the range."""
    return high if high > usual.high * scale else low


def _span(value: Any) -> tuple[float, float]:
    """The values a number or a distribution stands for: a distribution's bounds, or its mean when unbounded."""
    if isinstance(value, Distribution):
        low, high = value.support()
        return (low, high) if low > float("-inf") and high < float("inf") else (value.mean, value.mean)
    return float(value), float(value)


def _shown(value: Any) -> str:
    if isinstance(value, Distribution):
        low, high = _span(value)
        return f"a {value.dist} distribution over {plain(low)}–{plain(high)}" if low != high \
            else f"a {value.dist} distribution of mean {plain(low)}"
    return plain(float(value))


def _located(path: KeyPath, locations: Locations) -> str:
    """Where the user wrote ``path`` (a year key may have been read as a number or as text), or ''."""
    return locations.get(path) or locations.get((*path[:-1], str(path[-1]))) or ""


def _values(model: BaseModel, path: KeyPath) -> Iterator[tuple[KeyPath, Any, Usual]]:
    """Every number (or distribution) of ``model`` that has a usual range, with its key path."""
    for name, field in type(model).model_fields.items():
        value = getattr(model, name)
        own = _usual(field.metadata)
        inner = _usual(_item_metadata(field.annotation))
        where = (*path, name)
        if isinstance(value, BaseModel) and not isinstance(value, Distribution):
            yield from _values(value, where)
        elif isinstance(value, list):
            for index, item in enumerate(value):
                if isinstance(item, BaseModel):
                    yield from _values(item, (*where, index))
        elif isinstance(value, dict):
            for key, item in value.items():
                if isinstance(item, BaseModel) and not isinstance(item, Distribution):
                    yield from _values(item, (*where, key))
                elif inner is not None and _numeric(item):
                    yield (*where, key), item, inner
        elif own is not None and _numeric(value):
            yield where, value, own


def _numeric(value: Any) -> bool:
    return isinstance(value, Distribution) or (isinstance(value, int | float) and not isinstance(value, bool))


def _usual(metadata: Any) -> Usual | None:
    return next((item for item in metadata if isinstance(item, Usual)), None)


def _item_metadata(annotation: Any) -> tuple[Any, ...]:
    """The metadata of a mapping's values (``dict[int, Annotated[X, Usual(…)]]``)."""
    args = typing.get_args(annotation)
    if typing.get_origin(annotation) is not dict or len(args) != 2:
        return ()
    return tuple(getattr(args[1], "__metadata__", ()))
