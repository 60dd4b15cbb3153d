"""The code's structure: no import circles, the model core free of presentation, the scenario layer free of
model types, one lever registry that matches the scenario schema, and indicators that match what the model
records."""

from __future__ import annotations

import ast
from pathlib import Path

import sim
from sim.indicators import INDICATORS
from sim.model.engine import MONTH, recorded
from sim.model.levers import LEVERS, lever_modules
from sim.model.providers import ORIGINS
from sim.scenario.budget_schema import ITEMS
from sim.scenario.policy_schema import Policies, spending_items

PACKAGE = Path(sim.__file__).parent
PRESENTATION = ("sim.indicators", "sim.charts", "sim.results", "sim.cli", "sim.output", "sim.costs", "sim.binding",
                "sim.targets")


def module_imports() -> dict[str, set[str]]:
    """Each module of the package → the package's modules it imports when it is imported (imports inside
    functions and under ``TYPE_CHECKING`` excluded)."""
    graph = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        imported = set()
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
                continue
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("sim"):
                imported.add(node.module)
                imported |= {f"{node.module}.{alias.name}" for alias in node.names}
            elif isinstance(node, ast.Import):
                imported |= {alias.name for alias in node.names if alias.name.startswith("sim")}
        graph[name] = imported
    return {name: {i for i in imported if i in graph} for name, imported in graph.items()}


def reachable(graph: dict[str, set[str]], start: str) -> set[str]:
    seen: set[str] = set()
    todo = list(graph[start])
    while todo:
        name = todo.pop()
        if name not in seen:
            seen.add(name)
            todo.extend(graph[name])
    return seen


def test_the_model_and_scenario_layers_have_no_import_circles():
    graph = module_imports()
    circles = [name for name in graph
               if name.startswith(("sim.model", "sim.scenario")) and name in reachable(graph, name)]
    assert circles == []


def test_the_model_imports_no_presentation_and_the_scenario_layer_no_model():
    graph = module_imports()
    for name, imported in graph.items():
        if name.startswith("sim.model"):
            assert not [i for i in imported if i.startswith(PRESENTATION)], name
        if name.startswith("sim.scenario"):
            assert not [i for i in reachable(graph, name) if i.startswith("sim.model")], name


def test_every_lever_has_one_module_and_one_schema_section():
    assert lever_modules() == set(Policies.model_fields)
    assert list(LEVERS) == list(Policies.model_fields)


def test_spending_items_places_and_indicators_derive_from_the_lever_declarations():
    items = [item.name for item in spending_items()]
    assert len(items) == len(set(items))
    assert set(ITEMS) == set(items)  # a budget rule can name every item
    for item in spending_items():
        assert (f"transfer_{item.name}" if item.transfer else f"spend_{item.name}") in INDICATORS
    adding = {name for name, lever in LEVERS.items() if lever.info.adds_places}
    assert set(ORIGINS) == {"existing", "private_entry", *adding}
    assert all(f"places_added_{origin}" in INDICATORS for origin in ORIGINS[1:])


def test_the_model_records_every_stock_and_flow_of_the_indicator_table_once():
    names = recorded()
    assert len(names) == len(set(names))
    assert set(names) == {name for name, indicator in INDICATORS.items() if indicator.kind != "ratio"}


def test_the_month_plan_names_each_step_once():
    names = [name for name, _ in MONTH]
    assert len(names) == len(set(names))
