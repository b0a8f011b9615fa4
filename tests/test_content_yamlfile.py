"""YAML with line numbers: the fast path gives what PyYAML's own construction gives."""

from __future__ import annotations

import datetime

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from skillsapp.content import yamlfile
from skillsapp.content.yamlfile import LineDict, LineList, load_yaml
from skillsapp.errors import ContentError


class Reference(yamlfile._BaseLoader):  # PyYAML's resolver and construction, our line types
    pass


Reference.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, yamlfile._mapping)
Reference.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, yamlfile._sequence)


def reference(text: str):
    return yaml.load(text, Loader=Reference)  # noqa: S506 - SafeLoader subclass


def same(a, b) -> bool:
    """Equal values of equal types, with equal lines everywhere."""
    if type(a) is not type(b):
        return False
    if isinstance(a, LineDict):
        return (
            a.line == b.line
            and a.lines == b.lines
            and list(a) == list(b)
            and all(same(a[k], b[k]) for k in a)
        )
    if isinstance(a, LineList):
        return (
            a.line == b.line
            and a.lines == b.lines
            and len(a) == len(b)
            and all(same(x, y) for x, y in zip(a, b, strict=True))
        )
    return a == b


# Text that looks like other types too: yes/no, numbers, dates, null, "~".
texts = st.one_of(
    st.text(alphabet="aăâbcdđeêghiklmnoôơpqrstuưvxyàảãáạ 0123456789.:-+~#'\"/", max_size=20),
    st.sampled_from(["yes", "No", "on", "null", "~", "1e3", "0x1F", "2025-04-29", ".5", "-7", ""]),
)
scalars = st.one_of(
    texts,
    st.integers(),
    st.floats(allow_nan=False),
    st.booleans(),
    st.none(),
    st.dates(min_value=datetime.date(1900, 1, 1)),
)
documents = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(texts, inner, max_size=4)),
    max_leaves=25,
)


@settings(max_examples=300, deadline=None)
@given(documents, st.sampled_from([False, True, None]))
def test_values_types_and_lines_are_those_of_pyyaml(document, flow):
    text = yaml.safe_dump(document, allow_unicode=True, default_flow_style=flow)
    assert same(load_yaml(text, "f.yaml"), reference(text))


def test_anchors_merge_keys_and_other_tags_are_as_in_pyyaml():
    text = (
        "base: &base {kind: choice, difficulty: easy}\n"
        "question:\n  <<: *base\n  id: q-1\n"
        "again: *base\n"
        "group: !!set {a, b}\n"
        "pairs: !!omap [{a: 1}, {b: 2}]\n"
        "when: 2025-04-29\n"
        "count: 12\n"
    )
    loaded = load_yaml(text, "f.yaml")
    assert same(loaded, reference(text))
    assert loaded["question"]["kind"] == "choice" and loaded["question"].line_of("id") == 4
    assert loaded["again"] is loaded["base"]


def test_a_document_that_holds_itself_does_not_loop():
    loaded = load_yaml("&a [1, *a]\n", "f.yaml")
    assert loaded[0] == 1 and loaded[1] is loaded


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("a: 1\nb: [1, 2\nc: 3\n", 3),
        ("a: 1\n  b: 2\n", 2),
        ("x: !!python/object:os.system {}\n", 1),
    ],
)
def test_an_error_names_its_line(text, line):
    with pytest.raises(ContentError) as raised:
        load_yaml(text, "questions/a.yaml")
    assert raised.value.where == f"questions/a.yaml:{line}"


def test_values_resolved_from_memory_are_those_resolved_afresh():
    text = "text: yes\noptions: [on, 0x1F, 2025-04-29, ~, .5, -7, 1e3, true, tên]\n" * 3
    yamlfile._RESOLVED.clear()
    first = load_yaml(text, "f.yaml")
    assert ("yes", False) in yamlfile._RESOLVED  # remembered
    assert same(first, reference(text))
    assert same(load_yaml(text, "f.yaml"), reference(text))
