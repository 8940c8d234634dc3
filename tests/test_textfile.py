"""The one YAML loader (``assay._textfile.load_yaml``) and the ``KEY=VALUE`` parser (``assay._keyvalues``)."""

from __future__ import annotations

import pytest
import yaml

from assay._errors import AssayError
from assay._keyvalues import parse_key_values
from assay._textfile import DuplicateKeyError, load_yaml


def test_load_yaml_reads_what_the_safe_loader_reads() -> None:
    text = "a: 1\nb: [x, {y: 2}]\nbase: &b {p: 1, q: 2}\nd:\n  <<: *b\n  p: 3\n"
    assert (
        load_yaml(text)
        == yaml.safe_load(text)
        == {
            "a": 1,
            "b": ["x", {"y": 2}],
            "base": {"p": 1, "q": 2},
            "d": {"p": 3, "q": 2},  # a merge key's value may be overridden
        }
    )
    with pytest.raises(yaml.YAMLError):
        load_yaml("!!python/object/apply:os.system ['true']")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a: 1\nb: 2\na: 3\n", "duplicate key 'a' at line 3 (first at line 1)"),
        ("top:\n  - {k: 1, k: 2}\n", "duplicate key 'k' at line 2 (first at line 2)"),
        ("outer:\n  inner: 1\n  inner: 2\n", "duplicate key 'inner' at line 3 (first at line 2)"),
        ("1: a\n1: b\n", "duplicate key 1 at line 2 (first at line 1)"),
    ],
)
def test_load_yaml_refuses_a_repeated_key(text: str, message: str) -> None:
    with pytest.raises(DuplicateKeyError) as info:
        load_yaml(text)
    assert str(info.value).splitlines() == [message]


@pytest.mark.parametrize(
    ("pairs", "message"),
    [
        (("k=5", "k=7"), "-T k: given twice ('k=5', then 'k=7'); give it once"),
        ((" k=5", "k =7"), "-T k: given twice (' k=5', then 'k =7'); give it once"),
        (("t=.nan",), "-T t=.nan: expected a finite number, got nan"),
        (("t=-.inf",), "-T t=-.inf: expected a finite number, got -inf"),
        (("t=[1",), "-T t=[1: not a YAML value (while parsing a flow sequence)"),
        (("=1",), "-T expects KEY=VALUE, got '=1'"),
    ],
)
def test_key_values_refuse_repeats_and_non_finite_numbers(pairs: tuple[str, ...], message: str) -> None:
    with pytest.raises(AssayError) as info:
        parse_key_values(pairs, "-T")
    assert str(info.value) == message


def test_key_values_read_yaml_scalars() -> None:
    assert parse_key_values(("a=1", "b=0.5", "c=text", "d=", "e=[1, 2]", "f=nan"), "-M") == {
        "a": 1,
        "b": 0.5,
        "c": "text",
        "d": "",
        "e": [1, 2],
        "f": "nan",  # a string to YAML; typed parameters refuse it as "expected float"
    }
