"""Creation operators (_zeros, _ones, _full, _arange, _eye) against MXNet 1.9.1 goldens, and their
shape rules: attributes only, output-filled unknown dims, huge shapes refused before allocating."""
from __future__ import annotations

import time

import numpy as np
import pytest

from symcli.errors import ExecutionError, LimitError, ShapeError
from symcli.executor import Executor
from symcli.graph import Graph, Node
from symcli.infer import infer_dtypes, infer_shapes
from symcli.runner import check_memory

from test_ops_shape import CREATION_OPS, check_golden, load_goldens

CASES = [c for c in load_goldens() if c[0]["op"] in CREATION_OPS]


def test_every_creation_op_has_goldens():
    assert {spec["op"] for spec, _ in CASES} == CREATION_OPS


@pytest.mark.parametrize("spec,arrays", CASES, ids=[c[0]["name"] for c in CASES])
def test_matches_mxnet(spec, arrays):
    check_golden(spec, arrays)


def single(op: str, attrs: dict) -> Graph:
    return Graph([Node(op, "c", attrs)], [(0, 0)])


def test_huge_zeros_are_refused_from_the_inferred_shape():
    g = single("_zeros", {"shape": "(1000000, 1000000, 1000)", "dtype": "float32"})
    start = time.perf_counter()
    assert infer_shapes(g, {}).of((0, 0)) == (1000000, 1000000, 1000)
    with pytest.raises(LimitError, match="would allocate 4000000000000000 bytes"):
        check_memory(g, {}, 1 << 30)
    assert time.perf_counter() - start < 1.0  # nothing was allocated


def test_huge_arange_is_refused_from_the_inferred_shape():
    g = single("_arange", {"start": "0", "stop": "1e15", "dtype": "float64"})
    assert infer_shapes(g, {}).of((0, 0)) == (10 ** 15,)
    with pytest.raises(LimitError):
        check_memory(g, {}, 1 << 30)


def test_unknown_dims_come_from_the_consumer():
    # _zeros(shape=(0, 3)) + x: the 0 is unknown in legacy MXNet and is filled from x
    g = Graph([Node("_zeros", "z", {"shape": "(0, 3)"}), Node("null", "x"),
               Node("elemwise_add", "add", {}, [(0, 0), (1, 0)])], [(2, 0)])
    assert infer_shapes(g, {"x": (2, 3)}).of((0, 0)) == (2, 3)


def test_dtype_comes_from_the_attribute_only():
    assert infer_dtypes(single("_zeros", {"shape": "(2,)"}), {}).of((0, 0)) == "float32"
    arange = single("_arange", {"start": "0", "stop": "3", "dtype": "int64"})
    assert infer_dtypes(arange, {}).of((0, 0)) == "int64"
    assert infer_dtypes(single("_eye", {"N": "2", "dtype": "uint8"}), {}).of((0, 0)) == "uint8"


@pytest.mark.parametrize("attrs,message", [
    ({"start": "0", "stop": "3", "step": "0"}, "step=0"),
    ({"start": "3", "stop": "0"}, "Invalid range"),
    ({"start": "0", "stop": "3", "step": "-1"}, "Invalid range"),
    ({"start": "0", "stop": "3", "repeat": "0"}, "repeat > 0"),
    ({"start": "-3"}, "Invalid range"),  # no stop: the range is [0, start)
])
def test_arange_errors(attrs, message):
    with pytest.raises(ShapeError, match=message):
        infer_shapes(single("_arange", attrs), {})


def test_arange_infer_range_takes_its_length_from_the_consumer():
    g = Graph([Node("_arange", "a", {"start": "0", "infer_range": "True"}), Node("null", "x"),
               Node("elemwise_add", "add", {}, [(0, 0), (1, 0)])], [(2, 0)])
    assert infer_shapes(g, {"x": (5,)}).of((0, 0)) == (5,)
    with pytest.raises(ExecutionError, match="length is unknown"):
        Executor.bind(g, "cpu", {"x": np.zeros(5, dtype=np.float32)}).forward()


def test_zeros_without_a_known_shape_cannot_run():
    g = single("_zeros", {"shape": "(0, 3)"})
    with pytest.raises(ExecutionError, match="not fully known"):
        Executor.bind(g, "cpu", {}).forward()
