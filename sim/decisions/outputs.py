"""What ``tuoyu optimize`` writes: the candidates and the cost–robustness front, the recommended package as a
scenario overlay, and the tables of the brief (the package, its cost by year and fund, each target's probability
with its interval, and what it buys against the baseline and the city's plan).

Folder (see docs/decisions.md): manifest.json (kind "optimize"), study.db (the Optuna study), replications.csv
(one row per replication of every package run), candidates.csv, front.csv, package.csv, targets.csv, costs.csv,
outcomes.csv, recommended.yaml, front_<lang>.png and brief_<lang>.pdf/.png in Chinese and English.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.decisions.estimates import INFEASIBLE, Estimate
from sim.decisions.evaluate import BASELINE, OUTCOMES, PACKAGE, PAYERS, PLAN
from sim.decisions.optimize import OptimizeOutcome, Run, Values, constraint_names, search_candidates
from sim.decisions.spec import OptimizeSpec
from sim.errors import shown_path
from sim.experiments.folder import write_atomically
from sim.output import CSV_ENCODING
from sim.scenario import layers

LANGUAGES = ("zh", "en")
SCENARIOS = ("recommended", "plan", "baseline")


def package_dict(spec: OptimizeSpec, values: Values) -> dict[str, Any]:
    """The package as the scenario reads it: decision key → value."""
    return {d.key: d.applied(v) for d, v in zip(spec.decisions, values, strict=True)}


def candidates_table(run: Run, study: Any, recommended: Values | None) -> pd.DataFrame:
    """Every distinct package screened, in the order first proposed, at the most replications it got."""
    spec = run.spec
    names = constraint_names(spec)
    rows = []
    for number, values in enumerate(search_candidates(run, study)):
        key = (PACKAGE, values)
        reps = max(r for r in spec.search.ladder if r <= run.rows.reps(key))
        estimate = run.estimate(key, reps)
        final = reps == spec.search.final_reps
        status = estimate.status(spec.level, final=final, total_yuan=spec.total_yuan)
        if values == recommended:
            status = "recommended"
        elif status != INFEASIBLE and not final:
            status = "screened" if reps == spec.search.screen_reps else "undecided"
        row: dict[str, Any] = {"candidate": number, **{d.key: d.applied(v) if d.kind != "choice" else d.shown(v)
                                                      for d, v in zip(spec.decisions, values, strict=True)},
                               "replications": reps, "cost_yuan": estimate.cost, "cost_p5_yuan": estimate.cost_p5,
                               "cost_p95_yuan": estimate.cost_p95}
        for name, p, low, high in zip(names, estimate.probability, estimate.low, estimate.high, strict=True):
            row.update({f"P({name})": p, f"P({name}) low": low, f"P({name}) high": high})
        targets = estimate.probability[:len(spec.targets)]
        lowest = int(np.argmin(targets))
        row.update(lowest_target_probability=targets[lowest], lowest_target=spec.targets[lowest].label,
                   lowest_low=estimate.low[lowest], lowest_high=estimate.high[lowest],
                   within_budget=_within_budget(spec, estimate), status=status)
        rows.append(row)
    frame = pd.DataFrame(rows)
    frame["on_front"] = front_mask(frame)
    return frame


def _within_budget(spec: OptimizeSpec, estimate: Estimate) -> bool:
    if spec.total_yuan is not None:
        return estimate.cost <= spec.total_yuan
    if len(estimate.probability) > len(spec.targets):  # appropriations: the last constraint
        return estimate.probability[-1] >= spec.level
    return True


def front_mask(frame: pd.DataFrame) -> np.ndarray:
    """The cost–robustness front: packages within the budget that no other such package beats on both cost (lower)
    and lowest target probability (higher)."""
    cost = frame["cost_yuan"].to_numpy()
    robust = frame["lowest_target_probability"].to_numpy()
    ok = frame["within_budget"].to_numpy(dtype=bool)
    mask = np.zeros(len(frame), dtype=bool)
    for i in np.flatnonzero(ok):
        others = ok & (cost <= cost[i]) & (robust >= robust[i]) & ((cost < cost[i]) | (robust > robust[i]))
        mask[i] = not others.any()
    return mask


def scenario_keys(run: Run, recommended: Values | None) -> dict[str, tuple[int, Values]]:
    spec = run.spec
    found = {}
    if recommended is not None:
        found["recommended"] = (PACKAGE, recommended)
    if spec.plan is not None:
        found["plan"] = (PLAN, ())
    if spec.baseline is not None:
        found["baseline"] = (BASELINE, ())
    return found


def _spread(values: np.ndarray) -> dict[str, float]:
    return {"mean": float(values.mean()), "p5": float(np.percentile(values, 5)),
            "p95": float(np.percentile(values, 95))}


def targets_table(run: Run, keys: dict[str, tuple[int, Values]], estimates: dict[str, Estimate]) -> pd.DataFrame:
    spec = run.spec
    rows = []
    for name, key in keys.items():
        estimate = estimates[name]
        table = run.rows.table(key, estimate.reps)
        for i, constraint in enumerate(constraint_names(spec)):
            row = {"scenario": name, "constraint": constraint, "probability": estimate.probability[i],
                   "low": estimate.low[i], "high": estimate.high[i], "replications": estimate.reps,
                   "level": spec.level, "met": estimate.probability[i] >= spec.level}
            if i < len(spec.targets):
                target = spec.targets[i]
                row.update(indicator=target.indicator, deadline=target.deadline,
                           **{f"value_{k}": v for k, v in _spread(table[:, run.layout.index(f"value:{i}")]).items()})
            rows.append(row)
    return pd.DataFrame(rows, columns=["scenario", "constraint", "probability", "low", "high", "replications", "level",
                                       "met", "indicator", "deadline", "value_mean", "value_p5", "value_p95"])


def costs_table(run: Run, keys: dict[str, tuple[int, Values]], estimates: dict[str, Estimate]) -> pd.DataFrame:
    """Payments for services by year and payer (mean, p5, p95 over the replications), each year's total, the
    horizon's, and the objective (public cost as the spec counts it)."""
    rows = []
    years = run.layout.years
    for name, key in keys.items():
        table = run.rows.table(key, estimates[name].reps)
        for year in years:
            columns = [run.layout.index(f"paid:{payer}:{year}") for payer in PAYERS]
            for payer, column in zip(PAYERS, columns, strict=True):
                if table[:, column].any():
                    rows.append({"scenario": name, "period": str(year), "payer": payer, **_spread(table[:, column])})
            rows.append({"scenario": name, "period": str(year), "payer": "all",
                         **_spread(table[:, columns].sum(axis=1))})
        whole = f"{years[0]}–{years[-1]}"
        rows.append({"scenario": name, "period": whole, "payer": "all",
                     **_spread(table[:, run.layout.index("services")])})
        rows.append({"scenario": name, "period": whole, "payer": "household transfers",
                     **_spread(table[:, run.layout.index("transfers")])})
        rows.append({"scenario": name, "period": whole, "payer": "objective",
                     **_spread(table[:, run.layout.index("cost")])})
    return pd.DataFrame(rows, columns=["scenario", "period", "payer", "mean", "p5", "p95"])


def outcomes_table(run: Run, keys: dict[str, tuple[int, Values]], estimates: dict[str, Estimate]) -> pd.DataFrame:
    rows = []
    for name, key in keys.items():
        table = run.rows.table(key, estimates[name].reps)
        for indicator in OUTCOMES:
            rows.append({"scenario": name, "indicator": indicator,
                         **_spread(table[:, run.layout.index(f"outcome:{indicator}")])})
    return pd.DataFrame(rows, columns=["scenario", "indicator", "mean", "p5", "p95"])


def package_table(spec: OptimizeSpec, recommended: Values | None) -> pd.DataFrame:
    """Each decision: its bounds and the value recommended, in the plan and in the baseline."""
    from sim.scenario.policy_schema import levers

    registry = levers()
    rows = []
    for i, d in enumerate(spec.decisions):
        lever = registry[d.lever]
        rows.append({"decision": d.key, "lever_zh": lever.label_zh, "lever_en": lever.label_en,
                     "bounds": " | ".join(map(_plain, d.choices)) if d.choices else f"{d.low:g}–{d.high:g}",
                     "recommended": None if recommended is None else _plain(d.applied(recommended[i])),
                     "plan": setting(spec.plan, d.keys), "baseline": setting(spec.baseline, d.keys)})
    return pd.DataFrame(rows)


def _plain(value: Any) -> str:
    if isinstance(value, list):
        return "+".join(map(str, value)) or "—"
    if isinstance(value, float):
        return f"{value:,.6g}"
    return f"{value:,}" if isinstance(value, int) else str(value)


def setting(scenario: Any, keys: tuple[str, ...]) -> str:
    """A scenario's own value at a decision's keys ("—" for a lever that is off; years joined by /)."""
    if scenario is None:
        return ""
    resolved = scenario.spec.model_dump(mode="json")
    found = []
    for key in keys:
        node: Any = resolved
        for part in key.split("."):
            node = node.get(part) if isinstance(node, dict) else None
        found.append("—" if node is None else _plain(node) if not isinstance(node, dict) else "~")
    return found[0] if len(set(found)) == 1 else " / ".join(found)


def overlay_text(spec: OptimizeSpec, values: Values, out: Path, estimate: Estimate) -> str:
    """A scenario that ``extends:`` the optimised one and sets the spec's overrides and the package."""
    meta = spec.base.scenario.spec.meta
    settings: dict[str, Any] = {"meta.name": f"{meta.name} · 推荐方案",
                                "meta.name_en": f"{meta.name_en or meta.name}: recommended package"}
    for d, v in zip(spec.decisions, values, strict=True):
        settings.update(d.overrides(v))
    day = datetime.now(UTC).date().isoformat()
    probabilities = ", ".join(f"{name}: {p:.0%}" for name, p in zip(constraint_names(spec), estimate.probability,
                                                                    strict=True))
    header = (f"# The cheapest package found by `tuoyu optimize {shown_path(spec.path)}` on {day} (seed {spec.seed}, "
              f"{estimate.reps} replications): public cost {estimate.cost / 1e4:,.0f} 万元 over the horizon.\n"
              f"# Probabilities: {probabilities}.\n"
              f"# Run it (tuoyu run) or compare it (tuoyu compare) as it is, or extend it.\n")
    return layers.overlay_text(spec.base.scenario.path, spec.base.scenario.overrides, settings, out, header)


def write(run: Run, study: Any, recommended: Values | None, estimates: dict[str, Estimate], notes: list[str],
          out: Path, charts: bool = True) -> OptimizeOutcome:
    """Write the tables, the overlay, the front chart and the briefs; the outcome."""
    spec = run.spec
    candidates = candidates_table(run, study, recommended)
    front = candidates[candidates["on_front"]].sort_values(["cost_yuan", "candidate"]).reset_index(drop=True)
    keys = scenario_keys(run, recommended)
    tables = {"candidates": candidates, "front": front, "package": package_table(spec, recommended),
              "targets": targets_table(run, keys, estimates), "costs": costs_table(run, keys, estimates),
              "outcomes": outcomes_table(run, keys, estimates)}
    for name, frame in tables.items():
        frame.to_csv(out / f"{name}.csv", index=False, encoding=CSV_ENCODING)
    if recommended is not None:
        write_atomically(out / "recommended.yaml", overlay_text(spec, recommended, out, estimates["recommended"]))
    if charts:
        from sim.charts import decisions as decision_charts  # matplotlib only when drawing

        decision_charts.write_optimize_charts(out, spec, tables, notes, LANGUAGES)
    return OptimizeOutcome(candidates, front, recommended, estimates, notes, run.computed, run.rows.count)


def summary_lines(outcome: OptimizeOutcome, spec: OptimizeSpec) -> list[str]:
    """What the command prints at the end: the package, its cost and each constraint's probability, or why there
    is none; and the notes."""
    lines = []
    names = constraint_names(spec)
    if outcome.recommended is None:
        lines.append(f"No package found that meets every constraint with probability ≥ {spec.level:g}.")
    else:
        estimate = outcome.estimates["recommended"]
        lines.append(f"Recommended package (the cheapest found that meets every constraint with probability ≥ "
                     f"{spec.level:g}; {estimate.reps} replications):")
        lines += [f"  {d.key} = {d.shown(v)}" for d, v in zip(spec.decisions, outcome.recommended, strict=True)]
        lines.append(f"  public cost over the horizon: {estimate.cost / 1e4:,.0f} 万元 (p5–p95 "
                     f"{estimate.cost_p5 / 1e4:,.0f}–{estimate.cost_p95 / 1e4:,.0f})")
    for scenario in ("recommended", "plan", "baseline"):
        if scenario in outcome.estimates:
            estimate = outcome.estimates[scenario]
            shown = "; ".join(f"{name}: {p:.0%} ({low:.0%}–{high:.0%})" for name, p, low, high in zip(
                names, estimate.probability, estimate.low, estimate.high, strict=True))
            lines.append(f"{scenario}: cost {estimate.cost / 1e4:,.0f} 万元; {shown}")
    lines.append(f"{len(outcome.candidates)} packages screened, {len(outcome.front)} on the cost–robustness front; "
                 f"{outcome.evaluations} replications in all, {outcome.computed} run now")
    lines += [f"note: {note}" for note in outcome.notes]
    return lines
