"""The page's controls, generated from the lever registry and the scenario schema (政策工具的控件).

Every section of ``policies:`` is a lever (:func:`sim.scenario.policy_schema.levers`); every key of its section
becomes a control whose kind, bounds and unit come from the schema (the same walk as the scenario reference,
:mod:`sim.reference`), whose labels come from :data:`LABELS` where the key is known and from the key itself where
it is not. A lever added to the schema therefore appears on the page with controls for all its keys, without any
change here; a Chinese label for a new key is one line in :data:`LABELS`.

What the page's controls hold is turned into a *scenario overlay*: a YAML file that ``extends`` the scenario and
writes only what the meeting changed, so ``tuoyu run`` on it gives what the page showed.
"""

from __future__ import annotations

import math
import re
import typing
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel

from sim.reference import MONTH_CHECK, _is_param, _strip_none, _unit, _value_metadata, bounds
from sim.scenario.lever_info import LeverInfo
from sim.scenario.market_schema import ClassCounts
from sim.scenario.params import PER_EVENT
from sim.scenario.policy_schema import Policies, levers

Kind = Literal["number", "whole", "month", "choice", "choices", "switch", "years", "group", "yaml"]

# Labels of the keys the levers have today: (English, 中文). A key not listed here is labelled by its own words.
LABELS: dict[str, tuple[str, str]] = {
    "projects_per_year": ("New institutions per year", "每年新建机构数"),
    "projects": ("Projects at named streets", "指定街道的项目"),
    "classes": ("Classes of each", "班级配置"),
    "infant": ("Infant classes (6–12 months)", "乳儿班"),
    "toddler": ("Toddler classes (12–24 months)", "托小班"),
    "older": ("Older classes (24–36 months)", "托大班"),
    "mixed": ("Mixed classes (18–36 months)", "混合班"),
    "cost_yuan_per_place": ("Cost per place", "每托位建设成本"),
    "build_months": ("Build time", "建设周期"),
    "fee_yuan_per_month": ("Monthly fee", "月收费"),
    "classes_per_year": ("Classes added per year", "每年新增班级数"),
    "band": ("Age band", "班型"),
    "yuan_per_place": ("Subsidy per place", "每托位补贴"),
    "eligible_types": ("Eligible provider types", "补贴对象"),
    "start": ("Start", "开始月份"),
    "end": ("End", "结束月份"),
    "places_per_1000_residents": ("Places per 1,000 residents", "每千人托位标准"),
    "compliance_share": ("Developments that comply", "配建达标比例"),
    "lag_months": ("Months until open", "开办滞后"),
    "places_per_year": ("Places delivered per year", "每年补建托位数"),
    "purchase_share": ("Share bought", "购置比例"),
    "swap_share": ("Share swapped", "置换比例"),
    "purchase_yuan_per_place": ("Purchase per place", "每托位购置成本"),
    "swap_yuan_per_place": ("Swap per place", "每托位置换成本"),
    "lease_yuan_per_place_per_month": ("Lease per place and month", "每托位月租金"),
    "deadline": ("Deadline", "完成期限"),
    "centres_per_year": ("Centres started per year", "每年可建中心数"),
    "capital_yuan_per_place": ("Capital per place", "每托位建设投入"),
    "operating_yuan_per_place_per_month": ("Operator payment per place and month", "每托位月运营补助"),
    "pace_share": ("Share of the pace that closes the gap", "推进力度"),
    "pace_growth_per_year": ("Yearly rise of the pace", "力度年增幅"),
    "registration_share": ("Share by registering centres", "备案存量机构比例"),
    "kindergarten_share": ("Share by kindergarten classes", "幼儿园托班比例"),
    "registration_yuan_per_place": ("Registration support per place", "每托位备案扶持"),
    "kindergarten_yuan_per_class": ("Kindergarten conversion per class", "每班托班改造费用"),
    "conversion_yuan_per_place": ("Conversion per place", "每托位改造成本"),
    "conversion_months": ("Conversion time", "改造周期"),
    "conversion_yuan_per_class": ("Conversion per class", "每班改造费用"),
    "points_per_year": ("Points per year", "每年新增点位"),
    "payment_yuan_per_place_per_month": ("Payment per place and month", "每托位月购买服务费"),
    "setup_months": ("Set-up time", "筹建周期"),
    "month_of_year": ("Month of the evaluation", "评估月份"),
    "fail_share": ("Share failing", "不合格比例"),
    "close_share_if_failed": ("Share of failures closed", "不合格关停比例"),
    "vouchers_per_year": ("Vouchers per year", "每年发放体验券"),
    "value_yuan": ("Value of a voucher", "每张面值"),
    "trial_share": ("Vouchers that lead to a trial", "试托比例"),
    "retention_share": ("Trial families who stay", "留托比例"),
    "campaigns": ("Campaigns", "宣传活动"),
    "half_life_months": ("Half-life of awareness", "宣传效果半衰期"),
    "subsidy_yuan_per_point": ("Subsidy per point", "每个托育点补贴"),
    "yuan_per_child_per_month": ("Subsidy per child and month", "每名儿童每月补贴"),
    "fee_pass_through_share": ("Share passed on to fees", "让利家庭比例"),
    "yuan_per_place_per_month": ("Relief per place and month", "每托位每月减免"),
    "yuan_per_child_per_year": ("Subsidy per child and year", "每名儿童每年补贴"),
    "fee_effect_share": ("Share counted against the fee", "抵扣托费比例"),
    "trainees_per_year": ("Training places per year", "每年培训人次"),
    "start_months_of_year": ("Months cohorts start", "开班月份"),
    "duration_months": ("Course length", "培训时长"),
    "pass_share": ("Pass rate", "通过率"),
    "upskilling_share": ("Share for uncertified carers", "在岗人员培训比例"),
    "cost_yuan_per_trainee": ("Cost per trainee", "每人次培训费用"),
    "effective": ("In force from", "全面执行时间"),
    "schedule": ("Phase-in", "分阶段要求"),
}
# Units as the scenario reference names them (by the key's ending), in Chinese.
UNITS_ZH = {"months": "个月", "share (0–1)": "比例（0–1）", "per year": "每年", "per 1,000 residents": "每千人",
            "per 1,000 per year": "每千人每年", "per 1,000 births": "每千名出生", "per 1,000 newcomers": "每千名迁入者",
            "share per month": "每月比例", "share per year": "每年比例", "share of places": "占托位比例",
            "children": "人", "yuan": "元"}
YUAN_PER_ZH = {"place": "托位", "month": "月", "year": "年", "child": "儿童", "class": "班", "point": "点",
               "trainee": "人次"}
# Months a month control offers around the horizon: a lever may start before it (the push from 2021) or end after.
MONTHS_BEFORE_YEARS, MONTHS_AFTER_YEARS = 5, 3


@dataclass(frozen=True)
class Control:
    """One key of a lever's section as the page shows it."""

    key: str
    kind: Kind
    label_en: str
    label_zh: str
    unit_en: str = ""
    help: str = ""
    low: float | None = None
    high: float | None = None
    options: tuple[Any, ...] = ()
    optional: bool = False  # may be left empty (an open end)
    whole: bool = False  # takes whole numbers (years' values too)
    per_event: bool = False
    parts: tuple[Control, ...] = ()  # a nested section's keys (the classes of a new institution)

    def label(self, language: str) -> str:
        return self.label_zh if language == "zh" else self.label_en

    def unit(self, language: str) -> str:
        return unit_zh(self.unit_en) if language == "zh" else self.unit_en


@dataclass(frozen=True)
class LeverControls:
    """A lever: its declaration (speech section, labels) and a control per key of its section."""

    name: str
    info: LeverInfo
    doc: str
    controls: tuple[Control, ...] = field(default=())

    def label(self, language: str) -> str:
        return self.info.label(language)


def unit_zh(unit: str) -> str:
    """A unit of the scenario reference in Chinese: yuan per place per month → 元/托位/月."""
    if unit.startswith("yuan per "):
        return "元/" + "/".join(YUAN_PER_ZH.get(part, part) for part in unit.removeprefix("yuan per ").split(" per "))
    return UNITS_ZH.get(unit, unit)


def _words(key: str) -> str:
    text = key.replace("_", " ").replace(" 1000", " 1,000")
    return text[:1].upper() + text[1:]


def _choices(annotation: Any, metadata: list[Any]) -> tuple[Any, ...]:
    """The values a key may take, when the schema lists them (a Literal, or a pattern of alternatives)."""
    if typing.get_origin(annotation) is Literal:
        return typing.get_args(annotation)
    for item in metadata:
        pattern = getattr(item, "pattern", None)
        if isinstance(pattern, str) and (found := re.fullmatch(r"\^\(([\w|]+)\)\$", pattern)):
            return tuple(found.group(1).split("|"))
    return ()


def control(key: str, info: Any) -> Control:
    """The control of one field of a lever's section (``info``: pydantic's FieldInfo)."""
    annotation, optional = _strip_none(info.annotation)
    metadata = list(info.metadata)
    label_en, label_zh = LABELS.get(key, (_words(key), _words(key)))
    common = {"key": key, "label_en": label_en, "label_zh": label_zh,
              "help": " ".join((info.description or "").split()), "optional": optional,
              "per_event": info.json_schema_extra == PER_EVENT}
    unit = _unit(key)
    low, high = bounds(metadata + _value_metadata(annotation))
    if low == 0 and high == 1 and not unit:
        unit = "share (0–1)"
    elif unit == "share (0–1)" and high != 1:  # a multiple named a share (the push's pace_share, up to 5)
        unit = ""
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if typing.get_origin(annotation) is typing.Annotated:  # e.g. an optional month: Month | None
        inner, *more = typing.get_args(annotation)
        metadata += more
        annotation, origin, args = inner, typing.get_origin(inner), typing.get_args(inner)
    if _is_param(annotation, metadata):
        return Control(kind="number", unit_en=unit, low=low, high=high, **common)
    if annotation is bool:
        return Control(kind="switch", **common)
    if annotation is int:
        return Control(kind="whole", unit_en=unit, low=low, high=high, whole=True, **common)
    if annotation is float:
        return Control(kind="number", unit_en=unit, low=low, high=high, **common)
    if annotation is str and any(item is MONTH_CHECK for item in metadata):
        return Control(kind="month", **common)
    if choices := _choices(annotation, metadata):
        return Control(kind="choice", options=choices, **common)
    if origin is list and (choices := _choices(args[0], [])):
        return Control(kind="choices", options=choices, **common)
    if origin is list and typing.get_origin(args[0]) is typing.Annotated and typing.get_args(args[0])[0] is int:
        constraints = [c for item in typing.get_args(args[0])[1:] for c in getattr(item, "metadata", [item])]
        first, last = bounds(constraints)
        if first is not None and last is not None and last - first <= 24:  # months of the year, say
            return Control(kind="choices", options=tuple(range(int(first), int(last) + 1)), whole=True, **common)
    if origin is dict and args[0] is int:
        value = args[1]
        inner = typing.get_args(value)[0] if typing.get_origin(value) is typing.Annotated else value
        if inner in (int, float) or _is_param(value, []):
            return Control(kind="years", unit_en=unit, low=low, high=high, whole=inner is int, **common)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        parts = tuple(control(k, f) for k, f in annotation.model_fields.items())
        if all(part.kind in ("whole", "number", "switch", "choice", "month") for part in parts):
            return Control(kind="group", parts=parts, **common)
    return Control(kind="yaml", **common)  # anything else (a list of projects, a schedule) is edited as YAML


def section_model(name: str) -> type[BaseModel]:
    """The schema class of ``policies.<name>``."""
    annotation, _ = _strip_none(Policies.model_fields[name].annotation)
    return annotation


def controls_of(name: str, model: type[BaseModel]) -> LeverControls:
    """The controls of a lever's section: one per key, in the schema's order."""
    return LeverControls(name, model.lever, " ".join((model.__doc__ or "").split()),
                         tuple(control(key, f) for key, f in model.model_fields.items()))


@cache
def lever_controls() -> tuple[LeverControls, ...]:
    """Every lever of the registry, in the order of the ``policies`` section, with its controls."""
    return tuple(controls_of(name, section_model(name)) for name in levers())


def default_section(name: str) -> dict[str, Any] | None:
    """A lever's section with the schema's defaults (what turning an absent lever on starts from), or None when
    the schema needs a value the page cannot guess."""
    try:
        return section_model(name)().model_dump()
    except ValueError:
        return None


def scenario_levers(spec: Any) -> dict[str, dict[str, Any] | None]:
    """Each lever's section as the scenario has it (None: off)."""
    return {name: (None if (section := getattr(spec.policies, name)) is None else section.model_dump())
            for name in Policies.model_fields}


# --- ranges of the sliders -----------------------------------------------------------------------------------------

def nice(value: float) -> float:
    """The 1, 2 or 5 × 10^k at or above ``value``."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    return next(step * power for step in (1, 2, 5, 10) if step * power >= value * (1 - 1e-12))


def slider_range(item: Control, value: float) -> tuple[float, float, float] | None:
    """(lowest, highest, step) of a slider for ``value``, or None when a number box suits better: the schema's
    bounds where they are narrow (shares, months), else up to four times the scenario's value."""
    low, high = item.low, item.high
    if low is None or high is None or not math.isfinite(low):
        return None
    if item.whole:
        return (low, high, 1) if high - low <= 24 else None
    if high - low <= 1:
        return low, high, 0.01
    if high - low <= 120:
        return low, high, nice((high - low) / 120)
    if value <= 0:
        return None
    top = min(high, nice(4 * value))
    step = nice(top / 200)
    return low, top, step


def month_options(start: str, end: str, *values: str | None) -> list[str]:
    """Months offered by a month control: from five years before the horizon to three after, and any month the
    scenario already uses."""
    first, last = int(start[:4]) - MONTHS_BEFORE_YEARS, int(end[:4]) + MONTHS_AFTER_YEARS
    months = [f"{year}-{month:02d}" for year in range(first, last + 1) for month in range(1, 13)]
    return sorted(set(months) | {v for v in values if v})


# --- the overlay ---------------------------------------------------------------------------------------------------

def _same(a: Any, b: Any) -> bool:
    if isinstance(a, int | float) and isinstance(b, int | float) and not isinstance(a, bool):
        return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-12)
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return a == b


def changes(scenario: dict[str, dict[str, Any] | None], edited: dict[str, dict[str, Any] | None]
            ) -> dict[str, dict[str, Any] | None]:
    """What the meeting changed, lever by lever: None for a lever turned off, the keys whose values differ for one
    that stays on, and for one turned on the keys that differ from the schema's defaults (an empty section if
    none)."""
    found: dict[str, dict[str, Any] | None] = {}
    for name, values in edited.items():
        before = scenario.get(name)
        if values is None:
            if before is not None:
                found[name] = None
            continue
        reference = before if before is not None else (default_section(name) or {})
        changed = {key: value for key, value in values.items() if key not in reference
                   or not _same(value, reference[key])}
        if changed or before is None:
            found[name] = changed
    return found


def _plain(value: Any) -> Any:
    """A value as the overlay writes it: whole floats as whole numbers (10000, not 10000.0)."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return int(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


class _Dumper(yaml.SafeDumper):
    pass


def _flow_small(dumper: yaml.SafeDumper, data: dict) -> yaml.Node:
    """Counts by year, a distribution and classes by age band on one line, as the scenarios write them."""
    flow = all(not isinstance(v, dict | list) for v in data.values()) and (
        all(isinstance(k, int) for k in data) or "dist" in data or set(data) <= set(ClassCounts.model_fields))
    return dumper.represent_mapping("tag:yaml.org,2002:map", data, flow_style=flow)


_Dumper.add_representer(dict, _flow_small)


def overlay_text(base: Path, name: str, name_en: str | None, changed: dict[str, dict[str, Any] | None],
                 header: list[str]) -> str:
    """The overlay file: ``extends`` the scenario (by its absolute path, so the file works wherever it is saved on
    this machine), renames it, and writes the levers changed."""
    body: dict[str, Any] = {"extends": str(base), "meta": {"name": name}}
    if name_en:
        body["meta"]["name_en"] = name_en
    if changed:
        body["policies"] = _plain(changed)
    text = yaml.dump(body, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=110)
    return "".join(f"# {line}\n" if line else "#\n" for line in header) + text
