"""The reference docs generated from the code are what the code generates now (run `make docs` if not)."""

from __future__ import annotations

import pytest

from sim.reference import PLAN_END, PLAN_START, generated, scenario_reference


@pytest.mark.parametrize("path, text", generated().items(), ids=lambda value: getattr(value, "name", ""))
def test_a_generated_doc_is_current(path, text):
    assert path.read_text(encoding="utf-8") == text, f"{path.name} is stale: run `make docs`"


def test_the_model_doc_holds_the_month_plan():
    model = next(text for path, text in generated().items() if path.name == "model.md")
    assert PLAN_START in model and PLAN_END in model and "(`matching.step`)" in model


def test_the_scenario_reference_shows_units_ranges_defaults_and_sources():
    text = scenario_reference()
    line = next(line for line in text.splitlines() if line.startswith("| `give_up_per_month_share`"))
    assert "share per month" in line and "[0, 1]" in line and "mode: 0.35" in line and "Calibrated" in line
    line = next(line for line in text.splitlines() if line.startswith("| `eligible_types`"))
    assert "`private_inclusive`" in line and "社会力量" in line
    assert "#### `policies.public_build`" in text and "`policies.public_build.projects[]`" in text
