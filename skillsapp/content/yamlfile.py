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


class _LineLoader(_BaseLoader):  # type: ignore[misc, valid-type]
    pass


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


def load_yaml(text: str, where: str, first_line: int = 1) -> Any:
    """Parse YAML; a syntax error becomes a :class:`ContentError` naming the line."""
    try:
        return yaml.load(text, Loader=_LineLoader)  # noqa: S506 - SafeLoader subclass
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
