"""A sweep's parameters: a scenario key (dotted, as ``--set`` takes it) and the range it is swept over."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from sim.errors import InputError, Problem, did_you_mean, show
from sim.experiments.points import BaseScenario


@dataclass(frozen=True)
class Parameter:
    """``key`` swept from ``low`` to ``high``; ``base`` is its value in the scenario; a whole-number key
    (``integer``) gets rounded values."""

    key: str
    low: float
    high: float
    base: float
    integer: bool = False

    def manifest(self) -> dict[str, Any]:
        return {"key": self.key, "low": self.low, "high": self.high, "base": self.base}

    def note(self) -> str | None:
        """A note when the scenario's own value lies outside the range: allowed, but often a range written for
        another version of the scenario (a tornado's bars then both fall on one side of the base)."""
        if self.low <= self.base <= self.high:
            return None
        return f"{self.key}: the scenario's value {self.base:g} lies outside the swept range {self.low:g}–{self.high:g}"


def parse_range_option(text: str) -> tuple[str, Any, Any] | Problem:
    """``--param KEY=LO:HI`` → (key, low, high), numbers checked later with the other forms."""
    key, sep, bounds = text.partition("=")
    low, colon, high = bounds.partition(":")
    if not sep or not colon or not key.strip():
        return Problem(f"--param {text}", "expected KEY=LO:HI, e.g. demand.give_up_per_month_share=0.04:0.12")
    return key.strip(), _number(low.strip()), _number(high.strip())


def central(distribution: dict[str, Any]) -> float:
    """The value an uncertain parameter is most likely to take: a triangular's mode, a uniform's middle, a
    normal's or log-normal's mean."""
    if distribution["dist"] == "triangular":
        return float(distribution["mode"])
    if distribution["dist"] == "uniform":
        return (distribution["low"] + distribution["high"]) / 2
    return float(distribution["mean"])


def span(distribution: dict[str, Any]) -> tuple[float, float]:
    """The range a sweep gives an uncertain parameter: a triangular's or uniform's low and high, a normal's mean
    ± 2 sd, a log-normal's 2.5th and 97.5th percentiles."""
    if distribution["dist"] in ("triangular", "uniform"):
        return float(distribution["low"]), float(distribution["high"])
    mean, sd = float(distribution["mean"]), float(distribution["sd"])
    if distribution["dist"] == "normal":
        return mean - 2 * sd, mean + 2 * sd
    sigma = math.sqrt(math.log1p((sd / mean) ** 2))
    mu = math.log(mean) - sigma**2 / 2
    return math.exp(mu - 1.96 * sigma), math.exp(mu + 1.96 * sigma)


def uncertain_parameters(base: BaseScenario) -> list[tuple[str, float, float]]:
    """Every uncertain parameter of the scenario (a distribution, the defaults' included) with the range a sweep
    gives it, in the order of the scenario's sections."""
    found: list[tuple[str, float, float]] = []

    def walk(node: Any, path: str) -> None:
        if isinstance(node, dict) and "dist" in node:
            found.append((path, *span(node)))
        elif isinstance(node, dict):
            for key, value in node.items():
                walk(value, f"{path}.{key}" if path else str(key))

    walk(base.scenario.spec.model_dump(mode="json"), "")
    return found


def _number(text: str) -> Any:
    try:
        return float(text)
    except ValueError:
        return text


def check_parameter(key: str, low: Any, high: Any, where: str, base: BaseScenario) -> Parameter | list[Problem]:
    """The parameter, or the problems with it: an unknown key, a value that is not a number, LO ≥ HI,
    a bound the scenario does not allow at that key."""
    problems = [Problem(where, f"{name} must be a number, got {show(value)}", key)
                for name, value in (("LO", low), ("HI", high))
                if not isinstance(value, int | float) or isinstance(value, bool)]
    problems += [Problem(where, f"{name} must be a finite number, got {value}", key)
                 for name, value in (("LO", low), ("HI", high))
                 if isinstance(value, float) and not math.isfinite(value)]
    if problems:
        return problems
    if low >= high:
        return [Problem(where, f"LO must be below HI, got {low:g}:{high:g}", key)]
    found = _resolved(base.scenario.spec.model_dump(mode="json"), key, where)
    if isinstance(found, Problem):
        return [found]
    for bound in (low, high):
        try:
            base.with_values({key: round(bound) if isinstance(found, int) else bound})
        except InputError as err:
            problems += [Problem(where, f"at {bound:g}: {p.message}", key) for p in err.problems]
    return problems or Parameter(key, float(low), float(high), float(found), isinstance(found, int))


def _resolved(resolved: dict[str, Any], key: str, where: str) -> float | Problem:
    """The number at ``key`` in the resolved scenario (defaults included), or why there is none."""
    node: Any = resolved
    parts = key.split(".")
    for depth, part in enumerate(parts):
        here = ".".join(parts[:depth])
        if isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
            continue
        if not isinstance(node, dict) or part not in node:
            options = list(node) if isinstance(node, dict) else []
            return Problem(where, f"unknown key {part!r}" + (f" in {here}" if here else "")
                           + did_you_mean(part, options), key)
        node = node[part]
        if node is None and depth < len(parts) - 1:
            return Problem(where, f"{'.'.join(parts[:depth + 1])} is not set in this scenario (a lever that is off); "
                                  f"switch it on in the scenario or with --set to sweep its keys", key)
    if isinstance(node, dict) and "dist" in node:  # an uncertain parameter: a sweep fixes it at each point
        return central(node)
    if isinstance(node, dict | list):
        return Problem(where, "is a section, not a number; name one of its keys: "
                              + ", ".join(map(str, node if isinstance(node, dict) else range(len(node)))), key)
    if not isinstance(node, int | float) or isinstance(node, bool):
        return Problem(where, f"is not a number (it is {show(node)}), so it cannot be swept", key)
    return node
