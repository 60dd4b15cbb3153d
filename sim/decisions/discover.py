"""``tuoyu discover``: under which conditions does a target fail? Scenario discovery on the runs of a sweep or an
optimisation.

Each run is a case: its inputs (a sweep's parameters; an optimisation's lever settings and the value every
uncertain parameter took in that replication) and whether the target failed in it. PRIM (Friedman and Fisher
1999, the EMA Workbench's implementation) peels the input space down to boxes where failures concentrate,
trading *coverage* (the share of all failures inside the box) against *density* (the share of the runs inside
the box that fail). Each restricted dimension comes with the quasi-p value of the restriction (a one-sided binomial
test: is the box denser than it would be without that limit?); limits with a quasi-p above 5% are dropped, and the
box chosen is the one with the most coverage among those on the peeling trajectory still at least as dense as
``threshold`` once so pruned (the densest, pruned, if none is). A classification tree
(scikit-learn's CART) fitted to the same cases is the cross-check: its failing leaves are boxes too, found by a
different rule.

Folder: manifest.json (kind "discover"), cases.csv (the inputs and the outcome of every case), boxes.csv (each
box: coverage, density, mass, its limits and qp values, and the sentence in both languages), tree.csv (the tree's
leaves as rules), discover_<lang>.png.
"""

from __future__ import annotations

import json
import re
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.errors import InputError, Problem, did_you_mean, shown_path
from sim.scenario.policy_schema import levers

THRESHOLD = 0.8       # PRIM's density goal: the box chosen is the widest at least this dense
PEEL_ALPHA = 0.05     # share of the cases peeled off at each step
MASS_MIN = 0.05       # a box keeps at least this share of the cases
SIGNIFICANCE = 0.05   # a restriction whose quasi-p value is above this is dropped from the box chosen
MIN_CASES = 20
_TARGET_FORM = re.compile(r"^\s*(?P<metric>[A-Za-z0-9_]+@\d{4}(-\d{2})?)\s*(?P<op>>=|<=|≥|≤)\s*"
                          r"(?P<value>[-0-9.eE+]+)\s*$")


@dataclass(frozen=True)
class Cases:
    """The inputs (runs × dimensions), whether the target failed in each run, and what was asked."""

    x: pd.DataFrame
    failed: np.ndarray
    target: str
    source: str  # "sweep" or "optimize"


def load_cases(folder: Path, target: str) -> Cases:
    """The cases of a complete sweep or optimisation folder, for ``target``: in a sweep, a condition on one of its
    metrics (``places_per_1000@2027-12>=4.5``); in an optimisation, a constraint's name or indicator, or ``any``
    (some constraint fails)."""
    where = shown_path(folder)
    try:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise InputError([Problem(where, "not a tuoyu results folder (no readable manifest.json); give the folder "
                                         "of a tuoyu sweep or tuoyu optimize")]) from None
    kind = manifest.get("kind")
    if kind not in ("sweep", "optimize"):
        raise InputError([Problem(where, f"is a {kind or 'run'} folder; discovery reads the runs of a sweep or an "
                                         f"optimisation")])
    if manifest.get("status") != "complete":
        raise InputError([Problem(where, "is not complete; finish it with --resume first")])
    cases = _sweep_cases(folder, manifest, target) if kind == "sweep" else _optimize_cases(folder, manifest, target)
    x = cases.x.loc[:, cases.x.notna().all() & (cases.x.nunique() > 1)]
    if len(x) < MIN_CASES:
        raise InputError([Problem(where, f"has {len(x)} runs; discovery needs at least {MIN_CASES}")])
    if not cases.failed.any() or cases.failed.all():
        share = "every run" if cases.failed.all() else "no run"
        raise InputError([Problem("--target", f"{target!r} fails in {share} of {where}, so there is nothing to tell "
                                              f"apart")])
    return Cases(x.astype(float), cases.failed, cases.target, cases.source)


def _sweep_cases(folder: Path, manifest: dict, target: str) -> Cases:
    match = _TARGET_FORM.match(target)
    metrics = manifest.get("metrics", [])
    if match is None or match["metric"] not in metrics:
        hint = f"; its metrics: {', '.join(metrics)}" if metrics else ""
        raise InputError([Problem("--target", f"expected METRIC>=VALUE or METRIC<=VALUE with a metric of the sweep, "
                                              f"e.g. {metrics[0] if metrics else 'places_per_1000@2027-12'}>=4.5, got "
                                              f"{target!r}" + hint)])
    runs = pd.read_parquet(folder / "runs.parquet")
    keys = [p["key"] for p in manifest["parameters"]]
    value = float(match["value"])
    values = runs[match["metric"]].to_numpy(dtype=float)
    met = values >= value - 1e-9 if match["op"] in (">=", "≥") else values <= value + 1e-9
    return Cases(runs[keys], ~met, target.strip(), "sweep")


def _optimize_cases(folder: Path, manifest: dict, target: str) -> Cases:
    constraints = manifest.get("constraints", [])
    rows = pd.read_csv(folder / "replications.csv", encoding="utf-8-sig")
    rows = rows[rows["scenario"] == 0]  # the packages searched (not the baseline nor the plan)
    targets = [c for c in constraints if c != "spending within appropriations"]
    if target == "any":
        columns = [f"met:{i}" for i in range(len(targets))]
        if "spending within appropriations" in constraints:
            columns.append("budget_ok")
        failed = (rows[columns] < 0.5).any(axis=1).to_numpy()
    else:
        matches = [i for i, name in enumerate(targets) if target in (name, str(i)) or name.startswith(target)
                   or target in name]
        if len(matches) != 1:
            raise InputError([Problem("--target", (f"{target!r} names {len(matches)} targets" if matches else
                                                   f"unknown target {target!r}" + did_you_mean(target, targets))
                                      + "; give any, a target's number or its name: "
                                      + "; ".join(f"{i}: {n}" for i, n in enumerate(targets)))])
        failed = (rows[f"met:{matches[0]}"] < 0.5).to_numpy()
        target = targets[matches[0]]
    inputs = [c for c in rows.columns if c.startswith(("decision:", "draw:"))]
    x = rows[inputs].rename(columns=lambda c: c.split(":", 1)[1])
    return Cases(x.reset_index(drop=True), failed, target, "optimize")


def prim_boxes(cases: Cases, boxes: int = 1, threshold: float = THRESHOLD) -> list[dict[str, Any]]:
    """Up to ``boxes`` PRIM boxes, each found in the cases the earlier boxes left (the covering approach)."""
    with warnings.catch_warnings():
        # The EMA Workbench announces optional extras it can do without (ipyparallel, altair) and calls a pandas
        # argument pandas has deprecated; neither changes what PRIM computes.
        warnings.filterwarnings("ignore", message="ipyparallel not installed")
        warnings.filterwarnings("ignore", message="altair based interactive")
        warnings.filterwarnings("ignore", message="The inplace keyword", category=DeprecationWarning)
        warnings.filterwarnings("ignore", message="The inplace keyword", category=FutureWarning)
        from ema_workbench.analysis import prim

        try:
            from pandas.errors import Pandas4Warning
            warnings.filterwarnings("ignore", message="The inplace keyword", category=Pandas4Warning)
        except ImportError:
            pass
        # PRIM's own threshold says which cases count (outcome ≥ it: the failures, 1) and whether it keeps the box it
        # peeled or returns the whole space without its trajectory when the box's mean stays below it; just above 0
        # it counts the failures and always keeps the trajectory, on which the box is chosen below by ``threshold``.
        finder = prim.Prim(cases.x.reset_index(drop=True), cases.failed.astype(int), threshold=1e-9,
                           peel_alpha=PEEL_ALPHA, mass_min=MASS_MIN)
        found = []
        for number in range(boxes):
            box = finder.find_box()
            trajectory = box.peeling_trajectory
            peeled = len(trajectory)
            dense = trajectory[trajectory["density"] >= threshold]
            # The widest box that is still dense once its limits that chance explains are dropped: a wide box on the
            # trajectory may reach the density by many slight limits, none of which holds on its own.
            order = list(dense.sort_values("coverage", ascending=False, kind="stable").index) if len(dense) else [
                trajectory["density"].idxmax()]
            chosen = None
            for candidate in order:
                pruned = _significant(box, int(candidate))
                chosen = pruned if chosen is None else chosen  # if none stays dense: the widest, pruned
                if box.peeling_trajectory["density"].iloc[pruned] >= (threshold if len(dense) else 0.0):
                    chosen = pruned
                    break
            box.select(chosen)
            trajectory = box.peeling_trajectory
            stats = trajectory.iloc[chosen]
            limits = box.box_lims[chosen]
            restricted = {}
            for dimension, (qp_low, qp_high) in box.qp[chosen].items():
                low, high = float(limits[dimension].iloc[0]), float(limits[dimension].iloc[1])
                initial = finder.box_init[dimension]
                restricted[dimension] = {
                    "low": low if low > float(initial.iloc[0]) else None,
                    "high": high if high < float(initial.iloc[1]) else None,
                    "qp_low": None if qp_low < 0 else float(qp_low), "qp_high": None if qp_high < 0 else float(qp_high)}
            found.append({"box": number + 1, "coverage": float(stats["coverage"]), "density": float(stats["density"]),
                          "mass": float(stats["mass"]), "cases": int(stats["n"]), "restricted": restricted,
                          "trajectory": trajectory[["coverage", "density", "mass", "res_dim"]].iloc[:peeled].copy(),
                          "chosen": chosen})
            if finder.yi_remaining.size == 0 or not cases.failed[finder.yi_remaining].any():
                break
    return found


def _significant(box: Any, i: int) -> int:
    """Box ``i`` of a PRIM trajectory without the limits that do not make it denser beyond chance (quasi-p above
    5%; the EMA Workbench's ``drop_restriction``, which adds the box to the trajectory), one at a time; its index."""
    while True:
        weak = [dimension for dimension, qp in box.qp[i].items()
                if min((v for v in qp if v >= 0), default=1.0) > SIGNIFICANCE]
        if not weak:  # (a box whose every limit chance explains ends as the whole space: no box)
            return i
        box.drop_restriction(uncertainty=weak[0], i=i)
        i = len(box.peeling_trajectory) - 1


def tree_rules(cases: Cases, max_depth: int = 3, seed: int = 0) -> pd.DataFrame:
    """The cross-check: a CART classification tree's leaves where failure is the majority, as rules with their
    coverage and density."""
    from sklearn.tree import DecisionTreeClassifier

    x = cases.x.to_numpy()
    leaf_size = max(5, len(x) // 50)
    tree = DecisionTreeClassifier(max_depth=max_depth, min_samples_leaf=leaf_size, random_state=seed,
                                  class_weight="balanced").fit(x, cases.failed)
    structure = tree.tree_
    leaves = tree.apply(x)
    total_failed = cases.failed.sum()
    rows = []

    def walk(node: int, rules: list[tuple[str, str, float]]) -> None:
        if structure.children_left[node] == structure.children_right[node]:  # a leaf
            inside = leaves == node
            failed = cases.failed[inside].sum()
            density = failed / inside.sum()
            if density > 0.5:
                rows.append({"rule": rules, "coverage": failed / total_failed, "density": density,
                             "cases": int(inside.sum())})
            return
        name = cases.x.columns[structure.feature[node]]
        cut = float(structure.threshold[node])
        walk(structure.children_left[node], [*rules, (name, "≤", cut)])
        walk(structure.children_right[node], [*rules, (name, ">", cut)])

    walk(0, [])
    frame = pd.DataFrame(rows, columns=["rule", "coverage", "density", "cases"])
    for language, joint in (("en", " and "), ("zh", "且")):
        frame[f"rule_{language}"] = [joint.join(f"{dimension_label(name, language)} {op} {_number(cut)}"
                                                for name, op, cut in _merged(rule)) for rule in frame["rule"]]
    return frame.drop(columns="rule").sort_values("coverage", ascending=False).reset_index(drop=True)


def _merged(rule: list[tuple[str, str, float]]) -> list[tuple[str, str, float]]:
    """A path's conditions with one bound per dimension and side (the tightest)."""
    bounds: dict[tuple[str, str], float] = {}
    for name, op, cut in rule:
        key = (name, op)
        bounds[key] = min(cut, bounds.get(key, cut)) if op == "≤" else max(cut, bounds.get(key, cut))
    return [(name, op, cut) for (name, op), cut in bounds.items()]


def _number(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.3g}"


def dimension_label(key: str, language: str) -> str:
    """A dimension in words: the name sweep charts give a parameter ("months to build"), else a lever setting by its
    lever's label, else the key."""
    from sim.charts.parameters import parameter_label

    named = parameter_label(key, language)
    if named != key:
        return named
    parts = key.split(".")
    registry = levers()
    if len(parts) >= 3 and parts[0] == "policies" and parts[1] in registry:
        lever = registry[parts[1]].label(language)
        return f"{lever[0].lower() + lever[1:] if language == 'en' else lever}: {'.'.join(parts[2:])}"
    return key


def target_words(target: str, language: str) -> str:
    """A sweep's target in words ("street-centre coverage ≥ 1 in 2027-12"); a scenario target's name as it is."""
    from sim.indicators import INDICATORS

    match = _TARGET_FORM.match(target)
    if match is None:
        return target
    name, _, month = match["metric"].partition("@")
    if name not in INDICATORS:
        return target
    op = "≥" if match["op"] in (">=", "≥") else "≤"
    label = INDICATORS[name].label(language)
    if language == "zh":
        year, _, number = month.partition("-")
        return f"{year}年{f'{int(number)}月' if number else ''}{label}{op}{match['value']}"
    return f"{label} {op} {match['value']} in {month}"


# A restricted dimension in words: limited on both sides, from below, from above.
_LIMITS = {"zh": ("{name}介于{low}与{high}之间", "{name}高于{low}", "{name}低于{high}"),
           "en": ("{name} is between {low} and {high}", "{name} is above {low}", "{name} is below {high}")}


def sentence(target: str, box: dict[str, Any], language: str) -> str:
    """The box in plain words, e.g. "the street-centre target fails in 83% of runs where … (coverage …)"."""
    between, above, below = _LIMITS[language]
    conditions = []
    for dimension, limits in box["restricted"].items():
        low, high = limits["low"], limits["high"]
        form = between if low is not None and high is not None else above if low is not None else below
        conditions.append(form.format(name=dimension_label(dimension, language), low=_number(low or 0),
                                      high=_number(high or 0)))
    target = target_words(target, language)
    if not conditions and language == "zh":
        return f"没有哪一范围的输入使“{target}”更常未能实现（全部模拟中{box['density']:.0%}未能实现）"
    if not conditions:
        return f"no range of the inputs makes '{target}' fail more often than in all runs ({box['density']:.0%})"
    if language == "zh":
        return (f"在{'且'.join(conditions)}的模拟中，“{target}”有{box['density']:.0%}未能实现"
                f"（这些模拟占全部未实现情形的{box['coverage']:.0%}）")
    return (f"'{target}' fails in {box['density']:.0%} of runs where {' and '.join(conditions)} "
            f"(they hold {box['coverage']:.0%} of all the runs where it fails)")


def boxes_table(cases: Cases, boxes: list[dict[str, Any]]) -> pd.DataFrame:
    rows = []
    for box in boxes:
        unrestricted = {"": {"low": None, "high": None, "qp_low": None, "qp_high": None}}  # no box: its sentence
        for dimension, limits in (box["restricted"] or unrestricted).items():
            rows.append({"box": box["box"], "coverage": box["coverage"], "density": box["density"],
                         "mass": box["mass"], "cases": box["cases"], "dimension": dimension, **limits,
                         "sentence_en": sentence(cases.target, box, "en"),
                         "sentence_zh": sentence(cases.target, box, "zh")})
    return pd.DataFrame(rows)


def run_discover(folder: Path, target: str, out: Path, command: list[str], *, boxes: int = 1,
                 threshold: float = THRESHOLD, force: bool = False, charts: bool = True) -> dict[str, Any]:
    """Find the boxes and the tree's rules; write the folder."""
    from sim.experiments.folder import ExperimentFolder
    from sim.folders import locked, verify_folder
    from sim.output import CSV_ENCODING

    verify_folder(folder)
    cases = load_cases(folder, target)
    with locked(out, command):
        result = ExperimentFolder.create(out, "discover", {"folder": str(folder), "target": target}, command, force,
                                         source=str(folder), target=cases.target, cases=len(cases.x),
                                         failed=int(cases.failed.sum()), threshold=threshold)
        found = prim_boxes(cases, boxes, threshold)
        table = boxes_table(cases, found)
        tree = tree_rules(cases)
        cases.x.assign(failed=cases.failed).to_csv(out / "cases.csv", index=False, encoding=CSV_ENCODING)
        table.to_csv(out / "boxes.csv", index=False, encoding=CSV_ENCODING)
        tree.to_csv(out / "tree.csv", index=False, encoding=CSV_ENCODING)
        if charts:
            from sim.charts.decisions import write_discover_charts

            write_discover_charts(out, cases, found, ("zh", "en"))
        result.finish(sentences=[sentence(cases.target, box, "en") for box in found])
    return {"cases": cases, "boxes": found, "table": table, "tree": tree}
