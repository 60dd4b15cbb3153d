"""The registry of the speech's levers (政策工具). Each lever is one module of this package, named after its
section of the scenario's ``policies:`` (where its keys, labels, speech section and spending items are
declared, ``sim.scenario.lever_info``). A module gives:

- ``install(ctx, state, settings)``: what the lever does, as SimPy processes at its own times (building,
  opening, evaluating, training …) and hooks into the mechanisms' rules (``state.Hooks``: payments to
  providers, fee reductions, awareness, actions on the waitlist, transfers, the certified share required);
- ``eligible(settings)`` (levers that pay providers): which providers receive each of its payments.

A lever is installed when its section is written in the scenario, in the order of the sections. Costs,
indicators, charts, labels and the docs are derived from this registry and the declarations.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sim.scenario.lever_info import LeverInfo
from sim.scenario.policy_schema import levers as declarations

if TYPE_CHECKING:
    from sim.model.state import Context, Eligible, State

SHARED_MODULES = ("base",)  # the helpers levers share, not a lever


@dataclass(frozen=True)
class Lever:
    """A lever: its declaration, what it does and whom its payments reach."""

    name: str
    info: LeverInfo
    install: Callable[[Context, State, Any], None]
    eligible: Callable[[Any], dict[str, Eligible]]


def _no_payments(settings: object) -> dict[str, Eligible]:
    return {}


def _registry() -> dict[str, Lever]:
    registry = {}
    for name, info in declarations().items():
        module = importlib.import_module(f"{__name__}.{name}")
        registry[name] = Lever(name, info, module.install, getattr(module, "eligible", _no_payments))
    return registry


LEVERS: dict[str, Lever] = _registry()


def lever_modules() -> set[str]:
    """The lever modules of this package (for the test that each has its schema section)."""
    return {module.name for module in pkgutil.iter_modules(__path__)} - set(SHARED_MODULES)


def install_levers(ctx: Context, state: State) -> None:
    """Install every lever the scenario switches on, in the order of the ``policies`` section."""
    policies = ctx.spec.policies
    for name, lever in LEVERS.items():
        settings = getattr(policies, name)
        if settings is not None:
            lever.install(ctx, state, settings)
