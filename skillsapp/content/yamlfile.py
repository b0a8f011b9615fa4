"""YAML that remembers line numbers, so every problem can name its line.

>>> data = load_yaml("a: 1\\nb:\\n  - x\\n  - y\\n", "f.yaml")
>>> data.line_of("b"), data["b"].line_of(1)
(2, 4)
"""

from __future__ import annotations

from typing import Any

import yaml

from skillsapp.errors import ContentError
from skillsapp.i18n import _


class LineDict(dict):
    """A mapping that knows the line of itself and of each key's value."""

    line: int = 0

    def __init__(self) -> None:
        super().__init__()
        self.lines: dict[Any, int] = {}

    def line_of(self, key: Any) -> int:
        return self.lines.get(key, self.line)


class LineList(list):
    line: int = 0

    def __init__(self) -> None:
        super().__init__()
        self.lines: list[int] = []

    def line_of(self, index: int) -> int:
        return self.lines[index] if 0 <= index < len(self.lines) else self.line


# libyaml's parser is several times faster on a 10,000-question bank; our
# constructors still run in Python and still see every node's line.
_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


_STR = yaml.resolver.BaseResolver.DEFAULT_SCALAR_TAG
_MAP = yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG
_SEQ = yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG
_SPECIAL_KEYS = {"tag:yaml.org,2002:merge", "tag:yaml.org,2002:value"}


# Answers of the implicit resolvers for short plain scalars seen before ("text",
# "options", "true", "2025"...: a 10,000-question bank asks about the same few keys 44,000
# times). The answer depends only on the value and the resolver tables, which are fixed.
_RESOLVED: dict[tuple[str, bool], str] = {}
_RESOLVED_MAX = 4096
_RESOLVED_LENGTH = 32


class _LineLoader(_BaseLoader):  # type: ignore[misc, valid-type]
    def resolve(self, kind, value, implicit):  # type: ignore[no-untyped-def]
        # libyaml asks this for every scalar: text that cannot start a number, a date, a
        # boolean or null is text (what the resolvers below would answer, 3x faster).
        if kind is yaml.ScalarNode and not self.yaml_path_resolvers:
            if not implicit[0] or (value and value[0] not in self._may_be_typed):
                return _STR
            if len(value) <= _RESOLVED_LENGTH:
                key = (value, implicit[1])
                tag = _RESOLVED.get(key)
                if tag is None:
                    tag = super().resolve(kind, value, implicit)
                    if len(_RESOLVED) < _RESOLVED_MAX:
                        _RESOLVED[key] = tag
                return tag
        return super().resolve(kind, value, implicit)


# The first characters the implicit resolvers look at ('' for the empty value).
_LineLoader._may_be_typed = frozenset(  # type: ignore[attr-defined]
    key for key in _LineLoader.yaml_implicit_resolvers if key
)
assert None not in _LineLoader.yaml_implicit_resolvers  # no resolver for every value


def _mapping(loader: _LineLoader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    result = LineDict()
    result.line = node.start_mark.line + 1
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        try:
            hash(key)
        except TypeError:
            key = str(key)
        result[key] = loader.construct_object(value_node, deep=True)
        result.lines[key] = key_node.start_mark.line + 1
    return result


def _sequence(loader: _LineLoader, node: yaml.SequenceNode) -> LineList:
    result = LineList()
    result.line = node.start_mark.line + 1
    for child in node.value:
        result.append(loader.construct_object(child, deep=True))
        result.lines.append(child.start_mark.line + 1)
    return result


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)
_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _sequence)


def _build(loader: _LineLoader, node: yaml.Node, made: dict[int, Any]) -> Any:
    """What ``loader.construct_object(node, deep=True)`` gives, built directly: the
    constructors above, without PyYAML's general machinery (twice as fast on a
    10,000-question bank). Other tags (numbers, dates, ``!!set``…) go to PyYAML."""
    if id(node) in made:  # an alias: the same object, as PyYAML gives
        return made[id(node)]
    if node.tag == _STR and isinstance(node, yaml.ScalarNode):
        return node.value
    if node.tag == _MAP and isinstance(node, yaml.MappingNode):
        if any(key.tag in _SPECIAL_KEYS for key, _value in node.value):
            loader.flatten_mapping(node)
        mapping = LineDict()
        mapping.line = node.start_mark.line + 1
        made[id(node)] = mapping
        for key_node, value_node in node.value:
            key = _build(loader, key_node, made)
            try:
                hash(key)
            except TypeError:
                key = str(key)
            mapping[key] = _build(loader, value_node, made)
            mapping.lines[key] = key_node.start_mark.line + 1
        return mapping
    if node.tag == _SEQ and isinstance(node, yaml.SequenceNode):
        sequence = LineList()
        sequence.line = node.start_mark.line + 1
        made[id(node)] = sequence
        for child in node.value:
            sequence.append(_build(loader, child, made))
            sequence.lines.append(child.start_mark.line + 1)
        return sequence
    value = loader.construct_object(node, deep=True)
    made[id(node)] = value
    return value


def _load(text: str) -> Any:
    loader = _LineLoader(text)
    try:
        node = loader.get_single_node()
        return None if node is None else _build(loader, node, {})
    finally:
        loader.dispose()


def load_yaml(text: str, where: str, first_line: int = 1) -> Any:
    """Parse YAML; a syntax error becomes a :class:`ContentError` naming the line."""
    try:
        return _load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = (mark.line + first_line) if mark else first_line
        problem = exc.problem or "syntax error"
        raise ContentError(
            f"{where}:{line}",
            _("the YAML is not valid here ({problem}). Check the indentation and quotes.").format(
                problem=problem
            ),
        ) from exc
    except yaml.YAMLError as exc:
        raise ContentError(
            where, _("the YAML is not valid ({problem}).").format(problem=str(exc))
        ) from exc
