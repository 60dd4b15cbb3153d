"""An optimisation spec (``tuoyu optimize SPEC.yaml``), validated with located messages.

    scenario: three_year_plan.yaml      # the scenario the package is applied to (its distributions: what the
    set: []                             #   package must be robust to), with optional --set style overrides
    baseline: baseline.yaml             # optional: what the brief compares the package with
    plan: three_year_plan.yaml          # optional: the city's own plan (compared, and tried as a first candidate)
    seed: 1
    decisions:                          # lever settings and their bounds
      policies.street_centres.centres_per_year: {low: 0, high: 80, step: 5}
      policies.public_build.projects_per_year: [0, 8]          # every year of the horizon
      policies.construction_subsidy.eligible_types: {choices: [[private_inclusive], [private_inclusive, public]]}
    objective: {transfers: false, funds: all}   # public cost over the horizon (yuan)
    constraints:
      level: 0.9                        # each target met with at least this probability
      targets: all                      # or a list of target names or indicators
      budget: appropriations            # no payment waits for money (with that probability); or {total_yuan: N};
                                        #   or none
    search: {trials: 60, batch: 6, screen_reps: 12, reps: [48, 160], front_runners: 8, startup_trials: 12}
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sim.decisions.levers import Decision, parse_decision
from sim.errors import InputError, Problem, did_you_mean, show, shown_path
from sim.experiments.points import BaseScenario
from sim.scenario.budget_schema import FUNDS
from sim.scenario.load import Scenario, load_scenario
from sim.scenario.target_schema import Target
from sim.scenario.yamlio import read_yaml

SPEC_KEYS = ("scenario", "set", "baseline", "plan", "seed", "decisions", "objective", "constraints", "search")
OBJECTIVE_KEYS = ("transfers", "funds")
CONSTRAINT_KEYS = ("level", "targets", "budget")
APPROPRIATIONS, NO_BUDGET = "appropriations", "none"


@dataclass(frozen=True)
class Search:
    trials: int = 60          # candidates the sampler proposes (repeats are not evaluated again)
    batch: int = 6            # proposed at a time and evaluated together (independent of the workers: reproducible)
    screen_reps: int = 12     # replications of the cheap screen every candidate gets
    reps: tuple[int, ...] = (48, 160)  # the racing ladder for front-runners; the last decides
    front_runners: int = 8    # candidates raced at most, cheapest first
    startup_trials: int = 12  # random candidates before the sampler models the results

    @property
    def ladder(self) -> tuple[int, ...]:
        return (self.screen_reps, *self.reps)

    @property
    def final_reps(self) -> int:
        return self.ladder[-1]


@dataclass(frozen=True)
class OptimizeSpec:
    path: Path
    name: str
    base: BaseScenario
    decisions: tuple[Decision, ...]
    targets: tuple[Target, ...]   # the targets constrained (judged within the horizon)
    level: float
    budget: str                   # "appropriations", "none" or "total"
    total_yuan: float | None
    transfers: bool
    funds: tuple[str, ...]        # funds whose payments count as cost
    search: Search
    seed: int
    baseline: Scenario | None = None
    plan: Scenario | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(d.key for d in self.decisions)

    def planned(self) -> dict[str, Any]:
        """What a resumed optimisation must share with the one that was started."""
        return {"scenario": self.base.scenario.spec.model_dump(mode="json"),
                "decisions": [d.manifest() for d in self.decisions], "targets": [t.label for t in self.targets],
                "level": self.level, "budget": self.budget, "total_yuan": self.total_yuan,
                "transfers": self.transfers, "funds": list(self.funds), "search": self.search.__dict__,
                "seed": self.seed,
                "baseline": None if self.baseline is None else self.baseline.spec.model_dump(mode="json"),
                "plan": None if self.plan is None else self.plan.spec.model_dump(mode="json")}


def load_optimize(path: Path, overrides: list[str] | None = None, seed: int | None = None) -> OptimizeSpec:
    """The spec at ``path`` (``--set`` overrides and ``--seed`` added); InputError lists every mistake."""
    data, locations = read_yaml(path)
    source = shown_path(path)
    if not isinstance(data, dict):
        raise InputError([Problem(source, f"expected a mapping of {', '.join(SPEC_KEYS)}, got {show(data)}")])
    where = {key: locations.get((key,), source) for key in data}
    problems = [Problem(where[key], f"unknown key {key!r}" + did_you_mean(str(key), SPEC_KEYS)
                        + f"; expected {', '.join(SPEC_KEYS)}") for key in data if key not in SPEC_KEYS]
    for key in ("scenario", "decisions"):
        if key not in data:
            problems.append(Problem(source, f"missing {key!r}", key))
    if problems:
        raise InputError(problems)
    sets = data.get("set", [])
    if not isinstance(sets, list):
        raise InputError([Problem(where["set"], f"expected a list of KEY=VALUE, got {show(sets)}", "set")])
    base = BaseScenario.load(_file(data, "scenario", path, where), [str(s) for s in sets] + list(overrides or []))
    others = {key: load_scenario(_file(data, key, path, where)) for key in ("baseline", "plan") if key in data}
    problems = []
    for key, scenario in others.items():
        if (scenario.spec.horizon.start, scenario.spec.horizon.end) != (base.scenario.spec.horizon.start,
                                                                        base.scenario.spec.horizon.end):
            problems.append(Problem(where[key], f"horizon {scenario.spec.horizon.start}–{scenario.spec.horizon.end} "
                                                f"differs from the scenario's", key))
    decisions = _decisions(data["decisions"], locations, where["decisions"], base, problems)
    def at(*keys: str) -> str:
        """Where a key of a section is (its own line), else its section, else the file."""
        return locations.get(keys, where.get(keys[0], source))

    constraints = _mapping(data.get("constraints", {}), at, "constraints", CONSTRAINT_KEYS, problems)
    level = constraints.get("level", 0.9)
    if not isinstance(level, int | float) or isinstance(level, bool) or not 0 < level < 1:
        problems.append(Problem(at("constraints", "level"), f"level must be a probability between 0 and 1, "
                                                            f"got {show(level)}", "constraints.level"))
        level = 0.9
    targets, notes = _targets(constraints.get("targets", "all"), base, at("constraints", "targets"), problems)
    budget, total = _budget(constraints.get("budget"), base, at("constraints", "budget"), problems)
    objective = _mapping(data.get("objective", {}), at, "objective", OBJECTIVE_KEYS, problems)
    transfers = objective.get("transfers", False)
    if not isinstance(transfers, bool):
        problems.append(Problem(at("objective", "transfers"), f"transfers must be true or false, got "
                                                              f"{show(transfers)}", "objective.transfers"))
    funds = objective.get("funds", "all")
    funds = list(FUNDS) if funds == "all" else funds
    if not isinstance(funds, list) or not funds or any(f not in FUNDS for f in funds):
        bad = next((f for f in funds if f not in FUNDS), funds) if isinstance(funds, list) else funds
        problems.append(Problem(at("objective", "funds"), f"funds must be all or a list of {', '.join(FUNDS)}, got "
                                                    f"{show(bad)}" + did_you_mean(str(bad), FUNDS), "objective.funds"))
        funds = list(FUNDS)
    search = _search(data.get("search", {}), at, problems)
    seed = data.get("seed", 1) if seed is None else seed
    if not isinstance(seed, int) or isinstance(seed, bool) or seed < 0:
        problems.append(Problem(where.get("seed", source), f"expected a whole number ≥ 0, got {show(seed)}", "seed"))
    if problems:
        raise InputError(problems)
    return OptimizeSpec(path, path.stem, base, tuple(decisions), tuple(targets), float(level), budget, total,
                        transfers, tuple(funds), search, seed, others.get("baseline"), others.get("plan"), tuple(notes))


def _file(data: dict, key: str, path: Path, where: dict) -> Path:
    value = data[key]
    if not isinstance(value, str) or not value.strip():
        raise InputError([Problem(where[key], f"expected a scenario file name, got {show(value)}", key)])
    return path.parent / value


def _mapping(value: Any, at: Callable[..., str], name: str, keys: tuple[str, ...], problems: list[Problem]) -> dict:
    """Section ``name`` of a spec, a mapping of ``keys``; ``at(name, key)`` locates a key."""
    if not isinstance(value, dict):
        problems.append(Problem(at(name), f"expected a mapping of {', '.join(keys)}, got {show(value)}", name))
        return {}
    for key in value:
        if key not in keys:
            problems.append(Problem(at(name, str(key)), f"unknown key {key!r}" + did_you_mean(str(key), keys)
                                    + f"; expected {', '.join(keys)}", name))
    return value


def _decisions(given: Any, locations: dict, where: str, base: BaseScenario, problems: list[Problem]) -> list[Decision]:
    if not isinstance(given, dict) or not given:
        problems.append(Problem(where, "expected lever settings and their bounds, e.g. "
                                       "policies.street_centres.centres_per_year: [0, 80]", "decisions"))
        return []
    found = []
    for key, bounds in given.items():
        decision = parse_decision(str(key), bounds, locations.get(("decisions", key), where), base)
        if isinstance(decision, Decision):
            found.append(decision)
        else:
            problems.extend(decision)
    return found


def _targets(given: Any, base: BaseScenario, where: str, problems: list[Problem]) -> tuple[list[Target], list[str]]:
    scenario = base.scenario.spec
    every = scenario.all_targets()
    judged = [t for t in every if t.deadline <= scenario.horizon.end]
    notes = [f"target {t.label!r}: its deadline {t.deadline} is after the horizon, so it cannot be judged and is "
             f"not a constraint" for t in every if t not in judged]
    if given == "all":
        if not judged:
            problems.append(Problem(where, "the scenario has no target judged within its horizon",
                                    "constraints.targets"))
        return judged, notes
    if not isinstance(given, list) or not given:
        problems.append(Problem(where, f"expected all or a list of target names or indicators, got {show(given)}",
                                "constraints.targets"))
        return judged, notes
    chosen = []
    for name in given:
        matches = [t for t in every if name in (t.label, t.name, t.indicator)]
        if len(matches) != 1:
            options = [t.label for t in every] + [t.indicator for t in every]
            problems.append(Problem(where, (f"{show(name)} names {len(matches)} targets; give its full name" if matches
                                            else f"unknown target {show(name)}" + did_you_mean(str(name), options))
                                    + "; the scenario's targets: " + "; ".join(t.label for t in every),
                                    "constraints.targets"))
        elif matches[0] not in judged:
            problems.append(Problem(where, f"target {matches[0].label!r} has its deadline after the horizon "
                                           f"{scenario.horizon.end}", "constraints.targets"))
        else:
            chosen.append(matches[0])
    return chosen, []


def _budget(given: Any, base: BaseScenario, where: str, problems: list[Problem]) -> tuple[str, float | None]:
    has_budget = base.scenario.spec.budget is not None and bool(base.scenario.spec.budget.funds)
    if given is None:
        return (APPROPRIATIONS if has_budget else NO_BUDGET), None
    if given == APPROPRIATIONS:
        if not has_budget:
            problems.append(Problem(where, "budget: appropriations needs a budget: section with funds in the "
                                           "scenario; give budget: {total_yuan: N} or none", "constraints.budget"))
        return APPROPRIATIONS, None
    if given == NO_BUDGET:
        return NO_BUDGET, None
    if isinstance(given, dict) and set(given) == {"total_yuan"}:
        total = given["total_yuan"]
        if isinstance(total, int | float) and not isinstance(total, bool) and total > 0:
            return "total", float(total)
    problems.append(Problem(where, f"budget must be appropriations, none or {{total_yuan: N}}, got {show(given)}",
                            "constraints.budget"))
    return NO_BUDGET, None


def _search(given: Any, at: Callable[..., str], problems: list[Problem]) -> Search:
    defaults = Search()
    values = _mapping(given, at, "search", tuple(defaults.__dict__), problems)
    settings: dict[str, Any] = {}
    for key, default in defaults.__dict__.items():
        value = values.get(key, default)
        if key == "reps":
            ok = isinstance(value, list | tuple) and value and all(
                isinstance(v, int) and not isinstance(v, bool) for v in value)
            value = tuple(value) if ok else value
        else:
            ok = isinstance(value, int) and not isinstance(value, bool) and value >= 1
        if not ok:
            expected = "a list of whole numbers" if key == "reps" else "a whole number ≥ 1"
            problems.append(Problem(at("search", key), f"expected {expected}, got {show(value)}", f"search.{key}"))
            value = default
        settings[key] = value
    search = Search(**settings)
    ladder = search.ladder
    if any(b <= a for a, b in itertools.pairwise(ladder)):
        problems.append(Problem(at("search", "reps"), f"replications must rise from screen_reps through reps, got "
                                       f"{', '.join(map(str, ladder))}", "search.reps"))
    return search
