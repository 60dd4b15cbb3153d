"""Read a YAML file into plain data and remember where every key stands.

PyYAML's loaders silently keep the last of two equal keys; a scenario file with a key written twice
is almost always a mistake, so it is refused here with both line numbers. Every key path is mapped
to ``file:line:column`` so that schema errors found later can point at the line.

YAML lets a small text describe a huge or endless structure: aliases (``*name``) that repeat a node
many times over (a "billion laughs" bomb), a node that contains itself, nesting thousands of levels
deep. Reading is bounded so that such a file is refused in well under a second and a few MB: the
nesting depth, the number of aliases and the number of values once aliases are expanded.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from sim.errors import InputError, Problem, shown_path
from sim.scenario.files import YAML_MAX_BYTES, read_input

KeyPath = tuple[Any, ...]
Locations = dict[KeyPath, str]

# The deepest scenario key is 5 levels down (policies.public_build.projects.0.classes); sweep and calibration
# specs nest no deeper.
MAX_DEPTH = 32
# A hand-written file repeats a block with an alias a few times (``<<: *defaults``), never a thousand.
MAX_ALIASES = 1000
# Values once aliases are expanded: the province's scenario has about 150, the longest sweep spec a few hundred.
MAX_VALUES = 100_000
MERGE_TAG = "tag:yaml.org,2002:merge"


class _TooLarge(Exception):
    def __init__(self, node_or_mark: Any, message: str):
        self.mark = getattr(node_or_mark, "start_mark", node_or_mark)
        super().__init__(message)


class _BoundedLoader(yaml.SafeLoader):
    """PyYAML's safe loader with its composer bounded in depth and aliases (it recurses once per level)."""

    def __init__(self, text: str):
        super().__init__(text)
        self.depth = 0
        self.aliases = 0

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node:
        if self.check_event(yaml.AliasEvent):
            self.aliases += 1
            if self.aliases > MAX_ALIASES:
                raise _TooLarge(self.peek_event().start_mark, f"more than {MAX_ALIASES} aliases (*name)")
            return super().compose_node(parent, index)
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                raise _TooLarge(self.peek_event().start_mark, f"nested deeper than {MAX_DEPTH} levels")
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


def read_yaml(path: Path) -> tuple[Any, Locations]:
    """The file's data and a map from key path to ``file:line:column``."""
    raw = read_input(path, YAML_MAX_BYTES, "YAML file")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise InputError([Problem(shown_path(path), f"not UTF-8 text ({err.reason} at byte {err.start})")]) from None
    return parse_yaml(text, shown_path(path))


def parse_yaml(text: str, name: str) -> tuple[Any, Locations]:
    """Parse YAML text; ``name`` is used in locations and messages."""
    loader = _BoundedLoader(text)
    builder = _Builder(loader, name)
    try:
        node = loader.get_single_node()
        data = None if node is None else builder.build(node, (), 0)
    except _TooLarge as err:
        where = f"{name}:{err.mark.line + 1}:{err.mark.column + 1}" if err.mark else name
        raise InputError([Problem(where, f"{err}; a scenario never needs as many, so the file is refused")]) from None
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        where = f"{name}:{mark.line + 1}:{mark.column + 1}" if mark else name
        what = " ".join(part for part in (err.context, err.problem) if part)
        raise InputError([Problem(where, f"YAML syntax: {what}")]) from None
    except yaml.YAMLError as err:
        raise InputError([Problem(name, f"YAML syntax: {err}")]) from None
    finally:
        loader.dispose()
    if builder.problems:
        raise InputError(builder.problems)
    return data, builder.locations


class _Builder:
    """Plain data from composed nodes, counting every value (aliases once per use) and locating every key."""

    def __init__(self, loader: yaml.SafeLoader, name: str):
        self.loader, self.name = loader, name
        self.locations: Locations = {}
        self.problems: list[Problem] = []
        self.values = 0

    def _where(self, node: yaml.Node) -> str:
        return f"{self.name}:{node.start_mark.line + 1}:{node.start_mark.column + 1}"

    def build(self, node: yaml.Node, path: KeyPath, depth: int) -> Any:
        self.values += 1
        if self.values > MAX_VALUES:
            raise _TooLarge(node, f"more than {MAX_VALUES:,} values once aliases (*name) are expanded")
        if depth > MAX_DEPTH:  # an alias can make a node contain itself: deep without nesting in the text
            raise _TooLarge(node, f"nested deeper than {MAX_DEPTH} levels (through aliases)")
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path, depth)
        if isinstance(node, yaml.SequenceNode):
            items = []
            for index, item in enumerate(node.value):
                self.locations[(*path, index)] = self._where(item)
                items.append(self.build(item, (*path, index), depth + 1))
            return items
        return self._scalar(node)

    def _scalar(self, node: yaml.Node) -> Any:
        try:
            return self.loader.construct_object(node, deep=True)
        except ValueError as err:  # Python refuses whole numbers of more than 4,300 digits
            raise yaml.constructor.ConstructorError(None, None, str(err), node.start_mark) from None

    def _mapping(self, node: yaml.MappingNode, path: KeyPath, depth: int) -> dict[Any, Any]:
        mapping: dict[Any, Any] = {}
        first_seen: dict[Any, str] = {}
        merged: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            where = self._where(key_node)
            if key_node.tag == MERGE_TAG:  # ``<<: *base``: the keys written here win over the merged ones
                merged = {**self._merge_sources(value_node, path, depth), **merged}
                continue
            if not isinstance(key_node, yaml.ScalarNode):
                kind = "list" if isinstance(key_node, yaml.SequenceNode) else "mapping"
                self.problems.append(Problem(where, f"expected a key (a name or a number), got a {kind}",
                                             ".".join(map(str, path))))
                continue
            key = self._scalar(key_node)
            if key in first_seen:
                self.problems.append(Problem(where, f"key {key!r} appears twice (first at {first_seen[key]})",
                                             ".".join(map(str, path))))
                continue
            first_seen[key] = where
            self.locations[(*path, key)] = where
            mapping[key] = self.build(value_node, (*path, key), depth + 1)
        # A ``<<`` after the keys written here located the merged keys at the merged block: the written ones win.
        self.locations.update({(*path, key): where for key, where in first_seen.items()})
        return {**{k: v for k, v in merged.items() if k not in mapping}, **mapping}

    def _merge_sources(self, node: yaml.Node, path: KeyPath, depth: int) -> dict[Any, Any]:
        """The mapping (or list of mappings, the first winning) that ``<<`` merges in."""
        sources = node.value if isinstance(node, yaml.SequenceNode) else [node]
        merged: dict[Any, Any] = {}
        for source in reversed(sources):
            if not isinstance(source, yaml.MappingNode):
                self.problems.append(Problem(self._where(source), "expected a mapping to merge (<<: *name)",
                                             ".".join(map(str, path))))
                continue
            merged.update(self.build(source, path, depth + 1))
        return merged
