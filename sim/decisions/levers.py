"""Decision variables: a lever setting (a dotted scenario key under ``policies.<lever>``) and its bounds.

What a key may take is read from the scenario schema, never from a list kept here: a whole number (centres or
projects a year), an amount (yuan per place, a share), or one of given choices (who receives a subsidy). A key
naming a per-year mapping (``policies.public_build.projects_per_year``) sets the same number for every year of
the horizon; ``…projects_per_year.2026`` sets one year.
"""

from __future__ import annotations

import json
import types
import typing
from dataclasses import dataclass
from typing import Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel

from sim.errors import InputError, Problem, did_you_mean, show
from sim.experiments.points import BaseScenario
from sim.scenario.policy_schema import levers
from sim.scenario.schema import ScenarioSpec

INTEGER, NUMBER, CHOICE = "integer", "number", "choice"


@dataclass(frozen=True)
class Decision:
    """``key`` between ``low`` and ``high`` (on a grid of ``step`` if given), or one of ``choices``. ``keys`` are the
    scenario keys it sets (one per year for a per-year mapping)."""

    key: str
    kind: str
    keys: tuple[str, ...]
    low: float = 0.0
    high: float = 0.0
    step: float | None = None
    choices: tuple[Any, ...] = ()

    @property
    def lever(self) -> str:
        return self.key.split(".")[1]

    def applied(self, value: float) -> Any:
        """The scenario value of a candidate's coordinate (a choice's index → the choice)."""
        if self.kind == CHOICE:
            return self.choices[int(value)]
        return round(value) if self.kind == INTEGER else float(value)

    def overrides(self, value: float) -> dict[str, Any]:
        applied = self.applied(value)
        return {key: applied for key in self.keys}

    def shown(self, value: float) -> str:
        """The value as a reader sees it (a choice as written in the spec)."""
        applied = self.applied(value)
        if self.kind == CHOICE:
            return choice_label(applied)
        if self.kind == INTEGER or float(applied).is_integer():  # 22,500 yuan, not 2.25e+04
            return f"{applied:,.0f}"
        return f"{applied:,.6g}"

    def manifest(self) -> dict[str, Any]:
        return {"key": self.key, "kind": self.kind, "keys": list(self.keys), "low": self.low, "high": self.high,
                "step": self.step, "choices": list(self.choices)}


def choice_label(value: Any) -> str:
    """A choice as one line of text: a list joined by +, anything else as JSON would write it."""
    if isinstance(value, list):
        return "+".join(map(str, value)) or "(none)"
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def _unwrap(annotation: Any) -> Any:
    """The type inside Annotated[…] and Optional[…]."""
    while True:
        origin = get_origin(annotation)
        if origin is typing.Annotated:
            annotation = get_args(annotation)[0]
        elif origin in (Union, types.UnionType):
            args = [a for a in get_args(annotation) if a is not type(None)]
            models = [a for a in args if isinstance(a, type) and issubclass(a, BaseModel)]
            if len(args) == 1:
                annotation = args[0]
            elif models and len(models) == len(args):
                return annotation
            else:  # a number or a distribution (param): a number as a decision
                plain = [_unwrap(a) for a in args]
                return float if float in plain else int if int in plain else annotation
        else:
            return annotation


def _kind(annotation: Any) -> str:
    if annotation is bool:
        return CHOICE
    if annotation is int:
        return INTEGER
    if annotation is float:
        return NUMBER
    return CHOICE  # a text, a list of names, a literal: given as choices


def schema_kind(key: str, years: list[int]) -> tuple[str, tuple[str, ...]] | str:
    """The kind of value at ``key`` and the keys a decision on it sets, or why ``key`` is no lever setting."""
    parts = key.split(".")
    registry = levers()
    if len(parts) < 3 or parts[0] != "policies" or parts[1] not in registry:
        lever = parts[1] if len(parts) > 1 and parts[0] == "policies" else parts[0]
        return ("expected a lever setting, policies.<lever>.<key>; levers: " + ", ".join(registry)
                + (did_you_mean(lever, registry) if lever not in registry else ""))
    model: Any = ScenarioSpec
    for depth, part in enumerate(parts):
        annotation = _unwrap(model)
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            fields = {name: field for name, field in annotation.model_fields.items()
                      if name != "lever"}
            if part not in fields:
                here = ".".join(parts[:depth])
                return f"unknown key {part!r} in {here}" + did_you_mean(part, fields) + \
                    f"; its keys: {', '.join(fields)}"
            model = fields[part].annotation
            continue
        if get_origin(annotation) is dict and part.isdigit() and depth == len(parts) - 1:
            return _kind(_unwrap(get_args(annotation)[1])), (key,)
        return f"{'.'.join(parts[:depth])} is a value, not a section, so it has no key {part!r}"
    annotation = _unwrap(model)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return f"is a section, not a value; name one of its keys: {', '.join(annotation.model_fields)}"
    if get_origin(annotation) is dict:
        kind = _kind(_unwrap(get_args(annotation)[1]))
        return kind, tuple(f"{key}.{year}" for year in years)
    if get_origin(annotation) is Literal:
        return CHOICE, (key,)
    return _kind(annotation), (key,)


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def parse_decision(key: str, given: Any, where: str, base: BaseScenario) -> Decision | list[Problem]:
    """A decision from the spec's ``decisions: {KEY: …}``: ``[LO, HI]``, ``{low, high, step}`` or
    ``{choices: […]}``; every bound (and every choice) is checked against the schema by applying it."""
    spec = base.scenario.spec
    years = list(range(int(spec.horizon.start[:4]), int(spec.horizon.end[:4]) + 1))
    found = schema_kind(key, years)
    if isinstance(found, str):
        return [Problem(where, found, key)]
    kind, keys = found
    expected = ("expected {choices: [A, B, …]} (the values it may take)" if kind == CHOICE else
                "expected [LO, HI] or {low: LO, high: HI, step: S}")
    if isinstance(given, list) and len(given) == 2 and kind != CHOICE:
        given = {"low": given[0], "high": given[1]}
    if not isinstance(given, dict):
        return [Problem(where, f"{expected}, got {show(given)}", key)]
    allowed = ("choices",) if kind == CHOICE else ("low", "high", "step")
    unknown = [k for k in given if k not in allowed]
    if unknown:
        return [Problem(where, f"unknown setting {unknown[0]!r} for a{'n' if kind == INTEGER else ''} {kind} "
                               f"decision" + did_you_mean(str(unknown[0]), allowed) + f"; {expected}", key)]
    if kind == CHOICE:
        choices = given.get("choices")
        if not isinstance(choices, list) or len(choices) < 2:
            return [Problem(where, f"expected at least two choices, got {show(choices)}", key)]
        decision = Decision(key, kind, keys, 0.0, float(len(choices) - 1), None, tuple(choices))
        tried = range(len(choices))
    else:
        low, high, step = given.get("low"), given.get("high"), given.get("step")
        problems = [Problem(where, f"{name} must be a number, got {show(value)}", key)
                    for name, value in (("low", low), ("high", high)) if not _number(value)]
        if step is not None and (not _number(step) or step <= 0):
            problems.append(Problem(where, f"step must be a number above 0, got {show(step)}", key))
        if problems:
            return problems
        if low >= high:
            return [Problem(where, f"low must be below high, got {low:g} and {high:g}", key)]
        if kind == INTEGER and (low != int(low) or high != int(high) or (step is not None and step != int(step))):
            return [Problem(where, f"is a whole number: expected whole bounds and step, got {low:g}, {high:g}"
                                   + (f", step {step:g}" if step is not None else ""), key)]
        if step is not None and abs(round((high - low) / step) * step - (high - low)) > 1e-9 * max(1.0, high):
            return [Problem(where, f"high − low ({high - low:g}) must be a whole number of steps of {step:g}", key)]
        decision = Decision(key, kind, keys, float(low), float(high), None if step is None else float(step))
        tried = (decision.low, decision.high)
    problems = []
    for value in tried:
        try:
            base.with_values(decision.overrides(value))
        except InputError as err:
            problems += [Problem(where, f"at {decision.shown(value)}: {p.message}", key) for p in err.problems]
    return problems or decision
