"""The meeting page's logic: controls generated from the lever registry and the schema, the overlay, the engine's
cache and cancellation, the sessions' folders, and the page itself driven by Streamlit's AppTest on the small
city (the real browser: test_app_browser.py)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path
from typing import ClassVar

import numpy as np
import pytest
import yaml
from typer.testing import CliRunner

import sim
from sim.app import levers as app_levers
from sim.app.engine import Cancelled, Engine, Request, fingerprint
from sim.app.levers import (
    LeverControls,
    changes,
    control,
    controls_of,
    lever_controls,
    month_options,
    overlay_text,
    scenario_levers,
    slider_range,
    unit_zh,
)
from sim.app.sessions import SESSIONS, SessionFolder, check_confined, clean_stale
from sim.cli import app
from sim.errors import InputError
from sim.runner import run_replication
from sim.scenario.lever_info import LeverInfo, SpendingItem
from sim.scenario.months import Month
from sim.scenario.params import Share, StrictModel, Yuan
from sim.scenario.policy_schema import Policies, levers
from tests.app_pages import BAD_SCENARIO, assert_same_as_cli, open_page, problems
from tests.conftest import SMALL

# --- controls from the registry and the schema --------------------------------------------------------------------


def test_every_lever_of_the_registry_has_a_control_for_every_key():
    found = {lever.name: lever for lever in lever_controls()}
    assert list(found) == list(levers()) == list(Policies.model_fields)
    for name, lever in found.items():
        model = app_levers.section_model(name)
        assert [c.key for c in lever.controls] == list(model.model_fields), name
        assert lever.info.label_zh and lever.info.label_en and lever.info.section
        for item in lever.controls:
            assert item.label_en and item.label_zh, (name, item.key)
    subsidy = {c.key: c for c in found["construction_subsidy"].controls}
    assert subsidy["yuan_per_place"].kind == "number" and subsidy["yuan_per_place"].unit("zh") == "元/托位"
    assert subsidy["end"].kind == "month" and subsidy["end"].optional
    assert subsidy["eligible_types"].kind == "choices" and "private_inclusive" in subsidy["eligible_types"].options
    centres = {c.key: c for c in found["street_centres"].controls}
    assert (centres["deadline"].kind, centres["centres_per_year"].low, centres["centres_per_year"].high) == \
        ("month", 0, 10_000)
    assert [p.key for p in centres["classes"].parts] == ["infant", "toddler", "older", "mixed"]
    build = {c.key: c for c in found["public_build"].controls}
    assert build["projects_per_year"].kind == "years" and build["projects_per_year"].whole
    assert build["projects"].kind == "yaml"  # a list of projects at named streets: edited as YAML
    assert {c.key: c for c in found["training"].controls}["start_months_of_year"].options == tuple(range(1, 13))
    quality = {c.key: c for c in found["quality_evaluation"].controls}
    assert (quality["fail_share"].low, quality["fail_share"].high, quality["fail_share"].unit("en")) == \
        (0, 1, "share (0–1)")


class InformationPlatform(StrictModel):
    """三(二)三 A lever the page has never seen (as issue 16 adds them): its keys get controls all the same."""

    lever: ClassVar[LeverInfo] = LeverInfo("三(二)三", "信息平台", "Information platform", (
        SpendingItem("information_platform", "信息平台", "information platform", "the platform's operator"),))

    start: Month = "2025-06"
    coverage_share: Share = 0.5
    cost_yuan_per_year: Yuan = 2_000_000.0
    reporting_lag_months: int = 3


def test_a_new_lever_gets_controls_from_its_schema_without_page_changes():
    lever = controls_of("information_platform", InformationPlatform)
    assert isinstance(lever, LeverControls) and lever.label("zh") == "信息平台"
    by_key = {c.key: c for c in lever.controls}
    assert by_key["start"].kind == "month"
    assert (by_key["coverage_share"].kind, by_key["coverage_share"].low, by_key["coverage_share"].high) == \
        ("number", 0, 1)
    assert by_key["cost_yuan_per_year"].unit("zh") == "元/年"
    assert by_key["reporting_lag_months"].kind == "whole"
    assert by_key["coverage_share"].label("en") == "Coverage share"  # no label declared: the key's own words


def test_sliders_span_the_schema_or_four_times_the_scenario_value():
    share = control("pass_share", app_levers.section_model("training").model_fields["pass_share"])
    assert slider_range(share, 0.8) == (0, 1, 0.01)
    money = control("yuan_per_place", app_levers.section_model("construction_subsidy").model_fields["yuan_per_place"])
    low, high, step = slider_range(money, 10_000)
    assert (low, high) == (0, 50_000) and 8_000 % step == 0  # "8,000 instead of 10,000" is on the slider
    assert slider_range(money, 0) is None  # no scale to go by: a number box
    assert unit_zh("yuan per place per month") == "元/托位/月" and unit_zh("months") == "个月"
    assert month_options("2025-01", "2027-12", "2021-03")[0] == "2020-01"


def test_the_overlay_writes_only_the_changes_and_loads_to_the_edited_package(tmp_path):
    base = sim.load_scenario(SMALL)
    before = scenario_levers(base.spec)
    edited = dict(before)
    edited["public_build"] = {**app_levers.default_section("public_build"), "projects_per_year": {2025: 2}}
    edited["rent_relief"] = {**app_levers.default_section("rent_relief"), "yuan_per_place_per_month": 150.0}
    found = changes(before, edited)
    assert found == {"public_build": {"projects_per_year": {2025: 2}},
                     "rent_relief": {"yuan_per_place_per_month": 150.0}}
    text = overlay_text(base.path, "小城 调整", "small city, edited", found, ["a comment"])
    assert text.startswith("# a comment\n") and "projects_per_year: {2025: 2}" in text
    assert "yuan_per_place_per_month: 150\n" in text  # whole numbers as written by hand
    path = tmp_path / "overlay.yaml"
    path.write_text(text, encoding="utf-8")
    scenario = sim.load_scenario(path)
    assert scenario.spec.policies.public_build.projects_per_year == {2025: 2}
    assert scenario.spec.policies.rent_relief.yuan_per_place_per_month == 150
    assert scenario.spec.meta.name == "小城 调整" and scenario.spec.demography == base.spec.demography
    # Turning a lever the scenario has off writes null; an untouched package writes no policies at all.
    three_year = sim.load_scenario(Path("scenarios/example_city/three_year_plan.yaml"))
    levers_now = scenario_levers(three_year.spec)
    assert changes(levers_now, {**levers_now, "training": None}) == {"training": None}
    assert changes(levers_now, levers_now) == {}
    assert "policies" not in overlay_text(three_year.path, "x", None, {}, [])


# --- the engine -----------------------------------------------------------------------------------------------------


def test_the_engine_gives_tuoyu_runs_replications_and_keeps_them(small):
    engine = Engine(workers=1)
    calls = []
    first = engine.tables(small, 5, [0, 1], progress=lambda done, total: calls.append((done, total)))
    np.testing.assert_array_equal(first[1].annual, run_replication(small, 5, 1).annual)
    assert calls[0] == (0, 2) and calls[-1] == (2, 2)
    again = engine.tables(small, 5, [1, 0])
    assert again[0] is first[1] and again[1] is first[0]  # from the cache
    assert fingerprint(small) == fingerprint(sim.load_scenario(SMALL))
    assert fingerprint(small) != fingerprint(sim.load_scenario(SMALL, ["demand.give_up_per_month_share=0.2"]))
    # A renamed scenario has the same replications: the package the meeting has not yet changed reuses the baseline's.
    renamed = sim.load_scenario(SMALL, ["meta.name=开会时改过", "meta.language=en"])
    assert fingerprint(small) == fingerprint(renamed)
    np.testing.assert_array_equal(run_replication(renamed, 5, 1).annual, first[1].annual)


def test_a_cancelled_request_stops_and_what_finished_is_kept(small):
    engine = Engine(workers=2)
    try:
        request = Request()

        def cancel_after_first(done: int, total: int) -> None:
            if done >= 1:
                threading.Thread(target=request.cancel).start()  # as a newer request of the session does

        with pytest.raises(Cancelled):
            engine.tables(small, 9, range(12), request, cancel_after_first)
        kept = [r for r in range(12) if engine.cached(fingerprint(small), 9, r) is not None]
        assert 1 <= len(kept) < 12
    finally:
        engine.close()


# --- the sessions' folders ------------------------------------------------------------------------------------------


def test_uploads_keep_base_names_and_refuse_other_files(tmp_path):
    session = SessionFolder(tmp_path)
    assert session.path.parent == tmp_path / SESSIONS and oct(session.path.stat().st_mode)[-3:] == "700"
    written = session.save_uploads([("../../etc/scenario.yaml", b"meta: {name: x}\n"), ("a.csv", b"x\n")])
    assert [p.name for p in written] == ["scenario.yaml", "a.csv"]
    assert all(p.parent == session.path / "uploads" for p in written)
    with pytest.raises(InputError, match="not a scenario"):
        session.save_uploads([("run.sh", b"rm -rf /\n")])
    path = session.path
    session.remove()
    assert not path.exists()


def test_folders_of_servers_no_longer_running_are_removed(tmp_path):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True, check=True).stdout.strip()
    stale = tmp_path / SESSIONS / f"{dead}-abcdefgh"
    stale.mkdir(parents=True)
    mine = SessionFolder(tmp_path)
    clean_stale(tmp_path)
    assert not stale.exists() and mine.path.exists()


def test_an_upload_cannot_read_files_outside_its_folder_and_the_project(tmp_path):
    uploads = tmp_path / "uploads"
    uploads.mkdir()
    outside = uploads / "outside.yaml"
    outside.write_text("extends: ../../secret.yaml\nmeta: {name: x}\n", encoding="utf-8")
    with pytest.raises(InputError, match="outside the uploaded files"):
        check_confined(outside, [uploads], "outside.yaml")
    absolute = uploads / "absolute.yaml"
    absolute.write_text("meta: {name: x}\ngeography: {districts_csv: /etc/passwd, streets_csv: s.csv}\n",
                        encoding="utf-8")
    with pytest.raises(InputError, match="districts_csv names 'passwd'"):
        check_confined(absolute, [uploads], "absolute.yaml")
    inside = uploads / "overlay.yaml"
    inside.write_text(f"extends: {SMALL}\nmeta: {{name: x}}\n", encoding="utf-8")
    check_confined(inside, [uploads, SMALL.parent], "overlay.yaml")  # the project's scenarios may be extended


# --- the page (AppTest) ---------------------------------------------------------------------------------------------


def _metric(at, indicator: str) -> str:
    label = sim.INDICATORS[indicator].label("en")
    return next(m.value for m in at.metric if m.label.startswith(label))


def test_the_page_shows_the_projection_and_follows_a_lever(tmp_path):
    at = open_page(tmp_path / "results")
    at.radio(key="language").set_value("en").run()
    assert problems(at) == []
    assert at.title[0].value == "What if: the meeting page" and at.subheader[0].value == "small test city"
    assert "No lever changed yet" in at.info[0].value
    assert len(at.metric) == 7 and all(m.delta == "0" for m in at.metric)  # the package is the scenario itself
    before = _metric(at, "places_per_1000")
    toggle = next(t for t in at.toggle if t.key.endswith("/public_build"))
    toggle.set_value(True).run()
    years = [n for n in at.number_input if n.key.endswith("/public_build/projects_per_year.2025")]
    years[0].set_value(3).run()
    assert problems(at) == []
    assert "New public institutions · New institutions per year: {} → {2025: 3}" in at.info[0].value
    assert _metric(at, "places_per_1000") != before
    delta = next(m.delta for m in at.metric if m.label.startswith(sim.INDICATORS["places_per_1000"].label("en")))
    assert delta.startswith("+")
    assert "extends:" in at.code[0].value and "projects_per_year: {2025: 3}" in at.code[0].value
    at.radio(key="language").set_value("zh").run()
    assert at.title[0].value == "托育政策会议推演" and _metric_zh(at)


def test_a_language_switch_keeps_the_choices_shown_in_words(tmp_path):
    """Streamlit holds a radio's or select box's choice as the text shown, which the switch changes: each language
    has its own widget, started at the choice made in the other."""
    at = open_page(tmp_path / "results")
    at.selectbox(key="map_layer.zh").set_value("deserts").run()
    at.radio(key="map_view.zh").set_value("change").run()
    at.radio(key="source.zh").set_value("upload").run()
    for language in ("en", "zh"):
        at.radio(key="language").set_value(language).run()
        assert problems(at) == []
        assert at.radio(key=f"source.{language}").value == "upload" and at.file_uploader  # still on the upload
    at.radio(key="source.zh").set_value("project").run()
    assert (at.selectbox(key="map_layer.zh").value, at.radio(key="map_view.zh").value) == ("deserts", "change")
    at.radio(key="language").set_value("en").run()
    assert (at.selectbox(key="map_layer.en").value, at.radio(key="map_view.en").value) == ("deserts", "change")
    assert at.radio(key="map_view.en").index == 1  # what the browser shows chosen


def _metric_zh(at) -> bool:
    return any(m.label.startswith(sim.INDICATORS["places_per_1000"].label("zh")) for m in at.metric)


def test_the_export_is_what_tuoyu_run_and_report_make_of_the_overlay(tmp_path):
    at = open_page(tmp_path / "results", reps=3, seed=4)
    next(t for t in at.toggle if t.key.endswith("/rent_relief")).set_value(True).run()
    at.button(key="make_brief").click().run()
    assert problems(at) == [] and not at.error
    exports = list((tmp_path / "results" / "exports").iterdir())
    assert len(exports) == 1
    overlay = exports[0] / "overlay.yaml"
    assert yaml.safe_load(overlay.read_text(encoding="utf-8"))["policies"] == {"rent_relief": {}}
    assert_same_as_cli(exports[0] / "run", overlay, 3, 4, "zh", tmp_path / "cli")


def test_an_invalid_upload_shows_the_clis_located_error(tmp_path):
    at = open_page(tmp_path / "results")
    at.radio(key="source.zh").set_value("upload").run()
    at.get("file_uploader")[0].set_value([("my_city.yaml", BAD_SCENARIO.encode(), "application/x-yaml")]).run()
    assert problems(at) == []
    assert at.error and not at.metric
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "my_city.yaml").write_text(BAD_SCENARIO, encoding="utf-8")
    here = Path.cwd()
    os.chdir(folder)  # the CLI names the file as given, relative to where it runs
    try:
        result = CliRunner().invoke(app, ["validate", "my_city.yaml"])
    finally:
        os.chdir(here)
    assert result.exit_code == 2
    assert at.code[0].value.strip() == result.output.strip()
    assert "my_city.yaml:3:3: meta: unknown key 'langauge' (did you mean 'language'?)" in at.code[0].value


def test_an_uploaded_city_runs_in_its_sessions_folder_only(tmp_path):
    at = open_page(tmp_path / "results")
    at.radio(key="source.zh").set_value("upload").run()
    files = [(p.name, p.read_bytes(), "text/plain") for p in sorted(SMALL.parent.iterdir())]
    at.get("file_uploader")[0].set_value(files).run()
    assert problems(at) == [] and not at.error and len(at.metric) == 7
    sessions = list((tmp_path / "results" / SESSIONS).iterdir())
    assert len(sessions) == 1 and {p.name for p in (sessions[0] / "uploads").iterdir()} == \
        {p.name for p in SMALL.parent.iterdir()}
    shutil.rmtree(tmp_path / "results" / SESSIONS)  # AppTest keeps the session alive; the server would not


def test_tuoyu_app_refuses_a_bad_scenario_before_starting(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(BAD_SCENARIO, encoding="utf-8")
    result = CliRunner().invoke(app, ["app", str(bad), "--out", str(tmp_path / "results")])
    assert result.exit_code == 2 and "unknown key 'langauge'" in result.output
    assert not (tmp_path / "results").exists()
    assert "--host" in CliRunner().invoke(app, ["app", "--help"]).output


def test_every_map_draws_for_the_package_and_for_its_change(tmp_path):
    from sim.app import ui
    from sim.app.projection import project
    from sim.results import Result

    base = sim.load_scenario(SMALL)
    edited = sim.load_scenario(SMALL, ["policies.street_centres.centres_per_year=5"])
    engine = Engine(workers=1)
    projection = project(*(Result(s, 3, engine.tables(s, 3, range(2))) for s in (base, edited)))
    for layer in ui.MAP_LAYERS:
        for view in ("edited", "change"):
            png = ui.map_image(projection, ("test", layer), layer, view, "en")
            assert png.startswith(b"\x89PNG"), (layer, view)


def test_what_binds_is_measured_after_the_projection_as_tuoyu_run_measures_it(tmp_path):
    """The page shows the projection from the replications alone, then fills in what binds from the probes
    ``tuoyu run`` makes by default: the same shares as the command line's, for the same seed."""
    from sim import binding

    at = open_page(tmp_path / "results", reps=3, seed=2)
    assert problems(at) == []
    ran = sim.run(SMALL, reps=3, seed=2, binding_reps=min(binding.DEFAULT_REPS, 3))
    expected = binding.year_overview(ran)
    shown = at.dataframe[-1].value  # the binding table is drawn last: the baseline's years, then the package's
    assert len(shown) == 2 * len(expected) and len(shown.columns) == 2 + len(binding.CONSTRAINTS)
    edited = shown.iloc[len(expected):, 2:]  # the package is the scenario itself here
    assert edited.values.tolist() == [[f"{row[c]:.0%}" for c in binding.CONSTRAINTS]
                                      for _, row in expected.iterrows()]
