"""A sweep's settings, from command-line options or a YAML sweep spec, checked with every problem located.

A sweep spec (``tuoyu sweep spec.yaml``) is a YAML file with a ``scenario`` key::

    scenario: baseline.yaml          # relative to this file
    set: [horizon.end=2026-12]       # optional --set overrides of the scenario
    method: oat                      # oat | grid | lhs | sobol | morris
    n: 64                            # samples (sobol: a power of two; morris: trajectories; grid: levels)
    reps: 3                          # replications per point (common random numbers across points)
    seed: 1
    parameters:                      # dotted scenario key: [low, high]  (or {low: …, high: …}); or the word
      demand.give_up_per_month_share: [0.04, 0.12]  # uncertain: every distribution of the scenario, over its range
    metrics: [places_per_1000@2027-12, enrolment_rate@2027]

Options given on the command line win over the spec's.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sim.errors import InputError, Problem, did_you_mean, show, shown_path
from sim.experiments.metrics import Metric, parse_metric
from sim.experiments.parameters import Parameter, check_parameter, parse_range_option, uncertain_parameters
from sim.experiments.points import BaseScenario
from sim.experiments.samplers import DEFAULT_N, METHODS, check_n
from sim.results import Calendar
from sim.runner import DEFAULT_SEED
from sim.scenario.yamlio import read_yaml

SPEC_KEYS = ("scenario", "set", "method", "n", "reps", "seed", "parameters", "metrics")
UNCERTAIN = "uncertain"  # parameters: uncertain — every distribution of the scenario, over its range
DEFAULT_REPS = 3


@dataclass(frozen=True)
class SweepSpec:
    base: BaseScenario
    method: str
    n: int | None
    parameters: tuple[Parameter, ...]
    metrics: tuple[Metric, ...]
    reps: int
    seed: int

    def planned(self) -> dict[str, Any]:
        """What a resumed sweep must share with the one that was started."""
        return {"scenario": self.base.scenario.spec.model_dump(mode="json"), "method": self.method, "n": self.n,
                "reps": self.reps, "seed": self.seed, "parameters": [p.manifest() for p in self.parameters],
                "metrics": [m.name for m in self.metrics]}


@dataclass
class _Given:
    """One setting and where it was given (a file location or a command-line option)."""

    value: Any
    where: str


def is_sweep_spec(path: Path) -> bool:
    """A YAML file with a top-level ``scenario`` key (a scenario file has ``meta``, never ``scenario``)."""
    if path.suffix.lower() not in (".yaml", ".yml") or not path.is_file():
        return False
    data, _ = read_yaml(path)
    return isinstance(data, dict) and "scenario" in data


def _from_file(path: Path) -> dict[str, _Given]:
    data, locations = read_yaml(path)
    source = shown_path(path)
    problems = [Problem(locations[(key,)], f"unknown key {key!r}" + did_you_mean(key, SPEC_KEYS))
                for key in data if key not in SPEC_KEYS]
    if problems:
        raise InputError(problems)
    given = {key: _Given(value, locations.get((key,), source)) for key, value in data.items()}
    if isinstance(given["scenario"].value, str):
        given["scenario"].value = path.parent / given["scenario"].value
    parameters = given.get("parameters")
    if parameters is not None and isinstance(parameters.value, dict):
        given["parameters"] = _Given([(str(key), _bounds(value), locations.get(("parameters", key), source))
                                      for key, value in parameters.value.items()], parameters.where)
    metrics = given.get("metrics")
    if metrics is not None and isinstance(metrics.value, list):
        given["metrics"] = _Given([(str(metric), locations.get(("metrics", i), source))
                                   for i, metric in enumerate(metrics.value)], metrics.where)
    return given


def _bounds(value: Any) -> tuple[Any, Any] | None:
    if isinstance(value, list) and len(value) == 2:
        return value[0], value[1]
    if isinstance(value, dict) and set(value) == {"low", "high"}:
        return value["low"], value["high"]
    return None


def load_sweep(file: Path, params: list[str], method: str | None, n: int | None, metrics: list[str],
               reps: int | None, seed: int | None, overrides: list[str]) -> SweepSpec:
    """The sweep ``file`` (a scenario or a sweep spec) and the options describe; InputError lists every mistake."""
    given = _from_file(file) if is_sweep_spec(file) else {"scenario": _Given(file, shown_path(file))}
    if params:
        ranges = [parse_range_option(text) for text in params]
        problems = [r for r in ranges if isinstance(r, Problem)]
        if problems:
            raise InputError(problems)
        given["parameters"] = _Given([(key, (low, high), f"--param {text}")
                                      for (key, low, high), text in zip(ranges, params, strict=True)], "--param")
    if metrics:
        given["metrics"] = _Given([(text, f"--metric {text}") for text in metrics], "--metric")
    for key, value, option in (("method", method, "--method"), ("n", n, "-n"), ("reps", reps, "--reps"),
                               ("seed", seed, "--seed")):
        if value is not None:
            given[key] = _Given(value, f"{option} {value}")
    if overrides:
        given["set"] = _Given(overrides, "--set")
    return _check(given, shown_path(file))


def _check(given: dict[str, _Given], source: str) -> SweepSpec:
    problems: list[Problem] = []

    def setting(key: str, default: Any, kind: type, minimum: int | None = None) -> Any:
        item = given.get(key)
        if item is None:
            return default
        value = item.value
        if not isinstance(value, kind) or isinstance(value, bool) or (minimum is not None and value < minimum):
            expected = {int: f"a whole number ≥ {minimum}", str: "a text", list: "a list"}[kind]
            problems.append(Problem(item.where, f"expected {expected}, got {show(value)}", key))
            return default
        return value

    scenario = given["scenario"]
    if not isinstance(scenario.value, Path):
        raise InputError([Problem(scenario.where, f"expected a scenario file name, got {show(scenario.value)}",
                                  "scenario")])
    overrides = setting("set", [], list)
    base = BaseScenario.load(scenario.value, [str(o) for o in overrides])
    method = setting("method", "oat", str)
    if method not in METHODS:
        problems.append(Problem(given["method"].where, f"unknown method {method!r}" + did_you_mean(method, METHODS)
                                + f"; expected one of {', '.join(METHODS)}", "method"))
        method = "oat"
    n = setting("n", DEFAULT_N[method], int, 1)
    bad_n = check_n(method, n, given["n"].where if "n" in given else source)
    if bad_n is not None:
        problems.append(bad_n)
    parameters = _parameters(given.get("parameters"), base, source, problems)
    calendar = Calendar.of(base.scenario.spec.horizon.start, base.scenario.spec.horizon.end)
    found_metrics = _metrics(given.get("metrics"), calendar, source, problems)
    reps = setting("reps", DEFAULT_REPS, int, 1)
    seed = setting("seed", DEFAULT_SEED, int, 0)
    if problems:
        raise InputError(problems)
    return SweepSpec(base, method, None if method == "oat" else n, tuple(parameters), tuple(found_metrics), reps, seed)


def _listed(item: _Given | None, source: str, problems: list[Problem], missing: str, key: str) -> list:
    """The items given (options or a spec's list), or none with ``missing`` as the problem."""
    if item is None or not isinstance(item.value, list) or not item.value:
        problems.append(Problem(item.where if item is not None else source, missing, key))
        return []
    return item.value


def _parameters(item: _Given | None, base: BaseScenario, source: str, problems: list[Problem]) -> list[Parameter]:
    if item is not None and item.value == UNCERTAIN:
        item = _Given([(key, (low, high), item.where) for key, low, high in uncertain_parameters(base)], item.where)
    found, seen = [], set()
    for key, bounds, where in _listed(item, source, problems, "no parameters: give --param KEY=LO:HI, or in a "
                                      "sweep spec parameters: {KEY: [LO, HI]}", "parameters"):
        if bounds is None:
            problems.append(Problem(where, "expected [LO, HI] or {low: LO, high: HI}", f"parameters.{key}"))
        elif key in seen:
            problems.append(Problem(where, "the same parameter is given twice", key))
        else:
            parameter = check_parameter(key, *bounds, where, base)
            if isinstance(parameter, Parameter):
                found.append(parameter)
            else:
                problems += parameter
        seen.add(key)
    return found


def _metrics(item: _Given | None, calendar: Calendar, source: str, problems: list[Problem]) -> list[Metric]:
    found = []
    for text, where in _listed(item, source, problems, "no metrics: give --metric INDICATOR@YYYY-MM, or in a "
                               "sweep spec metrics: [INDICATOR@YYYY-MM, …]", "metrics"):
        metric = parse_metric(text, calendar, where)
        if isinstance(metric, Problem):
            problems.append(metric)
        elif metric.name in [m.name for m in found]:
            problems.append(Problem(where, "the same metric is given twice"))
        else:
            found.append(metric)
    return found
