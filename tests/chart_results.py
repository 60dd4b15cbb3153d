"""Result folders the chart tests draw from (a run, a comparison of four scenarios, each kind of sweep), made
once per test session and small, and the helper that looks at a drawn figure with every layout check."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from matplotlib.figure import Figure

import sim
from sim.experiments.compare import run_compare
from sim.experiments.spec import load_sweep
from sim.experiments.sweep import run_sweep
from sim.output import save
from tests import figure_checks as checks
from tests.conftest import SMALL

CHECK_DPI = 72  # glyphs are unhinted, so a figure is laid out alike at any resolution: look at it at a small one
OVERRIDES = [
    # Funds that pay the household subsidy too, as a city's do: most of the money goes to families.
    "budget={funds: {city_special_fund: {yuan_per_year: {2025: 20000000}}, central_transfer: {yuan_per_year: "
    "{2025: 15000000}}, provincial: {yuan_per_year: {2025: 1000000}}}}",
    "policies.household_subsidy={yuan_per_child_per_year: 3600}",
    "policies.street_centres={deadline: 2026-12, centres_per_year: 2}",
    "policies.training={trainees_per_year: {2025: 100, 2026: 100}}",
    "policies.certification_mandate={effective: 2026-06}",
    "targets=[{indicator: children_per_place, at_most: 3, deadline: 2026-12, where: every_street}]",
]


@pytest.fixture(scope="session")
def run_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small result with a budget, the household subsidy, street centres, training and the mandate: every run
    chart has data."""
    scenario = sim.load_scenario(SMALL, overrides=OVERRIDES)
    out = tmp_path_factory.mktemp("charts") / "small"
    return save(sim.run(scenario, reps=3, seed=3, binding_reps=2), out, False, datetime.now(UTC), ["test"])


VARIANTS = {  # file: (meta, a change); long names in both languages, as a city's own scenarios have
    "plan": ("{name: 小城 三年行动计划（资金紧张）, name_en: 'Small city: three-year plan, tight budget'}",
             "demand: {give_up_per_month_share: 0.2}"),
    "fees": ("{name: 小城 降费促需与托育体验券, name_en: 'Small city: lower fees and childcare vouchers'}",
             "demand: {willingness_to_pay_median_yuan_per_month: 1500}"),
    "slow": ("{name: 小城 备案提速, name_en: 'Small city: faster registration'}",
             "providers: {lifecycle: {registration_months: 1}}"),
}


@pytest.fixture(scope="session")
def compare_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real comparison of four scenarios of the small city, with long names in Chinese and English."""
    base = tmp_path_factory.mktemp("scenarios")
    files = [SMALL]
    for name, (meta, change) in VARIANTS.items():
        files.append(base / f"{name}.yaml")
        files[-1].write_text(f"extends: {SMALL}\nmeta: {meta}\n{change}\n", encoding="utf-8")
    out = tmp_path_factory.mktemp("compare") / "cmp"
    run_compare(files, OVERRIDES, 3, 3, out, ["test"], workers=1)
    return out


SWEEP_PARAMS = ["demand.give_up_per_month_share=0.02:0.3", "demand.other_street_acceptance_share=0.1:0.9",
                "providers.exit.closure_per_month_share=0.01:0.2"]
SWEEP_METRICS = ["waitlist@2025-12", "enrolled@2025"]


@pytest.fixture(scope="session")
def sweep_folders(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """One real sweep folder per method, small and short."""
    folders = {}
    for method, n in (("oat", None), ("sobol", 4), ("morris", 2), ("lhs", 8)):
        spec = load_sweep(SMALL, SWEEP_PARAMS, method, n, SWEEP_METRICS, 1, 2, ["horizon.end=2025-12"])
        folders[method] = tmp_path_factory.mktemp(method) / method
        run_sweep(spec, folders[method], ["test"], workers=1)
    return folders


@pytest.fixture(scope="session")
def plain_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small result without a budget: its money is paid as requested."""
    out = tmp_path_factory.mktemp("plain") / "plain"
    return save(sim.run(sim.load_scenario(SMALL), reps=2, seed=1), out, False, datetime.now(UTC), [])


def looked_at(figure: Figure) -> list[str]:
    """Every layout check's problems with ``figure`` (drawn at a small resolution, which is quicker)."""
    figure.set_dpi(CHECK_DPI)
    return checks.problems(figure)


@pytest.fixture(scope="session")
def brief_pages():
    """The brief's pages of a result folder in a language, drawn once per session (they are slow to draw):
    ``brief_pages(path, language)``. A test that changes a page draws its own."""
    from sim import charts

    drawn: dict[tuple[Path, str], list[Figure]] = {}

    def pages(path: Path, language: str) -> list[Figure]:
        if (path, language) not in drawn:
            drawn[path, language] = charts.pages(charts.load(path), language)
        return drawn[path, language]

    return pages
