"""Layered scenario files: ``extends:`` and ``--set`` overrides.

A file may start with ``extends: base.yaml`` (or a list of files, applied left to right): the base is
read first and the file's own keys are deep-merged on top, the child winning; bases may extend
others, and a cycle is refused. ``--set dotted.key=value`` overrides come last. Every value keeps the
location that set it (``file:line:column`` or ``--set …``), so errors point at the right layer.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

from sim.errors import InputError, Problem, show, shown_path
from sim.scenario.yamlio import KeyPath, Locations, parse_yaml, read_yaml

PATH_SUFFIXES = ("_csv", "_xlsx")  # keys naming a file


def load_layers(path: Path, _chain: tuple[Path, ...] = (), warnings: list[Problem] | None = None,
                ) -> tuple[dict[str, Any], Locations, list[Path]]:
    """The merged data of ``path`` and everything it extends, their locations and the files read; a layer that
    replaces another's city data adds a warning to ``warnings``."""
    warnings = warnings if warnings is not None else []
    path = path.resolve()
    if path in _chain:
        cycle = " → ".join(p.name for p in (*_chain[_chain.index(path):], path))
        raise InputError([Problem(shown_path(_chain[-1]), f"extends makes a cycle: {cycle}", "extends")])
    data, locations = read_yaml(path)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise InputError([Problem(f"{path}:1:1", f"expected a mapping of sections (meta, horizon, …), "
                                                 f"got a {type(data).__name__}")])
    _resolve_paths(data, path.parent, ())
    bases = data.pop("extends", None)
    if bases is None:
        return data, locations, [path]
    if isinstance(bases, str):
        bases = [bases]
    if not isinstance(bases, list) or not all(isinstance(b, str) for b in bases):
        raise InputError([Problem(locations[("extends",)], f"expected a file name or a list of file names, "
                                                             f"got {show(bases)}", "extends")])
    merged: dict[str, Any] = {}
    merged_locations: Locations = {}
    files: list[Path] = []
    for base in bases:
        base_path = path.parent / base
        if not base_path.is_file():
            raise InputError([Problem(locations[("extends",)], f"no such file {base!r} (looked for {base_path})",
                                      "extends")])
        base_data, base_locations, base_files = load_layers(base_path, (*_chain, path), warnings)
        warnings += _replaced_city(merged, merged_locations, base_data, base_locations,
                                   "extends applies its files left to right, so the last one's city wins; list "
                                   "your own city's file last, or name your files in this file")
        merged = deep_merge(merged, base_data)
        merged_locations.update(base_locations)
        files += base_files
    warnings += _replaced_city(merged, merged_locations, data, locations,
                               "the rest of that file was written for its own city: check its budget and levers "
                               "against this one")
    return deep_merge(merged, data), {**merged_locations, **locations}, [*files, path]


SAME_CITY_DATA = ("providers_csv", "new_housing_csv")


def _replaced_city(earlier: dict[str, Any], earlier_at: Locations, later: dict[str, Any], later_at: Locations,
                   advice: str) -> list[Problem]:
    """A warning if ``later`` names other city files than ``earlier`` (a layer on top of it) did."""
    old, new = earlier.get("geography"), later.get("geography")
    if not isinstance(old, dict) or not isinstance(new, dict):
        return []
    keys = [key for key, value in new.items()  # null turns a file off: no other city's data come in
            if key in old and old[key] != value and old[key] is not None and value is not None]
    if new.get("streets_csv") is not None and new.get("streets_csv") == old.get("streets_csv"):
        # The same streets named again: the same city with other providers or housing (a history, another date);
        # the providers' and housing's streets are checked against them.
        keys = [key for key in keys if key not in SAME_CITY_DATA]
    if not keys:
        return []
    where = later_at.get(("geography", keys[0]), later_at.get(("geography",), ""))
    before = earlier_at.get(("geography", keys[0]), "an earlier file")
    files = ", ".join(f"{key} {_file(old[key])} → {_file(new[key])}" for key in keys)
    return [Problem(where, f"replaces the city data set at {before}: {files}; {advice}", "geography")]


def _file(value: Any) -> str:
    return shown_path(value) if isinstance(value, str) else show(value)


def deep_merge(base: dict[str, Any], child: dict[str, Any]) -> dict[str, Any]:
    """``child`` on top of ``base``: mappings merge key by key, anything else is replaced."""
    out = dict(base)
    for key, value in child.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = deep_merge(out[key], value)
        else:
            out[key] = value
    return out


def _resolve_paths(node: Any, folder: Path, path: KeyPath) -> None:
    """Paths to CSV files are relative to the file that names them, whichever file extends it."""
    if isinstance(node, dict):
        for key, value in node.items():
            if isinstance(key, str) and key.endswith(PATH_SUFFIXES) and isinstance(value, str):
                node[key] = str((folder / value).resolve())
            else:
                _resolve_paths(value, folder, (*path, key))


def parse_override(text: str) -> tuple[KeyPath, Any]:
    """``demography.new_housing.occupancy_share=0.6`` → (key path, value), the value read as YAML."""
    where = f"--set {text}"
    key, sep, raw = text.partition("=")
    if not sep or not key.strip():
        raise InputError([Problem(where, "expected KEY=VALUE, e.g. demography.death_rate_per_1000_per_year=8.0")])
    keys = tuple(int(part) if part.isdigit() else part for part in key.strip().split("."))
    if any(part == "" for part in keys):
        raise InputError([Problem(where, f"empty part in key {key.strip()!r}")])
    try:
        value = parse_yaml(raw, "value")[0] if raw.strip() else None
    except InputError as err:
        raise InputError([Problem(where, f"the value is not valid YAML: {p}") for p in err.problems]) from None
    return keys, value


def apply_overrides(data: dict[str, Any], locations: Locations, overrides: list[str]) -> dict[str, Any]:
    """``data`` with every ``--set`` applied; their locations are recorded as ``--set …``."""
    out = deep_merge({}, data)
    for text in overrides:
        keys, value = parse_override(text)
        node = out
        for depth, part in enumerate(keys[:-1]):
            child = node.get(part)
            if child is None:
                child = node[part] = {}
            elif not isinstance(child, dict):
                prefix = ".".join(map(str, keys[: depth + 1]))
                raise InputError([Problem(f"--set {text}", f"{prefix} is a value, not a section, so it has no "
                                                           f"key {keys[depth + 1]!r}")])
            else:
                child = node[part] = dict(child)
            node = child
        if isinstance(keys[-1], str) and keys[-1].endswith(PATH_SUFFIXES) and isinstance(value, str):
            value = str(Path(value).resolve())
        node[keys[-1]] = value
        locations[keys] = f"--set {text}"
        for depth in range(1, len(keys)):  # sections the override created; existing ones keep their place
            locations.setdefault(keys[:depth], f"--set {text}")
    return out


def overlay_text(scenario: Path, overrides: Sequence[str], values: dict[str, Any], out: Path, header: str) -> str:
    """A scenario file to be written into the folder ``out`` that ``extends:`` ``scenario`` and sets the ``--set``
    ``overrides`` it was run with, then ``values`` (dotted key → value), under the comment ``header``. The base is
    named relative to ``out``, so the folder and its scenarios can move together."""
    scenario = scenario.resolve()
    try:
        base = Path(os.path.relpath(scenario, out.resolve())).as_posix()
    except ValueError:  # another drive (Windows): no relative path
        base = scenario.as_posix()
    tree: dict[str, Any] = {}
    settings = [parse_override(text) for text in overrides]
    settings += [(tuple(int(part) if part.isdigit() else part for part in key.split(".")), value)
                 for key, value in values.items()]
    for keys, value in settings:
        node = tree
        for part in keys[:-1]:
            node = node.setdefault(part, {})
        node[keys[-1]] = value
    return header + yaml.safe_dump({"extends": base, **tree}, allow_unicode=True, sort_keys=False)
