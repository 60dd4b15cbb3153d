"""Read a YAML file into plain data and remember where every key stands.

PyYAML's loaders silently keep the last of two equal keys; a scenario file with a key written twice
is almost always a mistake, so it is refused here with both line numbers. Every key path is mapped
to ``file:line:column`` so that schema errors found later can point at the line.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from sim.errors import InputError, Problem, shown_path

KeyPath = tuple[Any, ...]
Locations = dict[KeyPath, str]


def read_yaml(path: Path) -> tuple[Any, Locations]:
    """The file's data and a map from key path to ``file:line:column``."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError([Problem(shown_path(path), "no such file")]) from None
    except UnicodeDecodeError as err:
        raise InputError([Problem(shown_path(path), f"not UTF-8 text ({err.reason} at byte {err.start})")]) from None
    return parse_yaml(text, shown_path(path))


def parse_yaml(text: str, name: str) -> tuple[Any, Locations]:
    """Parse YAML text; ``name`` is used in locations and messages."""
    loader = yaml.SafeLoader(text)
    locations: Locations = {}
    duplicates: list[Problem] = []
    try:
        node = loader.get_single_node()
        data = None if node is None else _build(loader, node, (), name, locations, duplicates)
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        where = f"{name}:{mark.line + 1}:{mark.column + 1}" if mark else name
        what = " ".join(part for part in (err.context, err.problem) if part)
        raise InputError([Problem(where, f"YAML syntax: {what}")]) from None
    except yaml.YAMLError as err:
        raise InputError([Problem(name, f"YAML syntax: {err}")]) from None
    finally:
        loader.dispose()
    if duplicates:
        raise InputError(duplicates)
    return data, locations


def _where(name: str, node: yaml.Node) -> str:
    return f"{name}:{node.start_mark.line + 1}:{node.start_mark.column + 1}"


def _build(loader: yaml.SafeLoader, node: yaml.Node, path: KeyPath, name: str, locations: Locations,
           duplicates: list[Problem]) -> Any:
    if isinstance(node, yaml.MappingNode):
        loader.flatten_mapping(node)
        mapping: dict[Any, Any] = {}
        first_seen: dict[Any, str] = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            where = _where(name, key_node)
            if key in first_seen:
                duplicates.append(Problem(where, f"key {key!r} appears twice (first at {first_seen[key]})",
                                          ".".join(map(str, path))))
                continue
            first_seen[key] = where
            locations[(*path, key)] = where
            mapping[key] = _build(loader, value_node, (*path, key), name, locations, duplicates)
        return mapping
    if isinstance(node, yaml.SequenceNode):
        items = []
        for index, item in enumerate(node.value):
            locations[(*path, index)] = _where(name, item)
            items.append(_build(loader, item, (*path, index), name, locations, duplicates))
        return items
    return loader.construct_object(node, deep=True)
