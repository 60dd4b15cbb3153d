"""The meeting page (会议推演页面), drawn by Streamlit from top to bottom at every change of a control.

Sidebar: language, the scenario (from the project's folders or uploaded), replications and seed, and a control
for every key of every lever. Main: the city and its levers, what the meeting changed, then the projection of the
baseline and the edited package (headline numbers with the change, month-by-month bands, cost by year, the
year-end table with paired differences, the targets, what binds, the map) and the export.

A change of a control makes Streamlit run the page again at once; the new run cancels the replications its
session still had running (:class:`sim.app.engine.Request`), so the room always waits for the latest settings
only. Replications and projections are kept per settings and seed across sessions (:mod:`sim.app.engine`).
"""

from __future__ import annotations

import hashlib
import io
import math
import threading
import time
from collections import OrderedDict
from datetime import date
from pathlib import Path
from typing import Any

import altair as alt
import pandas as pd
import streamlit as st
import yaml

import sim
from sim.app import server
from sim.app.engine import Cancelled, Request, fingerprint
from sim.app.export import export
from sim.app.levers import (
    Control,
    LeverControls,
    changes,
    default_section,
    lever_controls,
    month_options,
    nice,
    overlay_text,
    scenario_levers,
    slider_range,
)
from sim.app.projection import BASELINE, EDITED, SHOWN, TABLED, LiveCompare, Projection, binding_overview, project
from sim.app.sessions import SessionFolder, check_confined
from sim.app.words import LANGUAGES, word
from sim.charts import numbers
from sim.errors import InputError, Problem, shown_path
from sim.indicators import INDICATORS
from sim.scenario.load import Scenario, load_scenario

COLOURS = {BASELINE: "#8c8c8c", EDITED: "#0072B2"}
LOWER_IS_BETTER = {"waitlist", "spend_total", "spend_cumulative"}
PROJECTIONS_KEPT = 16
MAPS_KEPT = 32
MAP_LAYERS = ("places_per_1000", "unmet_demand", "licensed_occupancy", "centre_coverage", "deserts")

_projections: OrderedDict[tuple, Projection] = OrderedDict()
_maps: OrderedDict[tuple, bytes] = OrderedDict()
_kept = threading.Lock()


def _remember(store: OrderedDict, key: tuple, value: Any, limit: int) -> None:
    with _kept:
        store[key] = value
        store.move_to_end(key)
        while len(store) > limit:
            store.popitem(last=False)


def _recall(store: OrderedDict, key: tuple) -> Any:
    with _kept:
        return store.get(key)


# --- the scenario --------------------------------------------------------------------------------------------------

def project_scenarios(folders: list[Path]) -> list[Path]:
    """Scenario files in ``folders`` (sweep and calibration specs left out: a scenario has ``meta`` or ``extends``)."""
    found = []
    for folder in folders:
        for path in sorted([*folder.rglob("*.yaml"), *folder.rglob("*.yml")]) if folder.is_dir() else []:
            if any(part.startswith(".") for part in path.parts):
                continue
            try:
                with path.open(encoding="utf-8-sig") as file:
                    head = yaml.safe_load(file)
            except (OSError, yaml.YAMLError, UnicodeDecodeError):
                head = None
            if isinstance(head, dict) and ("meta" in head or "extends" in head) and "scenario" not in head:
                found.append(path)
    return list(dict.fromkeys(found))


def choice(container: Any, kind: str, label: str, options: list, key: str, language: str, format_func: Any,
           **more: Any) -> Any:
    """A radio (``kind`` "radio") or select box whose options are shown in the page's language. Streamlit keeps such
    a widget's choice as the text shown, which a language switch changes: it would fall back to the first option
    and the browser would show none chosen. So each language has its own widget (key ``<key>.<language>``), started
    at the choice kept here."""
    kept = st.session_state.get(f"{key}.kept")
    index = options.index(kept) if kept in options else 0
    value = getattr(container, kind)(label, options, index=index, key=f"{key}.{language}", format_func=format_func,
                                     **more)
    st.session_state[f"{key}.kept"] = value
    return value


def _session() -> SessionFolder:
    if "session_folder" not in st.session_state:
        st.session_state["session_folder"] = SessionFolder(server.settings().out)
    return st.session_state["session_folder"]


def _problems(err: InputError, hide: Path | None = None) -> str:
    """The problems as ``tuoyu validate`` prints them, a session's folder left out of file names (an uploaded file
    is named as its user knows it)."""
    prefix = f"{shown_path(hide)}/" if hide is not None else None
    lines = [f"error: {problem}" for problem in err.problems]
    return "\n".join(line.replace(prefix, "") if prefix else line for line in lines)


def _show_problems(heading: str, err: InputError, hide: Path | None = None) -> None:
    st.error(heading)
    st.code(_problems(err, hide), language=None, wrap_lines=True)


def choose_scenario(language: str) -> tuple[Scenario, Path | None] | None:
    """The scenario the page works on, and the folder of its uploaded files (None: one of the project's)."""
    settings = server.settings()
    source = choice(st.sidebar, "radio", word("source", language), ["project", "upload"], "source", language,
                    lambda s: word(f"source.{s}", language), horizontal=True)
    if source == "upload":
        files = st.sidebar.file_uploader(word("upload", language), type=["yaml", "yml", "csv", "geojson"],
                                         accept_multiple_files=True, key="uploads", help=word("upload_help", language))
        if not files:
            st.info(word("upload_first", language))
            return None
        session = _session()
        signature = tuple((f.name, f.size, f.file_id) for f in files)
        try:
            if st.session_state.get("uploaded") != signature:
                st.session_state["uploaded_paths"] = session.save_uploads((f.name, f.getvalue()) for f in files)
                st.session_state["uploaded"] = signature
        except InputError as err:
            st.session_state.pop("uploaded", None)
            _show_problems(word("errors", language), err)
            return None
        uploads = session.path / "uploads"
        scenarios = [p for p in st.session_state["uploaded_paths"] if p.suffix.lower() in (".yaml", ".yml")]
        if not scenarios:
            st.info(word("upload_first", language))
            return None
        path = scenarios[0] if len(scenarios) == 1 else st.sidebar.selectbox(
            word("upload_which", language), scenarios, key="upload_which", format_func=lambda p: p.name)
        try:
            check_confined(path, [uploads, *settings.folders], path.name)
            return load_scenario(path), uploads
        except InputError as err:
            _show_problems(word("errors", language), err, uploads)
            return None
    listed = project_scenarios([*settings.folders, *([settings.scenario.parent] if settings.scenario else [])])
    if settings.scenario is not None and settings.scenario.resolve() not in [p.resolve() for p in listed]:
        listed.insert(0, settings.scenario)
    if not listed:
        st.info(word("no_scenarios", language, folders=", ".join(map(str, settings.folders))))
        return None
    first = next((i for i, p in enumerate(listed) if settings.scenario and p.resolve() == settings.scenario.resolve()),
                 0)
    path = st.sidebar.selectbox(word("scenario", language), listed, index=first, key="scenario",
                                format_func=lambda p: shown_path(p))
    try:
        return load_scenario(path), None
    except InputError as err:
        _show_problems(word("errors", language), err)
        return None


# --- the controls --------------------------------------------------------------------------------------------------

def _help(item: Control, lever: str, language: str) -> str:
    parts = [item.help, f"`policies.{lever}.{item.key}`"]
    if item.low is not None and item.high is not None:
        parts.append(f"[{item.low:g}, {item.high:g}]")
    return " · ".join(p for p in parts if p)


def _label(item: Control, language: str) -> str:
    unit = item.unit(language)
    return f"{item.label(language)}（{unit}）" if unit and language == "zh" else \
        (f"{item.label(language)} ({unit})" if unit else item.label(language))


def _flow(value: Any) -> str:
    return yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, width=1000).strip().removesuffix("...")\
        .strip()


def _parsed(text: str) -> Any:
    """What the user typed in a YAML box; left as typed when it is no YAML (the overlay's check then says why)."""
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError:
        return text


def widget(item: Control, value: Any, key: str, language: str, lever: str, horizon: tuple[str, str],
           disabled: bool) -> Any:
    """One control, started at ``value`` (the scenario's); returns what it holds."""
    label, help_text = _label(item, language), _help(item, lever, language)
    common = {"key": key, "help": help_text, "disabled": disabled}
    if item.kind == "number" and isinstance(value, dict):  # a distribution: edited as written in a scenario
        return _parsed(st.text_input(label, _flow(value), **{**common, "help": help_text + " · " +
                                                              word("uncertain_help", language)}))
    if item.kind in ("number", "whole"):
        whole = item.kind == "whole"
        spec = slider_range(item, float(value))
        if spec is not None:
            low, high, step = spec
            if whole:
                return st.slider(label, int(low), int(high), int(value), int(step), **common)
            decimals = max(0, -math.floor(math.log10(step)))  # 500-yuan steps without decimals, shares with two
            return st.slider(label, float(low), float(high), float(value), float(step), format=f"%.{decimals}f",
                             **common)
        if whole:
            return st.number_input(label, int(item.low or 0), int(item.high or 2**31), int(value), 1, **common)
        low = None if item.low is None else float(item.low)
        high = None if item.high is None else float(item.high)
        return st.number_input(label, low, high, float(value), float(nice(max(1.0, abs(float(value)) / 20))),
                               **common)
    if item.kind == "month":
        options = month_options(*horizon, value)
        if item.optional:
            options = ["—", *options]
        chosen = st.select_slider(label, options, value=value or "—", **common)
        return None if chosen == "—" else chosen
    if item.kind == "choice":
        return st.selectbox(label, list(item.options), index=list(item.options).index(value), **common)
    if item.kind == "choices":
        return st.multiselect(label, list(item.options), default=list(value), **common)
    if item.kind == "switch":
        return st.toggle(label, value=bool(value), **common)
    if item.kind == "years":
        return _years(item, value or {}, key, label, language, horizon, common)
    if item.kind == "group":
        st.caption(label)
        columns = st.columns(len(item.parts))
        found = {}
        for column, part in zip(columns, item.parts, strict=True):
            with column:
                found[part.key] = st.number_input(part.label(language), int(part.low or 0), int(part.high or 2**31),
                                                  int(value[part.key]), 1, key=f"{key}.{part.key}", disabled=disabled,
                                                  help=part.help or None)
        return found
    return _parsed(st.text_area(label, _flow(value), height=68, **{**common, "help": help_text + " · " +
                                                                    word("yaml_help", language)}))


def _years(item: Control, value: dict, key: str, label: str, language: str, horizon: tuple[str, str],
           common: dict) -> dict:
    first, last = int(horizon[0][:4]), int(horizon[1][:4])
    years = sorted(set(range(first, last + 1)) | {int(y) for y in value})
    st.caption(label)
    found = {}
    columns = st.columns(min(len(years), 4))
    for i, year in enumerate(years):
        start = value.get(year, 0)
        with columns[i % len(columns)]:
            typed = st.number_input(str(year), min_value=int(item.low or 0) if item.whole else float(item.low or 0),
                                    value=int(start) if item.whole else float(start), step=1 if item.whole else 1.0,
                                    key=f"{key}.{year}", help=common["help"], disabled=common["disabled"])
        if year in value or typed:
            found[year] = typed
    return found


def lever_widgets(lever: LeverControls, current: dict | None, token: str, language: str,
                  horizon: tuple[str, str]) -> dict | None:
    """The expander of one lever: on or off, and its keys."""
    start = current if current is not None else default_section(lever.name)
    mark = "●" if current is not None else "○"
    with st.sidebar.expander(f"{mark} {lever.label(language)} · {lever.info.section}"):
        on = st.toggle(word("lever_on", language), value=current is not None, key=f"{token}/{lever.name}",
                       help=lever.doc)
        if start is None:  # the schema needs values the page cannot guess: a scenario must write them
            return current if on else None
        section = {item.key: widget(item, start[item.key], f"{token}/{lever.name}/{item.key}", language, lever.name,
                                    horizon, disabled=not on)
                   for item in lever.controls}
    return section if on else None


def lever_panel(base: Scenario, language: str) -> dict[str, dict | None]:
    """Every lever's controls; returns each lever's section as the controls hold it (None: off)."""
    st.sidebar.subheader(word("levers", language), help=word("levers_help", language))
    identity = hashlib.sha256(f"{base.path}|{fingerprint(base)}".encode()).hexdigest()[:12]
    token = f"{identity}.{st.session_state.get('reset', 0)}"
    if st.sidebar.button(word("reset", language), key="reset_button"):
        st.session_state["reset"] = st.session_state.get("reset", 0) + 1
        st.rerun()
    current = scenario_levers(base.spec)
    horizon = (base.spec.horizon.start, base.spec.horizon.end)
    return {lever.name: lever_widgets(lever, current[lever.name], token, language, horizon)
            for lever in lever_controls()}


def make_overlay(base: Scenario, changed: dict, seed: int, reps: int) -> Any:
    """The overlay text for a base file path (the page's own, or an export's copy of an upload)."""
    meta = base.spec.meta
    header_lines = [word("overlay_header", "en", date=date.today().isoformat(), base=base.path.name),
                    word("overlay_header", "zh", date=date.today().isoformat(), base=base.path.name),
                    word("overlay_reproduce", "en", file="overlay.yaml", reps=reps, seed=seed),
                    word("overlay_portable", "en", name=base.path.name),
                    word("overlay_portable", "zh", name=base.path.name)]

    def text(extends: Path) -> str:
        return overlay_text(extends, word("edited_name", meta.language, name=meta.name),
                            word("edited_name", "en", name=meta.name_en) if meta.name_en else None, changed,
                            header_lines)

    return text


# --- computing -----------------------------------------------------------------------------------------------------

def _names(*scenarios: Scenario) -> tuple[str, ...]:
    """What a projection shows besides the replications' numbers: the scenarios' names (not in their fingerprint)."""
    return tuple(f"{s.spec.meta.name}|{s.spec.meta.name_en}" for s in scenarios)


def compute(base: Scenario, edited: Scenario, reps: int, seed: int, language: str) -> tuple[Projection, float] | None:
    """The projection of the settings, from the cache or run now with progress; None if a newer request took
    over."""
    previous = st.session_state.pop("request", None)
    if previous is not None:  # the settings the room has left, even if these answer from memory
        previous.cancel()
    keys = (fingerprint(base), fingerprint(edited))
    found = _recall(_projections, (*keys, *_names(base, edited), seed, reps))
    if found is not None:
        return found, -1.0
    request = st.session_state["request"] = Request()
    engine = server.engine()
    bar = st.progress(0.0, text=word("running", language, what=word("what.baseline", language), done=0, total=reps))
    started = time.perf_counter()

    def progress(what: str):
        def show(done: int, total: int) -> None:
            bar.progress(done / max(total, 1), text=word("running", language, what=word(f"what.{what}", language),
                                                         done=done, total=total))
        return show

    try:  # the projection first; what binds (the probes, many more runs) is measured after it is shown
        results = [engine.result(scenario, seed, reps, probes=False, request=request, progress=progress(what),
                                 key=key)
                   for scenario, what, key in ((base, "baseline", keys[0]), (edited, "edited", keys[1]))]
    except Cancelled:
        return None
    projection = project(*results)
    projection.binding = None
    _remember(_projections, (*keys, *_names(base, edited), seed, reps), projection, PROJECTIONS_KEPT)
    bar.empty()
    return projection, time.perf_counter() - started


def measure_binding(projection: Projection, base: Scenario, edited: Scenario, language: str) -> bool:
    """Fill in what binds (the probes ``tuoyu run`` makes, on the replications already run), with progress; False
    if a newer request took over."""
    if projection.binding is not None:
        return True
    request = st.session_state.get("request") or st.session_state.setdefault("request", Request())
    engine = server.engine()
    bar = st.progress(0.0, text=word("measuring_binding", language, done=0, total=0))
    try:
        results = [engine.result(scenario, projection.seed, projection.reps, request=request, key=fingerprint(scenario),
                                 progress=lambda done, total: bar.progress(
                                     done / max(total, 1), text=word("measuring_binding", language, done=done,
                                                                     total=total)))
                   for scenario in (base, edited)]
    except Cancelled:
        return False
    projection.binding = binding_overview(*results)
    bar.empty()
    return True


# --- showing -------------------------------------------------------------------------------------------------------

def _unit(indicator: str, language: str, values: Any = (), difference: bool = False) -> numbers.Unit:
    return numbers.unit(indicator, language, values, difference=difference)


def _text(value: float, indicator: str, language: str, shown: numbers.Unit | None = None) -> str:
    return numbers.value_text(value, indicator, language, shown)


def _signed(value: float, indicator: str, language: str, shown: numbers.Unit) -> str:
    """A difference as shown: "+1.2", "-350", "+0.8 百分点" (shares change in percentage points); "0" for none."""
    if pd.isna(value):
        return "—"
    if value == 0:
        return "0"
    unit = f" {shown.name}" if shown.name in numbers.POINTS.values() else ""
    return ("+" if value > 0 else "") + shown.text(value) + unit


def _difference_unit(indicator: str, language: str, values: Any, shown: numbers.Unit) -> numbers.Unit:
    """Differences of money in the unit of the values beside them (the label names it once); of shares in
    percentage points."""
    return shown if INDICATORS[indicator].unit_en == "yuan" else _unit(indicator, language, values, difference=True)


def _label_with_unit(indicator: str, language: str, shown: numbers.Unit) -> str:
    label = INDICATORS[indicator].label(language)
    return f"{label}（{shown.name}）" if language == "zh" else f"{label} ({shown.name})"


def headline(projection: Projection, language: str) -> None:
    """The edited package at the horizon with the change from the baseline (paired, same random numbers)."""
    st.markdown(f"**{word('headline', language, month=projection.months[-1])}**")
    last = projection.comparison[projection.comparison["period"] == projection.comparison["period"].max()]
    changes_at = projection.differences[projection.differences["period"] == last["period"].iloc[0]]
    for start in (0, 4):
        columns = st.columns(4)
        for column, name in zip(columns, SHOWN[start:start + 4], strict=False):
            row = last[(last["scenario"] == EDITED) & (last["indicator"] == name)].iloc[0]
            change = float(changes_at[changes_at["indicator"] == name]["mean"].iloc[0])
            shown = _unit(name, language, [row["mean"]])
            difference = _difference_unit(name, language, [change], shown)
            label = _label_with_unit(name, language, shown) if shown.name != "%" else INDICATORS[name].label(language)
            if name == "spend_total":  # a flow: the horizon's last year
                label += f" {last['period'].iloc[0][:4]}"
            delta = _signed(change, name, language, difference)
            with column:
                st.metric(label, _text(row["mean"], name, language, shown), delta=delta,
                          delta_color="off" if delta == "0" else "inverse" if name in LOWER_IS_BETTER else "normal",
                          delta_arrow="off" if delta == "0" else "auto", border=True)


def _band_chart(frame: pd.DataFrame, name: str, language: str, names: dict[str, str], targets: pd.DataFrame
                ) -> alt.Chart:
    shown = _unit(name, language, frame[["mean", "p95"]].to_numpy().ravel())
    data = frame.assign(**{c: frame[c] * shown.factor for c in ("mean", "p5", "p95")},
                        date=pd.to_datetime(frame["month"] + "-01"), who=frame["scenario"].map(names))
    colour = alt.Color("who:N", scale=alt.Scale(domain=[names[BASELINE], names[EDITED]],
                                                range=[COLOURS[BASELINE], COLOURS[EDITED]]),
                       legend=alt.Legend(title=None, orient="bottom"))
    x = alt.X("date:T", title=None, axis=alt.Axis(format="%Y-%m", tickCount=6))
    band = alt.Chart(data).mark_area(opacity=0.2).encode(x=x, y=alt.Y("p5:Q", title=shown.name),
                                                         y2="p95:Q", color=colour)
    line = alt.Chart(data).mark_line().encode(x=x, y="mean:Q", color=colour,
                                              tooltip=["who:N", "month:N", alt.Tooltip("mean:Q", format=",.1f")])
    layers = [band, line]
    rows = targets[(targets["indicator"] == name) & (targets["where"] == "city") & (targets["scenario"] == EDITED)]
    for row in rows.itertuples():
        threshold = float(row.condition.split(" ", 1)[1]) * shown.factor
        layers.append(alt.Chart(pd.DataFrame({"y": [threshold]})).mark_rule(strokeDash=[4, 3], color="#D55E00")
                      .encode(y="y:Q"))
    return alt.layer(*layers).properties(title=INDICATORS[name].label(language), height=210)


def _cost_chart(projection: Projection, language: str, names: dict[str, str]) -> alt.Chart:
    rows = projection.comparison[projection.comparison["indicator"] == "spend_total"]
    shown = _unit("spend_total", language, rows["p95"])
    data = rows.assign(year=rows["period"].str[:4], who=rows["scenario"].map(names),
                       **{c: rows[c] * shown.factor for c in ("mean", "p5", "p95")})
    colour = alt.Color("who:N", scale=alt.Scale(domain=[names[BASELINE], names[EDITED]],
                                                range=[COLOURS[BASELINE], COLOURS[EDITED]]),
                       legend=alt.Legend(title=None, orient="bottom"))
    bars = alt.Chart(data).mark_bar().encode(x=alt.X("year:N", title=None), xOffset="who:N",
                                             y=alt.Y("mean:Q", title=shown.name), color=colour,
                                             tooltip=["who:N", "year:N", alt.Tooltip("mean:Q", format=",.2f")])
    whiskers = alt.Chart(data).mark_rule(color="#333333").encode(x="year:N", xOffset="who:N", y="p5:Q", y2="p95:Q")
    return alt.layer(bars, whiskers).properties(title=word("cost_by_year", language), height=210)


def charts(projection: Projection, language: str) -> None:
    names = {label: word(label, language) for label in (BASELINE, EDITED)}
    st.markdown(f"**{word('over_time', language)}**")
    monthly = [name for name in SHOWN if name != "spend_total"]
    for start in range(0, len(monthly), 3):
        columns = st.columns(3)
        for column, name in zip(columns, monthly[start:start + 3], strict=False):
            frame = projection.bands[projection.bands["indicator"] == name]
            with column:
                st.altair_chart(_band_chart(frame, name, language, names, projection.targets), width="stretch")
    st.altair_chart(_cost_chart(projection, language, names), width="stretch")


def year_table(projection: Projection, language: str) -> pd.DataFrame:
    """Per indicator and year end: each scenario's mean (p5–p95) and the paired difference [95% interval]."""
    rows = []
    comparison = projection.comparison.set_index(["scenario", "indicator", "period"])
    differences = projection.differences.set_index(["indicator", "period"])
    for name in TABLED:
        for period in sorted(projection.comparison["period"].unique()):
            cells = {word("indicator", language): INDICATORS[name].label(language), word("year", language): period}
            values = [comparison.loc[(label, name, period)] for label in (BASELINE, EDITED)]
            shown = _unit(name, language, [v["p95"] for v in values])
            for label, value in zip((BASELINE, EDITED), values, strict=True):
                cells[word(label, language)] = (f"{_text(value['mean'], name, language, shown)} "
                                                f"({_text(value['p5'], name, language, shown)}–"
                                                f"{_text(value['p95'], name, language, shown)})")
            change = differences.loc[(name, period)]
            difference = _difference_unit(name, language, [change["ci_high"], change["ci_low"]], shown)
            cells[word("difference", language)] = (
                f"{_signed(change['mean'], name, language, difference)} "
                f"[{_signed(change['ci_low'], name, language, difference)}, "
                f"{_signed(change['ci_high'], name, language, difference)}]")
            if shown.name != "%":
                cells[word("indicator", language)] = _label_with_unit(name, language, shown)
            rows.append(cells)
    return pd.DataFrame(rows)


def targets_table(projection: Projection, language: str) -> pd.DataFrame:
    from sim.charts.brief import target_text

    frame = projection.targets
    sign, _, value = frame["condition"].str.partition(" ").T.to_numpy()  # as the charts read targets.csv
    frame = frame.assign(at_least=[s == "≥" for s in sign], threshold=pd.to_numeric(pd.Series(value)).to_numpy())
    edited = frame[frame["scenario"] == EDITED].reset_index(drop=True)
    baseline = frame[frame["scenario"] == BASELINE].reset_index(drop=True)

    def probability(value: Any) -> str:
        return word("beyond", language) if pd.isna(value) else f"{value:.0%}"

    return pd.DataFrame({
        word("target", language): [target_text(row, language) for row in edited.itertuples()],
        word("deadline", language): edited["deadline"],
        word("baseline", language): [probability(v) for v in baseline["probability_met"]],
        word("edited", language): [probability(v) for v in edited["probability_met"]],
        word("first_met", language): [word("never", language) if pd.isna(v) else v
                                      for v in edited["median_month_first_met"]],
    })


def binding_table(projection: Projection, language: str) -> pd.DataFrame:
    from sim.binding import CONSTRAINTS

    frame = projection.binding.copy()
    frame["scenario"] = frame["scenario"].map(lambda s: word(s, language))
    frame = frame.rename(columns={"scenario": " ", "year": word("year", language),
                                  **{c: word(f"constraint.{c}", language) for c in CONSTRAINTS}})
    for c in CONSTRAINTS:
        column = word(f"constraint.{c}", language)
        frame[column] = frame[column].map(lambda v: f"{v:.0%}")
    frame[word("year", language)] = frame[word("year", language)].astype(str)
    return frame


def map_image(projection: Projection, key: tuple, layer: str, view: str, language: str) -> bytes:
    found = _recall(_maps, (*key, layer, view, language))
    if found is not None:
        return found
    from matplotlib import pyplot  # noqa: F401  (registers the backends the charts use)

    from sim.charts import maps

    folder = projection.runs[EDITED] if view == "edited" else LiveCompare(
        [(projection.names[BASELINE]["zh"], projection.runs[BASELINE]),
         (projection.names[EDITED]["zh"], projection.runs[EDITED])])
    figure = maps.street_map(folder, layer, language=language)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=110)
    _remember(_maps, (*key, layer, view, language), buffer.getvalue(), MAPS_KEPT)
    return buffer.getvalue()


def show_map(projection: Projection, key: tuple, language: str) -> None:
    st.subheader(word("map", language))
    left, right = st.columns(2)
    layer = choice(left, "selectbox", word("map_layer", language), list(MAP_LAYERS), "map_layer", language,
                   lambda name: word(f"map.{name}", language))
    view = choice(right, "radio", word("map_view", language), ["edited", "change"], "map_view", language,
                  lambda v: word(f"map_view.{v}", language), horizontal=True)
    st.image(map_image(projection, key, layer, view, language))


# --- the page ------------------------------------------------------------------------------------------------------

def describe_changes(base: Scenario, changed: dict, language: str) -> str:
    if not changed:
        return word("unchanged", language)
    levers = {lever.name: lever for lever in lever_controls()}
    before = scenario_levers(base.spec)
    parts = []
    for name, values in changed.items():
        lever = levers[name]
        if values is None:
            parts.append(word("turned_off", language, lever=lever.label(language)))
            continue
        if before[name] is None:
            parts.append(word("turned_on", language, lever=lever.label(language)))
        controls = {item.key: item for item in lever.controls}
        for key, value in values.items():
            old = (before[name] or default_section(name) or {}).get(key)
            parts.append(f"{lever.label(language)} · {controls[key].label(language)}: {_flow(old)} → {_flow(value)}")
    return word("changed", language, changes="; ".join(parts))


def header(base: Scenario, changed: dict, language: str) -> None:
    spec, city = base.spec, base.city
    name = spec.meta.name_en if language == "en" and spec.meta.name_en else spec.meta.name
    st.title(word("page_title", language))
    st.subheader(name)
    residents = f"{city.population.sum() / 1e4:,.0f}万" if language == "zh" else f"{city.population.sum():,.0f}"
    st.caption(word("city", language, districts=city.n_districts, streets=city.n_streets, residents=residents,
                    start=spec.horizon.start, end=spec.horizon.end))
    on = [lever.label(language) for lever in lever_controls() if getattr(spec.policies, lever.name) is not None]
    separator = "、" if language == "zh" else ", "
    st.caption(word("levers_on", language, levers=separator.join(on) or word("none", language)))
    st.info(describe_changes(base, changed, language))


def export_panel(base: Scenario, uploads: Path | None, overlay_for: Any, overlay: str, reps: int, seed: int,
                 language: str) -> None:
    st.subheader(word("export", language))
    st.caption(word("export_help", language))
    left, right = st.columns(2)
    left.download_button(word("download_overlay", language), overlay.encode("utf-8"), file_name="overlay.yaml",
                         mime="application/x-yaml", key="download_overlay", on_click="ignore")
    with st.expander(word("overlay_text", language)):
        st.code(overlay, language="yaml")
    state_key = ("export", overlay, reps, seed, language)
    if right.button(word("make_brief", language), key="make_brief"):
        bar = st.progress(0.0)

        def progress(done: int, total: int) -> None:
            bar.progress(done / max(total, 1), text=word("running", language, what=word("what.export", language),
                                                         done=done, total=total))

        try:
            st.session_state[state_key] = export(server.engine(), server.settings().out, base, overlay_for, seed,
                                                 reps, language, uploads=uploads, progress=progress)
        except InputError as err:
            _show_problems(word("errors", language), err)
        bar.empty()
    found = st.session_state.get(state_key)
    if found is not None:
        right.download_button(word("download_brief", language), found.brief(language).read_bytes(),
                              file_name=f"brief_{language}.pdf", mime="application/pdf", key="download_brief",
                              on_click="ignore")
        st.caption(word("written", language, folder=shown_path(found.folder)))
        st.code(f"tuoyu run {shown_path(found.overlay)} --reps {reps} --seed {seed} --out RESULTS\n"
                f"tuoyu report RESULTS --lang {language}", language="bash")


def main() -> None:
    st.set_page_config(page_title="tuoyu 托育 · meeting", layout="wide")
    page()
    # Last on the page: while Streamlit draws a new run this line is stale, so a reader (or a browser test) knows
    # the page is complete once it is fresh.
    with st.container(key="page_done"):
        st.caption(f"tuoyu-sim {sim.__version__} · {shown_path(server.settings().out)}")


def page() -> None:
    settings = server.settings()
    language = st.sidebar.radio("语言 · Language", list(LANGUAGES), key="language", horizontal=True,
                                format_func=LANGUAGES.get)
    chosen = choose_scenario(language)
    if chosen is None:
        return
    base, uploads = chosen
    st.sidebar.subheader(word("run_settings", language))
    left, right = st.sidebar.columns(2)
    reps = left.number_input(word("replications", language), 2, 500, settings.reps, 1, key="reps")
    seed = right.number_input(word("seed", language), 0, 2**31 - 1, settings.seed, 1, key="seed")
    edited_levers = lever_panel(base, language)
    changed = changes(scenario_levers(base.spec), edited_levers)
    overlay_for = make_overlay(base, changed, seed, reps)
    overlay = overlay_for(base.path)
    header(base, changed, language)
    session = _session()
    overlay_path = session.path / "overlay.yaml"
    if not overlay_path.is_file() or overlay_path.read_text(encoding="utf-8") != overlay:
        overlay_path.write_text(overlay, encoding="utf-8")
    try:
        edited = load_scenario(overlay_path)
    except InputError as err:
        _show_problems(word("overlay_errors", language), err, session.path)
        st.code(overlay, language="yaml", line_numbers=True)
        return
    if (edited.spec.horizon.start, edited.spec.horizon.end) != (base.spec.horizon.start, base.spec.horizon.end):
        _show_problems(word("overlay_errors", language), InputError([Problem("overlay.yaml", "the horizon changed")]))
        return
    outcome = compute(base, edited, int(reps), int(seed), language)
    if outcome is None:
        return
    projection, seconds = outcome
    with st.container(key="projection"):
        st.caption(word("cached" if seconds < 0 else "ready", language, reps=projection.reps, seed=projection.seed,
                        seconds=seconds))
        headline(projection, language)
        charts(projection, language)
        st.markdown(f"**{word('by_year', language)}**")
        st.dataframe(year_table(projection, language), hide_index=True, width="stretch")
        left, right = st.columns(2)
        with left:
            st.markdown(f"**{word('targets', language)}**")
            st.dataframe(targets_table(projection, language), hide_index=True, width="stretch")
        with right:
            st.markdown(f"**{word('binding', language)}**")
            binding_slot = st.empty()
    show_map(projection, (fingerprint(base), fingerprint(edited), *_names(base, edited), int(seed), int(reps)),
             language)
    export_panel(base, uploads, overlay_for, overlay, int(reps), int(seed), language)
    with binding_slot.container():
        if measure_binding(projection, base, edited, language):
            st.dataframe(binding_table(projection, language), hide_index=True, width="stretch")
