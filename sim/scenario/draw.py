"""Draw every distribution in a scenario once, for one replication."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import BaseModel

from sim.scenario.params import PER_EVENT, LogNormal, Normal, Triangular, Uniform

_DISTRIBUTION_TYPES = (Normal, LogNormal, Uniform, Triangular)


def draw_parameters(model: BaseModel, uniform: Callable[[str], float]) -> tuple[Any, dict[str, float]]:
    """``model`` with each distribution replaced by its draw at ``uniform(key path)``, and the draws."""
    draws: dict[str, float] = {}
    return _draw(model, "", uniform, draws), draws


def _draw(value: Any, path: str, uniform: Callable[[str], float], draws: dict[str, float]) -> Any:
    if isinstance(value, _DISTRIBUTION_TYPES):
        draws[path] = drawn = value.draw(uniform(path))
        return drawn
    if isinstance(value, BaseModel):
        changes = {}
        for name, field in type(value).model_fields.items():
            if field.json_schema_extra == PER_EVENT:
                continue  # durations of single projects: the model draws one per event
            old = getattr(value, name)
            new = _draw(old, f"{path}.{name}" if path else name, uniform, draws)
            if new is not old:
                changes[name] = new
        return value.model_copy(update=changes) if changes else value
    if isinstance(value, dict):
        drawn = {key: _draw(item, f"{path}.{key}", uniform, draws) for key, item in value.items()}
        return value if all(drawn[k] is value[k] for k in value) else drawn
    return value


