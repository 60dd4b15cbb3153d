"""Turn pydantic's validation errors into located, one-line problems a researcher can act on."""

from __future__ import annotations

import typing
from typing import Any

from pydantic import BaseModel, ValidationError

from sim.errors import InputError, Problem, did_you_mean, in_file_order, show
from sim.scenario.params import LogNormal, Normal, Triangular, Uniform
from sim.scenario.schema import ScenarioSpec
from sim.scenario.yamlio import KeyPath, Locations

# Union tags pydantic puts in an error's location; they are not keys the user wrote.
_TAGS: dict[str, type[BaseModel] | None] = {
    "number": None, "normal": Normal, "lognormal": LogNormal, "uniform": Uniform, "triangular": Triangular}


def validate_spec(data: dict[str, Any], locations: Locations, source: str) -> ScenarioSpec:
    """The validated scenario, or an :class:`InputError` listing every problem of the data."""
    try:
        return ScenarioSpec.model_validate(data)
    except ValidationError as err:
        raise InputError(_problems(err, locations, source)) from None


def _problems(err: ValidationError, locations: Locations, source: str) -> list[Problem]:
    problems = []
    for error in err.errors(include_url=False):
        loc, parent_keys = _user_path(tuple(error["loc"]))
        kind = error["type"]
        if kind == "extra_forbidden":
            key = loc[-1]
            message = f"unknown key {key!r}" + did_you_mean(key, parent_keys)
            path = _dotted(loc[:-1])
        elif kind == "missing":
            message = f"missing required key {loc[-1]!r}"
            path = _dotted(loc[:-1])
        elif kind == "finite_number":
            message = f"expected a finite number, got {show(error.get('input'))} (.nan and .inf are not numbers here)"
            path = _dotted(loc)
        else:
            message = error["msg"].removeprefix("Value error, ")
            message = message[0].lower() + message[1:]
            if "got" not in message and not isinstance(error.get("input"), dict):
                message += f", got {show(error.get('input'))}"
            path = _dotted(loc)
        problems.append(Problem(_locate(loc, locations, source), message, path))
    return in_file_order(problems)


def _user_path(raw_loc: KeyPath) -> tuple[KeyPath, list[str]]:
    """The key path the user wrote (without the union tags pydantic adds where a number or a distribution
    is allowed), and the keys the schema allows beside the last one (for "did you mean")."""
    model: type[BaseModel] | None = ScenarioSpec
    item_model: type[BaseModel] | None = None
    loc: list = []
    parent_keys: list[str] = list(ScenarioSpec.model_fields)
    for part in raw_loc:
        if model is None and isinstance(part, str) and part in _TAGS:
            model = _TAGS[part]  # inside a parameter: a tag, not a key
            continue
        parent_keys = list(model.model_fields) if model is not None else []
        loc.append(part)
        if model is None and isinstance(part, int) and item_model is not None:
            model, item_model = item_model, None  # an item of a list of sections
            continue
        field = model.model_fields.get(part) if model is not None and isinstance(part, str) else None
        model, item_model = _sections(field.annotation) if field is not None else (None, None)
    return tuple(loc), parent_keys


def _sections(annotation: Any) -> tuple[type[BaseModel] | None, type[BaseModel] | None]:
    """The section model a field holds (through ``| None``), or the model of its list items."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation, None
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    if typing.get_origin(annotation) is list and args and isinstance(args[0], type) \
            and issubclass(args[0], BaseModel):
        return None, args[0]
    if len(args) == 1 and isinstance(args[0], type) and issubclass(args[0], BaseModel):
        return args[0], None
    return None, None


def _dotted(loc: KeyPath) -> str:
    return ".".join(str(part) for part in loc if part != "[key]")


def _locate(loc: KeyPath, locations: Locations, source: str) -> str:
    """The location of the longest prefix of ``loc`` that the user wrote (the section, if a key is missing)."""
    for end in range(len(loc), 0, -1):
        where = locations.get(loc[:end])
        if where is None and isinstance(loc[end - 1], int):
            where = locations.get((*loc[: end - 1], str(loc[end - 1])))
        if where is not None:
            return where
    return source
