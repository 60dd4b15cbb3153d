"""A calibration spec (校准设定): YAML naming the scenario, the parameters to fit and the observations to fit
them to, checked with every problem located::

    scenario: ../scenarios/example_city/baseline.yaml   # relative to this file; or, to fit several histories with
    scenarios:                                          # the same parameter values, a name for each
      hebei: ../scenarios/hebei/history_2021.yaml       # (the first is the one the overlay and the chart follow)
      nation: ../scenarios/hebei/history_national.yaml
    set: [horizon.end=2025-12]       # optional --set overrides of the scenario (kept in the overlay)
    observed: observed.csv           # optional (default observed.csv beside this file)
    method: de                       # de (differential evolution) | nelder-mead
    reps: 3                          # replications per evaluation, the same seeds for every evaluation
    seed: 1                          # root seed of the replications and of the optimiser
    maxiter: 8                       # de: generations; nelder-mead: iterations
    popsize: 4                       # de only: candidates per generation = popsize × parameters
    parameters:                      # dotted scenario key: [low, high] or {low: …, high: …, start: …}
      demand.give_up_per_month_share: {low: 0.02, high: 0.2, start: 0.08}
    targets:                         # what the loss compares
      - {observed: cn_enrolment_2024, date: 2025-12, geography: city, weight: 1}
      - {indicator: licensed_occupancy, date: 2025-12, value: 0.5, weight: 1}
    backtest:                        # optional: observations kept out of the fit, reported at the fitted values
      - {observed: hebei_places_per_1000_2023_06}
    fit_until: 2022-12               # optional: no fit target after this month (a holdout kept by construction)

The loss is Σ weight × ((simulated − observed) / observed)², simulated being the mean over the replications.
A target names its value inline (``indicator``, ``date``, ``value``) or an ``observed`` row of the CSV, which
gives all three; ``date`` may then be given to read the simulated value at another month (a national figure
of 2024 read in a scenario that starts in 2025). ``geography`` is ``city`` (the whole scenario, the default)
or a district id. With ``scenarios:``, ``scenario`` names the one a target is read in (default the first);
every scenario runs the same replications of every candidate, so the loss sums their targets under common
random numbers.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sim.calibration.observed import Observation, read_observed
from sim.errors import InputError, Problem, did_you_mean, show, shown_path
from sim.experiments.metrics import Metric, parse_metric
from sim.experiments.parameters import Parameter, check_parameter
from sim.experiments.points import BaseScenario
from sim.results import Calendar
from sim.runner import DEFAULT_SEED
from sim.scenario.months import parse_month
from sim.scenario.yamlio import read_yaml

SPEC_KEYS = ("scenario", "scenarios", "set", "observed", "method", "reps", "seed", "maxiter", "popsize", "parameters",
             "targets", "backtest", "fit_until")
TARGET_KEYS = ("scenario", "indicator", "date", "geography", "weight", "value", "observed")
METHODS = ("de", "nelder-mead")
DEFAULT_MAXITER = {"de": 8, "nelder-mead": 60}
CITY = "city"


@dataclass(frozen=True)
class FitParameter:
    """A parameter to fit: its key and bounds (``low``, ``high``) and where the search starts."""

    parameter: Parameter
    start: float

    @property
    def key(self) -> str:
        return self.parameter.key


@dataclass(frozen=True)
class Target:
    """An observed value and the simulated value it is compared with: ``metric`` at ``date`` in ``geography``."""

    metric: Metric
    geography: str
    date: str
    value: float
    weight: float
    observed: str  # the observed row's id, or "" for a value given in the spec
    scenario: str = ""  # the scenario it is read in ("" in a spec of one scenario)

    @property
    def name(self) -> str:
        """``indicator@YYYY-MM``, with ``@district`` for a district and ``scenario:`` in front in a spec of
        several scenarios: a column of evaluations.csv."""
        name = self.metric.name if self.geography == CITY else f"{self.metric.name}@{self.geography}"
        return f"{self.scenario}:{name}" if self.scenario else name

    @property
    def indicator(self) -> str:
        return self.metric.indicator


@dataclass(frozen=True)
class CalibrationSpec:
    name: str
    path: Path
    bases: dict[str, BaseScenario]  # by name ("" for a spec of one scenario), the first first
    parameters: tuple[FitParameter, ...]
    targets: tuple[Target, ...]
    backtest: tuple[Target, ...]
    method: str
    reps: int
    seed: int
    maxiter: int
    popsize: int

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(p.key for p in self.parameters)

    @property
    def base(self) -> BaseScenario:
        """The first scenario: the overlay extends it and its values are the parameters' scenario values."""
        return next(iter(self.bases.values()))

    def target_positions(self, scenario: str) -> list[int]:
        """Where the targets read in ``scenario`` stand among all the targets, in order."""
        return [i for i, t in enumerate(self.targets) if t.scenario == scenario]

    def targets_in(self, scenario: str) -> tuple[Target, ...]:
        return tuple(self.targets[i] for i in self.target_positions(scenario))

    def planned(self) -> dict[str, Any]:
        """What a resumed calibration must share with the one that was started."""
        scenarios = {"scenario": self.base.scenario.spec.model_dump(mode="json")} if "" in self.bases else \
            {"scenarios": {name: base.scenario.spec.model_dump(mode="json") for name, base in self.bases.items()}}
        return {**scenarios, "method": self.method,
                "reps": self.reps, "seed": self.seed, "maxiter": self.maxiter, "popsize": self.popsize,
                "parameters": [{**p.parameter.manifest(), "start": p.start} for p in self.parameters],
                "targets": [{"name": t.name, "value": t.value, "weight": t.weight} for t in self.targets],
                "backtest": [{"name": t.name, "value": t.value} for t in self.backtest]}


class _Checker:
    """Reads one spec file, gathering problems located at file:line:column."""

    def __init__(self, path: Path):
        self.path = path
        self.source = shown_path(path)
        self.data, self.locations = read_yaml(path)
        self.problems: list[Problem] = []

    def where(self, *keys: Any) -> str:
        for depth in range(len(keys), 0, -1):
            if keys[:depth] in self.locations:
                return self.locations[keys[:depth]]
        return self.source

    def setting(self, key: str, default: Any, minimum: int) -> Any:
        value = self.data.get(key, default)
        if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
            self.problems.append(Problem(self.where(key), f"expected a whole number ≥ {minimum}, got {show(value)}",
                                         key))
            return default
        return value


def load_calibration(path: Path, reps: int | None = None, method: str | None = None) -> CalibrationSpec:
    """The calibration ``path`` describes (``reps`` and ``method`` from the command line win); InputError lists
    every mistake."""
    check = _Checker(path)
    data = check.data
    if not isinstance(data, dict) or not {"scenario", "scenarios"} & set(data):
        raise InputError([Problem(check.source, "expected a calibration spec: a mapping with a 'scenario' key, or "
                                                "'scenarios' (and parameters, targets)")])
    unknown = [Problem(check.where(key), f"unknown key {key!r}" + did_you_mean(key, SPEC_KEYS))
               for key in data if key not in SPEC_KEYS]
    if unknown:
        raise InputError(unknown)
    overrides = data.get("set", [])
    if not isinstance(overrides, list):
        raise InputError([Problem(check.where("set"), f"expected a list of KEY=VALUE, got {show(overrides)}", "set")])
    bases = {name: BaseScenario.load(path.parent / file, [str(o) for o in overrides])
             for name, file in _scenario_files(check).items()}
    method = method if method is not None else data.get("method", "de")
    if method not in METHODS:
        check.problems.append(Problem(check.where("method") if "method" in data else "--method",
                                      f"unknown method {method!r}" + did_you_mean(method, METHODS)
                                      + f"; expected one of {', '.join(METHODS)}", "method"))
        method = "de"
    reps = reps if reps is not None else check.setting("reps", 3, 1)
    seed = check.setting("seed", DEFAULT_SEED, 0)
    maxiter = check.setting("maxiter", DEFAULT_MAXITER[method], 1)
    popsize = check.setting("popsize", 5, 1)
    parameters = _parameters(check, bases)
    observed = _observed(check)
    targets = _targets(check, "targets", bases, observed, weighted=True)
    backtest = _targets(check, "backtest", bases, observed, weighted=False) if "backtest" in data else []
    if "fit_until" in data:
        try:
            until = parse_month(data["fit_until"])
        except ValueError as err:
            check.problems.append(Problem(check.where("fit_until"), str(err), "fit_until"))
        else:
            check.problems += [Problem(check.where("targets"), f"{t.name}: the target is dated {t.date}, after "
                                                               f"fit_until {until}; move it to backtest", "targets")
                               for t in targets if t.date > until]
    fitted = {(t.name, t.value) for t in targets}
    check.problems += [Problem(check.where("backtest"), f"{t.name} = {t.value:g} is also a fit target; a backtest "
                                                        f"observation must be kept out of the fit", "backtest")
                       for t in backtest if (t.name, t.value) in fitted]
    if check.problems:
        raise InputError(check.problems)
    return CalibrationSpec(path.stem, path, bases, tuple(parameters), tuple(targets), tuple(backtest), method, reps,
                           seed, maxiter, popsize)


def _scenario_files(check: _Checker) -> dict[str, str]:
    """The scenario files by name: ``{"": file}`` for ``scenario:``, the mapping of ``scenarios:``."""
    data = check.data
    if "scenario" in data and "scenarios" in data:
        raise InputError([Problem(check.where("scenarios"), "give either scenario (one file) or scenarios (a name for "
                                                            "each file), not both", "scenarios")])
    if "scenario" in data:
        if not isinstance(data["scenario"], str):
            raise InputError([Problem(check.where("scenario"), f"expected a scenario file name, got "
                                                               f"{show(data['scenario'])}", "scenario")])
        return {"": data["scenario"]}
    given = data["scenarios"]
    if not isinstance(given, dict) or not given:
        raise InputError([Problem(check.where("scenarios"), f"expected a name for each scenario file "
                                                            f"({{NAME: FILE}}), got {show(given)}", "scenarios")])
    bad = [Problem(check.where("scenarios", name), f"expected a name of letters, digits and _ and a scenario file "
                                                   f"name, got {show(name)}: {show(file)}", f"scenarios.{name}")
           for name, file in given.items()
           if not (isinstance(name, str) and name.isidentifier() and isinstance(file, str))]
    if bad:
        raise InputError(bad)
    return dict(given)


def _parameters(check: _Checker, bases: dict[str, BaseScenario]) -> list[FitParameter]:
    given = check.data.get("parameters")
    if not isinstance(given, dict) or not given:
        check.problems.append(Problem(check.where("parameters"), "expected parameters: {KEY: [LO, HI]} or "
                                                                 "{KEY: {low: LO, high: HI, start: S}}", "parameters"))
        return []
    found = []
    for key, bounds in given.items():
        where = check.where("parameters", key)
        if isinstance(bounds, list) and len(bounds) == 2:
            bounds = {"low": bounds[0], "high": bounds[1]}
        if not isinstance(bounds, dict) or not {"low", "high"} <= set(bounds) <= {"low", "high", "start"}:
            check.problems.append(Problem(where, "expected [LO, HI] or {low: LO, high: HI, start: S}",
                                          f"parameters.{key}"))
            continue
        checked = [check_parameter(str(key), bounds["low"], bounds["high"], where, base) for base in bases.values()]
        wrong = [problem for found_there in checked if not isinstance(found_there, Parameter)
                 for problem in found_there]
        if wrong:
            check.problems += list(dict.fromkeys(wrong))
            continue
        parameter = checked[0]
        start = bounds.get("start", min(max(parameter.base, parameter.low), parameter.high))
        number = isinstance(start, int | float) and not isinstance(start, bool)
        if not number or not parameter.low <= start <= parameter.high:
            check.problems.append(Problem(where, f"start must be a number from {parameter.low:g} to "
                                                 f"{parameter.high:g}, got {show(start)}", f"parameters.{key}"))
            continue
        found.append(FitParameter(parameter, float(start)))
    return found


def _observed(check: _Checker) -> dict[str, Observation] | None:
    """The observed CSV's rows if a target refers to one (read once), else None."""
    referred = any(isinstance(t, dict) and "observed" in t
                   for section in ("targets", "backtest") for t in check.data.get(section) or []
                   if isinstance(check.data.get(section), list))
    if not referred:
        return None
    name = check.data.get("observed", "observed.csv")
    if not isinstance(name, str):
        check.problems.append(Problem(check.where("observed"), f"expected a CSV file name, got {show(name)}",
                                      "observed"))
        return None
    return read_observed(check.path.parent / name)


def _targets(check: _Checker, section: str, bases: dict[str, BaseScenario],
             observed: dict[str, Observation] | None, weighted: bool) -> list[Target]:
    given = check.data.get(section)
    if not isinstance(given, list) or not given:
        check.problems.append(Problem(check.where(section), "expected a list of {indicator, date, value} or "
                                                            "{observed: ID} entries", section))
        return []
    found: list[Target] = []
    # A backtest observation has no weight; a spec of one scenario no target's scenario.
    keys = tuple(k for k in TARGET_KEYS if (weighted or k != "weight") and ("" not in bases or k != "scenario"))
    for i, entry in enumerate(given):
        where = check.where(section, i)
        path = f"{section}[{i}]"
        if not isinstance(entry, dict):
            check.problems.append(Problem(where, f"expected a mapping with keys {', '.join(keys)}", path))
            continue
        bad = [k for k in entry if k not in keys]
        if bad:
            check.problems += [Problem(check.where(section, i, k), f"unknown key {k!r}" + did_you_mean(k, keys), path)
                               for k in bad]
            continue
        scenario = str(entry.get("scenario", next(iter(bases))))
        if scenario not in bases:
            check.problems.append(Problem(check.where(section, i, "scenario"), f"unknown scenario {scenario!r}"
                                          + did_you_mean(scenario, bases) + f"; expected one of {', '.join(bases)}",
                                          path))
            continue
        target = _target(entry, where, path, scenario, bases[scenario], observed, check.problems)
        if target is not None and target.name in [t.name for t in found]:
            check.problems.append(Problem(where, f"{target.name} is given twice", path))
        elif target is not None:
            found.append(target)
    return found


def _target(entry: dict[str, Any], where: str, path: str, scenario: str, base: BaseScenario,
            observed: dict[str, Observation] | None, problems: list[Problem]) -> Target | None:
    before = len(problems)
    districts = base.scenario.city.district_ids
    calendar = Calendar.of(base.scenario.spec.horizon.start, base.scenario.spec.horizon.end)
    row_id = ""
    if "observed" in entry:
        row_id = str(entry["observed"])
        if observed is None or row_id not in observed:
            problems.append(Problem(where, f"no observed row {row_id!r}" + did_you_mean(row_id, observed or {}), path))
            return None
        row = observed[row_id]
        if not row.target:
            problems.append(Problem(where, f"observed row {row_id!r} ({row.indicator}) maps onto no model indicator "
                                           f"(target = no in {row.where}), so it cannot be fitted", path))
            return None
        clash = [k for k in ("indicator", "value") if k in entry]
        if clash:
            problems.append(Problem(where, f"{' and '.join(clash)} come from observed row {row_id!r}; give either "
                                           "observed or indicator, date and value", path))
        indicator, date, value = row.indicator, str(entry.get("date", row.date)), row.value
    else:
        missing = [k for k in ("indicator", "date", "value") if k not in entry]
        if missing:
            problems.append(Problem(where, f"missing {', '.join(missing)} (or name an observed row: observed: ID)",
                                    path))
            return None
        indicator, date, value = str(entry["indicator"]), str(entry["date"]), entry["value"]
    if isinstance(value, bool) or not isinstance(value, int | float) or value == 0:
        problems.append(Problem(where, f"expected a non-zero number as the observed value (the loss divides by it), "
                                       f"got {show(value)}", path))
    weight = entry.get("weight", 1.0)
    if isinstance(weight, bool) or not isinstance(weight, int | float) or weight <= 0:
        problems.append(Problem(where, f"expected a positive weight, got {show(weight)}", path))
    geography = str(entry.get("geography", CITY))
    if geography != CITY and geography not in districts:
        problems.append(Problem(where, f"unknown geography {geography!r}" + did_you_mean(geography, [CITY, *districts])
                                + "; expected city or a district id", path))
    metric = parse_metric(f"{indicator}@{date}", calendar, where)
    if isinstance(metric, Problem):
        problems.append(Problem(metric.where, metric.message, path))
    elif metric.yearly:
        problems.append(Problem(where, f"expected a month YYYY-MM as the date, got {date!r}", path))
    if len(problems) > before:
        return None
    position = 0 if geography == CITY else 1 + districts.index(geography)
    return Target(Metric(metric.name, metric.indicator, False, metric.index, position), geography, date,
                  float(value), float(weight), row_id, scenario)
